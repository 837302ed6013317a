"""The clear-down sweep, run by beat every five minutes (groups/tasks.py).

Every approved group has a schedule of slots (groups/schedule.py) and carries `next_cycle_at`,
the first slot the sweep has not dealt with. For each group whose `next_cycle_at <= now`:
- the current period is the latest slot at or before now; each earlier slot not dealt with is
  recorded as MISSED with its cause (or SKIPPED, if a hold covered it), and nobody is prompted
  for it: after weeks with the scheduler down, members get one prompt, never a burst;
- the current period is SKIPPED, naming the hold, if a hold covers the group; otherwise it is
  PROMPTED: the prompter (the admin, or the deputy while the group needs an admin) is asked to
  post the prompt in the chat, and each current member to clear the chat and confirm;
- `next_cycle_at` moves to the slot after the current one.
Then the follow-ups: at the deadline (two days after the prompt went out) the prompter who has
not confirmed posting is reminded once, `ESCALATE_AFTER` later the DPO and deputy DPO are told;
at the deadline members who have not confirmed are reminded once. Never for a period withdrawn
or skipped under a hold, nor after the period has closed, nor in the sweep that sent the prompt
(a sweep back from an outage sends the prompt only, never a burst of stale reminders with it).

Why it never duplicates, even with a worker killed mid-sweep: groups are locked in batches
(SKIP LOCKED) and claimed with one conditional UPDATE on the `next_cycle_at` each was read with,
in the same transaction as the cycles, prompts and outbox rows; a batch commits whole or not at
all. One cycle per group per slot and one prompt per member per cycle are database constraints,
inserted with ON CONFLICT DO NOTHING, and every message has a dedup key naming cycle and person.
Each follow-up is claimed by a conditional UPDATE (`... IS NULL`) in its batch's transaction.

Each batch costs a fixed number of queries whatever the number of groups or members in it (the
outbox inserts its rows in chunks of 500, the most one statement carries comfortably).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from groups.cleardown_links import cleardown_link_path, cleardown_link_paths
from groups.events import GroupEmail, GroupEvent
from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt, Hold, Membership
from groups.outbox import (
    cleardown_admin_key,
    cleardown_member_key,
    cleardown_member_reminder_key,
    prompt_escalated_key,
    prompt_reminder_key,
)
from groups.schedule import Schedule
from groups.selectors import data_protection_officers, open_prompted_cycles
from portal.lib.locks import AdvisoryLock, single_run
from portal.lib.sweeps import SweepClaimConflict, in_locked_batches
from portal.lib.uktime import long_date, long_datetime
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# Members and the prompter are asked to confirm within two days of being asked: long
# enough for someone off for a weekend, short enough that the reminder and the DPO's escalation
# still fall inside a seven-day period. Never after the period closes (short intervals).
DEADLINE_AFTER = timedelta(days=2)
# A prompt still not posted a day after the deadline goes to the DPO: the prompter has had their
# reminder and a working day to act on it.
ESCALATE_AFTER = timedelta(days=1)
# Groups per batch: at ten members a batch queues about 2,200 emails in one transaction, large
# enough to amortise each query, small enough to keep a batch's locks and memory short-lived.
BATCH_SIZE = 200
FOLLOW_UP_BATCH = 500
# Keeps two clear-down sweeps from running at once (held for the sweep).
SWEEP_LOCK = AdvisoryLock("groups.cleardowns")


@dataclass
class SweepResult:
    groups: int = 0
    prompted: int = 0
    missed: int = 0
    skipped: int = 0
    members_asked: int = 0
    prompters_reminded: int = 0
    escalated: int = 0
    members_reminded: int = 0
    locked_out: bool = False


def clear_downs_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    """Open the periods that have come, prompt for the current one, send the follow-ups due."""
    now = now or timezone.now()
    result = SweepResult()
    # The claims below are safe on their own; the lock only spares the database two sweeps
    # doing the same work at once.
    with single_run(SWEEP_LOCK) as got_lock:
        if not got_lock:
            result.locked_out = True
            return result
        interval = OrganisationSettings.load().clear_down_interval_days
        cycles_open(now=now, interval_days=interval, result=result, batch_size=batch_size)
        prompters_remind(now=now, result=result)
        prompters_escalate(now=now, result=result)
        members_remind(now=now, result=result)
    return result


# --- Opening periods --------------------------------------------------------------------------


@dataclass
class _Plan:
    group: ChatGroup
    read: datetime | None
    upcoming: datetime
    anchor: date
    cycles: list[ClearDownCycle] = field(default_factory=list)
    # The slot of the period to prompt for, if it is prompted.
    prompt_slot: datetime | None = None


@dataclass(frozen=True)
class _HoldSpan:
    hold: Hold
    group_id: int

    def covers(self, instant: datetime) -> bool:
        released = self.hold.released_at
        return self.hold.placed_at <= instant and (released is None or released > instant)


def due_groups(now: datetime) -> QuerySet[ChatGroup]:
    """Approved groups whose next slot has come, and approved groups not yet given one."""
    return ChatGroup.objects.approved().filter(
        Q(next_cycle_at__lte=now) | Q(next_cycle_at__isnull=True)
    )


def cycles_open(
    *,
    now: datetime,
    interval_days: int,
    result: SweepResult | None = None,
    batch_size: int = BATCH_SIZE,
) -> SweepResult:
    result = result or SweepResult()
    in_locked_batches(
        due_groups(now).select_related("admin", "deputy"),
        lambda groups: _open_batch(
            groups=groups, now=now, interval_days=interval_days, result=result
        ),
        size=batch_size,
        name="Clear-down sweep",
    )
    return result


def _first_slot(group: ChatGroup, schedule: Schedule, now: datetime) -> datetime:
    if group.next_cycle_at is not None:
        return group.next_cycle_at
    # Not given a slot yet: its first is the first slot once it was approved.
    return schedule.first_at_or_after(group.approved_at or now)


def _prompter(group: ChatGroup) -> User | None:
    person = group.deputy if group.needs_admin else group.admin
    return person if person is not None and person.is_active else None


def _missed_cause(opens_at: datetime, closes_at: datetime) -> str:
    return (
        f"The portal's scheduler did not run between {long_datetime(opens_at)} and "
        f"{long_datetime(closes_at)}, so nobody was asked to clear the chat in this period."
    )


def _held_cause(hold: Hold) -> str:
    return (
        f"Nobody was asked to clear the chat: the group was under a hold "
        f"({hold.get_kind_display()} {hold.reference}), so nothing may be deleted from it."
    )


def _plan(group: ChatGroup, now: datetime, interval_days: int, holds: list[_HoldSpan]) -> _Plan:
    schedule = Schedule.of(group, interval_days)
    first = _first_slot(group, schedule, now)
    plan = _Plan(group=group, read=group.next_cycle_at, upcoming=first, anchor=schedule.anchor)
    if first > now:
        return plan  # a new group whose first slot is still to come: only record it
    k_now = schedule.index_at_or_before(now)
    k_first = schedule.index_at_or_before(first)
    if schedule.slot(k_first) < first:
        k_first += 1  # a slot left off the grid by a change of interval
    plan.upcoming = schedule.slot(k_now + 1)
    for k in range(k_first, k_now + 1):
        opens, closes = schedule.slot(k), schedule.slot(k + 1)
        current = k == k_now
        hold = next((span.hold for span in holds if span.covers(opens)), None)
        if current and hold is None:
            # A hold placed after the slot but before this sweep stops it too.
            hold = next((span.hold for span in holds if span.hold.released_at is None), None)
        cycle = ClearDownCycle(
            group=group,
            opens_at=opens,
            closes_at=closes,
            # From when people are asked, not from when the period opened: a sweep back from an
            # outage must not ask with a deadline already past (it would remind at once).
            deadline_at=min(max(opens, now) + DEADLINE_AFTER, closes),
            created_at=now,
        )
        if hold is not None:
            cycle.outcome, cycle.hold, cycle.cause = (
                ClearDownCycle.Outcome.SKIPPED,
                hold,
                _held_cause(hold),
            )
        elif not current:
            cycle.outcome, cycle.cause = ClearDownCycle.Outcome.MISSED, _missed_cause(opens, closes)
        else:
            cycle.outcome, cycle.prompter = ClearDownCycle.Outcome.PROMPTED, _prompter(group)
            plan.prompt_slot = opens
        plan.cycles.append(cycle)
    return plan


def _hold_spans(groups: list[ChatGroup], since: datetime) -> dict[int, list[_HoldSpan]]:
    """The holds on these groups that were open at any time since `since`. One query."""
    through = Hold.groups.through.objects.filter(chatgroup_id__in=[g.pk for g in groups]).filter(
        Q(hold__released_at__isnull=True) | Q(hold__released_at__gt=since)
    )
    spans: dict[int, list[_HoldSpan]] = defaultdict(list)
    for row in through.select_related("hold"):
        spans[row.chatgroup_id].append(_HoldSpan(row.hold, row.chatgroup_id))
    return spans


def _claim(plans: list[_Plan]) -> None:
    """Move each group's `next_cycle_at` on, only if it still holds the value read: one UPDATE."""
    by_read: dict[datetime | None, list[int]] = defaultdict(list)
    for plan in plans:
        by_read[plan.read].append(plan.group.pk)
    still = Q()
    for read, pks in by_read.items():
        still |= Q(pk__in=pks, next_cycle_at=read) if read else Q(pk__in=pks, next_cycle_at=None)
    claimed = (
        ChatGroup.objects.filter(still)
        .filter(status=ChatGroup.Status.APPROVED)
        .update(
            next_cycle_at=Case(
                *(When(pk=p.group.pk, then=Value(p.upcoming)) for p in plans),
                output_field=DateTimeField(),
            ),
            cycle_anchor=Case(
                *(When(pk=p.group.pk, then=Value(p.anchor)) for p in plans),
                output_field=DateField(),
            ),
        )
    )
    if claimed != len(plans):
        raise SweepClaimConflict(f"{len(plans) - claimed} groups changed under the claim")


