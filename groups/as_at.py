"""A group "as at a date": what the DPO reads out to an FOI requester or a tribunal. Was the
group approved that day, who was in it, was a hold open, and was that period's clear-down
prompted and confirmed? Built only from the records (memberships, holds, cycles, prompts,
submission decisions) and the audit trail, never from the group's present state, in a fixed
number of queries.

"That day" is a UK calendar day, from local midnight to the next, so a day on which the clocks
change is 23 or 25 hours long and an instant is placed on the day a person in the UK would
say it happened.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q

from groups.events import GroupEvent
from groups.models import (
    ChatGroup,
    ClearDownCycle,
    ClearDownPrompt,
    Hold,
    Membership,
    Submission,
)
from portal.lib.uktime import start_of_day
from portal.models import AuditEvent

# The events that change whether a group is in force, and what each makes it.
STATUS_AFTER = {
    GroupEvent.GROUP_APPROVED.value: ChatGroup.Status.APPROVED,
    GroupEvent.GROUP_REINSTATED.value: ChatGroup.Status.APPROVED,
    GroupEvent.GROUP_SUSPENDED.value: ChatGroup.Status.SUSPENDED,
    GroupEvent.GROUP_CLOSED.value: ChatGroup.Status.CLOSED,
}


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    status: str  # a ChatGroup.Status value
    by: str  # who, as the trail or the decision names them
    reason: str
    source: str  # "audit trail" or "decision"

    @property
    def label(self) -> str:
        return ChatGroup.Status(self.status).label


@dataclass
class AsAt:
    group: ChatGroup
    day: date
    starts: datetime  # local midnight at the start of the day
    ends: datetime  # local midnight at the end of it (exclusive)
    # The status in force at the end of the day (None: never approved by then), and the change
    # that made it so; changes during the day are listed too.
    status: StatusChange | None
    changes_that_day: list[StatusChange]
    members: list[Membership]  # members at the end of the day
    joined: list[Membership]  # added during the day (still members at its end, or not)
    left: list[Membership]  # removed during the day
    holds: list[Hold]  # open at some time during the day
    cycle: ClearDownCycle | None  # the period covering the end of the day, or the last before
    cycle_covers_day: bool
    prompts: list[ClearDownPrompt] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return self.status is not None and self.status.status == ChatGroup.Status.APPROVED

    @property
    def confirmed(self) -> list[ClearDownPrompt]:
        return [p for p in self.prompts if p.confirmed_at is not None]

    @property
    def unconfirmed(self) -> list[ClearDownPrompt]:
        return [p for p in self.prompts if p.confirmed_at is None]


def _status_changes(group: ChatGroup, until: datetime) -> list[StatusChange]:
    """Every change of status up to `until`, oldest first: the trail's events on the group,
    and the DPO's approvals of its registration as its submissions record them (the same
    decision usually appears in both; a decision alone still shows the group approved). Two
    queries."""
    events = AuditEvent.objects.filter(
        object_type=ChatGroup._meta.label_lower,
        object_id=str(group.pk),
        verb__in=list(STATUS_AFTER),
        at__lt=until,
    ).order_by("at", "id")
    changes = [
        StatusChange(
            e.at,
            STATUS_AFTER[e.verb],
            e.actor_label.split(" <")[0] or "the portal",
            str((e.changes or {}).get("reason", "")),
            "audit trail",
        )
        for e in events
    ]
    decisions = (
        Submission.objects.filter(
            group_id=group.pk,
            kind=Submission.Kind.REGISTRATION,
            outcome=Submission.Outcome.APPROVED,
            decided_at__lt=until,
        )
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    )
    for decision in decisions:
        assert decision.decided_at is not None  # the model's check holds it
        # The trail names the same decision within moments of it: keep one.
        if any(
            c.status == ChatGroup.Status.APPROVED
            and abs((c.at - decision.decided_at).total_seconds()) < 60
            for c in changes
        ):
            continue
        changes.append(
            StatusChange(
                decision.decided_at,
                ChatGroup.Status.APPROVED,
                decision.decided_by.full_name if decision.decided_by else "the DPO",
                decision.reason,
                "decision",
            )
        )
    return sorted(changes, key=lambda c: c.at)


def group_as_at(group: ChatGroup, day: date) -> AsAt:
    """The group's record for one UK calendar day. Six queries whatever the group's size."""
    starts = start_of_day(day)
    ends = start_of_day(day + timedelta(days=1))
    changes = _status_changes(group, ends)
    before_end = [c for c in changes if c.at < ends]
    status = before_end[-1] if before_end else None

    # Everyone who was a member at some moment of the day: one query, sorted out here.
    overlapping = list(
        Membership.objects.filter(group_id=group.pk, added_at__lt=ends)
        .filter(Q(removed_at__isnull=True) | Q(removed_at__gt=starts))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    members = [m for m in overlapping if m.removed_at is None or m.removed_at >= ends]
    joined = [m for m in overlapping if m.added_at >= starts]
    left = [m for m in overlapping if m.removed_at is not None and m.removed_at < ends]

    holds = list(
        Hold.objects.filter(groups=group, placed_at__lt=ends)
        .filter(Q(released_at__isnull=True) | Q(released_at__gt=starts))
        .select_related("placed_by", "released_by")
        .order_by("placed_at", "pk")
    )

    cycle = (
        ClearDownCycle.objects.filter(group_id=group.pk, opens_at__lt=ends)
        .select_related("prompter", "hold")
        .order_by("-opens_at", "-pk")
        .first()
    )
    prompts: list[ClearDownPrompt] = []
    if cycle is not None:
        prompts = list(cycle.prompts.select_related("user").order_by("user__full_name", "pk"))
    return AsAt(
        group=group,
        day=day,
        starts=starts,
        ends=ends,
        status=status,
        changes_that_day=[c for c in changes if starts <= c.at < ends],
        members=members,
        joined=joined,
        left=left,
        holds=holds,
        cycle=cycle,
        cycle_covers_day=cycle is not None and cycle.closes_at > starts,
        prompts=prompts,
    )
