"""The breach register and the DPO's incident figures in a real browser (Debian's Chromium),
each page checked with axe-core (WCAG 2.2 AA; serious and critical problems fail)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.kinds import Kind
from incidents.tests.factories import ContainmentActionFactory
from incidents.tests.register_helpers import breach
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups made by a data
    # migration included; put them back so the tests here do not depend on running first.
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def register():
    """A breach in each state the register tells apart, this year."""
    now = timezone.now()
    late = breach(
        outcome="late",
        reported_at=now - timedelta(days=20),
        description="A victim's statement emailed to the wrong solicitor.",
        data_categories=["criminal", "identifiers"],
        people_count=1,
        containment_summary="The solicitor deleted it and confirmed in writing.",
    )
    ContainmentActionFactory(incident=late.incident, description="Turn off address autofill.")
    breach(
        outcome="not_notified",
        reported_at=now - timedelta(days=10),
        kind=Kind.LOST_DEVICE,
        description="Encrypted work phone left on a train.",
    )
    breach(outcome="to_notify", reported_at=now - timedelta(days=5))
    breach(outcome="undecided", reported_at=now - timedelta(hours=2))
    return late


def test_the_dpo_reads_and_filters_the_register_and_reads_the_figures(
    page: Page, live_server, dpo, register
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, dpo)

    page.get_by_role("button", name="Data protection").click()
    page.get_by_role("link", name="Breach register").click()
    expect(page.get_by_role("heading", name="Breach register")).to_be_visible()
    expect(
        page.get_by_role("note", name="Handling marking: OFFICIAL-SENSITIVE").first
    ).to_be_visible()
    expect(page.get_by_text("Told late")).to_be_visible()
    expect(page.get_by_text("Past the deadline, not told")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("The ICO").select_option("late")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=register.incident.reference)).to_be_visible()
    expect(page.get_by_text("Encrypted work phone left on a train.")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these breaches (CSV)").click()
    assert download.value.suggested_filename.startswith("OFFICIAL-SENSITIVE-breach-register-")
    assert_accessible(page)

    page.get_by_role("button", name="Data protection").click()
    page.get_by_role("link", name="Incident figures").click()
    year = timezone.localdate().year
    expect(page.get_by_role("heading", name=f"Incident figures for {year}")).to_be_visible()
    expect(page.get_by_role("img", name="Incidents reported, by month")).to_be_visible()
    expect(page.get_by_role("img", name="Incidents reported, by kind")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Told the ICO late").click()
    expect(page.get_by_role("link", name=register.incident.reference)).to_be_visible()


def test_the_register_reads_on_a_phone(page: Page, live_server, deputy_dpo, register):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, deputy_dpo)

    page.goto(f"{live_server.url}{reverse('incidents:breach_register')}")
    expect(page.get_by_text("The solicitor deleted it and confirmed in writing.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}{reverse('incidents:dpo_reports')}")
    expect(page.get_by_role("heading", name="Breaches and the ICO")).to_be_visible()
    assert_accessible(page)
