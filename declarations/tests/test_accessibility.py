"""Every declarations page a person or policy administrator uses, in Chromium, checked with
axe-core (WCAG 2.2 AA; serious and critical problems fail). The full journeys (email link to
receipt; publish to report) are in the browser journey tests."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from declarations.tests.factories import (
    CampaignFactory,
    CheckQuestionFactory,
    DeclarationFactory,
    ExtraStatementFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

BODY = """# Scope

1. This policy applies to **all members of staff**.
2. Read it with the [Staff Handbook](https://example.org/handbook).

## Monitoring

| Medium | What we may monitor |
| --- | --- |
| Email | Traffic to and from your account |
"""


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups made by a data
    # migration included; put them back so the tests here do not depend on running first.
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def scene(alice):
    policy = PolicyFactory(title="IT, communications and social media", slug="it")
    published = PolicyVersionFactory(policy=policy, published=True, label="4.0", body_markdown=BODY)
    draft = PolicyVersionFactory(
        policy=policy, label="5.0", body_markdown=BODY, material_change=True
    )
    campaign = CampaignFactory(open=True, versions=[published], name="Annual declaration 2026")
    ExtraStatementFactory(campaign=campaign)
    alice.politically_restricted = True
    alice.save()
    obligation = ObligationFactory(
        campaign=campaign, user=alice, due_at=timezone.now() - timedelta(days=1)
    )
    earlier = CampaignFactory(open=True, versions=[published], name="Annual declaration 2025")
    declaration = DeclarationFactory(obligation=ObligationFactory(campaign=earlier, user=alice))
    draft_campaign = CampaignFactory(versions=[published], name="Annual declaration 2027")
    CheckQuestionFactory(campaign=draft_campaign)
    return {
        "published": published,
        "draft": draft,
        "campaign": campaign,
        "obligation": obligation,
        "declaration": declaration,
        "draft_campaign": draft_campaign,
    }


def _check(page, live_server, path):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, path
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_staff_use_are_accessible(page, live_server, alice, scene):
    sign_in(page, live_server, alice)
    assert page.get_by_role("heading", name="Declarations to sign").is_visible()
    assert_accessible(page)
    for path in (
        reverse("declarations:mine"),
        reverse("declarations:policies"),
        reverse("declarations:policy", args=["it"]),
        reverse("declarations:version", args=[scene["published"].pk]),
        reverse("declarations:sign", args=[scene["obligation"].pk]),
        reverse("declarations:receipt", args=[scene["declaration"].pk]),
        reverse("declarations:record", args=[scene["declaration"].pk]),
    ):
        _check(page, live_server, path)
    # A refused signature: the errors are tied to their fields and the page is still accessible.
    page.goto(f"{live_server.url}{reverse('declarations:sign', args=[scene['obligation'].pk])}")
    page.get_by_label(re.compile("^I have read")).check()
    page.get_by_label("Type your full name").fill("Someone Else")
    page.get_by_label("Enter your password").fill("wrong")
    page.get_by_role("button", name="Sign the declaration").click()
    # In the error summary at the top and beneath the field.
    assert page.get_by_text("does not match the name on your account").first.is_visible()
    assert page.get_by_label("Type your full name").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    # The printable record has a working print button (a script file, allowed by the CSP).
    page.goto(f"{live_server.url}{reverse('declarations:record', args=[scene['declaration'].pk])}")
    assert page.get_by_role("button", name="Print this record").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_policy_administrators_use_are_accessible(page, live_server, policy_admin, scene):
    sign_in(page, live_server, policy_admin)
    for path in (
        reverse("declarations:admin_policies"),
        reverse("declarations:policy_create"),
        reverse("declarations:admin_policy", args=["it"]),
        reverse("declarations:policy_edit", args=["it"]),
        reverse("declarations:version_create", args=["it"]),
        reverse("declarations:admin_version", args=[scene["draft"].pk]),
        reverse("declarations:version_edit", args=[scene["draft"].pk]),
        reverse("declarations:admin_version", args=[scene["published"].pk]),
        reverse("declarations:version_edit", args=[scene["published"].pk]),
        reverse("declarations:campaigns"),
        reverse("declarations:campaign_create"),
        reverse("declarations:campaign", args=[scene["draft_campaign"].pk]),
        reverse("declarations:campaign_edit", args=[scene["draft_campaign"].pk]),
        reverse("declarations:campaign", args=[scene["campaign"].pk]),
        reverse("declarations:campaign_people", args=[scene["campaign"].pk]),
        reverse("declarations:campaign_close", args=[scene["campaign"].pk]),
        reverse("declarations:obligation", args=[scene["obligation"].pk]),
        reverse("declarations:campaign_check", args=[scene["draft_campaign"].pk]),
        reverse("declarations:check_allow", args=[scene["obligation"].pk]),
        reverse("declarations:record", args=[scene["declaration"].pk]),
    ):
        _check(page, live_server, path)
    # The audience choices appear only for a chosen audience (campaign_form.js).
    page.goto(f"{live_server.url}{reverse('declarations:campaign_create')}")
    assert page.locator("#div_id_departments").is_hidden()
    page.get_by_label("Only the departments and types chosen below").check()
    assert page.locator("#div_id_departments").is_visible()
    assert_accessible(page)
