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


def report_received_key(incident_id: int, person_id: int) -> str:
    """Telling the reporter (and the colleague it was reported for) it was received, once."""
    return f"incident-received:{incident_id}:{person_id}"


def information_added_key(entry_id: int, recipient: str) -> str:
    """New information from the reporter (one timeline entry) to one of the handlers, once."""
    return f"incident-information:{entry_id}:{recipient}"


# ---- Closing -----------------------------------------------------------------------------


def closed_key(incident_id: int, person_id: int) -> str:
    """Telling the reporter (and the person it was reported for) it is closed, once."""
    return f"incident-closed:{incident_id}:{person_id}"


# ---- Clocks ------------------------------------------------------------------------------
# The clocks' ledger (Alert.key) says which occasion was alerted; each email the occasion
# sends has its own key, the ledger's key and its recipient. Each kind's keys start with its
# prefix, so the sweep can ask whether an incident (or action) had an alert of that kind.

UNTRIAGED_PREFIX = "incident-untriaged:"
ICO_PREFIX = "incident-ico:"
ACTION_PREFIX = "incident-action:"


def untriaged_alert_key(incident_id: int, since: datetime) -> str:
    """An incident still not triaged some hours after it reached the DPO (`since`: reported,
    or referred), once."""
    return f"{UNTRIAGED_PREFIX}{incident_id}:{_instant(since)}"


def ico_alert_key(incident_id: int, deadline: datetime, hours_left: int) -> str:
    """One point on a breach's ICO clock (hours left before `deadline`; 0: it has passed),
    once. A deadline moved (awareness corrected) is a new clock."""
    point = f"{hours_left}h" if hours_left else "passed"
    return f"{ICO_PREFIX}{incident_id}:{_instant(deadline)}:{point}"


def action_alert_prefix(action_id: int) -> str:
    return f"{ACTION_PREFIX}{action_id}:"


def action_alert_key(action_id: int, due_at: datetime, days_overdue: int) -> str:
    """A containment action falling due (0) or still open days later, once. A new due date
    is a new occasion."""
    return f"{action_alert_prefix(action_id)}{_instant(due_at)}:{days_overdue}d"


def alert_message_key(alert_key: str, recipient: int | str) -> str:
    """The email of one alert to one person (their id) or to a mailbox (its address)."""
    return f"{alert_key}:to:{recipient}"


# ---- Travel abroad with a work device -----------------------------------------------------


def travel_told_key(notice_id: int, recipient: str) -> str:
    """A new travel notice to the helpdesk (a person's id, or its mailbox's address), once."""
    return f"travel-told:{notice_id}:{recipient}"


def travel_precautions_key(notice_id: int) -> str:
    """The precautions to the traveller, once per notice."""
    return f"travel-precautions:{notice_id}"


def travel_advice_key(notice_id: int, advised_at: datetime) -> str:
    """Information Security's advice to the traveller, once each time it is recorded."""
    return f"travel-advice:{notice_id}:{_instant(advised_at)}"


# ---- Triage ------------------------------------------------------------------------------


def action_assigned_key(action_id: int) -> str:
    """Telling the owner of a containment or recovery action it is theirs, once."""
    return f"incident-action-assigned:{action_id}:"


# ---- Handling ----------------------------------------------------------------------------


def message_key(entry_id: int, person_id: int) -> str:
    """Telling the reporter (and the person it was reported for) of one message, once."""
    return f"incident-message:{entry_id}:{person_id}"


def referred_key(incident_id: int, recipient: str) -> str:
    """Telling one DPO (a person's id, or the DPO mailbox's address) that an incident was
    referred to them, once (an incident is referred at most once: after that it is theirs)."""
    return f"incident-referred:{incident_id}:{recipient}"
