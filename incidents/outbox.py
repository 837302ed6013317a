"""The deduplication keys of the messages the incidents app sends, in one place.

Each sender builds its key here, one function per kind of message, each naming the incident
(or the object) and the occasion it is for, so a message is never queued twice: a sweep run
twice, or a service retried, finds its key used and sends nothing. The `:` after each id keeps
incident 12's keys apart from incident 123's.
"""

from datetime import UTC, datetime


def _instant(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}"


# ---- Reporting ---------------------------------------------------------------------------


def reported_key(incident_id: int, recipient: str) -> str:
    """A new report to one of its handlers (a person's id, or a mailbox's address), once."""
    return f"incident-reported:{incident_id}:{recipient}"


# ---- Closing -----------------------------------------------------------------------------


def closed_key(incident_id: int, person_id: int) -> str:
    """Telling the reporter (and the person it was reported for) it is closed, once."""
    return f"incident-closed:{incident_id}:{person_id}"


# ---- Handling ----------------------------------------------------------------------------


def message_key(entry_id: int, person_id: int) -> str:
    """Telling the reporter (and the person it was reported for) of one message, once."""
    return f"incident-message:{entry_id}:{person_id}"


def referred_key(incident_id: int, person_id: int) -> str:
    """Telling one DPO that an incident was referred to them, once (an incident is referred
    at most once: after that it is theirs)."""
    return f"incident-referred:{incident_id}:{person_id}"
