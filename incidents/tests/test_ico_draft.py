"""The ICO report draft: every field of the ICO's breach report form (../shared/REFERENCE.md)
on one page, filled from what is recorded, the gaps marked with a link to where each is
recorded; printable and copyable; for the DPO only."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.kinds import Kind
from incidents.models import Assessment
from incidents.tests.factories import (
    AssessmentFactory,
    ContainmentActionFactory,
    IcoReportFactory,
    IncidentFactory,
)
from portal.models import OrganisationSettings

pytestmark = pytest.mark.django_db

# The ICO form's questions, in REFERENCE.md's order, as the draft asks them.
ICO_FORM = [
    # Report type
    "Initial report or follow-up",
    "ICO case reference",
    "ICO staff already contacted",
    "Reports already made to the ICO about this breach",
    # About the breach
    "What happened, and how",
    "Was it a cyber incident?",
    "How the organisation found out",
    "When it was discovered",
    "When it happened",
    # Personal data
    "Kinds of personal data involved",
    "Number of personal data records",
    "Number of people affected",
    # People affected
    "Who the people affected are",
    # Consequences
    "Possible consequences for the people",
    "How likely they are to suffer significant consequences",
    # Cyber incidents
    "Confidentiality, integrity or availability affected",
    "Impact on the organisation",
    "Expected recovery time",
    # Training
    "The member of staff involved had data protection training in the last two years",
    # Measures
    "Measures in place before the breach",
    "Actions taken to contain it and reduce the harm",
    # Told
    "Have the people affected been told? If not, why not",
    "Other organisations told, or to be told",
    # Contact details
    "Organisation",
    "The person making the report",
    "Data Protection Officer",
    # Timing
    "When the organisation became aware",
    "The deadline for reporting to the ICO",
    "When the ICO was told",
]

# Recorded on the details page: each, when missing, links to its own field there.
DETAILS = [
    "ico_staff_contacted",
    "cyber_incident",
    "how_found_out",
    "data_categories",
    "records_count",
    "people_count",
    "people_categories",
    "consequences",
    "consequence_likelihood",
    "effects",
    "impact_on_organisation",
    "recovery_time",
    "staff_trained",
    "measures_before",
    "containment_summary",
    "others_told",
]


def _draft(client, person, incident):
    client.force_login(person)
    return client.get(reverse("incidents:ico_draft", args=[incident.pk]))


def _labels(text: str) -> list[str]:
    return [label.strip() for label in re.findall(r"<dt>(.*?)</dt>", text, re.S)]


def test_the_draft_asks_every_question_of_the_ico_form_and_marks_every_gap(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    response = _draft(client, dpo, incident)
    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store") == 1
    text = response.content.decode().replace("&#x27;", "'")
    labels = _labels(text)
    for question in ICO_FORM:
        assert question in labels, question
    assert "Not yet recorded" in text
    details = reverse("incidents:ico_details", args=[incident.pk])
    for field in DETAILS:
        assert f'href="{details}#id_{field}"' in text, field
    assert f'href="{reverse("incidents:triage", args=[incident.pk])}"' in text
    assert f'href="{reverse("incidents:subjects_told", args=[incident.pk])}"' in text
    # What the report itself says is filled in already.
    assert incident.description in text
    assert "OFFICIAL-SENSITIVE" in text


def _filled(incident, dpo) -> Assessment:
    sent = timezone.now() - timedelta(minutes=30)
    assessment = AssessmentFactory(
        incident=incident,
        breach=True,
        likelihood="possible",
        severity="significant",
        notify_ico=True,
        notify_reasons="Victims' addresses.",
        notify_decided_at=sent,
        ico_notified_at=sent,
        ico_reference="IC-424242",
        subjects_told=True,
        subjects_told_at=sent,
        subjects_told_how="A letter to each person",
        cyber_incident="no",
        how_found_out="The sender noticed the wrong address.",
        data_categories=["identifiers", "criminal"],
        records_count=12,
        people_count=4,
        people_categories=["other"],
        people_categories_other="Victims of crime",
        consequences="Distress; risk of intimidation.",
        consequence_likelihood="unlikely",
        staff_trained="yes",
        measures_before="Email address checks on sending.",
        containment_summary="Asked the recipient to delete it.",
        others_told="None",
        ico_staff_contacted="Sam Jones on the ICO helpline",
        started_by=dpo,
    )
    IcoReportFactory(incident=incident, sent_at=sent, ico_reference="IC-424242")
    ContainmentActionFactory(incident=incident, description="Recall the email")
    org = OrganisationSettings.load()
    org.name = "Office of the Police and Crime Commissioner"
    org.dpo_name, org.dpo_email = "Dana Protection", "dpo@example.org"
    org.save()
    return assessment


def test_a_complete_record_fills_every_field_each_copyable(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    _filled(incident, dpo)
    text = _draft(client, dpo, incident).content.decode().replace("&#x27;", "'")
    assert "Not yet recorded" not in text
    for value in (
        "Follow-up (the initial report was sent",
        "IC-424242",
        "Sam Jones on the ICO helpline",
        "Basic personal identifiers, Criminal convictions and offences",
        "Other: Victims of crime",
        "Not applicable: not a cyber incident",
        "Recall the email",
        "Asked the recipient to delete it.",
        "Yes, ",
        "A letter to each person",
        "Office of the Police and Crime Commissioner",
        "Dana Protection",
        dpo.email,
        "UK GDPR (Articles 33 and 34)",
    ):
        assert value in text, value
    fields = len(_labels(text))
    assert text.count("data-copy=") == fields
    assert "data-print" in text
    assert "incidents/copy_field.js" in text
    assert f'href="{reverse("incidents:ico_report", args=[incident.pk])}"' in text


def test_a_late_report_asks_for_the_reasons_in_the_draft(client, alice, dpo):
    reported = timezone.now() - timedelta(days=4)
    incident = IncidentFactory(
        reported_by=alice,
        kind=Kind.DATA_BREACH,
        reported_at=reported,
        happened_at=reported - timedelta(hours=1),
        discovered_at=reported,
    )
    AssessmentFactory(incident=incident, breach=True, started_by=dpo)
    text = _draft(client, dpo, incident).content.decode()
    assert "Reasons for reporting after 72 hours" in text
    assert f"{reverse('incidents:ico_report', args=[incident.pk])}#id_late_reasons" in text
    # In time: the question is not asked.
    fresh = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    AssessmentFactory(incident=fresh, breach=True, started_by=dpo)
    assert "Reasons for reporting after" not in _draft(client, dpo, fresh).content.decode()


def test_the_reporter_and_the_helpdesk_cannot_open_the_draft(client, alice, charlie, helpdesk, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.LOST_DEVICE)
    _filled(incident, dpo)
    assert _draft(client, alice, incident).status_code == 403
    assert _draft(client, helpdesk, incident).status_code == 403
    assert _draft(client, charlie, incident).status_code == 404
    own = IncidentFactory(reported_by=dpo, kind=Kind.DATA_BREACH)
    assert _draft(client, dpo, own).status_code == 403


def test_the_draft_costs_the_same_with_many_actions_and_reports(client, alice, dpo):
    incident = IncidentFactory(reported_by=alice, kind=Kind.DATA_BREACH)
    _filled(incident, dpo)
    url = reverse("incidents:ico_draft", args=[incident.pk])
    client.force_login(dpo)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(20):
        ContainmentActionFactory(incident=incident, description=f"Action {number}")
        IcoReportFactory(incident=incident, stage="follow_up")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_draft_uses_what_the_reporter_recorded_until_the_dpo_records_their_own(
    client, alice, dpo
):
    incident = IncidentFactory(
        reported_by=alice,
        kind=Kind.DATA_BREACH,
        personal_data="Names and addresses of three victims",
        people_affected=3,
        actions_taken="Asked the recipient to delete it",
    )
    text = _draft(client, dpo, incident).content.decode().replace("&#x27;", "'")
    assert "The reporter's account: Names and addresses of three victims" in text
    assert "3 (the reporter's estimate)" in text
    assert "The reporter's account: Asked the recipient to delete it" in text
    AssessmentFactory(
        incident=incident,
        breach=True,
        data_categories=["identifiers"],
        people_count=5,
        containment_summary="Recalled the email.",
        started_by=dpo,
    )
    text = _draft(client, dpo, incident).content.decode().replace("&#x27;", "'")
    assert "The reporter's" not in text
    assert "Basic personal identifiers" in text
    assert "Recalled the email." in text
