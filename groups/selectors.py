"""Reads of the register that pages share or that are not obvious."""

from django.db.models import Count, Q

from groups.models import ChatGroup, Membership
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
