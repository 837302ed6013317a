"""The DPO's triage: the ICO clock from awareness (real hours, across the clock changes), the
risk from likelihood and severity, and who may see and record any of it."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import Assessment, Likelihood, Risk, Severity, TimelineEntry
from incidents.services.timeline import timeline_add
from incidents.services.triage import assessment_triage
from incidents.tests.factories import (
    AssessmentFactory,
    ContainmentActionFactory,
    IcoReportFactory,
    IncidentFactory,
)
from incidents.triage_rules import RISK_MATRIX, ico_deadline, suggested_risk
from portal.models import AuditEvent, OrganisationSettings

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _uk(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _breach(incident, dpo, aware_at, **extra):
    return assessment_triage(
        incident=incident,
        is_breach=True,
        regime="uk_gdpr",
        aware_at=aware_at,
        likelihood=Likelihood.POSSIBLE,
        severity=Severity.SIGNIFICANT,
        risk_reasons="Names and addresses of victims on the phone.",
        by=dpo,
        **extra,
    )


def _reported(at: datetime, **kwargs):
    return IncidentFactory(
        reported_at=at, happened_at=at - timedelta(hours=5), discovered_at=at, **kwargs
    )


# ---- The clock ---------------------------------------------------------------------------


def test_the_deadline_is_72_real_hours_across_the_spring_clock_change(alice, dpo):
    # The clocks go forward at 01:00 on 29 March 2026: 72 real hours from 10:00 GMT on the
    # 27th is 11:00 BST on the 30th, not 10:00.
    aware = _uk(2026, 3, 27, 10, 0)
    incident = _reported(aware, reported_by=alice)
    assessment = _breach(incident, dpo, aware)
    assessment.refresh_from_db()
    assert timezone.localtime(assessment.ico_deadline_at, LONDON) == _uk(2026, 3, 30, 11, 0)
    assert assessment.ico_deadline_at - assessment.aware_at == timedelta(hours=72)


def test_the_deadline_is_72_real_hours_across_the_autumn_clock_change(alice, dpo):
    # The clocks go back at 02:00 on 25 October 2026: 10:00 BST on the 23rd plus 72 real
    # hours is 09:00 GMT on the 26th.
    aware = _uk(2026, 10, 23, 10, 0)
    incident = _reported(aware, reported_by=alice)
    assessment = _breach(incident, dpo, aware)
    assessment.refresh_from_db()
    assert timezone.localtime(assessment.ico_deadline_at, LONDON) == _uk(2026, 10, 26, 9, 0)
    assert assessment.ico_deadline_at.astimezone(UTC) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_the_deadline_uses_the_configured_hours(alice, dpo):
    org = OrganisationSettings.load()
    org.ico_deadline_hours = 48
    org.save()
    aware = _uk(2026, 3, 28, 12, 0)
    incident = _reported(aware, reported_by=alice)
    assessment = _breach(incident, dpo, aware)
    # Adding 48 hours to the UK wall-clock time would give 47 real hours here.
    assert assessment.ico_deadline_at - aware == timedelta(hours=48)
    assert timezone.localtime(assessment.ico_deadline_at, LONDON) == _uk(2026, 3, 30, 13, 0)


def test_a_later_change_of_the_setting_does_not_move_a_stored_deadline(alice, dpo):
    aware = timezone.now() - timedelta(hours=1)
    incident = _reported(aware, reported_by=alice)
    first = _breach(incident, dpo, aware).ico_deadline_at
    org = OrganisationSettings.load()
    org.ico_deadline_hours = 24
    org.save()
    assert _breach(incident, dpo, aware).ico_deadline_at == first
    # A new time of awareness starts the clock again, with the hours configured now.
    later = aware + timedelta(minutes=30)
    assert _breach(incident, dpo, later).ico_deadline_at == later + timedelta(hours=24)


def test_the_deadline_arithmetic_never_counts_wall_clock_hours():
    aware = _uk(2026, 3, 28, 9, 30)
    assert ico_deadline(aware, 72) - aware == timedelta(hours=72)
    assert timezone.localtime(ico_deadline(aware, 72), LONDON).hour == 10


def test_awareness_cannot_be_in_the_future_or_before_it_happened(alice, dpo):
    incident = IncidentFactory(reported_by=alice)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        _breach(incident, dpo, timezone.now() + timedelta(hours=1))
    with pytest.raises(ValidationError, match="before the incident happened"):
        _breach(incident, dpo, incident.happened_at - timedelta(minutes=1))
    assert not Assessment.objects.filter(incident=incident, aware_at__isnull=False).exists()


def test_the_triage_page_refuses_a_future_awareness_and_keeps_what_was_typed(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice)
    client.force_login(dpo)
    future = timezone.localtime() + timedelta(days=1)
    response = client.post(
        reverse("incidents:triage", args=[incident.pk]),
        {
            "is_breach": "yes",
            "regime": "uk_gdpr",
            "aware_at": future.strftime("%Y-%m-%dT%H:%M"),
            "likelihood": "possible",
            "severity": "severe",
            "risk_reasons": "Victims' details.",
        },
    )
    assert response.status_code == 400
    assert "The time of awareness cannot be in the future." in response.content.decode()
    assert "Victims&#x27; details." in response.content.decode()
    assert not Assessment.objects.filter(incident=incident).exists()


# ---- Breach or not, and the risk ---------------------------------------------------------


def test_a_breach_needs_the_law_awareness_and_the_risk_with_reasons(alice, dpo):
    incident = IncidentFactory(reported_by=alice)
    with pytest.raises(ValidationError) as refused:
        assessment_triage(incident=incident, is_breach=True, by=dpo)
    assert set(refused.value.message_dict) == {
        "regime",
        "aware_at",
        "likelihood",
        "severity",
        "risk_reasons",
    }


def test_not_a_breach_needs_reasons(alice, dpo):
    incident = IncidentFactory(reported_by=alice)
    with pytest.raises(ValidationError, match="why it is not"):
        assessment_triage(incident=incident, is_breach=False, not_breach_reasons="  ", by=dpo)
    assessment = assessment_triage(
        incident=incident,
        is_breach=False,
        not_breach_reasons="Encrypted, locked and wiped within the hour.",
        by=dpo,
    )
    assert assessment.is_breach is False
    assert assessment.started_by == dpo


def test_the_matrix_covers_every_likelihood_and_severity():
    assert len(RISK_MATRIX) == len(Likelihood) * len(Severity)
    assert suggested_risk("remote", "minimal") == Risk.NONE
    assert suggested_risk("probable", "severe") == Risk.HIGH
    assert suggested_risk("possible", "") is None


def test_the_risk_left_empty_takes_the_matrix_and_a_choice_otherwise_is_kept(alice, dpo):
    incident = IncidentFactory(reported_by=alice)
    aware = incident.reported_at
    assert _breach(incident, dpo, aware).risk == Risk.RISK
    assessment = _breach(incident, dpo, aware, risk=Risk.HIGH)
    assert assessment.risk == Risk.HIGH
    last = TimelineEntry.objects.filter(incident=incident).last()
    assert last is not None
    assert "where the table suggests a risk to people (tell the ICO)" in last.text


def test_re_triage_keeps_following_the_table_unless_the_risk_was_chosen(alice, dpo):
    from incidents.forms.triage import TriageForm

    incident = IncidentFactory(reported_by=alice)
    followed = _breach(incident, dpo, incident.reported_at)
    assert followed.risk == Risk.RISK
    form = TriageForm(incident=incident, assessment=followed)
    assert form.initial["risk"] == ""
    chosen = _breach(incident, dpo, incident.reported_at, risk=Risk.HIGH)
    assert TriageForm(incident=incident, assessment=chosen).initial["risk"] == Risk.HIGH


def test_triage_is_an_internal_timeline_entry_and_an_audit_event(alice, dpo):
    incident = IncidentFactory(reported_by=alice)
    _breach(incident, dpo, incident.reported_at)
    entry = TimelineEntry.objects.get(incident=incident, kind=TimelineEntry.Kind.TRIAGE)
    assert entry.internal
    assert entry.by == dpo
    event = AuditEvent.objects.get(verb=IncidentEvent.TRIAGED)
    assert event.changes["reference"] == incident.reference
    assert event.changes["regime"] == {"from": "", "to": "uk_gdpr"}
    _breach(incident, dpo, incident.reported_at, risk=Risk.HIGH)
    again = AuditEvent.objects.filter(verb=IncidentEvent.TRIAGED).order_by("pk").last()
    assert again.changes["risk"] == {"from": Risk.RISK, "to": Risk.HIGH}
    assert "regime" not in again.changes
    incident.refresh_from_db()
    assert incident.status == incident.Status.IN_HAND


def test_the_triage_page_saves_and_goes_back_to_the_incident(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    client.force_login(dpo)
    page = client.get(reverse("incidents:triage", args=[incident.pk]))
    assert page.status_code == 200
    assert page["Cache-Control"].count("no-store") == 1
    aware = timezone.localtime(incident.reported_at).strftime("%Y-%m-%dT%H:%M")
    assert aware in page.content.decode()  # awareness starts as the report's arrival
    response = client.post(
        reverse("incidents:triage", args=[incident.pk]),
        {
            "is_breach": "yes",
            "regime": "dpa_part_3",
            "aware_at": aware,
            "likelihood": "probable",
            "severity": "significant",
            "risk": "",
            "risk_reasons": "A witness's address went to the suspect's solicitor.",
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(incident=incident)
    assert assessment.regime == "dpa_part_3"
    assert assessment.risk == Risk.HIGH
    assert assessment.ico_deadline_at == assessment.aware_at + timedelta(hours=72)


# ---- Who may see and do it ---------------------------------------------------------------

_PAGES = [
    "incidents:triage",
    "incidents:ico_decision",
    "incidents:ico_report",
    "incidents:subjects_told",
    "incidents:ico_details",
    "incidents:ico_draft",
    "incidents:action_add",
    "incidents:dpo_close",
]


@pytest.mark.parametrize("page", _PAGES)
def test_the_reporter_and_the_helpdesk_are_refused_and_outsiders_get_404(
    client, alice, charlie, helpdesk, psd, page
):
    incident = IncidentFactory(reported_by=alice, kind=Kind.LOST_DEVICE)
    url = reverse(page, args=[incident.pk])
    for person, answer in ((alice, 403), (helpdesk, 403), (charlie, 404), (psd, 404)):
        client.force_login(person)
        assert client.get(url).status_code == answer, person
        assert client.post(url, {"notify": "yes", "reasons": "x"}).status_code in (answer, 405)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("page", _PAGES)
def test_a_dpo_cannot_triage_their_own_report_but_the_deputy_can(client, dpo, deputy_dpo, page):
    incident = IncidentFactory(reported_by=dpo, kind=Kind.DATA_BREACH)
    client.force_login(dpo)
    response = client.get(reverse(page, args=[incident.pk]))
    assert response.status_code == 403
    client.force_login(deputy_dpo)
    assert client.get(reverse(page, args=[incident.pk])).status_code == 200


def test_a_dpo_it_was_reported_for_is_refused_with_the_reason(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice, reported_for=dpo, kind=Kind.DATA_BREACH)
    client.force_login(dpo)
    response = client.get(reverse("incidents:triage", args=[incident.pk]))
    assert response.status_code == 403
    assert "Another DPO deals with an incident you are involved in." in response.content.decode()


def test_the_reporter_never_sees_the_assessment_on_the_incident_page(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    AssessmentFactory(
        incident=incident, breach=True, risk_reasons="SECRET-ASSESSMENT-REASONS", started_by=dpo
    )
    client.force_login(dpo)
    seen = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert "The DPO's assessment" in seen
    assert "SECRET-ASSESSMENT-REASONS" in seen
    assert "The ICO must be told by" in seen
    client.force_login(alice)
    mine = client.get(reverse("incidents:incident", args=[incident.pk]))
    assert mine.status_code == 200
    text = mine.content.decode()
    assert "SECRET-ASSESSMENT-REASONS" not in text
    assert "assessment" not in text.lower()
    assert "ICO" not in text


def test_the_helpdesk_does_not_see_the_assessment_of_a_lost_phone(client, alice, dpo, helpdesk):
    incident = IncidentFactory(reported_by=alice, kind=Kind.LOST_DEVICE)
    AssessmentFactory(incident=incident, breach=True, risk_reasons="SECRET", started_by=dpo)
    client.force_login(helpdesk)
    page = client.get(reverse("incidents:incident", args=[incident.pk]))
    assert page.status_code == 200
    assert "SECRET" not in page.content.decode()
    assert "The ICO must be told" not in page.content.decode()


def test_the_clock_says_when_the_deadline_has_passed(client, alice, dpo):
    reported = timezone.now() - timedelta(hours=80)
    incident = _reported(reported, reported_by=alice, kind=Kind.DATA_BREACH)
    AssessmentFactory(incident=incident, breach=True, started_by=dpo)
    client.force_login(dpo)
    text = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert "The ICO deadline passed" in text
    assert "8 hours ago" in text


def test_the_untriaged_clock_asks_for_triage(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    client.force_login(dpo)
    text = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert "Not yet triaged." in text
    assert reverse("incidents:triage", args=[incident.pk]) in text


def test_the_dpo_sections_cost_the_same_with_many_actions_and_reports(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    AssessmentFactory(incident=incident, breach=True, started_by=dpo)
    url = reverse("incidents:incident", args=[incident.pk])
    client.force_login(dpo)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(20):
        ContainmentActionFactory(incident=incident, description=f"Action {number}")
        IcoReportFactory(incident=incident, stage="follow_up")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert "Action 19" in page.content.decode()
    assert len(many) == len(few)


# ---- The assessment on the timeline: the DPO's side only ---------------------------------


def _everything_the_handler_reads(client, person, incident) -> str:
    client.force_login(person)
    page = client.get(reverse("incidents:incident", args=[incident.pk]))
    csv = client.get(reverse("incidents:timeline_csv", args=[incident.pk]))
    printed = client.get(reverse("incidents:timeline_print", args=[incident.pk]))
    assert (page.status_code, csv.status_code, printed.status_code) == (200, 200, 200)
    return (
        page.content.decode() + b"".join(csv.streaming_content).decode() + printed.content.decode()
    )


def _assess(incident, dpo, bob) -> None:
    from incidents.services.actions import action_add
    from incidents.services.triage import assessment_ico_decide

    assessment_triage(
        incident=incident,
        is_breach=True,
        regime="uk_gdpr",
        aware_at=incident.reported_at,
        likelihood=Likelihood.POSSIBLE,
        severity=Severity.SIGNIFICANT,
        risk_reasons="SECRET-RISK-REASONS",
        by=dpo,
    )
    assessment_ico_decide(incident=incident, notify=True, reasons="SECRET-ICO-DECISION", by=dpo)
    action_add(
        incident=incident,
        description="SECRET-ACTION",
        owner=bob,
        due_on=timezone.localdate(),
        by=dpo,
    )


def test_a_line_manager_who_referred_it_to_the_dpo_sees_no_triage(client, alice, bob, dpo):
    from incidents.services.handling import incident_refer_to_dpo

    incident = IncidentFactory(kind=Kind.UNSUITABLE_MATERIAL, reported_by=bob, reported_for=alice)
    incident_refer_to_dpo(incident=incident, reason="REFERRAL-REASON", by=bob)
    incident.refresh_from_db()
    _assess(incident, dpo, bob)
    seen = _everything_the_handler_reads(client, bob, incident)
    assert "REFERRAL-REASON" in seen
    for secret in ("SECRET-RISK-REASONS", "SECRET-ICO-DECISION", "SECRET-ACTION", "DPO assessment"):
        assert secret not in seen
    theirs = _everything_the_handler_reads(client, dpo, incident)
    for secret in ("SECRET-RISK-REASONS", "SECRET-ICO-DECISION", "SECRET-ACTION"):
        assert secret in theirs


def test_the_helpdesk_sees_no_risk_reasons_or_ico_decision_on_a_lost_phone(
    client, alice, bob, dpo, helpdesk
):
    incident = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice)
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.NOTE,
        text="HELPDESK-NOTE",
        by=helpdesk,
        internal=True,
    )
    _assess(incident, dpo, bob)
    seen = _everything_the_handler_reads(client, helpdesk, incident)
    assert "HELPDESK-NOTE" in seen
    for secret in ("SECRET-RISK-REASONS", "SECRET-ICO-DECISION", "SECRET-ACTION"):
        assert secret not in seen


def test_only_a_dpo_handling_it_and_not_involved_sees_the_assessment(
    alice, bob, dpo, deputy_dpo, helpdesk
):
    from incidents.access import may_see_assessment

    reported_by_dpo = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=dpo)
    reported_for_dpo = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=bob, reported_for=dpo)
    for incident in (reported_by_dpo, reported_for_dpo):
        assert not may_see_assessment(dpo, incident)
        assert may_see_assessment(deputy_dpo, incident)
        assert not may_see_assessment(helpdesk, incident)
    assert not may_see_assessment(alice, IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice))
