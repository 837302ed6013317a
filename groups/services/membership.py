"""Who is in a group, kept in the portal: members added and removed by the group's admin or
deputy, people from outside the organisation, and each member's acknowledgement of the group's
rules. A membership that ends is marked removed, never deleted, so the register can say who was
in a group on any date."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.events import GroupEmail, GroupEvent
from groups.models import ChatGroup, ExternalMember, Membership
from groups.outbox import rules_key
from groups.selectors import group_size
from groups.services.holds import hold_notices_for_joiner
from portal.lib.uktime import long_datetime
from portal.models import OrganisationSettings, User
from portal.services.audit import AuditDraft, audit_record, audit_record_many
from portal.services.notifications import Message, notifications_queue_many


def size_limit(group: ChatGroup) -> int:
    """The most people the group may have: the organisation's limit, or the larger size the
    DPO approved for this group."""
    limit = OrganisationSettings.load().chat_group_size_limit
    return max(limit, group.size_approved_up_to or 0)


def _check_room(group: ChatGroup, adding: int) -> None:
    limit = size_limit(group)
    total = group_size(group) + adding
    if total > limit:
        raise ValidationError(
            f"That would make {total} people in the group, and a group may have at most "
            f"{limit} without the data protection officer's approval. Ask the DPO to approve "
            "a larger group first, or remove someone who no longer needs to be in it."
        )


def _locked(group: ChatGroup) -> ChatGroup:
    """The group as it is now, locked, so two admins adding at once cannot both pass the size
    check and nobody adds to a group closed since the page was opened."""
    return ChatGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)


MANAGED_HERE = (ChatGroup.Status.APPROVED, ChatGroup.Status.SUSPENDED)
NOT_YET_APPROVED = (
    "This group is not approved yet: change who is in it on the application form, so the data "
    "protection officer sees everyone they approve."
)


def _check_open(group: ChatGroup) -> None:
    """Members change here only once the group is approved (or suspended): before that, the
    application names them, and approval must cover exactly the people the DPO saw."""
    if group.status == ChatGroup.Status.CLOSED:
        raise ValidationError("This group is closed: nobody can be added to it or removed.")
    if group.status not in MANAGED_HERE:
        raise ValidationError(NOT_YET_APPROVED)


def rules_message(membership: Membership) -> Message:
    """The group's purpose and rules, to a member of an approved group."""
    group = membership.group
    return Message(
        to=membership.user,
        template=GroupEmail.RULES,
        dedup_key=rules_key(membership.pk),
        url=reverse("groups:rules", args=[group.pk]),
        context={
            "group": group,
            "interval_days": OrganisationSettings.load().clear_down_interval_days,
        },
    )


def rules_send_outstanding(group: ChatGroup) -> int:
    """Each current member not yet sent the group's purpose and rules is sent them now: when the
    group is approved, and when it is reinstated (people added while it was suspended were
    not). To acknowledge before their first clear-down."""
    now = timezone.now()
    waiting = [
        membership
        for membership in group.memberships.current()
        .filter(rules_sent_at__isnull=True)
        .select_related("user", "group")
        if membership.user.is_active
    ]
    notifications_queue_many(messages=[rules_message(membership) for membership in waiting])
    Membership.objects.filter(pk__in=[m.pk for m in waiting]).update(rules_sent_at=now)
    return len(waiting)


@transaction.atomic
def membership_add(
    *, group: ChatGroup, users: list[User], by: User, ip: str | None = None
) -> list[Membership]:
    """Add colleagues to a group. Refused whole, adding nobody, if one of them is already a
    member or the group would grow past its size limit. A member of an approved group is sent
    its purpose and rules at once, to acknowledge before their first clear-down."""
    group = _locked(group)
    _check_open(group)
    already = list(
        Membership.objects.current()
        .filter(group=group, user__in=users)
        .select_related("user")
        .order_by("user__full_name")
    )
    if already:
        names = ", ".join(m.user.full_name for m in already)
        are = "is" if len(already) == 1 else "are"
        raise ValidationError(f"{names} {are} already in this group.")
    inactive = [u.full_name for u in users if not u.is_active]
    if inactive:
        raise ValidationError(f"{', '.join(inactive)} no longer works here.")
    _check_room(group, len(users))
    now = timezone.now()
    approved = group.status == ChatGroup.Status.APPROVED
    added = Membership.objects.bulk_create(
        Membership(
            group=group,
            user=user,
            added_at=now,
            added_by=by,
            rules_sent_at=now if approved else None,
        )
        for user in users
    )
    for membership in added:
        membership.group = group
    audit_record_many(
        drafts=[
            AuditDraft(
                GroupEvent.MEMBER_ADDED,
                actor=by,
                obj=group,
                changes={"member": m.user.email, "membership": m.pk, "rules_sent": approved},
                ip=ip,
            )
            for m in added
        ]
    )
    if approved:
        notifications_queue_many(messages=[rules_message(m) for m in added])
    # Someone who joins a group under a hold is told at once not to delete anything.
    for membership in added:
        hold_notices_for_joiner(group=group, user=membership.user, by=by, ip=ip)
    return added


