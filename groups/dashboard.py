"""The chat-groups panel on the dashboard, a person's memberships on their record page, and the
membership, concern and review parts of a group's page."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from groups.access import is_dpo, runs
from groups.models import ChatGroup, Hold, HoldNotice, Membership
from groups.selectors import cleardowns_owed_by, groups_of
from groups.services.reviews import conducts_review, review_is_due
from portal.access import AuthenticatedRequest
from portal.models import User
from portal.registry import Fragment


def _reviews_owed(user: User, groups: list[ChatGroup], now) -> list[ChatGroup]:
    """Groups whose review falls due that this person conducts: the admin, or the deputy while
    the group needs an admin."""
    return [g for g in groups if review_is_due(g, now) and conducts_review(user, g)]


def _role(user: User, group: ChatGroup) -> str:
    """The person's part in the group. Once a group is on the register the applicant who is
    not its admin is one of its members, not still an applicant."""
    if group.admin_id == user.pk:
        return "admin"
    if group.deputy_id == user.pk:
        return "deputy admin"
    if group.applicant_id == user.pk and group.status not in (
        ChatGroup.Status.APPROVED,
        ChatGroup.Status.SUSPENDED,
    ):
        return "applicant"
    return "member"


def groups_panel(request: AuthenticatedRequest) -> Fragment:
    """The groups a person runs or belongs to, with their part in each and its status, and
    what they owe: applications to finish or revise, rules to acknowledge, clear-downs to
    confirm and prompts to post, leavers to take out of a chat, reviews due, hold notices to
    acknowledge. A group under an open hold is named in a warning for as long as the hold is
    open, acknowledged or not. None (no panel) when they are in no group and owe nothing. Six
    queries."""
    user = request.user
    now = timezone.now()
    open_hold = Hold.objects.open().filter(groups=OuterRef("pk")).order_by("placed_at", "pk")
    groups = list(groups_of(user).annotate(held_by=Subquery(open_hold.values("reference")[:1])))
    for group in groups:
        group.role = _role(user, group)
    held = [g for g in groups if g.held_by]
    applications = [
        g for g in groups if g.applicant_id == user.pk and g.status in ChatGroup.EDITABLE
    ]
    rules = list(
        Membership.objects.current()
        .filter(
            user_id=user.pk,
            rules_sent_at__isnull=False,
            rules_acknowledged_at__isnull=True,
            group__status=ChatGroup.Status.APPROVED,
        )
        .select_related("group")
        .order_by("group__name", "pk")
    )
    # The selector the clear-downs page uses, so the panel never offers a prompt that page
    # would not (a suspended group's, one withdrawn under a hold).
    owed = cleardowns_owed_by(user, now)
    leavers = list(
        Membership.objects.filter(
            Q(group__admin_id=user.pk) | Q(group__deputy_id=user.pk),
            removed_at__isnull=False,
            chat_removal_confirmed_at__isnull=True,
        )
        .exclude(group__status=ChatGroup.Status.CLOSED)
        .select_related("user", "group")
        .order_by("removed_at", "pk")
    )
    # A hold names groups; the link goes to one of this person's groups under it.
    their_group = ChatGroup.objects.filter(
        Q(admin_id=user.pk) | Q(memberships__user_id=user.pk, memberships__removed_at__isnull=True),
        holds=OuterRef("hold_id"),
    ).order_by("pk")
    notices = list(
        HoldNotice.objects.filter(
            user_id=user.pk, acknowledged_at__isnull=True, hold__released_at__isnull=True
        )
        .select_related("hold")
        .annotate(
            group_id=Subquery(their_group.values("pk")[:1]),
            group_name=Subquery(their_group.values("name")[:1]),
        )
        .order_by("issued_at", "pk")
    )
    reviews = _reviews_owed(user, groups, now)
    owes = bool(
        applications or rules or owed["prompts"] or owed["to_post"] or leavers or reviews or notices
    )
    if not (groups or owes):
        return None
    return "groups/_dashboard_panel.html", {
        "groups": groups,
        "held": held,
        "applications": applications,
        "rules": rules,
        "clear_downs": owed["prompts"],
        "to_post": owed["to_post"],
        "leavers": leavers,
        "reviews": reviews,
        "notices": notices,
        "owes": owes,
        "now": now,
    }


PERSON_SHOWN = 25


def memberships_for_person(request: AuthenticatedRequest, person: User) -> Fragment:
    """A person's record page: the groups they are and were in, latest first. One query; each
    group is linked for the DPO (who may open every group)."""
    memberships = list(
        Membership.objects.filter(user_id=person.pk)
        .select_related("group", "removed_by")
        .order_by("-added_at", "-pk")[: PERSON_SHOWN + 1]
    )
    return "groups/_person_section.html", {
        "person": person,
        "memberships": memberships[:PERSON_SHOWN],
        "more": len(memberships) > PERSON_SHOWN,
        "link": is_dpo(request.user),
    }


# --- The group page's sections (groups/sections.py) ---


def rules_owed_section(request: AuthenticatedRequest, group: ChatGroup) -> Fragment:
    """At the top: the person has not yet acknowledged the rules of this group. One query."""
    if group.status != ChatGroup.Status.APPROVED:
        return None
    owed = (
        Membership.objects.current()
        .filter(
            group=group,
            user_id=request.user.pk,
            rules_sent_at__isnull=False,
            rules_acknowledged_at__isnull=True,
        )
        .exists()
    )
    return ("groups/_section_rules_owed.html", {"group": group}) if owed else None


def membership_section(request: AuthenticatedRequest, group: ChatGroup) -> Fragment:
    """Who is in it in numbers, a link to manage them, reviews due for the admin, and a way for
    anyone who can see the group to raise a concern. One query."""
    stats = group.memberships.aggregate(
        members=Count("pk", filter=Q(removed_at__isnull=True)),
        acknowledged=Count(
            "pk", filter=Q(removed_at__isnull=True, rules_acknowledged_at__isnull=False)
        ),
        leavers_in_chat=Count(
            "pk", filter=Q(removed_at__isnull=False, chat_removal_confirmed_at__isnull=True)
        ),
    )
    now = timezone.now()
    runs_it = runs(request.user, group)
    review_due = conducts_review(request.user, group) and review_is_due(group, now)
    return "groups/_section_membership.html", {
        "group": group,
        "stats": stats,
        "runs_it": runs_it,
        "may_see_members": runs_it or is_dpo(request.user),
        "is_dpo": is_dpo(request.user),
        "review_due": review_due,
        "review_overdue": review_due
        and group.review_due_at is not None
        and group.review_due_at <= now,
        # Concerns are about groups on the register (a group not on it is named in words).
        "on_register": group.status in (ChatGroup.Status.APPROVED, ChatGroup.Status.SUSPENDED),
    }
