"""The audit trail of a report keeps what was reported, so that a later change to the
incident's row can be told from the hash-chained trail."""

import hashlib
from datetime import UTC, datetime

import pytest

from incidents.events import IncidentEvent
from incidents.kinds import Answer, DeviceType, Kind
from incidents.services.reporting import incident_add_information
from incidents.tests.report_helpers import png_file, report
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_reported_event_keeps_the_times_answers_and_hashes_of_the_text(alice, helpdesk):
    incident = report(
        by=alice,
        kind=Kind.STOLEN_DEVICE,
        happened_at=datetime(2026, 7, 1, 8, 30, tzinfo=UTC),
        discovered_at=datetime(2026, 7, 1, 9, 0, tzinfo=UTC),
        description="  Taken from my bag on the 17:42.  ",
        crime_reference="CR/123/26",
        asset_tag="IT-40711",
        people_affected=40,
        actions_taken="Called the helpdesk.",
    )
    changes = AuditEvent.objects.get(verb=IncidentEvent.INCIDENT_REPORTED).changes
    assert changes["happened_at"] == "2026-07-01T08:30:00+00:00"
    assert changes["discovered_at"] == "2026-07-01T09:00:00+00:00"
    assert changes["device_type"] == DeviceType.PHONE
    assert changes["asset_tag"] == "IT-40711"
    assert (changes["encrypted"], changes["locked"]) == (Answer.YES, Answer.YES)
    assert changes["password_with_device"] == Answer.NO
    assert changes["crime_reference"] == "CR/123/26"
    assert changes["people_affected"] == 40
    # The text as stored on the row, so that the row can be checked against the trail.
    assert changes["description_sha256"] == _sha256(incident.description)
    assert incident.description == "Taken from my bag on the 17:42."
    assert changes["personal_data_sha256"] == _sha256("Names of two witnesses.")
    assert changes["actions_taken_sha256"] == _sha256("Called the helpdesk.")
    assert "Taken from my bag" not in str(changes)


def test_the_information_added_event_keeps_a_hash_of_the_text_and_the_number_of_files(alice):
    incident = report(by=alice, kind=Kind.DATA_BREACH)
    entry = incident_add_information(
        incident=incident,
        text=" It went to two people, not one. ",
        files=[png_file(), png_file("second.png")],
        by=alice,
    )
    changes = AuditEvent.objects.get(verb=IncidentEvent.INFORMATION_ADDED).changes
    assert changes["text_sha256"] == _sha256("It went to two people, not one.")
    assert entry.text.startswith("It went to two people, not one.")
    assert changes["files"] == 2
    assert "two people" not in str(changes)
