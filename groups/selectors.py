"""Reads of the register that pages share or that are not obvious."""

from datetime import datetime
from typing import cast

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from groups.models import (
    ChatGroup,
    ClearDownCycle,
    ClearDownPrompt,
    ExternalMember,
    Hold,
    HoldNotice,
    Membership,
)
from portal.models import User
from portal.roles import Role


def groups_of(user: User):
    """The groups a person applied for, runs or belongs to (not closed ones), with their member
    counts: the person's own list. One query."""
    member_of = Membership.objects.filter(user_id=user.pk, removed_at__isnull=True).values(
        "group_id"
    )
    return (
        ChatGroup.objects.filter(
            Q(applicant_id=user.pk)
            | Q(admin_id=user.pk)
            | Q(deputy_id=user.pk)
            | Q(pk__in=member_of)
        )
        .exclude(status=ChatGroup.Status.CLOSED)
        .select_related("admin", "deputy")
        .annotate(member_count=Count("memberships", filter=Q(memberships__removed_at__isnull=True)))
        .order_by("name", "pk")
    )


# ---- Holds -------------------------------------------------------------------------------


def data_protection_officers() -> QuerySet[User]:
    """The DPO and deputy DPO, who are told of concerns, leavers who ran a group and overdue
    reviews. One query."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[Role.DPO, Role.DEPUTY_DPO])
        .distinct()
        .order_by("pk")
    )


def open_notices_for(user: User):
    """The notices not to delete that a person has not yet acknowledged, under holds still
    open, oldest first, each with its hold: what the person's dashboard asks them to do. One
    query."""
    return (
        HoldNotice.objects.filter(
            user_id=user.pk, acknowledged_at__isnull=True, hold__released_at__isnull=True
        )
        .select_related("hold")
        .order_by("issued_at", "pk")
    )


def group_size(group: ChatGroup) -> int:
    """How many people are in the group now: staff and people from outside. One query."""
    staff = Membership.objects.filter(group=group, removed_at__isnull=True).values("pk")
    externals = ExternalMember.objects.filter(group=group, removed_at__isnull=True).values("pk")
    return staff.union(externals, all=True).count()


def current_externals(group: ChatGroup) -> "QuerySet[ExternalMember]":
    """The people from outside the organisation in a group now. (ExternalMember shares
    Membership's queryset class, which the type checker reads as Membership's.)"""
    return cast("QuerySet[ExternalMember]", group.external_members.filter(removed_at__isnull=True))


# --- Clear-down cycles ------------------------------------------------------------------------


def open_prompted_cycles(now: datetime) -> QuerySet[ClearDownCycle]:
    """Prompted periods still open and not withdrawn, of approved groups under no open hold:
    the periods people still owe a confirmation for, and the only ones that earn a follow-up."""
    held = Hold.objects.open().filter(groups=OuterRef("group_id"))
    return ClearDownCycle.objects.filter(
        outcome=ClearDownCycle.Outcome.PROMPTED,
        withdrawn_at__isnull=True,
        hold__isnull=True,
        opens_at__lte=now,
        closes_at__gt=now,
        group__status=ChatGroup.Status.APPROVED,
    ).filter(~Exists(held))


def cleardowns_owed_by(user: User, now: datetime) -> dict[str, list]:
    """What a person owes now: the clear-downs they have not confirmed, and the prompts they
    have not confirmed posting, soonest deadline first. Only for approved groups they are still
    in (someone removed since they were asked owes nothing). Two queries."""
    if not user.is_active:
        return {"prompts": [], "to_post": []}
    cycles = open_prompted_cycles(now)
    still_in = Membership.objects.current().filter(
        group_id=OuterRef("cycle__group_id"), user_id=user.pk
    )
    prompts = (
        ClearDownPrompt.objects.filter(user_id=user.pk, confirmed_at__isnull=True, cycle__in=cycles)
        .filter(Exists(still_in))
        .select_related("cycle__group")
        .order_by("cycle__deadline_at", "pk")
    )
    to_post = (
        cycles.filter(prompter_id=user.pk, prompt_posted_at__isnull=True)
        .select_related("group")
        .order_by("deadline_at", "pk")
    )
    return {"prompts": list(prompts), "to_post": list(to_post)}


def under_open_hold(group: ChatGroup) -> bool:
    """Whether an FOI request, SAR, investigation or litigation still holds the group's chat:
    while it does, nothing in the chat may be deleted, the chat itself included. One query."""
    return Hold.objects.open().filter(groups=group).exists()
