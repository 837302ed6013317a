"""When someone leaves the organisation: out of every group at once, each group's admin asked to
take them out of the chat itself, and a group whose admin left flagged until the DPO names a
new one (its clear-down prompts go to the deputy meanwhile)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from groups.access import check_may_decide_on
from groups.events import GroupEmail, GroupEvent
from groups.models import ChatGroup, ClearDownCycle, Membership
from groups.outbox import (
    admin_named_key,
    deputy_named_key,
    leaver_remove_key,
    needs_admin_key,
    no_deputy_key,
)
from groups.selectors import data_protection_officers
from groups.services.holds import hold_notices_for_joiner
from groups.services.membership import rules_message
from portal.models import User
from portal.services.audit import AuditDraft, audit_record, audit_record_many
from portal.services.notifications import Message, notifications_queue_many

LEFT_THE_ORGANISATION = "left the organisation"
RUNNING = (ChatGroup.Status.APPROVED, ChatGroup.Status.SUSPENDED)


def _told_to_remove(group: ChatGroup, leaver: User) -> User | None:
    """Who takes the leaver out of the chat: the admin, or the deputy when the admin is the one
    leaving. None when neither is left (the DPO, told to name an admin, sees to it)."""
    for person in (group.admin, group.deputy):
        if person is not None and person.pk != leaver.pk and person.is_active:
            return person
    return None


def groups_remove_leaver(*, user: User, by: User | None) -> None:
    """The leaver hook (portal.registry), run inside user_deactivate's transaction. A fixed
    number of queries however many groups they were in."""
    now = timezone.now()
    memberships = list(
        Membership.objects.current()
        .filter(user_id=user.pk)
        .select_related("group__admin", "group__deputy")
        .order_by("pk")
    )
    ran = list(
        ChatGroup.objects.filter(Q(admin_id=user.pk) | Q(deputy_id=user.pk))
        .exclude(status=ChatGroup.Status.CLOSED)
        .select_related("admin")
        .order_by("pk")
    )
    if memberships:
        Membership.objects.filter(pk__in=[m.pk for m in memberships]).update(
            removed_at=now, removed_by=by, removal_reason=LEFT_THE_ORGANISATION
        )
        # A group never approved has no chat: nobody need take the leaver out of one.
        Membership.objects.filter(
            pk__in=[m.pk for m in memberships if m.group.approved_at is None]
        ).update(chat_removal_confirmed_at=now, chat_removal_confirmed_by=by)
    # Only a group that exists as a chat needs a new admin named by the DPO; an application
    # whose applicant left goes no further (one with the DPO says so on the decision page).
    admin_of = [g for g in ran if g.admin_id == user.pk and g.status in RUNNING]
    deputy_of = [g for g in ran if g.deputy_id == user.pk]
    deputy_lost = [g for g in deputy_of if g.status in RUNNING]
    if admin_of:
        ChatGroup.objects.filter(pk__in=[g.pk for g in admin_of]).update(needs_admin=True)
        _open_prompts_to_deputy(admin_of, user, now)
    if deputy_of:
        ChatGroup.objects.filter(pk__in=[g.pk for g in deputy_of]).update(deputy=None)
    if not (memberships or ran):
        return
    messages = _leaver_messages(user, memberships, admin_of, deputy_lost)
    if messages:
        notifications_queue_many(messages=messages)
    audit_record_many(drafts=_leaver_events(user, by, memberships, admin_of, deputy_of))


def _open_prompts_to_deputy(groups: list[ChatGroup], leaver: User, now) -> int:
    """The periods still open in which the leaver was to post the prompt pass to the deputy (or
    to nobody, which the DPO's escalation says), as the next periods will: a leaver is never
    reminded. Their reminder is cleared so the deputy gets one. One UPDATE."""
    deputy = ChatGroup.objects.filter(pk=OuterRef("group_id")).values("deputy_id")[:1]
    return ClearDownCycle.objects.filter(
        group__in=[g.pk for g in groups],
        prompter_id=leaver.pk,
        outcome=ClearDownCycle.Outcome.PROMPTED,
        prompt_posted_at__isnull=True,
        withdrawn_at__isnull=True,
        closes_at__gt=now,
    ).update(prompter=Subquery(deputy), prompter_reminded_at=None)


def _leaver_messages(
    user: User,
    memberships: list[Membership],
    admin_of: list[ChatGroup],
    deputy_lost: list[ChatGroup],
) -> list[Message]:
    """Each group's admin (or deputy) asked to take the leaver out of the chat; the DPO and
    deputy asked to name a new admin for each group the leaver ran; the DPO and the admin told
    that each group the leaver deputised has no deputy now."""
    messages: list[Message] = []
    for membership in memberships:
        group = membership.group
        if group.status == ChatGroup.Status.CLOSED or group.approved_at is None:
            continue
        # The group as it is now: a leaver who was deputy is no longer named as one.
        if group.deputy_id == user.pk:
            group.deputy = None
        told = _told_to_remove(group, user)
        if told is not None:
            messages.append(
                Message(
                    to=told,
                    template=GroupEmail.LEAVER_REMOVE,
                    dedup_key=leaver_remove_key(membership.pk),
                    url=reverse("groups:members", args=[group.pk]),
                    context={"group": group, "leaver": user},
                )
            )
    dpos = list(data_protection_officers()) if admin_of or deputy_lost else []
    messages.extend(
        Message(
            to=dpo,
            template=GroupEmail.NEEDS_ADMIN,
            dedup_key=needs_admin_key(group.pk, user.pk, dpo.pk),
            url=reverse("groups:admin_change", args=[group.pk]),
            context={"group": group, "leaver": user, "deputy": group.deputy},
        )
        for group in admin_of
        for dpo in dpos
    )
    for group in deputy_lost:
        without_deputy = {dpo.pk: dpo for dpo in dpos}
        if group.admin_id != user.pk and group.admin.is_active:
            without_deputy[group.admin_id] = group.admin
        messages.extend(
            Message(
                to=person,
                template=GroupEmail.NO_DEPUTY,
                dedup_key=no_deputy_key(group.pk, user.pk, person.pk),
                url=reverse("groups:deputy_change", args=[group.pk]),
                context={"group": group, "leaver": user},
            )
            for person in without_deputy.values()
        )
    return messages


def _leaver_events(
    user: User,
    by: User | None,
    memberships: list[Membership],
    admin_of: list[ChatGroup],
    deputy_of: list[ChatGroup],
) -> list[AuditDraft]:
    drafts = [
        AuditDraft(
            GroupEvent.LEAVER_REMOVED,
            actor=by,
            obj=m.group,
            changes={"member": user.email, "membership": m.pk, "reason": LEFT_THE_ORGANISATION},
        )
        for m in memberships
    ]
    drafts += [
        AuditDraft(GroupEvent.NEEDS_ADMIN, actor=by, obj=g, changes={"admin": user.email})
        for g in admin_of
    ]
    drafts += [
        AuditDraft(GroupEvent.DEPUTY_LEFT, actor=by, obj=g, changes={"deputy": user.email})
        for g in deputy_of
    ]
    return drafts


@transaction.atomic
def chat_group_admin_change(
    *, group: ChatGroup, new_admin: User, by: User, ip: str | None = None
) -> ChatGroup:
    """The DPO names a group's new admin (after the admin left, or at the group's request).
    Someone not yet in the group is added to it. The group no longer needs an admin, and the
    new admin is told."""
    # Work on the group as it is now, locked: the caller's copy may be stale (a deputy who
    # left since would otherwise be written back by the save below).
    group = (
        ChatGroup.objects.select_for_update(of=("self",))
        .select_related("admin", "deputy")
        .get(pk=group.pk)
    )
    check_may_decide_on(by, group)
    if group.status == ChatGroup.Status.CLOSED:
        raise ValidationError("This group is closed.")
    if not new_admin.is_active:
        raise ValidationError(f"{new_admin.full_name} no longer works here.")
    if new_admin.pk == group.admin_id and not group.needs_admin:
        raise ValidationError(f"{new_admin.full_name} is already this group's admin.")
    previous = group.admin
    now = timezone.now()
    added = None
    if not Membership.objects.current().filter(group=group, user=new_admin).exists():
        approved = group.status == ChatGroup.Status.APPROVED
        # The DPO's choice of admin is not held to the size limit: a group needs an admin.
        added = Membership.objects.create(
            group=group, user=new_admin, added_by=by, rules_sent_at=now if approved else None
        )
    was_deputy = group.deputy_id == new_admin.pk
    group.admin = new_admin
    group.needs_admin = False
    if was_deputy:
        group.deputy = None
    group.save(update_fields=["admin", "needs_admin", "deputy", "updated_at"])
    audit_record(
        verb=GroupEvent.ADMIN_CHANGED,
        actor=by,
        obj=group,
        changes={
            "admin": new_admin.email,
            "previous_admin": previous.email,
            "was_deputy": was_deputy,
            "added_to_group": added is not None,
        },
        ip=ip,
    )
    messages = [
        Message(
            to=new_admin,
            template=GroupEmail.ADMIN_NAMED,
            dedup_key=admin_named_key(group.pk, new_admin.pk, now),
            url=reverse("groups:members", args=[group.pk]),
            context={"group": group, "previous": previous},
        )
    ]
    if added is not None and added.rules_sent_at:
        messages.append(rules_message(added))
    notifications_queue_many(messages=messages)
    # A new admin (a member already, or added now) is told of any hold on the group.
    hold_notices_for_joiner(group=group, user=new_admin, by=by, ip=ip)
    return group


@transaction.atomic
def chat_group_deputy_change(
    *, group: ChatGroup, new_deputy: User, by: User, ip: str | None = None
) -> ChatGroup:
    """Name an approved (or suspended) group's deputy admin: its admin may, or the DPO (one
    with no part in the group). Someone not yet in the group is added to it, and is told of
    any hold on it; the new deputy is told by email."""
    group = (
        ChatGroup.objects.select_for_update(of=("self",))
        .select_related("admin", "deputy")
        .get(pk=group.pk)
    )
    if by.pk != group.admin_id:
        check_may_decide_on(by, group)
    if group.status not in RUNNING:
        raise ValidationError(
            "A deputy is named this way only for an approved or suspended group: before "
            "approval, name the deputy on the application."
        )
    if not new_deputy.is_active:
        raise ValidationError(f"{new_deputy.full_name} no longer works here.")
    if new_deputy.pk == group.admin_id:
        raise ValidationError("The group's admin cannot also be its deputy.")
    if new_deputy.pk == group.deputy_id:
        raise ValidationError(f"{new_deputy.full_name} is already this group's deputy.")
    previous = group.deputy
    now = timezone.now()
    added = None
    if not Membership.objects.current().filter(group=group, user=new_deputy).exists():
        approved = group.status == ChatGroup.Status.APPROVED
        # Like the admin, a deputy is not held to the size limit: a group needs one.
        added = Membership.objects.create(
            group=group, user=new_deputy, added_by=by, rules_sent_at=now if approved else None
        )
    group.deputy = new_deputy
    group.save(update_fields=["deputy", "updated_at"])
    audit_record(
        verb=GroupEvent.DEPUTY_CHANGED,
        actor=by,
        obj=group,
        changes={
            "deputy": new_deputy.email,
            "previous_deputy": previous.email if previous else None,
            "added_to_group": added is not None,
        },
        ip=ip,
    )
    messages = []
    if new_deputy.pk != by.pk:
        messages.append(
            Message(
                to=new_deputy,
                template=GroupEmail.DEPUTY_NAMED,
                dedup_key=deputy_named_key(group.pk, new_deputy.pk, now),
                url=reverse("groups:members", args=[group.pk]),
                context={"group": group, "previous": previous, "by": by},
            )
        )
    if added is not None and added.rules_sent_at:
        messages.append(rules_message(added))
    notifications_queue_many(messages=messages)
    hold_notices_for_joiner(group=group, user=new_deputy, by=by, ip=ip)
    return group