def _open_batch(
    *, groups: list[ChatGroup], now: datetime, interval_days: int, result: SweepResult
) -> None:
    firsts = [_first_slot(g, Schedule.of(g, interval_days), now) for g in groups]
    spans = _hold_spans(groups, since=min(firsts))
    plans = [_plan(g, now, interval_days, spans[g.pk]) for g in groups]
    _claim(plans)
    cycles = [cycle for plan in plans for cycle in plan.cycles]
    if not cycles:
        return
    ClearDownCycle.objects.bulk_create(cycles, ignore_conflicts=True)
    result.groups += len(plans)
    result.missed += sum(c.outcome == ClearDownCycle.Outcome.MISSED for c in cycles)
    result.skipped += sum(c.outcome == ClearDownCycle.Outcome.SKIPPED for c in cycles)

    # The prompted periods, as stored (ignore_conflicts leaves the new rows without their ids;
    # a period already there is found and prompted for anyway: its prompts and messages are
    # deduplicated). Withdrawn ones are left alone.
    wanted = {(p.group.pk, p.prompt_slot) for p in plans if p.prompt_slot is not None}
    prompted: list[ClearDownCycle] = []
    if wanted:
        stored = ClearDownCycle.objects.filter(
            group_id__in={g for g, _ in wanted},
            opens_at__in={s for _, s in wanted},
            outcome=ClearDownCycle.Outcome.PROMPTED,
            withdrawn_at__isnull=True,
        ).select_related("group", "prompter")
        prompted = [c for c in stored if (c.group_id, c.opens_at) in wanted]
    members = _members_of([c.group_id for c in prompted])
    ClearDownPrompt.objects.bulk_create(
        [
            ClearDownPrompt(cycle=cycle, user=membership.user)
            for cycle in prompted
            for membership in members[cycle.group_id]
        ],
        ignore_conflicts=True,
    )
    messages: list[Message] = []
    for cycle in prompted:
        messages += _prompt_messages(cycle, members[cycle.group_id])
    notifications_queue_many(messages=messages, batch_size=max(len(messages), 1))
    result.prompted += len(prompted)
    result.members_asked += sum(len(members[c.group_id]) for c in prompted)
    audit_record(
        verb=GroupEvent.CYCLES_OPENED,
        changes={
            "groups": [p.group.pk for p in plans if p.cycles],
            "prompted": [c.pk for c in prompted],
            "missed": sum(c.outcome == ClearDownCycle.Outcome.MISSED for c in cycles),
            "skipped": sum(c.outcome == ClearDownCycle.Outcome.SKIPPED for c in cycles),
        },
    )


