"""The error summary in a real browser: focused when the page loads, each link takes the reader
to its field, and the page with errors is accessible (axe-core); and the preview's list of what
was removed from a draft."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from declarations.tests.factories import PolicyFactory, PolicyVersionFactory
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table, the role groups made by a migration included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def _focused(page) -> str:
    return page.evaluate(
        "() => document.activeElement.id || "
        "(document.activeElement.hasAttribute('data-error-summary') ? 'summary' : '')"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_form_sent_with_mistakes_opens_on_its_summary(page, live_server, policy_admin):
    PolicyFactory(slug="it")
    sign_in(page, live_server, policy_admin)
    page.goto(f"{live_server.url}{reverse('declarations:version_create', args=['it'])}")
    page.get_by_role("button", name="Save draft").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert summary.is_visible()
    assert _focused(page) == "summary"
    assert_accessible(page)
    summary.get_by_role("link", name="Enter the date this version takes effect.").click()
    assert _focused(page) == "id_effective_date"
    summary.get_by_role("link", name="Enter the version's label, for example 4.0.").click()
    assert _focused(page) == "id_label"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_preview_saying_what_was_removed_is_accessible(page, live_server, policy_admin):
    draft = PolicyVersionFactory(
        body_markdown="Read [this](javascript:x()).\n\n<script>x()</script>"
    )
    sign_in(page, live_server, policy_admin)
    page.goto(f"{live_server.url}{reverse('declarations:admin_version', args=[draft.pk])}")
    assert page.get_by_text("A script was removed").is_visible()
    assert_accessible(page)
