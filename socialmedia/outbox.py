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


def _to(recipient) -> str:
    # A person by id; a shared mailbox (nobody holds the role) by its address.
    return str(recipient) if isinstance(recipient, str) else str(recipient.pk)


def application_received_key(account_id: int, sent_at: datetime, recipient) -> str:
    """To a decider, each time the application is sent (first, then after each revision)."""
    return f"socialmedia:application_received:{account_id}:{instant(sent_at)}:{_to(recipient)}:"


def application_decided_key(decision_id: int, recipient) -> str:
    return f"socialmedia:application_decided:{decision_id}:{_to(recipient)}:"


# ---- Opening and the credential register ----

# ---- The team, leavers, hand-over and closure ----

# ---- Reviews and reminders ----

# ---- Permissions from the Chief Executive ----
