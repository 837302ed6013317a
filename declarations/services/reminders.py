"""Declaration reminders and escalations, run by the sweep that beat starts every five minutes.

Each pending obligation carries `next_reminder_at`: the instant the person next hears from us.
The campaign's opening email asks them first (campaign_enrol). Then the slots run: a reminder
every `reminder_every_days`, one "due" reminder in the last day before the deadline, one
"overdue" notice at the deadline, then nothing more to the person (next_reminder_at is
cleared). After the deadline their line manager is told once, and the policy administrators
once `admin_escalation_days` later, in one digest per campaign per day.

Why it never sends twice and never sends a burst:
- every step compares instants (`<= now`), never `date == today`, so a sweep that was down
  catches up when it returns;
- a sweep locks the rows it works on (SKIP LOCKED) and claims them with a conditional UPDATE on
  the value it read, in the same transaction as the outbox rows, so two sweeps cannot both
  claim a row, and a claim never commits without its message;
- catching up moves `next_reminder_at` to the first slot after now, not the slot after the
  old value, so a sweep back after days away sends one reminder, not one per missed slot;
- every message has a dedup key naming the obligation and the slot, so even a claim that went
  wrong could not put the same reminder in the outbox twice.

The sweep works in batches of rows with a fixed number of queries per batch, whatever the
number of staff: no query per person except the outbox insert, which is itself in bulk.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, DateTimeField, Expression, F, Q, Value
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.models import Campaign, Obligation
from declarations.outbox import (
    ObligationMessage,
    admin_digest_key,
    deadline_key,
    reminder_key,
)
from declarations.selectors import policy_administrators, versions_asked
from declarations.services.campaigns import campaign_enrol
from declarations.services.exemptions import obligations_end_exemptions
from portal.lib.locks import AdvisoryLock, single_run
from portal.lib.sweeps import SweepClaimConflict, in_locked_batches
from portal.lib.uktime import days_overdue
from portal.models import Notification, User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# The "due" reminder goes out in the last day before the deadline, whatever time of day the
# deadline falls at (a deadline at midnight still gets its reminder the day before).
DUE_WINDOW = timedelta(hours=24)
BATCH_SIZE = 1000
# How many names an administrators' digest lists before "and N more" (the report has them all).
DIGEST_NAMES = 25
# Keeps two declaration sweeps from running at once (held for the sweep).
SWEEP_LOCK = AdvisoryLock("declarations.sweep")


@dataclass
class SweepResult:
    enrolled: int = 0
    reminders: int = 0
    due: int = 0
    overdue: int = 0
    managers_told: int = 0
    admin_escalated: int = 0
    exemptions_ended: int = 0
    skipped: bool = False


def _local(instant: datetime) -> datetime:
    return timezone.localtime(instant)


def declarations_sweep(*, now: datetime | None = None) -> SweepResult:
    """End exemptions that are over, enrol newcomers, send the reminders that have fallen
    due, escalate what is overdue."""
    now = now or timezone.now()
    result = SweepResult()
    # The claims below are safe on their own; the lock only spares the database two sweeps
    # doing the same work at once.
    with single_run(SWEEP_LOCK) as got_lock:
        if not got_lock:
            result.skipped = True
            return result
        # First, so people whose exemption is over are scheduled and reminded with the rest.
        result.exemptions_ended = obligations_end_exemptions(now=now)
        campaigns = list(Campaign.objects.filter(status=Campaign.Status.OPEN).order_by("pk"))
        for campaign in campaigns:
            # People who joined (or joined the audience) while it is open are asked to sign.
            result.enrolled += campaign_enrol(campaign=campaign)
            obligations_schedule(campaign=campaign, now=now)
        obligations_remind(now=now, result=result)
        obligations_escalate_to_managers(now=now, result=result)
        for campaign in campaigns:
            result.admin_escalated += obligations_escalate_to_admins(campaign=campaign, now=now)
    return result


@transaction.atomic
def obligations_schedule(*, campaign: Campaign, now: datetime) -> int:
    """Give pending obligations with no reminder scheduled, and a deadline still ahead, their
    next slot: one cadence from now, or the due reminder if that comes sooner. That covers a row
    made without one and a row whose deadline was extended after its last reminder.
    One UPDATE per campaign."""
    window_start = F("due_at") - DUE_WINDOW
    upcoming: Expression
    if campaign.reminder_every_days:
        upcoming = Least(
            Value(now + timedelta(days=campaign.reminder_every_days), DateTimeField()),
            window_start,
        )
    else:
        upcoming = window_start
    return Obligation.objects.filter(
        campaign=campaign,
        status=Obligation.Status.PENDING,
        next_reminder_at__isnull=True,
        due_at__gt=now,
    ).update(next_reminder_at=upcoming)


def _plan(row: Obligation, now: datetime) -> tuple[str, datetime | None, datetime | None]:
    """(what to send, the slot it is for, the next slot) for a row whose time has come.
    What to send is "reminder", "due", "overdue", or "none" (only move to the next slot)."""
    if now >= row.due_at:
        return "overdue", row.due_at, None
    window_start = row.due_at - DUE_WINDOW
    if now >= window_start:
        return "due", window_start, row.due_at
    old = row.next_reminder_at
    # Before the due window a row is chosen only by next_reminder_at <= now (obligations_remind).
    assert old is not None
    cadence = timedelta(days=row.campaign.reminder_every_days)
    if not cadence:
        # No cadence chosen: the opening email and the due reminder are all they get.
        return "none", None, window_start
    # The latest slot at or before now: a sweep back after days away sends that one only.
    slot = old + cadence * ((now - old) // cadence)
    return "reminder", slot, min(slot + cadence, window_start)


def _reminder_message(
    row: Obligation, kind: str, slot: datetime, versions: list[dict[str, str]]
) -> Message:
    user = row.user
    manager = user.line_manager if user.line_manager and user.line_manager.is_active else None
    if kind == "reminder":
        template = DeclarationEmail.REMINDER
        key = reminder_key(row.pk, slot)
    elif kind == "due":
        template = DeclarationEmail.DUE_TODAY
        key = deadline_key(ObligationMessage.DUE, row.pk, row.due_at)
    else:
        template = DeclarationEmail.REMINDER
        key = deadline_key(ObligationMessage.OVERDUE, row.pk, row.due_at)
    return Message(
        to=user,
        template=template,
        dedup_key=key,
        url=reverse("declarations:sign", args=[row.pk]),
        context={
            "campaign": row.campaign,
            "versions": versions,
            "due_at": _local(row.due_at),
            "overdue": kind == "overdue",
            "line_manager": manager,
        },
    )


def _in_batches(queryset, handle: Callable[[list[Obligation]], None]) -> None:
    """Each locked batch of obligations, with what the messages need, in its own transaction."""
    in_locked_batches(
        queryset.select_related("campaign", "user", "user__line_manager"),
        handle,
        size=BATCH_SIZE,
        name="Declarations sweep",
    )


def obligations_remind(*, now: datetime, result: SweepResult | None = None) -> SweepResult:
    """Send each reminder whose time has come: one per person per slot, in batches."""
    result = result or SweepResult()
    window_start = F("due_at") - DUE_WINDOW
    due = Obligation.objects.filter(
        Q(next_reminder_at__lte=now)
        # A slot scheduled past the start of the due window (a long cadence, a short campaign)
        # must not swallow the due reminder: the window's opening counts as the slot.
        | (
            Q(due_at__lte=now + DUE_WINDOW, next_reminder_at__gt=window_start)
            & ~Q(next_reminder_at=F("due_at"))
        ),
        status=Obligation.Status.PENDING,
        user__is_active=True,
        campaign__status=Campaign.Status.OPEN,
    )
    _in_batches(due, lambda rows: _remind_batch(rows=rows, now=now, result=result))
    return result


def _remind_batch(*, rows: list[Obligation], now: datetime, result: SweepResult) -> None:
    # Rows that share the value read, the next slot and whether they are sent something are
    # claimed by one conditional UPDATE; in practice a campaign's rows share a schedule.
    groups: dict[tuple, list[int]] = defaultdict(list)
    messages: list[Message] = []
    sent: dict[str, list[int]] = defaultdict(list)
    versions = versions_asked(row.campaign_id for row in rows)
    for row in rows:
        kind, slot, upcoming = _plan(row, now)
        groups[(row.next_reminder_at, upcoming, kind != "none")].append(row.pk)
        if kind != "none":
            assert slot is not None  # every kind but "none" is sent for a slot
            messages.append(_reminder_message(row, kind, slot, versions[row.campaign_id]))
            sent[kind].append(row.pk)
    for (read, upcoming, sends), pks in groups.items():
        claimed = Obligation.objects.filter(pk__in=pks, next_reminder_at=read).update(
            next_reminder_at=upcoming, reminders_sent=F("reminders_sent") + int(sends)
        )
        if claimed != len(pks):
            raise SweepClaimConflict(f"{len(pks) - claimed} reminder rows changed under the claim")
    if not messages:
        return
    notifications_queue_many(messages=messages)
    result.reminders += len(sent["reminder"])
    result.due += len(sent["due"])
    result.overdue += len(sent["overdue"])
    audit_record(
        verb=DeclarationEvent.DECLARATION_REMINDERS_QUEUED, changes={"obligations": dict(sent)}
    )


def obligations_escalate_to_managers(
    *, now: datetime, result: SweepResult | None = None
) -> SweepResult:
    """Tell each overdue person's line manager, once. People without an active line manager
    are left to the policy administrators' digest."""
    result = result or SweepResult()
    overdue = Obligation.objects.filter(
        status=Obligation.Status.PENDING,
        user__is_active=True,
        user__line_manager__is_active=True,
        campaign__status=Campaign.Status.OPEN,
        due_at__lte=now,
        manager_escalated_at__isnull=True,
    )
    _in_batches(overdue, lambda rows: _escalate_batch(rows=rows, now=now, result=result))
    return result


