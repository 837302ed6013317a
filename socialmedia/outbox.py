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


def credentials_changed_key(account_id: int, recipient: str, at: datetime) -> str:
    """Telling the Chief Executive (a person's id, or the mailbox's address) what changed in an
    account's credentials, once for each change (its instant names it)."""
    return f"social-credentials:{account_id}:{recipient}:{instant(at)}"


def break_glass_key(reveal_id: int, recipient: str) -> str:
    """Telling the Chief Executive at once of one delegate's reveal, once."""
    return f"social-break-glass:{reveal_id}:{recipient}"


# ---- The team, leavers, hand-over and closure ----

# ---- Reviews and reminders ----

# ---- Permissions from the Chief Executive ----