def _members_of(group_ids: list[int]) -> dict[int, list[Membership]]:
    """The current members of these groups whose accounts are active. One query."""
    members: dict[int, list[Membership]] = defaultdict(list)
    if not group_ids:
        return members
    rows = (
        Membership.objects.current()
        .filter(group_id__in=group_ids, user__is_active=True)
        .select_related("user")
        .order_by("group_id", "pk")
    )
    for membership in rows:
        members[membership.group_id].append(membership)
    return members


def _cycle_context(cycle: ClearDownCycle) -> dict:
    """What every email about a cycle says, worked out once per cycle: the times as text (in
    the portal's DATETIME_FORMAT, UK time), since a sweep renders thousands of these emails and
    formatting a date in each of them is most of their cost."""
    return {
        "group_name": cycle.group.name,
        "platform": cycle.group.platform_name,
        "opens_at": long_datetime(cycle.opens_at),
        "deadline_at": long_datetime(cycle.deadline_at),
        "deadline_day": long_date(timezone.localdate(cycle.deadline_at)),
        "closes_at": long_datetime(cycle.closes_at),
        "guide_path": reverse("groups:cleardown_guide"),
        "owed_path": reverse("groups:cleardowns_owed"),
    }


def _prompt_messages(cycle: ClearDownCycle, members: list[Membership]) -> list[Message]:
    context = _cycle_context(cycle)
    messages = []
    if cycle.prompter is not None:
        messages.append(
            Message(
                to=cycle.prompter,
                template=GroupEmail.CLEAR_DOWN_ADMIN,
                dedup_key=cleardown_admin_key(cycle.pk, cycle.prompter.pk),
                url=reverse("groups:group", args=[cycle.group_id]),
                context={**context, "deputising": cycle.prompter_id != cycle.group.admin_id},
            )
        )
    links = cleardown_link_paths(cycle_id=cycle.pk, user_ids=[m.user_id for m in members])
    for membership in members:
        messages.append(
            Message(
                to=membership.user,
                template=GroupEmail.CLEAR_DOWN,
                dedup_key=cleardown_member_key(cycle.pk, membership.user_id),
                url=links[membership.user_id],
                context=context,
            )
        )
    return messages


