"""Closing an incident, and the timeline every step goes through."""

import pytest
from django.core.exceptions import ValidationError

from incidents.events import IncidentEvent
from incidents.models import Incident, TimelineEntry
from incidents.services.lifecycle import incident_close
from incidents.services.timeline import timeline_add
from incidents.tests.factories import IncidentFactory
from portal.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


def test_a_handlers_first_step_moves_the_report_to_being_dealt_with(alice, helpdesk):
    incident = IncidentFactory(reported_by=alice)
    timeline_add(
        incident=incident, kind=TimelineEntry.Kind.INFORMATION_ADDED, text="More", by=alice
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RECEIVED

    timeline_add(incident=incident, kind=TimelineEntry.Kind.NOTE, text="On it", by=helpdesk)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.IN_HAND
    assert incident.last_activity_at == incident.timeline.last().at


def test_closing_records_the_note_internally_and_tells_both_people(alice, bob, dpo):
    incident = IncidentFactory(reported_by=bob, reported_for=alice)
    incident_close(incident=incident, note="Phone found and wiped.", by=dpo)

    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert incident.closed_by == dpo
    note, status = incident.timeline.all()
    assert (note.internal, note.text) == (True, "Phone found and wiped.")
    assert (status.internal, status.text) == (False, "Closed.")
    event = AuditEvent.objects.get(verb=IncidentEvent.INCIDENT_CLOSED)
    assert event.object_id == str(incident.pk)
    told = Notification.objects.filter(subject__contains=incident.reference)
    assert {n.recipient_id for n in told} == {alice.pk, bob.pk}
    assert "Phone found" not in told.first().body_text


def test_closing_twice_or_without_a_note_is_refused(alice, dpo):
    incident = IncidentFactory(reported_by=alice)
    with pytest.raises(ValidationError, match="Say why"):
        incident_close(incident=incident, note="  ", by=dpo)
    incident_close(incident=incident, note="Done.", by=dpo)
    with pytest.raises(ValidationError, match="already closed"):
        incident_close(incident=incident, note="Again.", by=dpo)
    assert AuditEvent.objects.filter(verb=IncidentEvent.INCIDENT_CLOSED).count() == 1


@pytest.mark.parametrize("role_fixture", ["helpdesk", "dpo", "psd"])
def test_nobody_handles_a_report_they_made_or_that_was_made_for_them(request, role_fixture, bob):
    from incidents.access import handler_roles, visible_timeline
    from incidents.kinds import Kind

    person = request.getfixturevalue(role_fixture)
    kind = Kind.INAPPROPRIATE_CONTENT if role_fixture == "psd" else Kind.LOST_DEVICE
    own = IncidentFactory(kind=kind, reported_by=person)
    for_them = IncidentFactory(kind=kind, reported_by=bob, reported_for=person)
    for incident in (own, for_them):
        timeline_add(
            incident=incident, kind=TimelineEntry.Kind.NOTE, text="Internal", by=bob, internal=True
        )
        assert handler_roles(person, incident) == frozenset()
        assert not visible_timeline(person, incident).filter(internal=True).exists()
    assert not Incident.objects.handled_by(person).filter(pk__in=[own.pk, for_them.pk]).exists()
    assert Incident.objects.visible_to(person).filter(pk__in=[own.pk, for_them.pk]).count() == 2


def test_a_manager_who_reports_for_their_team_member_still_handles_it(alice, bob):
    from incidents.access import handler_roles
    from incidents.kinds import Handler, Kind

    incident = IncidentFactory(kind=Kind.UNSUITABLE_MATERIAL, reported_by=bob, reported_for=alice)
    assert handler_roles(bob, incident) == {Handler.LINE_MANAGER}
    assert Incident.objects.handled_by(bob).filter(pk=incident.pk).exists()
