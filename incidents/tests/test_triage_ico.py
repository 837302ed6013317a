"""The ICO decision, reports to the ICO (initial then follow-ups, late ones with reasons),
telling the people affected, the ICO form's details, and the DPO closing the incident."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import Assessment, IcoReport, Incident, Risk, TimelineEntry
from incidents.services.triage import (
    assessment_details_record,
    assessment_ico_decide,
    assessment_subjects_record,
    assessment_triage,
    ico_report_record,
    incident_dpo_close,
)
from incidents.tests.factories import AssessmentFactory, IcoReportFactory, IncidentFactory
from portal.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


def _form_time(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def breach(alice, dpo):
    """A breach reported four days ago (the clock has run out), triaged, and to be told to
    the ICO."""
    reported = timezone.now() - timedelta(days=4)
    incident = IncidentFactory(
        reported_by=alice,
        kind=Kind.DATA_BREACH,
        reported_at=reported,
        happened_at=reported - timedelta(hours=3),
        discovered_at=reported - timedelta(hours=1),
    )
    AssessmentFactory(
        incident=incident,
        breach=True,
        notify_ico=True,
        notify_reasons="Addresses of victims.",
        notify_decided_at=reported,
        started_by=dpo,
    )
    return incident


@pytest.fixture
def fresh(alice, dpo):
    """A breach reported an hour ago, triaged, with no decision on the ICO yet."""
    reported = timezone.now() - timedelta(hours=1)
    incident = IncidentFactory(
        reported_by=alice,
        kind=Kind.DATA_BREACH,
        reported_at=reported,
        happened_at=reported - timedelta(hours=2),
        discovered_at=reported - timedelta(hours=1),
    )
    AssessmentFactory(incident=incident, breach=True, started_by=dpo)
    return incident


# ---- The decision ------------------------------------------------------------------------


def test_a_decision_needs_reasons_either_way(fresh, dpo):
    for notify in (True, False):
        with pytest.raises(ValidationError, match="reasons"):
            assessment_ico_decide(incident=fresh, notify=notify, reasons=" ", by=dpo)
    assessment = assessment_ico_decide(
        incident=fresh, notify=False, reasons="Encrypted; no risk to people.", by=dpo
    )
    assert assessment.notify_ico is False
    assert assessment.notify_decided_by == dpo
    assert assessment.notify_decided_at is not None
    assert AuditEvent.objects.filter(verb=IncidentEvent.ICO_DECIDED).count() == 1


def test_the_decision_page_refuses_no_reasons_and_keeps_the_choice(client, fresh, dpo):
    client.force_login(dpo)
    response = client.post(reverse("incidents:ico_decision", args=[fresh.pk]), {"notify": "no"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Give the reasons for the decision." in text
    assert re.search(r'<input[^>]*value="no"[^>]*checked', text)
    assert Assessment.objects.get(incident=fresh).notify_ico is None


def test_a_decision_waits_for_the_breach_to_be_decided(alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    with pytest.raises(ValidationError, match="Record first that this is a personal data"):
        assessment_ico_decide(incident=incident, notify=True, reasons="Risk.", by=dpo)


# ---- Reports to the ICO ------------------------------------------------------------------


def test_a_late_report_needs_the_reasons_for_the_delay(breach, dpo):
    sent = timezone.now() - timedelta(minutes=5)
    with pytest.raises(ValidationError) as refused:
        ico_report_record(
            incident=breach, sent_at=sent, ico_reference="IC-1", summary="Online form", by=dpo
        )
    assert "late_reasons" in refused.value.message_dict
    assert not IcoReport.objects.exists()
    report = ico_report_record(
        incident=breach,
        sent_at=sent,
        ico_reference="IC-1",
        summary="Online form",
        late_reasons="The DPO was told only on the fourth day.",
        by=dpo,
    )
    assert report.stage == IcoReport.Stage.INITIAL
    assessment = Assessment.objects.get(incident=breach)
    assert assessment.ico_notified_at == sent
    assert assessment.ico_reference == "IC-1"
    assert assessment.late_reasons == "The DPO was told only on the fourth day."
    entry = TimelineEntry.objects.get(incident=breach, kind=TimelineEntry.Kind.ICO_REPORT)
    assert entry.internal
    assert "After the deadline" in entry.text


def test_a_report_in_time_needs_no_reasons_and_later_ones_are_follow_ups(fresh, dpo):
    assessment_ico_decide(incident=fresh, notify=True, reasons="Risk to victims.", by=dpo)
    first = ico_report_record(
        incident=fresh,
        sent_at=timezone.now() - timedelta(minutes=10),
        ico_reference="IC-77",
        summary="Initial report",
        by=dpo,
    )
    second = ico_report_record(
        incident=fresh,
        sent_at=timezone.now(),
        ico_reference="IC-77",
        summary="The number of people affected",
        by=dpo,
    )
    assert (first.stage, second.stage) == (IcoReport.Stage.INITIAL, IcoReport.Stage.FOLLOW_UP)
    assert Assessment.objects.get(incident=fresh).ico_notified_at == first.sent_at
    event = AuditEvent.objects.filter(verb=IncidentEvent.ICO_NOTIFIED).first()
    assert event is not None
    assert event.changes["stage"] == "follow_up"


def test_a_report_cannot_be_sent_in_the_future_or_before_awareness(breach, dpo):
    for sent in (timezone.now() + timedelta(hours=1), breach.reported_at - timedelta(minutes=1)):
        with pytest.raises(ValidationError):
            ico_report_record(
                incident=breach,
                sent_at=sent,
                ico_reference="IC-1",
                summary="x",
                late_reasons="Late",
                by=dpo,
            )


def test_a_report_needs_the_decision_to_tell_the_ico(fresh, dpo):
    with pytest.raises(ValidationError, match="decision to tell the ICO first"):
        ico_report_record(
            incident=fresh, sent_at=timezone.now(), ico_reference="IC-1", summary="x", by=dpo
        )


def test_once_reported_the_decision_cannot_become_not_to_tell(breach, dpo):
    IcoReportFactory(incident=breach, recorded_by=dpo)
    Assessment.objects.filter(incident=breach).update(ico_notified_at=timezone.now())
    with pytest.raises(ValidationError, match="already recorded"):
        assessment_ico_decide(incident=breach, notify=False, reasons="Changed mind", by=dpo)


def test_the_report_page_says_the_deadline_passed_and_asks_for_reasons(client, breach, dpo):
    client.force_login(dpo)
    url = reverse("incidents:ico_report", args=[breach.pk])
    page = client.get(url)
    assert "give the reasons for the delay" in page.content.decode()
    response = client.post(
        url,
        {
            "sent_at": _form_time(timezone.now() - timedelta(minutes=2)),
            "ico_reference": "IC-555",
            "summary": "Initial report",
        },
    )
    assert response.status_code == 400
    assert "The report was sent after the deadline" in response.content.decode()
    assert "IC-555" in response.content.decode()
    response = client.post(
        url,
        {
            "sent_at": _form_time(timezone.now() - timedelta(minutes=2)),
            "ico_reference": "IC-555",
            "summary": "Initial report",
            "late_reasons": "Found on the phone only on day four.",
        },
    )
    assert response.status_code == 302
    assert IcoReport.objects.get(incident=breach).ico_reference == "IC-555"


# ---- Telling the people affected ---------------------------------------------------------


def test_telling_people_needs_when_and_how_or_why_not(fresh, dpo):
    with pytest.raises(ValidationError) as refused:
        assessment_subjects_record(incident=fresh, told=True, by=dpo)
    assert set(refused.value.message_dict) == {"told_at", "how"}
    with pytest.raises(ValidationError, match="why the people affected were not told"):
        assessment_subjects_record(incident=fresh, told=False, by=dpo)
    told_at = timezone.now() - timedelta(minutes=5)
    assessment = assessment_subjects_record(
        incident=fresh, told=True, told_at=told_at, how="Phoned each of them", by=dpo
    )
    assert (assessment.subjects_told, assessment.subjects_told_at) == (True, told_at)
    assert TimelineEntry.objects.get(incident=fresh, kind=TimelineEntry.Kind.SUBJECTS_TOLD).internal


def test_the_people_told_page_says_they_must_be_told_when_the_risk_is_high(client, fresh, dpo):
    Assessment.objects.filter(incident=fresh).update(risk=Risk.HIGH)
    client.force_login(dpo)
    page = client.get(reverse("incidents:subjects_told", args=[fresh.pk])).content.decode()
    assert "The risk to them is high, so they must be told" in page


# ---- The ICO form's details --------------------------------------------------------------


def test_the_details_are_saved_and_other_needs_saying(client, fresh, dpo):
    client.force_login(dpo)
    url = reverse("incidents:ico_details", args=[fresh.pk])
    version = Assessment.objects.get(incident=fresh).updated_at.isoformat()
    response = client.post(
        url,
        {"data_categories": ["identifiers", "other"], "records_count": "5", "version": version},
    )
    assert response.status_code == 400
    assert "You ticked Other: say the other kinds of personal data." in response.content.decode()
    response = client.post(
        url,
        {
            "data_categories": ["identifiers", "other"],
            "data_categories_other": "Vehicle registrations",
            "records_count": "5",
            "people_count": "3",
            "cyber_incident": "no",
            "how_found_out": "The officer reported it.",
            "ico_staff_contacted": "Nobody yet.",
            "version": version,
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(incident=fresh)
    assert assessment.data_categories == ["identifiers", "other"]
    assert (assessment.records_count, assessment.people_count) == (5, 3)
    assert assessment.ico_staff_contacted == "Nobody yet."
    event = AuditEvent.objects.get(verb=IncidentEvent.ICO_DETAILS)
    assert event.changes["how_found_out"] == {"from": "", "to": "The officer reported it."}
    assert event.changes["records_count"] == {"from": None, "to": 5}


def test_details_refuse_fields_that_are_not_the_ico_forms(fresh, dpo):
    with pytest.raises(ValueError, match="Not details"):
        assessment_details_record(incident=fresh, details={"notify_ico": True}, by=dpo)


# ---- Closing -----------------------------------------------------------------------------


def test_closing_needs_a_decision_on_breach(alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.LOST_DEVICE)
    with pytest.raises(ValidationError, match="Decide whether it is a personal data breach"):
        incident_dpo_close(incident=incident, lessons_learned="", note="Done", by=dpo)
    assessment_triage(
        incident=incident, is_breach=False, not_breach_reasons="Encrypted and wiped.", by=dpo
    )
    closed = incident_dpo_close(incident=incident, lessons_learned="", note="Not a breach", by=dpo)
    assert closed.is_closed


def test_closing_a_breach_needs_the_ico_decision_report_and_lessons(fresh, dpo):
    with pytest.raises(ValidationError) as refused:
        incident_dpo_close(incident=fresh, lessons_learned="", note="Done", by=dpo)
    assert "Record the decision on telling the ICO." in refused.value.messages
    assert "Say what was learned (or that there is nothing to change)." in refused.value.messages
    assessment_ico_decide(incident=fresh, notify=True, reasons="Risk.", by=dpo)
    with pytest.raises(ValidationError, match="initial report made to the ICO"):
        incident_dpo_close(incident=fresh, lessons_learned="Lock phones", note="Done", by=dpo)
    ico_report_record(
        incident=fresh, sent_at=timezone.now(), ico_reference="IC-9", summary="Online", by=dpo
    )
    incident_dpo_close(incident=fresh, lessons_learned="Lock phones", note="Done", by=dpo)
    fresh.refresh_from_db()
    assert fresh.status == Incident.Status.CLOSED
    assert Assessment.objects.get(incident=fresh).lessons_learned == "Lock phones"
    assert Notification.objects.filter(
        recipient=fresh.reported_by, subject__contains="is closed"
    ).exists()
    with pytest.raises(ValidationError, match="closed"):
        assessment_ico_decide(incident=fresh, notify=True, reasons="Again", by=dpo)


def test_closing_a_high_risk_breach_needs_the_people_told_or_why_not(fresh, dpo):
    Assessment.objects.filter(incident=fresh).update(
        risk=Risk.HIGH, notify_ico=False, notify_decided_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="record whether the people affected were told"):
        incident_dpo_close(incident=fresh, lessons_learned="None", note="Done", by=dpo)


def test_the_close_page_lists_what_is_missing_and_refuses(client, fresh, dpo):
    client.force_login(dpo)
    url = reverse("incidents:dpo_close", args=[fresh.pk])
    assert "Record the decision on telling the ICO." in client.get(url).content.decode()
    response = client.post(url, {"note": "All done", "lessons_learned": "Lock phones"})
    assert response.status_code == 400
    assert "Record the decision on telling the ICO." in response.content.decode()
    fresh.refresh_from_db()
    assert not fresh.is_closed


# ---- Re-triage once the ICO has been told ------------------------------------------------


@pytest.fixture
def told(alice, dpo):
    """A breach that happened five days ago, reported two hours ago, triaged from the report,
    and reported to the ICO an hour ago (in time)."""
    reported = timezone.now() - timedelta(hours=2)
    incident = IncidentFactory(
        reported_by=alice,
        kind=Kind.DATA_BREACH,
        reported_at=reported,
        happened_at=reported - timedelta(days=5),
        discovered_at=reported - timedelta(hours=1),
    )
    _retriage(incident, dpo, reported)
    assessment_ico_decide(incident=incident, notify=True, reasons="Addresses.", by=dpo)
    ico_report_record(
        incident=incident,
        sent_at=reported + timedelta(hours=1),
        ico_reference="IC-1",
        summary="Initial report.",
        by=dpo,
    )
    return incident


def _retriage(incident, dpo, aware_at, **extra):
    values = {
        "is_breach": True,
        "regime": "uk_gdpr",
        "aware_at": aware_at,
        "likelihood": "possible",
        "severity": "significant",
        "risk_reasons": "Addresses of victims.",
    }
    values.update(extra)
    return assessment_triage(incident=incident, by=dpo, **values)


def test_awareness_cannot_move_after_the_first_report_to_the_ico(told, dpo):
    sent = IcoReport.objects.get(incident=told).sent_at
    with pytest.raises(ValidationError, match="first report to the ICO") as refused:
        _retriage(told, dpo, sent + timedelta(minutes=1))
    assert "aware_at" in refused.value.message_dict
    assert Assessment.objects.get(incident=told).aware_at == told.reported_at
    _retriage(told, dpo, sent)  # aware when it was reported, at the latest


@pytest.mark.parametrize(
    "undo", [{"is_breach": False, "not_breach_reasons": "Encrypted."}, {"is_breach": None}]
)
def test_once_the_ico_was_told_it_stays_a_breach(told, dpo, undo):
    with pytest.raises(ValidationError, match="report to the ICO is recorded") as refused:
        _retriage(told, dpo, told.reported_at, **undo)
    assert "is_breach" in refused.value.message_dict
    assert Assessment.objects.get(incident=told).is_breach is True


def test_earlier_awareness_that_makes_the_report_late_needs_the_reasons(told, dpo):
    earlier = told.reported_at - timedelta(days=4)
    with pytest.raises(ValidationError) as refused:
        _retriage(told, dpo, earlier)
    assert "late_reasons" in refused.value.message_dict
    assessment = Assessment.objects.get(incident=told)
    assert assessment.aware_at == told.reported_at
    _retriage(told, dpo, earlier, late_reasons="The theft was only linked to us later.")
    assessment.refresh_from_db()
    assert assessment.aware_at == earlier
    assert assessment.late_reasons == "The theft was only linked to us later."
    assert (
        "The theft was only linked to us later."
        in TimelineEntry.objects.filter(incident=told, kind=TimelineEntry.Kind.TRIAGE).last().text
    )


def test_the_triage_page_asks_for_late_reasons_once_the_ico_was_told(client, told, fresh, dpo):
    client.force_login(dpo)
    assert (
        'name="late_reasons"'
        in client.get(reverse("incidents:triage", args=[told.pk])).content.decode()
    )
    assert (
        'name="late_reasons"'
        not in client.get(reverse("incidents:triage", args=[fresh.pk])).content.decode()
    )


def test_the_decision_keeps_its_first_time_until_it_changes(fresh, dpo, deputy_dpo):
    assessment_ico_decide(incident=fresh, notify=True, reasons="Addresses.", by=dpo)
    first = Assessment.objects.get(incident=fresh)
    assessment_ico_decide(incident=fresh, notify=True, reasons="Addresses, dates.", by=deputy_dpo)
    again = Assessment.objects.get(incident=fresh)
    assert (again.notify_decided_at, again.notify_decided_by) == (
        first.notify_decided_at,
        dpo,
    )
    assert again.notify_reasons == "Addresses, dates."
    assessment_ico_decide(incident=fresh, notify=False, reasons="Encrypted.", by=deputy_dpo)
    changed = Assessment.objects.get(incident=fresh)
    assert changed.notify_decided_by == deputy_dpo
    assert changed.notify_decided_at > first.notify_decided_at
    event = AuditEvent.objects.filter(verb=IncidentEvent.ICO_DECIDED).order_by("pk").last()
    assert event.changes["notify_decided_at"]["from"] == first.notify_decided_at.isoformat()
    assert event.changes["notify_ico"] == {"from": True, "to": False}


def test_late_reasons_changed_by_a_follow_up_are_on_the_timeline_and_audited(breach, dpo):
    sent = timezone.now() - timedelta(minutes=30)
    ico_report_record(
        incident=breach,
        sent_at=sent,
        ico_reference="IC-1",
        summary="Online form",
        late_reasons="FIRST-REASONS",
        by=dpo,
    )
    ico_report_record(
        incident=breach,
        sent_at=sent + timedelta(minutes=10),
        ico_reference="IC-1",
        summary="Follow-up",
        late_reasons="SECOND-REASONS",
        by=dpo,
    )
    entry = TimelineEntry.objects.filter(incident=breach, kind=TimelineEntry.Kind.ICO_REPORT).last()
    assert "SECOND-REASONS" in entry.text
    event = AuditEvent.objects.filter(verb=IncidentEvent.ICO_NOTIFIED).order_by("pk").last()
    assert event.changes["late_reasons"] == {"from": "FIRST-REASONS", "to": "SECOND-REASONS"}


# ---- Lessons learned, and nothing recorded ----------------------------------------------


def test_the_lessons_learned_on_closing_are_on_the_timeline(alice, dpo, helpdesk):
    incident = IncidentFactory(reported_by=alice, kind=Kind.LOST_DEVICE)
    assessment_triage(incident=incident, is_breach=False, not_breach_reasons="Encrypted.", by=dpo)
    incident_dpo_close(
        incident=incident, lessons_learned="LESSON: lock phones.", note="Done", by=dpo
    )
    entry = TimelineEntry.objects.get(incident=incident, text__contains="LESSON: lock phones.")
    assert entry.internal
    assert entry.kind == TimelineEntry.Kind.TRIAGE
    event = AuditEvent.objects.get(verb=IncidentEvent.ICO_DETAILS)
    assert event.changes["lessons_learned"] == {"from": "", "to": "LESSON: lock phones."}


def test_saving_nothing_starts_no_assessment(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    assessment_details_record(
        incident=incident, details={"how_found_out": "  ", "records_count": None}, by=dpo
    )
    with pytest.raises(ValidationError):
        incident_dpo_close(incident=incident, lessons_learned="", note="Done", by=dpo)
    assert not Assessment.objects.filter(incident=incident).exists()
    assessment_details_record(incident=incident, details={"how_found_out": "A call."}, by=dpo)
    assessment = Assessment.objects.get(incident=incident)
    assert (assessment.started_by, assessment.how_found_out) == (dpo, "A call.")
    assert TimelineEntry.objects.filter(incident=incident, kind=TimelineEntry.Kind.TRIAGE).exists()


# ---- Two people editing at once ----------------------------------------------------------

_STALE = "Someone else changed this assessment while you were editing"


def _version(page) -> str:
    found = re.search(r'name="version" value="([^"]*)"', page.content.decode())
    assert found is not None
    return found.group(1)


def test_details_saved_meanwhile_by_someone_else_are_not_overwritten(
    client, fresh, dpo, deputy_dpo
):
    url = reverse("incidents:ico_details", args=[fresh.pk])
    client.force_login(dpo)
    version = _version(client.get(url))
    assessment_details_record(
        incident=fresh,
        details={"how_found_out": "THEIRS: a call from the bank.", "records_count": 40},
        by=deputy_dpo,
    )
    response = client.post(
        url,
        {"how_found_out": "MINE: the officer told us.", "people_count": "7", "version": version},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert _STALE in text
    assert "THEIRS: a call from the bank." in text  # what it says now, in the form
    assert "MINE: the officer told us." in text  # what they typed, in the message
    assessment = Assessment.objects.get(incident=fresh)
    assert (assessment.how_found_out, assessment.people_count) == (
        "THEIRS: a call from the bank.",
        None,
    )
    # Made again on what it says now, it is saved, writing only what changed.
    again = client.post(
        url,
        {
            "how_found_out": "THEIRS: a call from the bank.",
            "records_count": "40",
            "people_count": "7",
            "version": _version(response),
        },
    )
    assert again.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.how_found_out, assessment.people_count) == (
        "THEIRS: a call from the bank.",
        7,
    )
    event = AuditEvent.objects.filter(verb=IncidentEvent.ICO_DETAILS).order_by("pk").last()
    assert set(event.changes) == {"reference", "people_count"}


def test_a_triage_changed_meanwhile_is_refused(client, fresh, dpo, deputy_dpo):
    url = reverse("incidents:triage", args=[fresh.pk])
    client.force_login(dpo)
    version = _version(client.get(url))
    assessment_triage(
        incident=fresh, is_breach=False, not_breach_reasons="THEIRS: encrypted.", by=deputy_dpo
    )
    response = client.post(
        url,
        {
            "is_breach": "yes",
            "regime": "uk_gdpr",
            "aware_at": _form_time(fresh.reported_at),
            "likelihood": "possible",
            "severity": "severe",
            "risk_reasons": "MINE: addresses.",
            "version": version,
        },
    )
    assert response.status_code == 400
    assert _STALE in response.content.decode()
    assert Assessment.objects.get(incident=fresh).is_breach is False
    with pytest.raises(ValidationError, match=_STALE):
        assessment_triage(incident=fresh, is_breach=None, by=dpo, version=version)


def test_a_follow_up_cannot_be_dated_before_the_initial_report(breach, dpo):
    sent = timezone.now() - timedelta(hours=1)
    ico_report_record(
        incident=breach,
        sent_at=sent,
        ico_reference="IC-1",
        summary="Online form",
        late_reasons="Told late.",
        by=dpo,
    )
    with pytest.raises(ValidationError, match="before the initial report") as refused:
        ico_report_record(
            incident=breach,
            sent_at=sent - timedelta(minutes=1),
            ico_reference="IC-1",
            summary="Follow-up",
            by=dpo,
        )
    assert "sent_at" in refused.value.message_dict
    assert IcoReport.objects.filter(incident=breach).count() == 1


# ---- The law it falls under ------------------------------------------------------------


def test_the_people_told_page_gives_the_part_3_restrictions_for_law_enforcement(client, fresh, dpo):
    url = reverse("incidents:subjects_told", args=[fresh.pk])
    client.force_login(dpo)
    restrictions = ("obstructing an official or legal inquiry", "national security")
    text = client.get(url).content.decode()
    assert not any(words in text for words in restrictions)
    Assessment.objects.filter(incident=fresh).update(regime="dpa_part_3")
    text = client.get(url).content.decode()
    for words in (*restrictions, "section 68(7)", "prosecution of crime", "rights of others"):
        assert words in text, words


def test_the_regime_and_the_draft_give_the_organisations_hours(client, breach, dpo):
    from portal.models import OrganisationSettings

    org = OrganisationSettings.load()
    org.ico_deadline_hours = 48
    org.save()
    client.force_login(dpo)
    triage = client.get(reverse("incidents:triage", args=[breach.pk])).content.decode()
    assert "within 48 hours" in triage
    assert "72 hours" not in triage
    draft = client.get(reverse("incidents:ico_draft", args=[breach.pk])).content.decode()
    assert "Reasons for reporting after 48 hours" in draft
    assert "within 48 hours" in draft
    assert "72 hours" not in draft
