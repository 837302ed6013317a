"""Concerns about chat groups: any member of staff raises one with the DPO (about a group on
the register, or a work group that is not on it), and the DPO records what was done."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.access import check_may_decide_on
from groups.events import GroupEmail, GroupEvent
from groups.models import ChatGroup, Concern
from groups.outbox import concern_key
from groups.selectors import data_protection_officers
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many


@transaction.atomic
def concern_raise(
    *,
    by: User,
    kind: str,
    details: str,
    group: ChatGroup | None = None,
    group_described: str = "",
    ip: str | None = None,
) -> Concern:
    """Raise a concern with the DPO and deputy DPO (or, if nobody holds those roles, the DPO's
    mailbox from the organisation's settings)."""
    if group is None and not group_described.strip():
        raise ValidationError("Say which group the concern is about.")
    if not details.strip():
        raise ValidationError("Say what happened.")
    concern = Concern.objects.create(
        group=group,
        group_described="" if group else group_described.strip(),
        kind=kind,
        details=details.strip(),
        raised_by=by,
    )
    audit_record(
        verb=GroupEvent.CONCERN_RAISED,
        actor=by,
        obj=group if group is not None else concern,
        changes={"concern": concern.pk, "kind": kind, "group_described": concern.group_described},
        ip=ip,
    )
    recipients: list[User | str] = list(data_protection_officers())
    if not recipients and (mailbox := OrganisationSettings.load().dpo_email):
        recipients = [mailbox]
    url = reverse("groups:concern", args=[concern.pk])
    notifications_queue_many(
        messages=[
            Message(
                to=to,
                template=GroupEmail.CONCERN,
                dedup_key=concern_key(concern.pk, str(to.pk) if isinstance(to, User) else to),
                url=url,
                context={"concern": concern, "group": group},
            )
            for to in recipients
        ]
    )
    return concern


@transaction.atomic
def concern_resolve(
    *, concern: Concern, action_taken: str, by: User, ip: str | None = None
) -> Concern:
    """The DPO records what was done about a concern; it is then dealt with."""
    if not action_taken.strip():
        raise ValidationError("Say what was done about the concern.")
    if concern.group is not None:
        check_may_decide_on(by, concern.group)
    now = timezone.now()
    if not Concern.objects.filter(pk=concern.pk, resolved_at__isnull=True).update(
        action_taken=action_taken.strip(), resolved_by=by, resolved_at=now
    ):
        raise ValidationError("This concern was already dealt with.")
    concern.action_taken, concern.resolved_by, concern.resolved_at = action_taken.strip(), by, now
    audit_record(
        verb=GroupEvent.CONCERN_RESOLVED,
        actor=by,
        obj=concern,
        changes={"action_taken": concern.action_taken},
        ip=ip,
    )
    return concern
