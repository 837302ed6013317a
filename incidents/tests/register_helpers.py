"""Breaches in every state the register and the DPO's figures tell apart, built with the
factories (rows written directly: the triage services are tested on their own)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from incidents.kinds import Kind
from incidents.models import Assessment
from incidents.tests.factories import AssessmentFactory, IncidentFactory

UK = ZoneInfo("Europe/London")


def uk(*args: int) -> datetime:
    """A UK wall-clock time as an instant."""
    return datetime(*args, tzinfo=UK)


def breach(
    *,
    kind: str = Kind.DATA_BREACH,
    reported_at: datetime | None = None,
    description: str = "Sent a spreadsheet of names and addresses to the wrong person.",
    outcome: str = "undecided",
    **fields,
) -> Assessment:
    """A breach, aware at the report, in one of the register's outcomes: "notified" (told the
    ICO 48 hours in), "late" (told at 80 hours, with reasons), "not_notified", "to_notify",
    or "undecided". `fields` set anything else on the assessment."""
    reported_at = reported_at or timezone.now() - timedelta(days=10)
    incident = IncidentFactory(kind=kind, reported_at=reported_at, description=description)
    decided = {"notify_decided_at": reported_at + timedelta(hours=12)}
    told = {
        "notified": {
            "notify_ico": True,
            **decided,
            "ico_reference": "IC-200001",
            "ico_notified_at": reported_at + timedelta(hours=48),
        },
        "late": {
            "notify_ico": True,
            **decided,
            "ico_reference": "IC-200002",
            "ico_notified_at": reported_at + timedelta(hours=80),
            "late_reasons": "The recipient only confirmed what was sent on day four.",
        },
        "not_notified": {
            "notify_ico": False,
            **decided,
            "notify_reasons": "One colleague's work number, deleted unread.",
        },
        "to_notify": {"notify_ico": True, **decided},
        "undecided": {},
    }[outcome]
    return AssessmentFactory(incident=incident, breach=True, **{**told, **fields})
