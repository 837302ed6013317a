"""Reminders sent by hand ("Remind now"): by a policy administrator to one person or many from
a campaign's outstanding list, and by a line manager to one of their team.

Only people who still have to sign in an open campaign are reminded (declarations.remindable
says who), at most once a day each by hand, whoever asks: the message's outbox key names the
obligation and the UK calendar day, so a second send that day cannot make a second email.
The rows are locked before they are read, so two people sending at once each see what the
other sent. Each reminder writes an audit event against the person's obligation, in the same
transaction as its message, naming who sent it and in what capacity.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.models import Campaign, Obligation
from declarations.outbox import remind_now_key
from declarations.remindable import BULK_LIMIT, refusal_text, skipped_text, with_refusal
from declarations.selectors import versions_asked
from portal.models import User
from portal.services.audit import AuditDraft, audit_record_many
from portal.services.notifications import Message, notifications_queue_many

LINE_MANAGER = "line manager"
POLICY_ADMINISTRATOR = "policy administrator"


@dataclass
class RemindResult:
    sent: list[Obligation] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped.values())

    @property
    def skipped_text(self) -> str:
        return skipped_text(self.skipped)


def _capacity(row: Obligation, by: User) -> str:
    """In what capacity `by` reminds this person: the views decide whether they may."""
    return LINE_MANAGER if row.user.line_manager_id == by.pk else POLICY_ADMINISTRATOR


def _message(row: Obligation, *, by: User, day, now: datetime, versions) -> Message:
    capacity = _capacity(row, by)
    return Message(
        to=row.user,
        template=DeclarationEmail.REMIND_NOW,
        dedup_key=remind_now_key(row.pk, day),
        url=reverse("declarations:sign", args=[row.pk]),
        context={
            "campaign": row.campaign,
            "versions": versions,
            "due_at": timezone.localtime(row.due_at),
            "overdue": row.due_at <= now,
            "sender": by,
            "sender_role": "your line manager"
            if capacity == LINE_MANAGER
            else "a policy administrator",
        },
    )


def _remind(
    *, obligations: QuerySet[Obligation], by: User, ip: str | None
) -> tuple[RemindResult, list[Obligation]]:
    """Remind whichever of these obligations can be, in one transaction (the caller's).
    Returns what was done and the rows refused (with `cannot_remind` and `reminded_now_at`)."""
    now = timezone.now()
    day = timezone.localdate(now)
    # Locked first, then read in a second statement, which sees what a send that held the
    # lock before us committed (its messages): the day's key is then already taken.
    locked = list(obligations.order_by("pk").select_for_update().values_list("pk", flat=True))
    rows = list(
        with_refusal(Obligation.objects.filter(pk__in=locked), day=day)
        .select_related("campaign", "user")
        .order_by("due_at", "user__full_name", "pk")
    )
    result = RemindResult()
    refused = [row for row in rows if row.cannot_remind]
    result.skipped.update(row.cannot_remind for row in refused)
    chosen = [row for row in rows if not row.cannot_remind]
    if not chosen:
        return result, refused
    versions = versions_asked(row.campaign_id for row in chosen)
    queued = notifications_queue_many(
        messages=[
            _message(row, by=by, day=day, now=now, versions=versions[row.campaign_id])
            for row in chosen
        ]
    )
    if queued != len(chosen):
        # Every sender of these keys holds the rows' locks, so this cannot happen; if it did,
        # the audit trail would name reminders that were never sent.
        raise RuntimeError(f"{len(chosen) - queued} reminders were already in the outbox")
    Obligation.objects.filter(pk__in=[row.pk for row in chosen]).update(
        reminders_sent=F("reminders_sent") + 1
    )
    audit_record_many(
        drafts=(
            AuditDraft(
                verb=DeclarationEvent.OBLIGATION_REMINDED_NOW,
                actor=by,
                obj=row,
                ip=ip,
                changes={
                    "dedup_key": remind_now_key(row.pk, day),
                    "sent_as": _capacity(row, by),
                    "due_at": row.due_at,
                    "sent_together": len(chosen),
                },
            )
            for row in chosen
        )
    )
    result.sent = chosen
    return result, refused


@transaction.atomic
def obligation_remind_now(*, obligation: Obligation, by: User, ip: str | None = None) -> None:
    """Send one person a reminder now. Refused, with the reason in plain words, if they cannot
    be reminded (signed, paused, left, campaign not open) or were already reminded by hand
    today (saying when, and by whom)."""
    result, refused = _remind(obligations=Obligation.objects.filter(pk=obligation.pk), by=by, ip=ip)
    if refused:
        row = refused[0]
        raise ValidationError(refusal_text(row, row.cannot_remind, row.reminded_now_at))
    if not result.sent:
        raise ValidationError("There is no such declaration to remind anyone about.")


@transaction.atomic
def obligations_remind_now(
    *, campaign: Campaign, obligation_ids: Iterable[int], by: User, ip: str | None = None
) -> RemindResult:
    """Send a reminder now to each of these people in the campaign who can be reminded, and
    say how many were skipped and why. Ids of other campaigns' obligations are ignored. At
    most BULK_LIMIT at once; a fixed number of queries for up to that many."""
    pks = sorted(set(obligation_ids))
    if len(pks) > BULK_LIMIT:
        raise ValidationError(f"Remind at most {BULK_LIMIT} people at once.")
    ours = Obligation.objects.filter(campaign=campaign, pk__in=pks)
    result, _refused = _remind(obligations=ours, by=by, ip=ip)
    return result