def _line_manager(row: Obligation) -> User:
    manager = row.user.line_manager
    # Only people with an active line manager are escalated (obligations_escalate_to_managers).
    assert manager is not None
    return manager


def _escalate_batch(*, rows: list[Obligation], now: datetime, result: SweepResult) -> None:
    pks = [row.pk for row in rows]
    claimed = Obligation.objects.filter(pk__in=pks, manager_escalated_at__isnull=True).update(
        manager_escalated_at=now
    )
    if claimed != len(pks):
        raise SweepClaimConflict(f"{len(pks) - claimed} escalation rows changed under the claim")
    team_path = reverse("declarations:my_team")
    versions = versions_asked(row.campaign_id for row in rows)
    notifications_queue_many(
        messages=[
            Message(
                to=_line_manager(row),
                template=DeclarationEmail.OVERDUE_MANAGER,
                dedup_key=deadline_key(ObligationMessage.LINE_MANAGER, row.pk, row.due_at),
                url=team_path,
                context={
                    "campaign": row.campaign,
                    "versions": versions[row.campaign_id],
                    "person": row.user,
                    "due_at": _local(row.due_at),
                    "days_overdue": days_overdue(row.due_at, now),
                },
            )
            for row in rows
        ]
    )
    result.managers_told += len(rows)
    audit_record(
        verb=DeclarationEvent.DECLARATION_ESCALATED_TO_LINE_MANAGERS,
        changes={
            "obligations": pks,
            "line_managers": sorted({row.user.line_manager_id for row in rows}),
        },
    )


