"""The deduplication keys of the messages the chat-group register sends, in one place.

Each sender builds its key here, one function per kind of message, each naming the object and
the slot it is for, so nothing is sent twice and a new occasion (a reissue) earns its own.
The `:` after each id keeps notice 12's keys apart from notice 123's.
"""

from datetime import UTC, datetime


def _precise(at: datetime) -> str:
    # To the microsecond: two reissues a moment apart each earn their own message.
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}"


# ---- Holds -------------------------------------------------------------------------------


def hold_notice_key(notice_id: int, reissued_at: datetime | None = None) -> str:
    """The notice not to delete: once when it is issued (on the hold or on joining a held
    group), and once more for each reissue, named by when the DPO reissued it."""
    slot = _precise(reissued_at) if reissued_at else "issued"
    return f"hold-notice:{notice_id}:{slot}"


def hold_reminder_key(notice_id: int) -> str:
    """The one reminder of a notice not yet acknowledged."""
    return f"hold-reminder:{notice_id}:"


def hold_escalation_key(notice_id: int, recipient_id: int) -> str:
    """The one escalation of a notice still not acknowledged, to the person's line manager
    (or to each DPO when they have none)."""
    return f"hold-escalated:{notice_id}:{recipient_id}"


def hold_release_key(notice_id: int) -> str:
    """Telling the person the hold is released and clear-downs resume: once per notice."""
    return f"hold-released:{notice_id}:"
