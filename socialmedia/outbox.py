"""The deduplication keys of the messages the social media app sends, in one place.

Each sender builds its key here, one function per kind of message, each naming the object and
the occasion, so a message is never queued twice: a sweep run twice, or a service retried, finds
its key used and sends nothing, while a new occasion earns its own. The `:` after each id keeps
account 12's keys apart from account 123's.
"""

from datetime import UTC, datetime


def instant(at: datetime) -> str:
    # To the microsecond: two occasions a moment apart each earn their own key.
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}"


# ---- Applications and decisions ----

# ---- Opening and the credential register ----

# ---- The team, leavers, hand-over and closure ----

# ---- Reviews and reminders ----

# ---- Permissions from the Chief Executive ----


def permission_received_key(version_id: int, recipient: str) -> str:
    """A version of a permission request to one decider (a person's id, or the Chief
    Executive's mailbox), once. Each revision is a new version, so the deciders hear of it."""
    return f"permission-received:{version_id}:{recipient}"


def permission_decided_key(decision_id: int) -> str:
    """A decision on a permission request to its requester, once."""
    return f"permission-decided:{decision_id}"
