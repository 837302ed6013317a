"""Reporting in a real browser (Debian's Chromium) on a phone-sized window, each page checked
with axe-core: a member of staff reports a lost phone (choosing the kind shows the questions
about the device), is shown what is wrong when a time is in the future, and sees the numbers
to call on the confirmation page; then finds the report among theirs and adds to it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.models import Incident, TimelineEntry
from portal.models import OrganisationSettings
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
_FORM_TIME = "%Y-%m-%dT%H:%M"


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups made by a data
    # migration included; put them back so the tests here do not depend on running first.
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def numbers(transactional_db):
    org = OrganisationSettings.load()
    org.helpdesk_phone, org.out_of_hours_phone = "0121 626 8344", "101"
    org.save()


def _at(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime(_FORM_TIME)


def test_a_member_of_staff_reports_a_lost_phone_on_a_phone(
    page: Page, live_server, alice, helpdesk, numbers
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, alice)
    assert_accessible(page)
    page.get_by_role("link", name="Report an incident").first.click()
    expect(page.get_by_role("heading", name="Report an incident")).to_be_visible()
    # Until a kind is chosen, the questions about a device are hidden.
    expect(page.get_by_label("Type of device")).to_be_hidden()
    assert_accessible(page)

    page.get_by_label("Lost device").check()
    expect(page.get_by_label("Type of device")).to_be_visible()
    expect(page.get_by_label("Police crime reference (optional)")).to_be_hidden()
    page.get_by_label("When it happened (UK time)").fill(_at(timedelta(hours=3)))
    page.get_by_label("When it was discovered (UK time)").fill(_at(timedelta(hours=4)))
    page.get_by_label("What happened").fill(
        "Left my work phone on the 17:42 train from New Street."
    )
    page.get_by_label("Type of device").select_option("phone")
    page.get_by_label("Asset tag (optional)").fill("IT-40711")
    page.get_by_role("group", name="Was the device encrypted?").get_by_label("Yes").check()
    page.get_by_role("group", name="Was it locked with a PIN or password?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Was a written password kept with it?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Send the report").click()

    # A time in the future: the page says which, and keeps everything typed.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("When it happened is in the future.").first).to_be_visible()
    expect(page.get_by_label("What happened")).to_have_value(
        "Left my work phone on the 17:42 train from New Street."
    )
    expect(page.get_by_label("Asset tag (optional)")).to_have_value("IT-40711")
    expect(page.get_by_label("Type of device")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("When it happened (UK time)").fill(_at(-timedelta(hours=2)))
    page.get_by_label("When it was discovered (UK time)").fill(_at(-timedelta(minutes=30)))
    page.get_by_role("button", name="Send the report").click()

    incident = Incident.objects.get()
    expect(page.get_by_role("heading", name="Your report has been received")).to_be_visible()
    expect(page.get_by_text(incident.reference, exact=True)).to_be_visible()
    call = page.get_by_role("link", name="Call the IT helpdesk: 0121 626 8344")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:01216268344")
    expect(page.get_by_role("link", name="Out of hours: 101")).to_have_attribute("href", "tel:101")
    expect(page.get_by_text("Call the IT helpdesk now, whatever the time")).to_be_visible()
    assert_accessible(page)
    assert (incident.reported_by, incident.asset_tag, incident.to_helpdesk) == (
        alice,
        "IT-40711",
        True,
    )

    # The report, among hers, and adding to it.
    page.get_by_role("link", name="See your report").click()
    expect(page.get_by_role("heading", name="What you must still do")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What you want to add").fill("It was in a blue case.")
    page.get_by_role("button", name="Add to the report").click()
    expect(page.get_by_text("Added to your report.")).to_be_visible()
    assert incident.timeline.filter(kind=TimelineEntry.Kind.INFORMATION_ADDED).exists()
    assert_accessible(page)

    page.goto(f"{live_server.url}{reverse('incidents:mine')}")
    expect(page.get_by_role("link", name=incident.reference)).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}{reverse('incidents:add_information', args=[incident.pk])}")
    assert_accessible(page)


def test_the_empty_list_of_reports_is_accessible(page: Page, live_server, alice):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('incidents:mine')}")
    expect(page.get_by_text("You have not reported any incidents.")).to_be_visible()
    assert_accessible(page)
