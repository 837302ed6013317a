"""Professional Standards' part: content reports only, an internal assessment with its
reference, then closing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import PsdAssessment, TimelineEntry
from incidents.services.psd import psd_assessment_record
from incidents.tests.factories import IncidentFactory
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

ASSESSMENT = {
    "outcome": "words_of_advice",
    "psd_reference": "PSD/2026/0042",
    "reasons": "A first occurrence; the sender was spoken to.",
}


@pytest.mark.parametrize("kind", [k for k in Kind if k != Kind.INAPPROPRIATE_CONTENT])
def test_psd_sees_content_reports_only(client, alice, psd, kind):
    theirs = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    other = IncidentFactory(kind=kind, reported_by=alice)
    client.force_login(psd)
    assert client.get(reverse("incidents:incident", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("incidents:incident", args=[other.pk])).status_code == 404
    queue = client.get(reverse("incidents:queue", args=["psd"])).content.decode()
    assert theirs.reference in queue
    assert other.reference not in queue


def test_psd_records_an_assessment_the_reporter_never_sees(client, alice, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    client.force_login(psd)
    answer = client.post(reverse("incidents:psd_assessment", args=[incident.pk]), ASSESSMENT)
    assert answer.status_code == 302

    assessment = incident.psd_assessments.get()
    assert (assessment.outcome, assessment.psd_reference, assessment.recorded_by) == (
        PsdAssessment.Outcome.WORDS_OF_ADVICE,
        "PSD/2026/0042",
        psd,
    )
    entry = incident.timeline.get()
    assert (entry.kind, entry.internal) == (TimelineEntry.Kind.PSD_ASSESSMENT, True)
    event = AuditEvent.objects.get(verb=IncidentEvent.PSD_ASSESSED)
    assert event.changes["psd_reference"] == "PSD/2026/0042"
    page = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert "PSD/2026/0042" in page
    assert "Record a new assessment" in page

    client.force_login(alice)
    page = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert "PSD/2026/0042" not in page
    assert "Words of advice" not in page
    assert "spoken to" not in page


def test_the_reporter_and_another_part_cannot_assess(client, alice, dpo, helpdesk, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    url = reverse("incidents:psd_assessment", args=[incident.pk])
    client.force_login(alice)
    assert client.post(url, ASSESSMENT).status_code == 403
    client.force_login(helpdesk)
    assert client.post(url, ASSESSMENT).status_code == 404
    # Once referred, the DPO handles it too, but assessing stays Professional Standards' part.
    client.force_login(psd)
    client.post(reverse("incidents:refer_to_dpo", args=[incident.pk]), {"reason": "Data."})
    client.force_login(dpo)
    assert client.post(url, ASSESSMENT).status_code == 403
    assert not incident.psd_assessments.exists()


def test_psd_does_not_assess_a_report_they_made(client, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=psd)
    client.force_login(psd)
    page = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert "Record the assessment" not in page
    url = reverse("incidents:psd_assessment", args=[incident.pk])
    assert client.post(url, ASSESSMENT).status_code == 403


def test_a_referral_says_where_and_a_closed_report_is_not_assessed(alice, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    with pytest.raises(ValidationError, match="who it was referred to"):
        psd_assessment_record(incident=incident, **{**ASSESSMENT, "outcome": "referred"}, by=psd)
    referred = psd_assessment_record(
        incident=incident,
        **{**ASSESSMENT, "outcome": "referred", "referred_to": "The IOPC"},
        by=psd,
    )
    assert referred.referred_to == "The IOPC"
    # A referred_to left over from a changed mind is not kept with another outcome.
    kept = psd_assessment_record(incident=incident, **ASSESSMENT, referred_to="Ignored", by=psd)
    assert kept.referred_to == ""

    closed = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice, status="closed")
    with pytest.raises(ValidationError, match="closed"):
        psd_assessment_record(incident=closed, **ASSESSMENT, by=psd)


def test_assessing_a_closed_report_by_hand_says_why_it_was_refused(client, alice, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice, status="closed")
    client.force_login(psd)
    answer = client.post(reverse("incidents:psd_assessment", args=[incident.pk]), ASSESSMENT)
    assert answer.status_code == 200
    assert "its assessment can no longer change" in answer.content.decode()


def test_the_service_refuses_to_assess_a_report_not_sent_to_psd(alice, psd):
    incident = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice)
    with pytest.raises(ValidationError, match="not sent to Professional Standards"):
        psd_assessment_record(
            incident=incident,
            outcome=PsdAssessment.Outcome.NO_FURTHER_ACTION,
            psd_reference="PSD/1",
            reasons="Nothing to it.",
            by=psd,
        )
    assert not incident.psd_assessments.exists()
