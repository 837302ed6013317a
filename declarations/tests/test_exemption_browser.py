"""Exempting someone and ending it early, in a real browser (Debian's Chromium), checked with
axe-core, on a desktop and at a phone's width."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from declarations.models import Obligation
from declarations.tests.factories import CampaignFactory, ObligationFactory, PolicyVersionFactory
from portal.lib.uktime import long_date
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_an_administrator_exempts_someone_until_a_date_then_ends_it_early(
    page: Page, live_server, policy_admin, alice
):
    campaign = CampaignFactory(
        open=True, versions=[PolicyVersionFactory(published=True)], name="Annual declaration 2026"
    )
    obligation = ObligationFactory(campaign=campaign, user=alice)
    sign_in(page, live_server, policy_admin)
    page.goto(f"{live_server.url}{reverse('declarations:obligation', args=[obligation.pk])}")

    # Nothing filled in: each field says what to enter, and the page stays accessible.
    page.get_by_role("button", name="Exempt until this date").click()
    expect(page.get_by_text("Enter the last day of the exemption.")).to_be_visible()
    expect(page.get_by_text("Enter why the person is exempt.")).to_be_visible()
    until_field = page.get_by_role("textbox", name="Exempt until")
    assert until_field.get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    until = timezone.localdate() + timedelta(days=45)
    until_field.fill(until.isoformat())
    page.get_by_label("Why are they exempt?").fill("Seconded to the regional unit")
    page.get_by_role("button", name="Exempt until this date").click()

    expect(page.get_by_text(f"is exempt until {long_date(until)}")).to_be_visible()
    expect(page.get_by_text("by Priya Policy, until the end of")).to_be_visible()
    expect(page.get_by_role("heading", name="End the exemption early")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    page.get_by_label("Why end it early?").fill("Back from secondment early")
    page.get_by_role("button", name="End exemption").click()
    expect(page.get_by_text("Exemption ended.")).to_be_visible()
    expect(page.get_by_text("because: Back from secondment early", exact=False)).to_be_visible()
    assert_accessible(page)
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING
