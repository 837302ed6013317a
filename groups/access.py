"""Who may see and do what in the chat-group register: one helper per kind of object. Someone
else's group is a 404 (they must not learn it exists); a page for a role is guarded by
`access_required` with one of the tests here, which answers 403; the menu shows each page by the
same test."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404

from groups.models import (
    ChatGroup,
    ClearDownCycle,
    ClearDownPrompt,
    Concern,
    ExternalMember,
    Hold,
    HoldNotice,
    Membership,
)
from portal.access import AnyUser
from portal.models import User
from portal.roles import Role


def is_dpo(user: AnyUser) -> bool:
    """The data protection officer and deputy decide on groups and see the whole register."""
    return user.is_authenticated and user.has_role(Role.DPO, Role.DEPUTY_DPO)


def runs(user: User, group: ChatGroup) -> bool:
    """The group's admin or deputy: they manage its members and post its prompts."""
    return user.pk in (group.admin_id, group.deputy_id)


def get_group_for_user(user: User, pk: int) -> ChatGroup:
    """A group its applicant, admin, deputy, members and the DPO may open; anyone else: 404."""
    try:
        return (
            ChatGroup.objects.visible_to(user)
            .select_related("applicant", "admin", "deputy")
            .get(pk=pk)
        )
    except ChatGroup.DoesNotExist:
        raise Http404("No such chat group.") from None


def get_group_for_admin(user: User, pk: int) -> ChatGroup:
    """A group its admin or deputy manages. A member who may see it but not run it: 403."""
    group = get_group_for_user(user, pk)
    if not runs(user, group):
        raise PermissionDenied
    return group


def get_group_for_applicant(user: User, pk: int) -> ChatGroup:
    """An application its applicant (or named admin) edits; others who may see it: 403."""
    group = get_group_for_user(user, pk)
    if user.pk not in (group.applicant_id, group.admin_id):
        raise PermissionDenied
    return group


def get_group_for_dpo(user: User, pk: int) -> ChatGroup:
    if not is_dpo(user):
        raise Http404("No such chat group.")
    return get_group_for_user(user, pk)


# ---- Holds -------------------------------------------------------------------------------


def get_hold_for_dpo(user: User, pk: int) -> Hold:
    """A hold, for the DPO and deputy (its pages are theirs alone: anyone else 403)."""
    if not is_dpo(user):
        raise PermissionDenied
    try:
        return Hold.objects.select_related("placed_by", "released_by", "person").get(pk=pk)
    except Hold.DoesNotExist:
        raise Http404("No such hold.") from None


def get_notice_for_user(user: User, pk: int) -> HoldNotice:
    """A notice not to delete, for the person it was sent to; anyone else: 404."""
    try:
        return HoldNotice.objects.select_related("hold").get(pk=pk, user_id=user.pk)
    except HoldNotice.DoesNotExist:
        raise Http404("No such notice.") from None


# --- Membership, leavers, reviews and concerns (the members part) ---


def get_group_for_members_page(user: User, pk: int) -> ChatGroup:
    """A group's membership page: its admin and deputy manage it, the DPO may look. A member
    who may see the group but not run it: 403."""
    group = get_group_for_user(user, pk)
    if not (runs(user, group) or is_dpo(user)):
        raise PermissionDenied
    return group


def get_membership_for_admin(user: User, pk: int) -> Membership:
    """A membership of a group this person runs (to remove it, or confirm the person is out of
    the chat itself). Someone who may see the group but not run it: 403; anyone else: 404."""
    try:
        membership = Membership.objects.select_related("user", "group").get(pk=pk)
    except Membership.DoesNotExist:
        raise Http404("No such member.") from None
    group = get_group_for_user(user, membership.group_id)
    if not runs(user, group):
        raise PermissionDenied
    membership.group = group
    return membership


def get_external_member_for_admin(user: User, pk: int) -> ExternalMember:
    try:
        external = ExternalMember.objects.get(pk=pk)
    except ExternalMember.DoesNotExist:
        raise Http404("No such member.") from None
    external.group = get_group_for_admin(user, external.group_id)
    return external


def own_membership(user: User, group: ChatGroup) -> Membership | None:
    """The person's current membership of a group they may see, if they are in it."""
    return Membership.objects.current().filter(group=group, user_id=user.pk).first()


def get_concern_for_dpo(user: User, pk: int) -> Concern:
    """A concern, for the DPO and deputy (the view's access test refuses everyone else)."""
    if not is_dpo(user):
        raise PermissionDenied
    try:
        return Concern.objects.select_related(
            "group", "raised_by", "raised_by__department", "resolved_by"
        ).get(pk=pk)
    except Concern.DoesNotExist:
        raise Http404("No such concern.") from None


def get_concern_for_reporter(user: User, pk: int) -> Concern:
    """The person's own concern, to see that it was received; anyone else's is a 404."""
    try:
        return Concern.objects.select_related("group").get(pk=pk, raised_by_id=user.pk)
    except Concern.DoesNotExist:
        raise Http404("No such concern.") from None


# --- Registration and decisions (reg) -----------------------------------------------------


def has_part_in(user: User, group: ChatGroup) -> bool:
    """Applied for it, runs it, deputises or belongs to it: such a person never decides on it.
    One query at most."""
    if user.pk in (group.applicant_id, group.admin_id, group.deputy_id):
        return True
    return group.memberships.current().filter(user_id=user.pk).exists()


OWN_GROUP = (
    "You applied for, run or belong to this group, so you cannot decide on it: the other data "
    "protection officer (or deputy) must."
)


def may_decide_on(user: User, group: ChatGroup) -> bool:
    """The DPO or deputy, with no part in the group: only they decide on it (approve, refuse,
    suspend, reinstate, close, name its admin or deputy, resolve a concern about it)."""
    return is_dpo(user) and not has_part_in(user, group)


def check_may_decide_on(user: User, group: ChatGroup) -> None:
    """The services' check: a DPO with a part in the group is refused, saying who must act."""
    if not is_dpo(user):
        raise PermissionDenied("Only the data protection officer or deputy can do this.")
    if has_part_in(user, group):
        raise ValidationError(OWN_GROUP)


def get_group_for_decision(user: User, pk: int) -> ChatGroup:
    """A group for the DPO's decision page: the DPO and deputy only (others: 404, as for every
    DPO page about one group). Whether this DPO may decide is the page's to explain."""
    return get_group_for_dpo(user, pk)


# --- Clear-down cycles ------------------------------------------------------------------------


def get_prompt_for_member(user: User, pk: int) -> ClearDownPrompt:
    """A person's own clear-down prompt; anyone else's: 404."""
    try:
        return ClearDownPrompt.objects.select_related("cycle__group").get(pk=pk, user_id=user.pk)
    except ClearDownPrompt.DoesNotExist:
        raise Http404("No such clear-down.") from None


def get_cycle_for_prompter(user: User, pk: int) -> ClearDownCycle:
    """A cycle whose prompt this person posts: its prompter, or whoever runs the group. Someone
    who may see the group but not run it: 403; anyone else: 404."""
    try:
        cycle = ClearDownCycle.objects.select_related("group").get(
            pk=pk, group__in=ChatGroup.objects.visible_to(user)
        )
    except ClearDownCycle.DoesNotExist:
        raise Http404("No such clear-down.") from None
    if user.pk != cycle.prompter_id and not runs(user, cycle.group):
        raise PermissionDenied
    return cycle


def get_cycle_for_link(pk: int, user_id: int) -> ClearDownCycle | None:
    """The cycle an emailed link names, with that person's prompt only, for the link's own check
    (groups/cleardown_links.py): the signed token, not a sign-in, says who may use it."""
    return (
        ClearDownCycle.objects.select_related("group", "hold")
        .prefetch_related(Prefetch("prompts", ClearDownPrompt.objects.filter(user_id=user_id)))
        .filter(pk=pk)
        .first()
    )
