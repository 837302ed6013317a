"""Travel abroad with a work device in a real browser (Debian's Chromium), each page checked
with axe-core: a member of staff tells Information Security on a phone-sized window, at short
notice, and reads the precautions; the helpdesk finds the trip flagged and advises."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.models import TravelNotice
from portal.models import Notification
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups made by a data
    # migration included; put them back so the tests here do not depend on running first.
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_the_traveller_tells_at_short_notice_and_the_helpdesk_advises(
    page: Page, live_server, alice, helpdesk
):
    departs = timezone.localdate() + timedelta(days=3)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, alice)

    page.goto(f"{live_server.url}{reverse('incidents:travel_mine')}")
    assert_accessible(page)
    page.get_by_role("link", name="Tell us about a trip").click()
    expect(
        page.get_by_role("heading", name="Tell us about travel abroad with a work device")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Where are you going?").fill("Lyon, France")
    page.get_by_label("The day you leave").fill(departs.isoformat())
    page.get_by_label("The day you are back").fill((departs + timedelta(days=4)).isoformat())
    page.get_by_label("Which work devices are you taking?").fill("Work laptop L01234")
    page.get_by_role("button", name="Tell Information Security").click()
    # Fewer than 7 days and no reason: the page says what to give, keeping what was typed.
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Where are you going?")).to_have_value("Lyon, France")
    assert_accessible(page)
    page.get_by_label("why could you not tell us sooner?").fill(
        "The conference place came up yesterday."
    )
    page.get_by_role("button", name="Tell Information Security").click()
    expect(page.get_by_role("heading", name="Travel to Lyon, France")).to_be_visible()
    expect(page.get_by_text("Information Security has been told about your trip")).to_be_visible()
    expect(page.get_by_text("Short notice", exact=True)).to_be_visible()
    expect(page.get_by_text("Precautions to take with your device abroad")).to_be_visible()
    assert_accessible(page)
    notice = TravelNotice.objects.get()
    assert notice.short_notice

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, helpdesk)
    page.goto(f"{live_server.url}{reverse('incidents:travel_upcoming')}")
    expect(page.get_by_role("heading", name="Upcoming travel with work devices")).to_be_visible()
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text="Lyon, France")
    expect(row.get_by_text("Short notice")).to_be_visible()
    row.get_by_role("link", name="Alice Staff").click()
    expect(page.get_by_role("heading", name="Travel to Lyon, France")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record the advice and email it").click()
    expect(page.get_by_text("Write the advice for the traveller.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your advice to the traveller").fill(
        "Take the loan laptop from IT&D; France allows its encryption."
    )
    page.get_by_role("button", name="Record the advice and email it").click()
    expect(page.get_by_text("Your advice is recorded")).to_be_visible()
    assert_accessible(page)

    assert Notification.objects.filter(
        recipient=alice, dedup_key__startswith="travel-advice:"
    ).exists()