@transaction.atomic
def membership_remove(
    *,
    membership: Membership,
    by: User,
    reason: str,
    chat_removed: bool,
    ip: str | None = None,
) -> Membership:
    """End a membership, with the reason. `chat_removed`: the admin has also taken them out of
    the chat itself (the portal cannot; until someone confirms it, the admin is asked)."""
    group = membership.group
    _check_open(group)
    if not reason.strip():
        raise ValidationError("Say why they are being removed.")
    if membership.user_id in (group.admin_id, group.deputy_id):
        raise ValidationError(
            "The group's admin and deputy cannot be removed here: name another deputy first "
            "(the admin or the data protection officer can), or ask the data protection "
            "officer to name another admin."
        )
    now = timezone.now()
    changes = {
        "removed_at": now,
        "removed_by": by,
        "removal_reason": reason.strip(),
        "chat_removal_confirmed_at": now if chat_removed else None,
        "chat_removal_confirmed_by": by if chat_removed else None,
    }
    # Conditional, so a member removed twice at once is removed (and recorded) once.
    if not Membership.objects.filter(pk=membership.pk, removed_at__isnull=True).update(**changes):
        raise ValidationError(f"{membership.user.full_name} is no longer in this group.")
    for name, value in changes.items():
        setattr(membership, name, value)
    audit_record(
        verb=GroupEvent.MEMBER_REMOVED,
        actor=by,
        obj=group,
        changes={
            "member": membership.user.email,
            "membership": membership.pk,
            "reason": reason.strip(),
            "removed_from_chat": chat_removed,
        },
        ip=ip,
    )
    return membership


@transaction.atomic
def membership_confirm_chat_removal(
    *, membership: Membership, by: User, ip: str | None = None
) -> Membership:
    """The admin confirms a removed member (a leaver, usually) is out of the chat itself."""
    if membership.removed_at is None:
        raise ValidationError(f"{membership.user.full_name} is still a member of this group.")
    now = timezone.now()
    if not Membership.objects.filter(
        pk=membership.pk, chat_removal_confirmed_at__isnull=True
    ).update(chat_removal_confirmed_at=now, chat_removal_confirmed_by=by):
        raise ValidationError(
            f"Someone already confirmed {membership.user.full_name} was taken out of the chat."
        )
    membership.chat_removal_confirmed_at, membership.chat_removal_confirmed_by = now, by
    audit_record(
        verb=GroupEvent.MEMBER_CHAT_REMOVAL_CONFIRMED,
        actor=by,
        obj=membership.group,
        changes={"member": membership.user.email, "membership": membership.pk},
        ip=ip,
    )
    return membership


@transaction.atomic
def membership_acknowledge_rules(
    *, membership: Membership, by: User, ip: str | None = None
) -> Membership:
    """A member acknowledges the group's purpose and rules: once."""
    if membership.rules_acknowledged_at is not None:
        when = long_datetime(membership.rules_acknowledged_at)
        raise ValidationError(f"You already acknowledged this group's rules, on {when}.")
    if membership.removed_at is not None:
        raise ValidationError("You are no longer a member of this group.")
    now = timezone.now()
    if not Membership.objects.filter(
        pk=membership.pk, rules_acknowledged_at__isnull=True, removed_at__isnull=True
    ).update(rules_acknowledged_at=now):
        raise ValidationError("You already acknowledged this group's rules.")
    membership.rules_acknowledged_at = now
    audit_record(
        verb=GroupEvent.RULES_ACKNOWLEDGED,
        actor=by,
        obj=membership.group,
        changes={"membership": membership.pk},
        ip=ip,
    )
    return membership


@transaction.atomic
def external_member_add(
    *,
    group: ChatGroup,
    name: str,
    organisation: str,
    contact: str,
    by: User,
    ip: str | None = None,
) -> ExternalMember:
    """Name someone from outside the organisation who is in the group. They have no account,
    so nothing is sent to them: the admin shares the rules with them."""
    group = _locked(group)
    _check_open(group)
    _check_room(group, 1)
    external = ExternalMember.objects.create(
        group=group,
        name=name.strip(),
        organisation=organisation.strip(),
        contact=contact.strip(),
        added_by=by,
    )
    audit_record(
        verb=GroupEvent.EXTERNAL_MEMBER_ADDED,
        actor=by,
        obj=group,
        changes={"name": external.name, "organisation": external.organisation, "id": external.pk},
        ip=ip,
    )
    return external


@transaction.atomic
def external_member_remove(
    *, external: ExternalMember, by: User, ip: str | None = None
) -> ExternalMember:
    _check_open(external.group)
    now = timezone.now()
    if not ExternalMember.objects.filter(pk=external.pk, removed_at__isnull=True).update(
        removed_at=now, removed_by=by
    ):
        raise ValidationError(f"{external.name} is no longer in this group.")
    external.removed_at, external.removed_by = now, by
    audit_record(
        verb=GroupEvent.EXTERNAL_MEMBER_REMOVED,
        actor=by,
        obj=external.group,
        changes={"name": external.name, "organisation": external.organisation, "id": external.pk},
        ip=ip,
    )
    return external
