"""The deduplication keys of the messages declarations send, in one place.

Each sender builds its key here, and a person's page in a campaign finds what was sent to them
by the same keys, so the list of messages cannot drift from the senders: a new kind of message
about one person's declaration is added here, with its plain label, or it has no key.

A key names the campaign and person (the invitation), the obligation (reminders and notices)
or the declaration (the receipt); the `:` after each id keeps obligation 12's keys apart from
obligation 123's.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Q, QuerySet, TextChoices

from declarations.models import Obligation
from portal.models import Notification


class ObligationMessage(TextChoices):
    """What each message about one person's declaration is, by its key's prefix."""

    INVITATION = "decl-opened", "Asked to sign"
    REMINDER = "decl-reminder", "Reminder"
    DUE = "decl-due", "Reminder: due within a day"
    OVERDUE = "decl-overdue", "Overdue notice"
    LINE_MANAGER = "decl-overdue-mgr", "Line manager told it is overdue"
    RECEIPT = "decl-receipt", "Receipt for the signature"


# Messages about one deadline of one obligation, and all messages keyed by the obligation.
DEADLINE_MESSAGES = (
    ObligationMessage.DUE,
    ObligationMessage.OVERDUE,
    ObligationMessage.LINE_MANAGER,
)
BY_OBLIGATION = (ObligationMessage.REMINDER, *DEADLINE_MESSAGES)


def _instant(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def invitation_key(campaign_id: int, user_id: int) -> str:
    """The email asking a person to sign (or sign again), once per campaign."""
    return f"{ObligationMessage.INVITATION}:{campaign_id}:{user_id}"


def reminder_key(obligation_id: int, slot: datetime) -> str:
    """One reminder per reminder slot."""
    return f"{ObligationMessage.REMINDER}:{obligation_id}:{_instant(slot)}"


def deadline_key(kind: ObligationMessage, obligation_id: int, due_at: datetime) -> str:
    """The due-day reminder, the overdue notice and the line manager's message belong to one
    deadline: an extended deadline earns its own, once each, never a repeat for the old one."""
    assert kind in DEADLINE_MESSAGES
    return f"{kind}:{obligation_id}:{_instant(due_at)}"


def receipt_key(declaration_id: int) -> str:
    return f"{ObligationMessage.RECEIPT}:{declaration_id}"


def admin_digest_key(campaign_id: int, day: date, admin_id: int) -> str:
    """The policy administrators' daily digest of who is overdue: about a campaign, not one
    person, so it is not among an obligation's messages (the page shows when it named them)."""
    return f"decl-overdue-admin:{campaign_id}:{day:%Y-%m-%d}:{admin_id}"


def summary_key(campaign_id: int, week: str, user_id: int) -> str:
    """A campaign's weekly summary to one of its named senior people, once per ISO week
    ("2026-W49"): about a campaign, not one person's declaration, like the digest above."""
    return f"decl-summary:{campaign_id}:{week}:{user_id}"


def message_kind(dedup_key: str) -> ObligationMessage | None:
    prefix = dedup_key.partition(":")[0]
    return ObligationMessage(prefix) if prefix in ObligationMessage.values else None


@dataclass(frozen=True)
class SentMessage:
    """One message about an obligation, and what it was in plain words."""

    what: str
    message: Notification


def obligation_messages_sent(
    obligation: Obligation, declaration_id: int | None = None
) -> list[SentMessage]:
    """obligation_messages, each with its plain label (one query)."""
    sent = []
    for message in obligation_messages(obligation, declaration_id):
        kind = message_kind(message.dedup_key)
        sent.append(SentMessage(kind.label if kind else "Message", message))
    return sent


def obligation_messages(
    obligation: Obligation, declaration_id: int | None = None
) -> QuerySet[Notification]:
    """Every message queued about this obligation, oldest first, with its recipient: one query.
    Each key is matched exactly or by its prefix, which the dedup key's index serves."""
    keys = Q(dedup_key=invitation_key(obligation.campaign_id, obligation.user_id))
    for kind in BY_OBLIGATION:
        keys |= Q(dedup_key__startswith=f"{kind}:{obligation.pk}:")
    if declaration_id is not None:
        keys |= Q(dedup_key=receipt_key(declaration_id))
    messages = Notification.objects.filter(keys).select_related("recipient")
    return messages.order_by("created_at", "pk")
