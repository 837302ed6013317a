"""Naming the weekly summary's recipients in a real browser, at desktop and phone widths: the
search, a refused address in the error summary, then the saved list on the campaign page,
each step accessible (axe-core)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from declarations.tests.factories import CampaignFactory, PolicyVersionFactory
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table, the role groups made by a migration included.
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_a_policy_administrator_names_the_leaders_who_get_the_summary(
    page, live_server, policy_admin, width
):
    page.set_viewport_size({"width": width, "height": 900})
    UserFactory(full_name="Constance Chief", email="chief@example.org", job_title="Chief Constable")
    campaign = CampaignFactory(
        open=True,
        name="Annual declaration 2026",
        versions=[PolicyVersionFactory(published=True)],
    )
    sign_in(page, live_server, policy_admin)
    page.goto(f"{live_server.url}{reverse('declarations:campaign', args=[campaign.pk])}")
    assert page.get_by_text("Nobody receives it yet.").is_visible()
    page.get_by_role("link", name="Choose who receives it").click()
    assert page.get_by_role("heading", name="Who receives the weekly summary").is_visible()
    assert_accessible(page)

    page.get_by_label("Name or email").fill("constance")
    page.get_by_role("button", name="Find").click()
    assert page.get_by_text("chief@example.org").is_visible()
    assert_accessible(page)

    field = page.get_by_label("Email addresses of the people who receive the weekly summary")
    field.fill("chief@example.org\nnobody@example.org")
    page.get_by_role("button", name="Save who receives it").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert summary.is_visible()
    assert page.get_by_text(
        "Nobody in the portal has the email address nobody@example.org"
    ).first.is_visible()
    assert field.input_value() == "chief@example.org\nnobody@example.org"
    assert_accessible(page)

    field.fill("chief@example.org")
    page.get_by_role("button", name="Save who receives it").click()
    assert page.get_by_text("The weekly summary goes to 1 person.").is_visible()
    assert page.get_by_text("to: Constance Chief.").is_visible()
    assert page.get_by_text("The next goes out on").is_visible()
    assert_accessible(page)