@transaction.atomic
def obligations_escalate_to_admins(*, campaign: Campaign, now: datetime) -> int:
    """Tell the policy administrators who is still unsigned `admin_escalation_days` after the
    deadline: one digest each per campaign per day. Returns how many people it named.

    The rows are claimed by one conditional UPDATE stamped with this sweep's `now`, which then
    picks out exactly the rows this digest is about. If today's digest for the campaign has
    gone already, people newly late wait for tomorrow's, rather than being marked as reported
    in a digest that was never sent.
    """
    admins = list(policy_administrators())
    if not admins:
        return 0
    day = _local(now).date()
    keys = {a.pk: admin_digest_key(campaign.pk, day, a.pk) for a in admins}
    if Notification.objects.filter(dedup_key__in=keys.values()).exists():
        return 0
    claimed = Obligation.objects.filter(
        campaign=campaign,
        status=Obligation.Status.PENDING,
        user__is_active=True,
        due_at__lte=now - timedelta(days=campaign.admin_escalation_days),
        admin_escalated_at__isnull=True,
    ).update(admin_escalated_at=now)
    if not claimed:
        return 0
    ours = Obligation.objects.filter(campaign=campaign, admin_escalated_at=now)
    named = list(
        ours.select_related("user__department", "user__line_manager").order_by(
            "due_at", "user__full_name", "pk"
        )[:DIGEST_NAMES]
    )
    context = {
        "campaign": campaign,
        "versions": versions_asked([campaign.pk])[campaign.pk],
        "count": claimed,
        "by_department": list(
            ours.values("user__department__name")
            .annotate(people=Count("pk"))
            .order_by("-people", "user__department__name")
        ),
        "named": [
            {
                "person": row.user,
                "due_at": _local(row.due_at),
                "days_overdue": days_overdue(row.due_at, now),
            }
            for row in named
        ],
        "more": claimed - len(named),
        "without_manager": ours.filter(
            Q(user__line_manager__isnull=True) | Q(user__line_manager__is_active=False)
        ).count(),
        "escalation_days": campaign.admin_escalation_days,
    }
    report_path = reverse("declarations:report_outstanding", args=[campaign.pk]) + "?show=overdue"
    notifications_queue_many(
        messages=[
            Message(
                to=admin,
                template=DeclarationEmail.OVERDUE_ADMIN,
                dedup_key=keys[admin.pk],
                url=report_path,
                context=context,
            )
            for admin in admins
        ]
    )
    audit_record(
        verb=DeclarationEvent.DECLARATION_ESCALATED_TO_ADMINISTRATORS,
        obj=campaign,
        changes={"people": claimed, "administrators": [admin.email for admin in admins]},
    )
    return claimed
