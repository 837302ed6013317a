"""The deduplication keys of the messages the chat-group register sends, in one place.

Each key names the object and the moment (or slot) it is about, so a message is never sent
twice for the same thing, and a new submission, decision or change of status earns its own.
The `:` after each id keeps group 12's keys apart from group 123's.
"""

from datetime import UTC, datetime


def _precise(at: datetime) -> str:
    # To the microsecond: two changes a moment apart can fall in the same second.
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}"


# --- Registration and the DPO's decisions (reg) -------------------------------------------


def submitted_key(submission_id: int, dpo_id: int) -> str:
    """Telling the DPO and deputy an application (or a change) awaits them: once per
    submission per person."""
    return f"grp-submitted:{submission_id}:{dpo_id}"


def decided_key(submission_id: int, recipient_id: int) -> str:
    """The DPO's decision, to the applicant (and the admin): once per submission."""
    return f"grp-decided:{submission_id}:{recipient_id}"


def rules_key(membership_id: int) -> str:
    """A member's copy of the group's purpose and rules: once per membership, whether sent on
    approval or on joining an approved group."""
    return f"grp-rules:{membership_id}"


def status_key(group_id: int, status: str, at: datetime, recipient_id: int) -> str:
    """A group suspended, reinstated or closed: once per change per person told."""
    return f"grp-status:{group_id}:{status}:{_precise(at)}:{recipient_id}"
