"""The one way a step is put on an incident's timeline. Every service that records a step
calls this inside its own transaction, beside its audit event, so the timeline and the audit
trail never disagree."""

from datetime import datetime

from django.utils import timezone

from incidents.models import Incident, TimelineEntry
from portal.models import User

# Steps a handler takes: the first moves a report from "Received" to "Being dealt with", so
# the reporter sees someone has picked it up. What the reporter sends, files, and the portal's
# own reminders do not.
_NOT_HANDLING = frozenset(
    {
        TimelineEntry.Kind.REPORTED,
        TimelineEntry.Kind.INFORMATION_ADDED,
        TimelineEntry.Kind.ATTACHMENT,
        TimelineEntry.Kind.ALERT,
        TimelineEntry.Kind.STATUS,
    }
)


def timeline_add(
    *,
    incident: Incident,
    kind: TimelineEntry.Kind,
    text: str,
    by: User | None,
    internal: bool = False,
    at: datetime | None = None,
) -> TimelineEntry:
    """Append one step (the caller holds the transaction and writes the audit event). `at`
    is when it was recorded: now, unless the caller has the instant already."""
    at = at or timezone.now()
    entry = TimelineEntry.objects.create(
        incident=incident, kind=kind, text=text, by=by, internal=internal, at=at
    )
    changed: dict[str, object] = {"last_activity_at": at}
    if incident.status == Incident.Status.RECEIVED and kind not in _NOT_HANDLING:
        changed["status"] = Incident.Status.IN_HAND
    Incident.objects.filter(pk=incident.pk).update(**changed)
    for field, value in changed.items():
        setattr(incident, field, value)
    return entry


# ---- Clocks: many steps at once ----------------------------------------------------------


def timeline_add_many(*, entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Append steps to many incidents at once, as `timeline_add` does one (the caller holds the
    transaction and writes the audit event): a sweep alerting on a batch of incidents records
    them in a fixed number of queries. Each entry's `at` must be set."""
    if not entries:
        return []
    TimelineEntry.objects.bulk_create(entries)
    latest: dict[int, datetime] = {}
    handling: set[int] = set()
    for entry in entries:
        latest[entry.incident_id] = max(entry.at, latest.get(entry.incident_id, entry.at))
        if entry.kind not in _NOT_HANDLING:
            handling.add(entry.incident_id)
    by_instant: dict[datetime, list[int]] = {}
    for incident_id, at in latest.items():
        by_instant.setdefault(at, []).append(incident_id)
    for at, ids in by_instant.items():
        Incident.objects.filter(pk__in=ids).update(last_activity_at=at)
    if handling:
        Incident.objects.filter(pk__in=handling, status=Incident.Status.RECEIVED).update(
            status=Incident.Status.IN_HAND
        )
    return entries
