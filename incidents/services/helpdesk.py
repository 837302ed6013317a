"""The IT helpdesk's part of a device, password or virus report: what it did, each step with
when it was done and who recorded it, and saying when its part is finished."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.models import HelpdeskAction, Incident, TimelineEntry
from incidents.services.timeline import timeline_add
from portal.lib.uktime import long_datetime
from portal.models import User
from portal.services.audit import audit_record

# What the reporter sees. A wiped phone, a disabled account or a reset password is something
# the person will meet (and must act on: a new phone, a new password), so each step is on the
# timeline they read. "Something else" is described only in the helpdesk's own words, written
# for colleagues, so it stays internal, as does any note on a step.
INTERNAL_ACTIONS = frozenset({HelpdeskAction.Action.OTHER})


def _step_text(action: HelpdeskAction) -> str:
    when = long_datetime(action.done_at)
    if action.action == HelpdeskAction.Action.OTHER:
        return f"{action.note} (done {when}, UK time)"
    return f"{action.get_action_display()} (done {when}, UK time)."


@transaction.atomic
def helpdesk_action_record(
    *,
    incident: Incident,
    action: str,
    done_at: datetime,
    note: str = "",
    by: User,
    ip: str | None = None,
) -> HelpdeskAction:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    note = note.strip()
    if not incident.to_helpdesk:
        raise ValidationError("This incident was not sent to the helpdesk.")
    if action not in HelpdeskAction.Action.values:
        raise ValidationError("Choose what the helpdesk did from the list.")
    if action == HelpdeskAction.Action.OTHER and not note:
        raise ValidationError("Say what the helpdesk did.")
    # On the time's own field ("When it was done"), for the form to show it there.
    if done_at > timezone.now():
        raise ValidationError(
            {"done_at": "When it was done is in the future: enter the time it was done."}
        )
    if done_at < incident.happened_at:
        raise ValidationError(
            {
                "done_at": "When it was done is before the incident happened "
                f"({long_datetime(incident.happened_at)}, UK time): check the date and time."
            }
        )
    step = HelpdeskAction.objects.create(
        incident=incident, action=action, done_at=done_at, note=note, recorded_by=by
    )
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.HELPDESK_ACTION,
        text=_step_text(step),
        by=by,
        internal=action in INTERNAL_ACTIONS,
    )
    if note and action not in INTERNAL_ACTIONS:
        timeline_add(
            incident=incident,
            kind=TimelineEntry.Kind.NOTE,
            text=f"Helpdesk note on “{step.get_action_display()}”: {note}",
            by=by,
            internal=True,
        )
    audit_record(
        verb=IncidentEvent.HELPDESK_ACTION,
        actor=by,
        obj=incident,
        changes={
            "reference": incident.reference,
            "action": action,
            "done_at": done_at.isoformat(),
            "note": note,
        },
        ip=ip,
    )
    return step


@transaction.atomic
def helpdesk_part_done(*, incident: Incident, by: User, ip: str | None = None) -> Incident:
    """The helpdesk has done all it will: the report leaves its open queue. The incident stays
    open for the DPO, who closes it."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.to_helpdesk:
        raise ValidationError("This incident was not sent to the helpdesk.")
    if incident.is_closed:
        raise ValidationError("This incident is closed: there is no part left to finish.")
    if incident.helpdesk_done_at is not None:
        raise ValidationError(
            f"The helpdesk's part was already marked finished on "
            f"{long_datetime(incident.helpdesk_done_at)}."
        )
    now = timezone.now()
    Incident.objects.filter(pk=incident.pk).update(helpdesk_done_at=now)
    incident.helpdesk_done_at = now
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.HELPDESK_DONE,
        text="The IT helpdesk has finished its part.",
        by=by,
        at=now,
    )
    audit_record(
        verb=IncidentEvent.HELPDESK_DONE,
        actor=by,
        obj=incident,
        changes={"reference": incident.reference},
        ip=ip,
    )
    return incident
