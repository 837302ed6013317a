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
from typing import cast

from django.db.models import Q

from groups.events import GroupEvent
from groups.models import (
    ChatGroup,
    ClearDownCycle,
    ClearDownPrompt,
    ExternalMember,
    Hold,
    Membership,
    Platform,
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


@dataclass(frozen=True)
class Registration:
    """The group's name, app and purpose as the DPO had last approved them by a day."""

    name: str
    platform: str  # the app's name, as people read it
    purpose: str


@dataclass
class AsAt:
    group: ChatGroup
    day: date
    starts: datetime  # local midnight at the start of the day
    ends: datetime  # local midnight at the end of it (exclusive)
    # The status in force at the end of the day (None: never approved by then), and the change
    # that made it so; changes during the day are listed too.
    status: StatusChange | None
    registration: Registration
    changes_that_day: list[StatusChange]
    members: list[Membership]  # members at the end of the day
    joined: list[Membership]  # added during the day (still members at its end, or not)
    left: list[Membership]  # removed during the day
    # People from outside the organisation in the group at some time during the day.
    externals: list[ExternalMember]
    holds: list[Hold]  # open at some time during the day
    # Holds placed after the day whose request had already arrived by it: nothing should have
    # been deleted from then on, though no hold was yet open.
    requests_pending: list[Hold]
    # Every clear-down period that ran during the day, oldest first (at most two: one closes
    # as the next opens); if none did, the last period before it.
    periods: list["Period"] = field(default_factory=list)
    periods_cover_day: bool = False

    @property
    def approved(self) -> bool:
        return self.status is not None and self.status.status == ChatGroup.Status.APPROVED


@dataclass
class Period:
    cycle: ClearDownCycle
    prompts: list[ClearDownPrompt]
    holds: list[Hold]  # the record's holds and pending requests, to mark confirmations by

    @property
    def confirmed(self) -> list["Confirmation"]:
        """Those who confirmed they cleared the chat, each with the request (if any) that had
        arrived by then: a deletion after a request arrived is one the requester may ask
        about, even before the hold was placed."""
        return [
            Confirmation(p, _request_before(p.confirmed_at, self.holds))
            for p in self.prompts
            if p.confirmed_at is not None
        ]

    @property
    def unconfirmed(self) -> list[ClearDownPrompt]:
        return [p for p in self.prompts if p.confirmed_at is None]


@dataclass(frozen=True)
class Confirmation:
    prompt: ClearDownPrompt
    after_request: Hold | None  # a request had arrived, and not been released, by then


def _request_before(at: datetime, holds: list[Hold]) -> Hold | None:
    for hold in holds:
        if start_of_day(hold.request_received_on) <= at and (
            hold.released_at is None or hold.released_at > at
        ):
            return hold
    return None


def _approvals(group: ChatGroup) -> list[Submission]:
    """Every approved submission of the group, registration or change, oldest first. One
    query."""
    return list(
        Submission.objects.filter(group_id=group.pk, outcome=Submission.Outcome.APPROVED)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    )


def _status_changes(
    group: ChatGroup, until: datetime, approvals: list[Submission]
) -> list[StatusChange]:
    """Every change of status up to `until`, oldest first: the trail's events on the group,
    and the DPO's approvals of its registration as its submissions record them (the same
    decision usually appears in both; a decision alone still shows the group approved). One
    query, and the approvals already read."""
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
    for decision in approvals:
        assert decision.decided_at is not None  # the model's check holds it
        if decision.kind != Submission.Kind.REGISTRATION or decision.decided_at >= until:
            continue
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


def _app_name(platform: str, platform_other: str) -> str:
    if platform == Platform.OTHER:
        return platform_other
    return Platform(platform).label if platform in Platform.values else platform


REGISTRATION_FIELDS = ("name", "platform", "purpose")


def _approved_values(approval: Submission) -> dict[str, str]:
    """What an approval put in force: a registration's details as sent (its app by name), or a
    change's proposal (its app by value)."""
    details = approval.details or {}
    if approval.kind != Submission.Kind.CHANGE:
        return {key: str(details[key]) for key in REGISTRATION_FIELDS if key in details}
    proposed = details.get("proposed", {})
    values = {key: str(proposed[key]) for key in ("name", "purpose") if key in proposed}
    if "platform" in proposed:
        values["platform"] = _app_name(proposed["platform"], proposed.get("platform_other", ""))
    return values


def _registration_on(
    group: ChatGroup, until: datetime, approvals: list[Submission]
) -> Registration:
    """The name, app and purpose in force at `until`: the registration as last approved before
    it, with every change approved before it laid over. Where the records made before `until`
    say nothing (a group approved before submissions kept their details), the first change
    approved after it says what stood before (its details hold the registration as it was
    when proposed); failing that, the group as it is now."""
    fields: dict[str, str] = {}
    for approval in approvals:
        assert approval.decided_at is not None
        if approval.decided_at < until:
            fields.update(_approved_values(approval))
        elif approval.kind == Submission.Kind.CHANGE:
            before = approval.details or {}
            for key in REGISTRATION_FIELDS:
                if key in before:
                    fields.setdefault(key, str(before[key]))
            break
    return Registration(
        name=fields.get("name", group.name),
        platform=fields.get("platform", group.platform_name),
        purpose=fields.get("purpose", group.purpose),
    )


def group_as_at(group: ChatGroup, day: date) -> AsAt:
    """The group's record for one UK calendar day. Seven queries whatever the group's size."""
    starts = start_of_day(day)
    ends = start_of_day(day + timedelta(days=1))
    approvals = _approvals(group)
    changes = _status_changes(group, ends, approvals)
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

    # (ExternalMember shares Membership's queryset class, which the type checker reads as
    # Membership's.)
    externals = cast(
        "list[ExternalMember]",
        list(
            ExternalMember.objects.filter(group_id=group.pk, added_at__lt=ends)
            .filter(Q(removed_at__isnull=True) | Q(removed_at__gt=starts))
            .order_by("name", "pk")
        ),
    )

    # Holds open during the day, and those placed later for a request that had arrived by it.
    every_hold = list(
        Hold.objects.filter(groups=group)
        .filter(Q(placed_at__lt=ends) | Q(request_received_on__lte=day))
        .filter(Q(released_at__isnull=True) | Q(released_at__gt=starts))
        .select_related("placed_by", "released_by")
        .order_by("placed_at", "pk")
    )
    holds = [h for h in every_hold if h.placed_at < ends]

    # The two latest periods opened by the end of the day: those of them still open at its
    # start ran during it (periods do not overlap, so no earlier one can have).
    latest = list(
        ClearDownCycle.objects.filter(group_id=group.pk, opens_at__lt=ends)
        .select_related("prompter", "hold")
        .order_by("-opens_at", "-pk")[:2]
    )
    cycles = [c for c in latest if c.closes_at > starts][::-1] or latest[:1]
    by_cycle: dict[int, list[ClearDownPrompt]] = {c.pk: [] for c in cycles}
    if cycles:
        for prompt in (
            ClearDownPrompt.objects.filter(cycle_id__in=list(by_cycle))
            .select_related("user")
            .order_by("user__full_name", "pk")
        ):
            by_cycle[prompt.cycle_id].append(prompt)
    requests_pending = [h for h in every_hold if h.placed_at >= ends]
    return AsAt(
        group=group,
        day=day,
        starts=starts,
        ends=ends,
        status=status,
        registration=_registration_on(group, ends, approvals),
        changes_that_day=[c for c in changes if starts <= c.at < ends],
        members=members,
        joined=joined,
        left=left,
        externals=externals,
        holds=holds,
        requests_pending=requests_pending,
        periods=[Period(c, by_cycle[c.pk], [*holds, *requests_pending]) for c in cycles],
        periods_cover_day=any(c.closes_at > starts for c in cycles),
    )
