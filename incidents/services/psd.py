"""Professional Standards' assessment of a report of inappropriate content. Their part ends
with closing it (services/handling.py), unless they refer it to the DPO."""

from django.core.exceptions import ValidationError
from django.db import transaction

from incidents.events import IncidentEvent
from incidents.models import Incident, PsdAssessment, TimelineEntry
from incidents.services.timeline import timeline_add
from portal.models import User
from portal.services.audit import audit_record


@transaction.atomic
def psd_assessment_record(
    *,
    incident: Incident,
    outcome: str,
    psd_reference: str,
    reasons: str,
    referred_to: str = "",
    by: User,
    ip: str | None = None,
) -> PsdAssessment:
    """Record an assessment (a later one, after more is known, is a new row: the first stays
    on the record). Internal: the reporter is not told the outcome here."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    psd_reference, reasons, referred_to = (
        psd_reference.strip(),
        reasons.strip(),
        referred_to.strip(),
    )
    if not incident.to_psd:
        raise ValidationError("This incident was not sent to Professional Standards.")
    if incident.is_closed:
        raise ValidationError("This incident is closed: its assessment can no longer change.")
    if outcome not in PsdAssessment.Outcome.values:
        raise ValidationError("Choose the outcome from the list.")
    if not psd_reference:
        raise ValidationError("Enter the Professional Standards reference.")
    if not reasons:
        raise ValidationError("Give the reasons for the outcome.")
    if outcome == PsdAssessment.Outcome.REFERRED and not referred_to:
        raise ValidationError("Say who it was referred to.")
    if outcome != PsdAssessment.Outcome.REFERRED:
        referred_to = ""
    assessment = PsdAssessment.objects.create(
        incident=incident,
        outcome=outcome,
        psd_reference=psd_reference,
        reasons=reasons,
        referred_to=referred_to,
        recorded_by=by,
    )
    said = f"{assessment.get_outcome_display()}"
    if referred_to:
        said += f" (to {referred_to})"
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.PSD_ASSESSMENT,
        text=f"{said}. PSD reference {psd_reference}. Reasons: {reasons}",
        by=by,
        internal=True,
    )
    audit_record(
        verb=IncidentEvent.PSD_ASSESSED,
        actor=by,
        obj=incident,
        changes={
            "reference": incident.reference,
            "outcome": outcome,
            "psd_reference": psd_reference,
            "referred_to": referred_to,
        },
        ip=ip,
    )
    return assessment
