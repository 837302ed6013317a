"""Scenes for the clock tests: breaches with their ICO clock at a chosen point, incidents
waiting for triage, actions falling due. Times are relative to `NOW`, a fixed instant."""

from datetime import UTC, datetime, timedelta

from incidents.kinds import Kind
from incidents.models import Assessment, ContainmentAction, Incident
from incidents.tests.factories import AssessmentFactory, ContainmentActionFactory, IncidentFactory
from portal.models import Notification

# A Tuesday in March, well away from a clock change (the deadline tests cover those).
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HOURS = timedelta(hours=1)


def breach(*, left: timedelta, now: datetime = NOW, **fields) -> Assessment:
    """A UK GDPR breach the organisation became aware of when it was reported, whose 72-hour
    clock has `left` to run at `now` (negative: passed that long ago)."""
    reported_at = now + left - 72 * HOURS
    incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_at=reported_at)
    return AssessmentFactory(incident=incident, breach=True, **fields)


def waiting(*, since: timedelta, now: datetime = NOW, **fields) -> Incident:
    """A report with the DPO, reported `since` before `now`, nobody has triaged."""
    fields.setdefault("kind", Kind.DATA_BREACH)
    return IncidentFactory(reported_at=now - since, **fields)


def action(*, due: timedelta, now: datetime = NOW, **fields) -> ContainmentAction:
    """An action on a breach already reported to the ICO, due `due` before `now` (negative:
    still to come)."""
    incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_at=now - 100 * HOURS)
    AssessmentFactory(incident=incident, breach=True, ico_notified_at=now - 50 * HOURS)
    # Added when the incident was assessed, unless said: an action added later on its due day
    # is reminded at once (clocks.due_day_reminder_at).
    fields.setdefault("created_at", now - 100 * HOURS)
    return ContainmentActionFactory(incident=incident, due_at=now - due, **fields)


def emails(prefix: str) -> list[Notification]:
    return list(Notification.objects.filter(dedup_key__startswith=prefix).order_by("pk"))
