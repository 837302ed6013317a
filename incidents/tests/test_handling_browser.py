"""The handling part in a real browser (Debian's Chromium), each page checked with axe-core: the
helpdesk records a remote wipe on a lost phone from its queue, and the reporter reads it on her
phone; Professional Standards assesses a content report and closes it; and every other page of
the part, as the person who uses it sees it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.kinds import Kind
from incidents.models import HelpdeskAction, Incident
from incidents.services.handling import incident_note_add
from incidents.tests.factories import AssessmentFactory, IncidentFactory
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups made by a data
    # migration included; put them back so the tests here do not depend on running first.
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_the_helpdesk_records_a_remote_wipe_the_reporter_then_reads(
    page: Page, live_server, alice, helpdesk
):
    phone = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice, asset_tag="MP-0042")
    sign_in(page, live_server, helpdesk)

    page.get_by_role("button", name="Incident queues").click()
    page.get_by_role("link", name="Helpdesk incidents").click()
    expect(page.get_by_role("heading", name="Helpdesk incidents")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=phone.reference).click()
    expect(page.get_by_role("heading", name=f"{phone.reference}: Lost device")).to_be_visible()
    assert_accessible(page)

    # A time in the future first: refused, with what was chosen kept.
    future = timezone.localtime(timezone.now() + timedelta(hours=1))
    page.get_by_label("What was done").select_option(label="Remote wipe requested")
    page.get_by_label("When it was done").fill(future.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("When it was done cannot be in the future.").first).to_be_visible()
    expect(page.get_by_label("What was done")).to_have_value("wipe_requested")
    assert_accessible(page)

    done = timezone.localtime(timezone.now() - timedelta(minutes=10))
    page.get_by_label("When it was done").fill(done.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("textbox", name="Note (needed for something else)").fill(
        "Wipe sent through the device management console."
    )
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Recorded on the incident's timeline.")).to_be_visible()
    expect(page.get_by_role("cell", name="Remote wipe requested")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="The helpdesk's part is finished").click()
    expect(page.get_by_text("The helpdesk's part is marked finished")).to_be_visible()
    assert_accessible(page)

    action = HelpdeskAction.objects.get(incident=phone)
    assert (action.action, action.recorded_by) == (HelpdeskAction.Action.WIPE_REQUESTED, helpdesk)
    phone.refresh_from_db()
    assert phone.helpdesk_done_at is not None

    # The reporter, on her phone, sees the wipe, never the helpdesk's note.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('incidents:incident', args=[phone.pk])}")
    expect(page.get_by_text("Remote wipe requested (done")).to_be_visible()
    expect(page.get_by_text("device management console")).to_have_count(0)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_psd_assesses_a_content_report_and_closes_it(page: Page, live_server, alice, psd):
    report = IncidentFactory(
        kind=Kind.INAPPROPRIATE_CONTENT,
        reported_by=alice,
        description="A colleague sent an offensive meme to the team chat.",
    )
    sign_in(page, live_server, psd)
    page.get_by_role("button", name="Incident queues").click()
    page.get_by_role("link", name="Professional Standards incidents").click()
    assert_accessible(page)
    page.get_by_role("link", name=report.reference).click()
    assert_accessible(page)

    # Referred elsewhere, without saying where: refused, the rest kept.
    page.get_by_role("radio", name="Referred elsewhere").check()
    page.get_by_label("PSD reference").fill("PSD/2026/0107")
    page.get_by_label("Reasons").fill("A first occurrence; the sender apologised.")
    page.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_text("Say who it was referred to.").first).to_be_visible()
    expect(page.get_by_label("PSD reference")).to_have_value("PSD/2026/0107")
    assert_accessible(page)

    page.get_by_role("radio", name="Words of advice").check()
    page.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_text("Assessment recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Words of advice")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Why it can be closed").fill("Words of advice given by the line manager.")
    page.get_by_role("button", name="Close the incident").click()
    expect(page.get_by_text("Incident closed. The reporter has been told.")).to_be_visible()
    assert_accessible(page)
    report.refresh_from_db()
    assert report.status == Incident.Status.CLOSED
    assert report.psd_assessments.get().psd_reference == "PSD/2026/0107"


def _check(page: Page, live_server, path: str) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    assert response.status == 200, path
    assert_accessible(page)


def test_every_other_page_of_the_handling_part_is_accessible(
    page: Page, live_server, alice, bob, dpo, chief_executive
):
    breach = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice)
    AssessmentFactory(incident=breach, breach=True)
    untriaged = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice)
    incident_note_add(incident=untriaged, text="Asked the reporter for the IMEI.", by=dpo)
    IncidentFactory(kind=Kind.UNSUITABLE_MATERIAL, reported_by=alice)
    IncidentFactory(kind=Kind.ONLINE_CONTENT, reported_by=alice)

    sign_in(page, live_server, dpo)
    page.get_by_role("button", name="Data protection").click()
    page.get_by_role("link", name="Incidents for the DPO").click()
    expect(page.get_by_text("Not yet triaged", exact=True)).to_be_visible()
    assert_accessible(page)
    _check(page, live_server, reverse("incidents:incident", args=[untriaged.pk]))
    _check(page, live_server, reverse("incidents:timeline_print", args=[untriaged.pk]))
    expect(page.get_by_role("button", name="Print the timeline")).to_be_visible()
    _check(page, live_server, f"{reverse('incidents:queue', args=['dpo'])}?kind=lost_device")

    page.context.clear_cookies()
    sign_in(page, live_server, bob)
    assert_accessible(page)  # the dashboard, with the panel of reports from his team
    page.get_by_role("link", name="See my team's incident reports").click()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, chief_executive)
    page.get_by_role("button", name="Incident queues").click()
    page.get_by_role("link", name="Online content reports").click()
    assert_accessible(page)