# --- Follow-ups -------------------------------------------------------------------------------


def _follow_ups_due(now: datetime) -> QuerySet[ClearDownCycle]:
    """Open prompted periods that may earn a follow-up: never one this sweep has just
    prompted for (its deadline is after `now` anyway; this says so where it matters)."""
    return open_prompted_cycles(now).filter(created_at__lt=now)


def _in_batches(queryset: QuerySet[ClearDownCycle], handle: Callable) -> None:
    in_locked_batches(queryset, handle, size=FOLLOW_UP_BATCH, name="Clear-down follow-ups")


def _claim_cycles(cycles: list[ClearDownCycle], stamp: str, now: datetime) -> None:
    pks = [c.pk for c in cycles]
    claimed = ClearDownCycle.objects.filter(pk__in=pks, **{f"{stamp}__isnull": True}).update(
        **{stamp: now}
    )
    if claimed != len(pks):
        raise SweepClaimConflict(f"{len(pks) - claimed} cycles changed under the {stamp} claim")


def prompters_remind(*, now: datetime, result: SweepResult) -> None:
    """At the deadline, remind each prompter who has not confirmed posting: once a cycle."""
    due = _follow_ups_due(now).filter(
        prompter__isnull=False,
        prompter__is_active=True,
        prompt_posted_at__isnull=True,
        prompter_reminded_at__isnull=True,
        deadline_at__lte=now,
    )

    def handle(cycles: list[ClearDownCycle]) -> None:
        _claim_cycles(cycles, "prompter_reminded_at", now)
        messages = []
        for cycle in cycles:
            assert cycle.prompter is not None  # chosen by the filter above
            messages.append(
                Message(
                    to=cycle.prompter,
                    template=GroupEmail.PROMPT_REMINDER,
                    dedup_key=prompt_reminder_key(cycle.pk, cycle.prompter.pk),
                    url=reverse("groups:group", args=[cycle.group_id]),
                    context=_cycle_context(cycle),
                )
            )
        notifications_queue_many(messages=messages)
        result.prompters_reminded += len(cycles)
        audit_record(
            verb=GroupEvent.CLEAR_DOWN_REMINDERS_QUEUED,
            changes={"prompters": {str(c.pk): c.prompter_id for c in cycles}},
        )

    _in_batches(due.select_related("group", "prompter"), handle)


