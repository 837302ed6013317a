"""Containment and recovery actions on a breach: the DPO gives each an owner and a due day,
the owner is told, and the owner (or a DPO) records it done with what came of it."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEmail, IncidentEvent
from incidents.models import ContainmentAction, Incident, TimelineEntry
from incidents.outbox import action_assigned_key
from incidents.services.timeline import timeline_add
from portal.lib.uktime import end_of_day, long_datetime
from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import notification_queue


@transaction.atomic
def action_add(
    *,
    incident: Incident,
    description: str,
    owner: User,
    due_on: date,
    by: User,
    ip: str | None = None,
) -> ContainmentAction:
    """Add an action due by the end of `due_on` (UK time), and email its owner. The owner is
    told the incident's reference and the action only: they may not be one of its handlers."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.is_closed:
        raise ValidationError("This incident is closed: nothing more can be recorded on it.")
    if not description.strip():
        raise ValidationError({"description": "Say what needs to be done."})
    if not owner.is_active:
        raise ValidationError({"owner": "Choose someone who still works here."})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The due date cannot be in the past."})
    now = timezone.now()
    action = ContainmentAction.objects.create(
        incident=incident,
        description=description.strip(),
        owner=owner,
        due_at=end_of_day(due_on),
        created_by=by,
        created_at=now,
    )
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.ACTION,
        text=f"Action for {owner.full_name}, due {long_datetime(action.due_at)} (UK time): "
        f"{action.description}",
        by=by,
        internal=True,
        at=now,
    )
    audit_record(
        verb=IncidentEvent.ACTION_ADDED,
        actor=by,
        obj=incident,
        changes={
            "reference": incident.reference,
            "action": action.pk,
            "owner": owner.pk,
            "due_at": action.due_at.isoformat(),
            "description": action.description,
        },
        ip=ip,
    )
    notification_queue(
        to=owner,
        template=IncidentEmail.ACTION_ASSIGNED,
        dedup_key=action_assigned_key(action.pk),
        context={"action": action, "reference": incident.reference, "by": by},
        url=reverse("incidents:my_actions"),
    )
    return action


@transaction.atomic
def action_done(
    *, action: ContainmentAction, outcome: str, by: User, ip: str | None = None
) -> ContainmentAction:
    """Record the action done, with what came of it. Done once."""
    action = (
        ContainmentAction.objects.select_for_update().select_related("incident").get(pk=action.pk)
    )
    if action.done_at is not None:
        raise ValidationError("This action is already recorded as done.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Say what was done and what came of it."})
    now = timezone.now()
    action.done_at, action.done_by, action.outcome = now, by, outcome.strip()
    action.save(update_fields=["done_at", "done_by", "outcome"])
    timeline_add(
        incident=action.incident,
        kind=TimelineEntry.Kind.ACTION,
        text=f"Action done ({action.description}): {action.outcome}",
        by=by,
        internal=True,
        at=now,
    )
    audit_record(
        verb=IncidentEvent.ACTION_DONE,
        actor=by,
        obj=action.incident,
        changes={
            "reference": action.incident.reference,
            "action": action.pk,
            "outcome": action.outcome,
        },
        ip=ip,
    )
    return action
