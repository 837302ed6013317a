"""Reads of the register that pages share or that are not obvious."""

from typing import cast

from django.db.models import Count, Q, QuerySet

from groups.models import ChatGroup, ExternalMember, Membership
from portal.models import User


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


def current_externals(group: ChatGroup) -> "QuerySet[ExternalMember]":
    """The people from outside the organisation in a group now. (ExternalMember shares
    Membership's queryset class, which the type checker reads as Membership's.)"""
    return cast("QuerySet[ExternalMember]", group.external_members.filter(removed_at__isnull=True))