def prompters_escalate(*, now: datetime, result: SweepResult) -> None:
    """`ESCALATE_AFTER` the deadline, tell the DPO and deputy DPO of each prompt still not
    posted: one digest per batch, each cycle in one digest only."""
    officers = list(data_protection_officers())
    if not officers:
        return  # left for when someone holds the role, rather than marked told
    due = _follow_ups_due(now).filter(
        prompt_posted_at__isnull=True,
        dpo_told_at__isnull=True,
        deadline_at__lte=now - ESCALATE_AFTER,
    )

    def handle(cycles: list[ClearDownCycle]) -> None:
        _claim_cycles(cycles, "dpo_told_at", now)
        rows = [
            {
                "group": c.group,
                "prompter": c.prompter,
                "deadline_at": long_datetime(c.deadline_at),
                # Said per row: a group with nobody to post the prompt had nobody reminded.
                "reminded_at": (
                    long_datetime(c.prompter_reminded_at) if c.prompter_reminded_at else None
                ),
                "path": reverse("groups:group", args=[c.group_id]),
            }
            for c in sorted(cycles, key=lambda c: (c.group.name, c.pk))
        ]
        first = min(c.pk for c in cycles)
        notifications_queue_many(
            messages=[
                Message(
                    to=officer,
                    template=GroupEmail.PROMPT_ESCALATED,
                    dedup_key=prompt_escalated_key(first, now, officer.pk),
                    url=reverse("groups:mine"),
                    context={"rows": rows, "count": len(rows)},
                )
                for officer in officers
            ]
        )
        result.escalated += len(cycles)
        audit_record(
            verb=GroupEvent.CLEAR_DOWN_ESCALATED,
            changes={"cycles": [c.pk for c in cycles], "told": [o.pk for o in officers]},
        )

    _in_batches(due.select_related("group", "prompter"), handle)


def members_remind(*, now: datetime, result: SweepResult) -> None:
    """At the deadline, remind each member who has not confirmed: once a cycle."""
    due = _follow_ups_due(now).filter(members_reminded_at__isnull=True, deadline_at__lte=now)

    def handle(cycles: list[ClearDownCycle]) -> None:
        _claim_cycles(cycles, "members_reminded_at", now)
        still_in = Membership.objects.current().filter(
            group_id=OuterRef("cycle__group_id"), user_id=OuterRef("user_id")
        )
        owed = list(
            ClearDownPrompt.objects.filter(
                cycle__in=cycles,
                confirmed_at__isnull=True,
                reminded_at__isnull=True,
                user__is_active=True,
            )
            .filter(Exists(still_in))
            .select_related("user", "cycle__group")
        )
        ClearDownPrompt.objects.filter(
            pk__in=[p.pk for p in owed], reminded_at__isnull=True
        ).update(reminded_at=now)
        notifications_queue_many(
            messages=[
                Message(
                    to=prompt.user,
                    template=GroupEmail.CLEAR_DOWN_REMINDER,
                    dedup_key=cleardown_member_reminder_key(prompt.cycle_id, prompt.user_id),
                    url=cleardown_link_path(cycle_id=prompt.cycle_id, user_id=prompt.user_id),
                    context=_cycle_context(prompt.cycle),
                )
                for prompt in owed
            ],
            batch_size=max(len(owed), 1),
        )
        result.members_reminded += len(owed)
        audit_record(
            verb=GroupEvent.CLEAR_DOWN_REMINDERS_QUEUED,
            changes={"cycles": [c.pk for c in cycles], "members": len(owed)},
        )

    _in_batches(due, handle)
