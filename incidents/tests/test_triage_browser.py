"""The DPO's triage in a real browser (Debian's Chromium), each page checked with axe-core:
a lost phone is triaged as a breach, the ICO report draft is opened, the report to the ICO is
recorded from it, and the incident is closed."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.kinds import Kind
from incidents.models import Assessment, IcoReport, Incident
from incidents.tests.factories import IncidentFactory
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_dpo_triages_a_lost_phone_reports_it_to_the_ico_and_closes_it(
    page: Page, live_server, alice, dpo
):
    reported = timezone.now() - timedelta(hours=3)
    incident = IncidentFactory(
        kind=Kind.LOST_DEVICE,
        reported_by=alice,
        reported_at=reported,
        description="Left my work phone on the train home; it has victims' contact details.",
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server, dpo)

    # The incident's page: not yet triaged.
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    expect(page.get_by_text("Not yet triaged.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Triage it now").click()

    # Triage: sent without the reasons first, then as a breach.
    expect(page.get_by_role("heading", name=f"Triage {incident.reference}")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes: personal data was lost").check()
    page.get_by_label("UK GDPR (Articles 33 and 34)").check()
    page.get_by_label("Possible", exact=True).check()
    page.get_by_label("Significant", exact=True).check()
    page.get_by_role("button", name="Record the triage").click()
    expect(page.get_by_text("Give the reasons for the risk to people.").first).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_label("Possible", exact=True)).to_be_checked()
    page.get_by_label("Reasons for the risk").fill(
        "Victims' phone numbers could reach someone who would misuse them."
    )
    page.get_by_role("button", name="Record the triage").click()
    expect(page.get_by_text("Triage recorded.")).to_be_visible()
    expect(page.get_by_text("The ICO must be told by")).to_be_visible()
    assert_accessible(page)
    assessment = Assessment.objects.get(incident=incident)
    # Awareness started as the report's arrival (to the minute the form shows).
    assert assessment.aware_at is not None
    assert assessment.ico_deadline_at is not None
    assert timedelta(0) <= reported - assessment.aware_at < timedelta(minutes=1)
    assert assessment.ico_deadline_at - assessment.aware_at == timedelta(hours=72)

    # The decision to tell the ICO.
    page.get_by_role("link", name="Record the decision").click()
    assert_accessible(page)
    page.get_by_label("Yes: there is a risk").check()
    page.get_by_label("Reasons").fill("A risk to victims: their numbers were on the phone.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision on telling the ICO recorded.")).to_be_visible()

    # The ICO report draft: the gaps marked, each answer copyable, fit for a phone.
    page.get_by_role("link", name="Open the ICO report draft").click()
    expect(
        page.get_by_role("heading", name=f"ICO report draft: {incident.reference}")
    ).to_be_visible()
    expect(page.get_by_text("Not yet recorded").first).to_be_visible()
    assert_accessible(page)
    _fits_a_phone(page)
    expect(page.get_by_role("button", name="Print this draft")).to_be_visible()
    copy = page.get_by_role("button", name="What happened, and how")
    copy.click()
    expect(page.get_by_role("status")).to_have_text("Copied: What happened, and how")
    # Sighted users see it too: the button says so for a moment.
    expect(copy).to_have_text("Copied: What happened, and how")
    expect(copy).to_have_text("Copy: What happened, and how", timeout=5000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Left my work phone on the train home" in copied

    # The report to the ICO, recorded from the draft.
    page.get_by_role("link", name="Record the report made to the ICO", exact=True).click()
    expect(page.get_by_text("This will be recorded as the initial report.")).to_be_visible()
    assert_accessible(page)
    sent = timezone.localtime() - timedelta(minutes=10)
    page.get_by_label("When it was sent to the ICO").fill(sent.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("The ICO's case reference").fill("IC-314159-A1B2")
    page.get_by_label("What was reported").fill("Initial report through the ICO's online form.")
    page.get_by_role("button", name="Record the report").click()
    expect(page.get_by_text("Report to the ICO recorded.")).to_be_visible()
    expect(page.get_by_text("The ICO was told on")).to_be_visible()
    assert_accessible(page)
    assert IcoReport.objects.get(incident=incident).ico_reference == "IC-314159-A1B2"

    # Closing, with the lessons learned.
    page.get_by_role("link", name="Close the incident").click()
    assert_accessible(page)
    page.get_by_label("Lessons learned").fill("Remind staff to keep work phones on them.")
    page.get_by_label("Why it can be closed").fill("Reported to the ICO; the phone was wiped.")
    page.get_by_role("button", name="Close the incident").click()
    expect(page.get_by_text("Incident closed. The reporter has been told.")).to_be_visible()
    assert_accessible(page)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED

    # The reporter sees it closed, and nothing of the assessment.
    page.context.clear_cookies()
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    expect(page.get_by_text("Closed").first).to_be_visible()
    expect(page.get_by_text("The DPO's assessment")).to_have_count(0)
    expect(page.get_by_text("IC-314159-A1B2")).to_have_count(0)
    assert_accessible(page)


def test_every_other_triage_page_is_accessible(page: Page, live_server, alice, bob, dpo):
    incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice)
    sign_in(page, live_server, dpo)
    for path in ("people-told/", "ico-details/", "actions/add/"):
        response = page.goto(f"{live_server.url}/incidents/{incident.pk}/{path}")
        assert response is not None
        assert response.status == 200
        assert_accessible(page)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/actions/add/")
    page.get_by_label("What needs to be done").fill("Recall the email.")
    page.get_by_label("Who will do it").fill(bob.email)
    page.get_by_label("Due by").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Add the action and email its owner").click()
    expect(page.get_by_text("Action added; its owner has been emailed.")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, bob)
    page.goto(f"{live_server.url}/incidents/actions/mine/")
    expect(page.get_by_role("table")).to_contain_text("Recall the email.")
    assert_accessible(page)
    page.get_by_role("link", name="Record it done").click()
    assert_accessible(page)
    page.get_by_label("What was done, and what came of it").fill("Recalled; deletion confirmed.")
    page.get_by_role("button", name="Record it done").click()
    expect(page.get_by_text("Nothing is waiting for you.")).to_be_visible()
    assert_accessible(page)
