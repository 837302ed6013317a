"""Closing an incident: the last step of whoever deals with it (the DPO for anything routed
to the DPO, otherwise the part it was routed to)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEmail, IncidentEvent
from incidents.models import Incident, TimelineEntry
from incidents.outbox import closed_key
from incidents.services.timeline import timeline_add
from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import notification_queue


@transaction.atomic
def incident_close(*, incident: Incident, note: str, by: User, ip: str | None = None) -> Incident:
    """Close the incident with the closer's note (internal: the reporter is told it is closed,
    not why), and tell the reporter. Closing a closed incident is refused."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.is_closed:
        raise ValidationError("This incident is already closed.")
    if not note.strip():
        raise ValidationError("Say why the incident can be closed.")
    now = timezone.now()
    timeline_add(
        incident=incident, kind=TimelineEntry.Kind.NOTE, text=note, by=by, internal=True, at=now
    )
    timeline_add(incident=incident, kind=TimelineEntry.Kind.STATUS, text="Closed.", by=by, at=now)
    Incident.objects.filter(pk=incident.pk).update(
        status=Incident.Status.CLOSED, closed_at=now, closed_by=by, closure_note=note
    )
    incident.refresh_from_db()
    audit_record(
        verb=IncidentEvent.INCIDENT_CLOSED,
        actor=by,
        obj=incident,
        changes={"reference": incident.reference, "note": note},
        ip=ip,
    )
    for person in {incident.reported_by, incident.person}:
        notification_queue(
            to=person,
            template=IncidentEmail.CLOSED,
            dedup_key=closed_key(incident.pk, person.pk),
            context={"incident": incident},
            url=incident_url(incident),
        )
    return incident


def incident_url(incident: Incident) -> str:
    return reverse("incidents:incident", args=[incident.pk])
