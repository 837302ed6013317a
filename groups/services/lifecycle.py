"""The life of an approved group: the DPO suspends, reinstates or closes it; its admin may close
it; a closed group's admin confirms the chat itself was deleted. Each is on the record and the
admin is told."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.access import check_may_decide_on, is_dpo, runs
from groups.events import GroupEmail, GroupEvent
from groups.models import ChatGroup, Submission
from groups.outbox import status_key
from groups.schedule import Schedule
from groups.selectors import data_protection_officers, under_open_hold
from groups.services.membership import rules_send_outstanding
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

Status = ChatGroup.Status

GROUP_CLOSED = "The group was closed."
CHAT_HELD = (
    "This group is under a hold (an FOI or subject access request, an investigation or "
    "litigation): do not delete the chat until the data protection officer releases the hold. "
    "Deleting it now could be an offence."
)


def _locked(group: ChatGroup) -> ChatGroup:
    return (
        ChatGroup.objects.select_for_update(of=("self",))
        .select_related("admin", "deputy")
        .get(pk=group.pk)
    )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Give the reason: it goes on the record and to the admin."}
        )
    return reason


def _tell_admin(group: ChatGroup, by: User, at, held: bool = False) -> None:
    """The admin and deputy are told; on suspension every current member too (they must stop
    using the group); when its admin closes a group, the DPO and deputy too."""
    people: dict[int, tuple[User, str]] = {
        p.pk: (p, "admin") for p in (group.admin, group.deputy) if p is not None and p.is_active
    }
    if group.status == Status.SUSPENDED:
        for membership in group.memberships.current().select_related("user"):
            if membership.user.is_active:
                people.setdefault(membership.user_id, (membership.user, "member"))
    if group.status == Status.CLOSED and runs(by, group):
        for dpo in data_protection_officers():
            people.setdefault(dpo.pk, (dpo, "dpo"))
    url = reverse("groups:group", args=[group.pk])
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=GroupEmail.STATUS_CHANGED,
                dedup_key=status_key(group.pk, group.status, at, person.pk),
                url=url,
                context={"group": group, "by": by, "held": held, "role": role},
            )
            for person, role in people.values()
            if person.pk != by.pk
        ]
    )


def _change(
    group: ChatGroup, *, status: str, reason: str, verb: str, by: User, ip, held: bool = False
) -> ChatGroup:
    was = group.status
    now = timezone.now()
    group.status = status
    group.status_reason = reason
    group.save(update_fields=["status", "status_reason", "next_cycle_at", "updated_at"])
    audit_record(
        verb=verb, actor=by, obj=group, changes={"from": was, "to": status, "reason": reason}, ip=ip
    )
    _tell_admin(group, by, now, held)
    return group


def _dpo_only(by: User, group: ChatGroup) -> None:
    """Suspending, reinstating and the DPO's closing: a DPO with no part in the group."""
    check_may_decide_on(by, group)


@transaction.atomic
def chat_group_suspend(*, group: ChatGroup, by: User, reason: str, ip=None) -> ChatGroup:
    """Stop an approved group for now: no clear-down prompts while it is suspended."""
    reason = _reason(reason)
    current = _locked(group)
    _dpo_only(by, current)
    if current.status != Status.APPROVED:
        raise ValidationError("Only an approved group can be suspended.")
    return _change(
        current,
        status=Status.SUSPENDED,
        reason=reason,
        verb=GroupEvent.GROUP_SUSPENDED,
        by=by,
        ip=ip,
    )


@transaction.atomic
def chat_group_reinstate(*, group: ChatGroup, by: User, ip=None) -> ChatGroup:
    """Approve a suspended group again. Its clear-downs resume at the next slot to come, not
    with a backlog of the weeks it was suspended."""
    current = _locked(group)
    _dpo_only(by, current)
    if current.status != Status.SUSPENDED:
        raise ValidationError("Only a suspended group can be reinstated.")
    if current.cycle_anchor is not None:
        interval_days = OrganisationSettings.load().clear_down_interval_days
        current.next_cycle_at = Schedule.of(current, interval_days).next_after(timezone.now())
    reinstated = _change(
        current, status=Status.APPROVED, reason="", verb=GroupEvent.GROUP_REINSTATED, by=by, ip=ip
    )
    # People added while it was suspended have not been sent the rules yet.
    rules_send_outstanding(reinstated)
    return reinstated


def _end_pending_change(group: ChatGroup, by: User) -> None:
    """A change still waiting when the group closes can never apply: it is ended as refused
    (final, unlike "changes asked", which invites a revision nobody can make), saying why, so
    the DPO's queue no longer offers it and the record shows what became of it."""
    Submission.objects.filter(group=group, outcome=Submission.Outcome.PENDING).update(
        outcome=Submission.Outcome.REFUSED,
        reason=GROUP_CLOSED,
        decided_by=by,
        decided_at=timezone.now(),
    )


@transaction.atomic
def chat_group_close(*, group: ChatGroup, by: User, reason: str, ip=None) -> ChatGroup:
    """Close an approved or suspended group for good: by the DPO or deputy, or by the group's
    own admin. The admin then deletes the chat itself and confirms it, unless a hold is open on
    the group: then they are told to keep the chat until the hold is released (deleting it
    after a request arrived is an offence)."""
    if not (is_dpo(by) or runs(by, group)):
        raise PermissionDenied(
            "Only the group's admin or the data protection officer can close it."
        )
    reason = _reason(reason)
    current = _locked(group)
    if not runs(by, current):
        # The DPO closing someone else's group: not one they have a part in.
        _dpo_only(by, current)
    if current.status not in (Status.APPROVED, Status.SUSPENDED):
        raise ValidationError("Only an approved or suspended group can be closed.")
    _end_pending_change(current, by)
    return _change(
        current,
        status=Status.CLOSED,
        reason=reason,
        verb=GroupEvent.GROUP_CLOSED,
        by=by,
        ip=ip,
        held=under_open_hold(current),
    )


@transaction.atomic
def chat_group_confirm_chat_deleted(*, group: ChatGroup, by: User, ip=None) -> ChatGroup:
    """The admin of a closed group confirms they deleted the chat on its app."""
    current = _locked(group)
    if not runs(by, current):
        raise PermissionDenied("Only the group's admin or deputy can confirm this.")
    if current.status != Status.CLOSED:
        raise ValidationError("Only a closed group's chat is deleted.")
    if current.chat_deleted_at is not None:
        raise ValidationError("You have already confirmed the chat was deleted.")
    if under_open_hold(current):
        raise ValidationError(CHAT_HELD)
    current.chat_deleted_at = timezone.now()
    current.save(update_fields=["chat_deleted_at", "updated_at"])
    audit_record(
        verb=GroupEvent.GROUP_CHAT_DELETED,
        actor=by,
        obj=current,
        changes={"chat_deleted_at": current.chat_deleted_at.isoformat()},
        ip=ip,
    )
    return current
