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
# Recipients are named by `_to` (below, with the team's keys): a person as u<id>, a mailbox as
# m<address>. The keys already sent were built by it, so it must not change.


def application_received_key(account_id: int, sent_at: datetime, recipient) -> str:
    """To a decider, each time the application is sent (first, then after each revision)."""
    return f"socialmedia:application_received:{account_id}:{instant(sent_at)}:{_to(recipient)}:"


def application_decided_key(decision_id: int, recipient) -> str:
    return f"socialmedia:application_decided:{decision_id}:{_to(recipient)}:"


# ---- Opening and the credential register ----


def credentials_changed_key(account_id: int, recipient: str, at: datetime) -> str:
    """Telling the Chief Executive (a person's id, or the mailbox's address) what changed in an
    account's credentials, once for each change (its instant names it)."""
    return f"social-credentials:{account_id}:{recipient}:{instant(at)}"


def break_glass_key(reveal_id: int, recipient: str) -> str:
    """Telling the Chief Executive at once of one delegate's reveal, once."""
    return f"social-break-glass:{reveal_id}:{recipient}"


# ---- The team, leavers, hand-over and closure ----


def _to(recipient) -> str:
    # A person by id; a shared mailbox (the Chief Executive's, when nobody holds the role) by
    # its address.
    return f"u{recipient.pk}" if hasattr(recipient, "pk") else f"m{recipient}"


def rotation_due_key(account_id: int, recipient, at: datetime) -> str:
    return f"socialmedia:rotation_due:{account_id}:{_to(recipient)}:{instant(at)}"


def account_changed_key(account_id: int, recipient, at: datetime) -> str:
    return f"socialmedia:account_changed:{account_id}:{_to(recipient)}:{instant(at)}"


def handover_proposed_key(handover_id: int, recipient) -> str:
    return f"socialmedia:handover_proposed:{handover_id}:{_to(recipient)}"


def handover_answered_key(handover_id: int, recipient) -> str:
    return f"socialmedia:handover_answered:{handover_id}:{_to(recipient)}"


def account_order_key(decision_id: int) -> str:
    return f"socialmedia:account_order:{decision_id}:"


def account_order_instead_key(decision_id: int, recipient) -> str:
    # The order went to the Chief Executive because its owner had left.
    return f"socialmedia:account_order_instead:{decision_id}:{_to(recipient)}"


def account_closed_key(account_id: int, recipient) -> str:
    # An account is closed once: one message per person.
    return f"socialmedia:account_closed:{account_id}:{_to(recipient)}"


def needs_owner_key(account_id: int, leaver_id: int, recipient) -> str:
    return f"socialmedia:needs_owner:{account_id}:{leaver_id}:{_to(recipient)}"


def owner_assigned_key(account_id: int, owner_id: int, at: datetime) -> str:
    return f"socialmedia:owner_assigned:{account_id}:{owner_id}:{instant(at)}"


def handover_withdrawn_key(handover_id: int, recipient) -> str:
    # A hand-over is withdrawn once.
    return f"socialmedia:handover_withdrawn:{handover_id}:{_to(recipient)}"


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


def review_concerns_key(review_id: int, recipient: int | str) -> str:
    """A review that found the team or the website link not right, to one Chief Executive
    (a person's id) or their mailbox (its address): once per review."""
    return f"socialmedia:review_concerns:{review_id}:{recipient}:"


# ---- Permissions from the Chief Executive ----


def permission_received_prefix(version_id: int) -> str:
    """Every permission_received_key of one version: who was told of it."""
    return f"permission-received:{version_id}:"


def permission_received_key(version_id: int, recipient: str) -> str:
    """A version of a permission request to one decider (a person's id, or the Chief
    Executive's mailbox), once. Each revision is a new version, so the deciders hear of it."""
    return f"{permission_received_prefix(version_id)}{recipient}"


def permission_withdrawn_key(request_id: int, recipient: str) -> str:
    """A request withdrawn, to one decider (or mailbox) who was told of it: once, as a request
    is withdrawn once."""
    return f"permission-withdrawn:{request_id}:{recipient}"


def permission_decided_key(decision_id: int) -> str:
    """A decision on a permission request to its requester, once."""
    return f"permission-decided:{decision_id}"
