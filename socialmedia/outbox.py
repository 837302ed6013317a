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
# The sweep's ledger (socialmedia.models.Reminder: account, kind, slot) says which occasion was
# reminded; each email of that occasion has its own key, built from the ledger's and the
# recipient (a person's id, or a mailbox's address).


def rotation_slot(due_since: datetime, number: int) -> str:
    """The `number`th reminder of a password change due since `due_since`: a new due instant
    (the password changed, then the team again) starts its own count."""
    return f"{instant(due_since)}:{number}"


def review_slot(due_at: datetime) -> str:
    """A review due at `due_at`: a review done moves the date on, and the next date is a new
    occasion."""
    return instant(due_at)


def reminder_message_key(account_id: int, kind: str, slot: str, recipient: int | str) -> str:
    """One reminder's email to one person or mailbox."""
    return f"socialmedia-reminder:{account_id}:{kind}:{slot}:to:{recipient}"


# ---- Permissions from the Chief Executive ----
