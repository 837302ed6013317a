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

from django.db.models import CharField, Expression, OuterRef, Q, QuerySet, TextChoices, Value
from django.db.models.functions import Cast, Concat

from declarations.events import DeclarationEvent
from declarations.models import Obligation
from portal.models import AuditEvent, Notification


class ObligationMessage(TextChoices):
    """What each message about one person's declaration is, by its key's prefix."""

    INVITATION = "decl-opened", "Asked to sign"
    REMINDER = "decl-reminder", "Reminder"
    # Sent by hand ("Remind now"); the page names who sent it, from the audit trail.
    REMIND_NOW = "decl-remind-now", "Reminder sent by hand"
    DUE = "decl-due", "Reminder: due within a day"
    OVERDUE = "decl-overdue", "Overdue notice"
    LINE_MANAGER = "decl-overdue-mgr", "Line manager told it is overdue"
    RECEIPT = "decl-receipt", "Receipt for the signature"
    EXEMPTION_ENDED = "decl-exempt-end", "Asked to sign again: exemption ended"


# Messages about one deadline of one obligation, and all messages keyed by the obligation.
DEADLINE_MESSAGES = (
    ObligationMessage.DUE,
    ObligationMessage.OVERDUE,
    ObligationMessage.LINE_MANAGER,
)
BY_OBLIGATION = (
    ObligationMessage.REMINDER,
    ObligationMessage.REMIND_NOW,
    ObligationMessage.EXEMPTION_ENDED,
    *DEADLINE_MESSAGES,
)


def _instant(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def invitation_key(campaign_id: int, user_id: int) -> str:
    """The email asking a person to sign (or sign again), once per campaign."""
    return f"{ObligationMessage.INVITATION}:{campaign_id}:{user_id}"


def reminder_key(obligation_id: int, slot: datetime) -> str:
    """One reminder per reminder slot."""
    return f"{ObligationMessage.REMINDER}:{obligation_id}:{_instant(slot)}"


def remind_now_key(obligation_id: int, day: date) -> str:
    """A reminder sent by hand ("Remind now"): one per person per campaign per UK calendar day,
    whoever sends it, so two people pressing the button on the same day send one email."""
    return f"{ObligationMessage.REMIND_NOW}:{obligation_id}:{day:%Y-%m-%d}"


def remind_now_key_of_row(day: date) -> Expression:
    """remind_now_key in SQL, for the obligation of the outer query (OuterRef("pk")): lets a
    list say who was reminded today in the query that fetches it."""
    return Concat(
        Value(f"{ObligationMessage.REMIND_NOW}:"),
        Cast(OuterRef("pk"), CharField()),
        Value(f":{day:%Y-%m-%d}"),
        output_field=CharField(),
    )


def deadline_key(kind: ObligationMessage, obligation_id: int, due_at: datetime) -> str:
    """The due-day reminder, the overdue notice and the line manager's message belong to one
    deadline: an extended deadline earns its own, once each, never a repeat for the old one."""
    assert kind in DEADLINE_MESSAGES
    return f"{kind}:{obligation_id}:{_instant(due_at)}"


def _precise(at: datetime) -> str:
    # To the microsecond: two events a moment apart (an exemption ended and given again, a
    # request sent back and asked again) can fall in the same second.
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}"


def exemption_ended_key(obligation_id: int, exempted_at: datetime) -> str:
    """Asking a person to sign again when an exemption ends: once per exemption (named by when
    it was given), whether it ran to its end date or was ended early, and never again for it."""
    return f"{ObligationMessage.EXEMPTION_ENDED}:{obligation_id}:{_precise(exempted_at)}"


def receipt_key(declaration_id: int) -> str:
    return f"{ObligationMessage.RECEIPT}:{declaration_id}"


def admin_digest_key(campaign_id: int, day: date, admin_id: int) -> str:
    """The policy administrators' daily digest of who is overdue: about a campaign, not one
    person, so it is not among an obligation's messages (the page shows when it named them)."""
    return f"decl-overdue-admin:{campaign_id}:{day:%Y-%m-%d}:{admin_id}"


def repeat_prepared_key(campaign_id: int, admin_id: int) -> str:
    """Telling each policy administrator that a repeating campaign's next one is prepared:
    about a campaign, not one person, so not among an obligation's messages."""
    return f"decl-repeat-prepared:{campaign_id}:{admin_id}"


def repeat_not_opened_key(campaign_id: int, admin_id: int) -> str:
    """Telling each policy administrator that a prepared campaign could not open by itself."""
    return f"decl-repeat-not-opened:{campaign_id}:{admin_id}"


# Messages about a policy or one of its versions, not about anyone's declaration: each names the
# moment it is for, so a new request for approval, a new decision or a new review date earns
# its own message, once per recipient.


def approval_request_key(version_id: int, requested_at: datetime, admin_id: int) -> str:
    """To each other policy administrator, once per request for approval of a version."""
    return f"policy-approval-asked:{version_id}:{_precise(requested_at)}:{admin_id}"


def approval_decision_key(version_id: int, decided_at: datetime, author_id: int) -> str:
    """To each author, once per decision (approved or sent back)."""
    return f"policy-approval-decided:{version_id}:{_precise(decided_at)}:{author_id}"


def review_reminder_key(policy_id: int, review_date: date, overdue: bool, recipient_id: int) -> str:
    """Before the review date, and once it has passed: each once per review date per person."""
    kind = "policy-review-overdue" if overdue else "policy-review-due"
    return f"{kind}:{policy_id}:{review_date:%Y-%m-%d}:{recipient_id}"


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
    """obligation_messages, each with its plain label: one query, and one more when some were
    sent by hand (to name who sent them)."""
    messages = list(obligation_messages(obligation, declaration_id))
    by_hand = [m for m in messages if message_kind(m.dedup_key) == ObligationMessage.REMIND_NOW]
    senders = remind_now_senders(obligation) if by_hand else {}
    sent = []
    for message in messages:
        kind = message_kind(message.dedup_key)
        what = kind.label if kind else "Message"
        if message.dedup_key in senders:
            what = f"Reminder sent by {senders[message.dedup_key]}"
        sent.append(SentMessage(what, message))
    return sent


def remind_now_senders(obligation: Obligation) -> dict[str, str]:
    """Who sent each of the obligation's reminders by hand, by the message's key: the name
    and capacity the audit event recorded ("Priya Policy (policy administrator)"). One query."""
    events = AuditEvent.objects.filter(
        object_type=Obligation._meta.label_lower,
        object_id=str(obligation.pk),
        verb=DeclarationEvent.OBLIGATION_REMINDED_NOW,
    ).select_related("actor")
    senders = {}
    for event in events:
        name = event.actor.full_name if event.actor else event.actor_label
        capacity = event.changes.get("sent_as", "")
        senders[event.changes.get("dedup_key", "")] = f"{name} ({capacity})" if capacity else name
    return senders


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
