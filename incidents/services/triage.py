"""The DPO's triage of an incident: whether it is a personal data breach and under which law,
when the organisation became aware (which starts the ICO clock), the risk to people, the
decision on telling the ICO, the reports made to it, telling the people affected, the rest of
what the ICO's form asks, and closing.

Everything here is the DPO's internal assessment: each step is an internal timeline entry
(the reporter never sees it) and an audit event, in one transaction. The Assessment row is
created by the first step the DPO records.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.models import Assessment, IcoReport, Incident, Risk, TimelineEntry
from incidents.services.lifecycle import incident_close
from incidents.services.timeline import timeline_add
from incidents.triage_rules import ico_deadline, suggested_risk
from portal.lib.uktime import long_datetime
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record

# The fields of the ICO's form recorded on the details page (assessment_details_record).
DETAIL_FIELDS = (
    "ico_staff_contacted",
    "cyber_incident",
    "how_found_out",
    "data_categories",
    "data_categories_other",
    "records_count",
    "people_count",
    "people_categories",
    "people_categories_other",
    "consequences",
    "consequence_likelihood",
    "effects",
    "impact_on_organisation",
    "recovery_time",
    "staff_trained",
    "measures_before",
    "containment_summary",
    "others_told",
    "lessons_learned",
)


def awareness_default(incident: Incident) -> datetime:
    """When the DPO's side heard of it: the report's arrival, or its referral to the DPO."""
    return incident.referred_to_dpo_at or incident.reported_at


def _locked(incident: Incident, by: User) -> tuple[Incident, Assessment]:
    """The incident and its assessment, both locked. Before the DPO's first step the
    assessment is a new, unsaved one: _save writes it once something is recorded on it (the
    incident's lock keeps two first steps from both making one). A closed incident is
    refused."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.is_closed:
        raise ValidationError("This incident is closed: nothing more can be recorded on it.")
    assessment = Assessment.objects.select_for_update().filter(incident=incident).first()
    return incident, assessment or Assessment(incident=incident, started_by=by)


STALE = (
    "Someone else changed this assessment while you were editing: here is what it says now; "
    "make your change again."
)


class StaleAssessment(ValidationError):
    """The assessment changed since the form was shown (its version moved)."""


def version_of(assessment: Assessment | None) -> str:
    """What a form shows to detect a change made meanwhile: when the assessment last changed
    ("" before there is one)."""
    return assessment.updated_at.isoformat() if assessment and assessment.pk else ""


def _check_version(assessment: Assessment, version: str | None) -> None:
    """Refuse a form made from an older state of the assessment (None: not from a form)."""
    if version is not None and version != version_of(assessment):
        raise StaleAssessment(STALE)


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _save(assessment: Assessment, values: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Set the values that differ, writing only those; return them as the audit's changes,
    {name: {"from": old, "to": new}} (times as text), the shape the audit pages show."""
    changed = {
        name: {"from": getattr(assessment, name), "to": value}
        for name, value in values.items()
        if getattr(assessment, name) != value
    }
    for name, change in changed.items():
        setattr(assessment, name, change["to"])
    if assessment.pk is None:
        if changed:  # the DPO's first step that records anything starts the assessment
            assessment.started_at = assessment.updated_at = now
            assessment.save()
    else:
        assessment.updated_at = now
        assessment.save(update_fields=[*changed, "updated_at"])
    return {
        name: {"from": _text(change["from"]), "to": _text(change["to"])}
        for name, change in changed.items()
    }


def _check_instant(at: datetime, incident: Incident, field: str, what: str) -> None:
    if at > timezone.now():
        raise ValidationError({field: f"{what} cannot be in the future."})
    if at < incident.happened_at:
        raise ValidationError(
            {
                field: f"{what} cannot be before the incident happened "
                f"({long_datetime(incident.happened_at)}, UK time)."
            }
        )


@transaction.atomic
def assessment_triage(
    *,
    incident: Incident,
    is_breach: bool | None,
    not_breach_reasons: str = "",
    regime: str = "",
    aware_at: datetime | None = None,
    likelihood: str = "",
    severity: str = "",
    risk: str = "",
    risk_reasons: str = "",
    late_reasons: str = "",
    version: str | None = None,
    by: User,
    ip: str | None = None,
) -> Assessment:
    """Record whether it is a personal data breach, the regime, the time of awareness and the
    risk. A breach needs all of them, with reasons for the risk; not a breach needs reasons.
    `risk` left empty takes what the matrix suggests. The ICO deadline is computed from the
    awareness when it is first given or changed, and stored (a later change of the setting
    does not move it). `version` is version_of the assessment the form was made from: if it
    has changed since, the triage is refused (StaleAssessment) rather than overwrite it.

    Once a report to the ICO is recorded the record must stay true to it: it stays a breach
    (and on the register), the organisation was aware by the first report at the latest, and
    an earlier awareness that makes the initial report late needs `late_reasons`."""
    incident, assessment = _locked(incident, by)
    _check_version(assessment, version)
    first_report = IcoReport.objects.filter(incident=incident).order_by("sent_at", "pk").first()
    if first_report is not None:
        _check_after_the_ico_was_told(
            assessment, first_report, is_breach, aware_at, late_reasons.strip()
        )
    if is_breach is False and not not_breach_reasons.strip():
        raise ValidationError({"not_breach_reasons": "Say why it is not a personal data breach."})
    if is_breach:
        missing = {
            "regime": "Choose the law it falls under.",
            "aware_at": "Enter when the organisation became aware of the breach.",
            "likelihood": "Choose how likely it is that people will be harmed.",
            "severity": "Choose how severe the harm could be.",
            "risk_reasons": "Give the reasons for the risk to people.",
        }
        given = {
            "regime": regime,
            "aware_at": aware_at,
            "likelihood": likelihood,
            "severity": severity,
            "risk_reasons": risk_reasons.strip(),
        }
        errors = {field: text for field, text in missing.items() if not given[field]}
        if errors:
            raise ValidationError(errors)
    if aware_at is not None:
        _check_instant(aware_at, incident, "aware_at", "The time of awareness")
    suggestion = suggested_risk(likelihood, severity)
    chosen = risk or (suggestion or "")
    now = timezone.now()
    values: dict[str, Any] = {
        "is_breach": is_breach,
        "not_breach_reasons": not_breach_reasons.strip() if is_breach is False else "",
        "regime": regime,
        "aware_at": aware_at,
        "likelihood": likelihood,
        "severity": severity,
        "risk": chosen,
        "risk_reasons": risk_reasons.strip(),
    }
    if aware_at is None:
        values["ico_deadline_at"] = None
    elif aware_at != assessment.aware_at or assessment.ico_deadline_at is None:
        values["ico_deadline_at"] = _deadline(aware_at)
    late_before = assessment.late_reasons
    if first_report is not None and late_reasons.strip():
        values["late_reasons"] = late_reasons.strip()
    changes = _save(assessment, values, now)
    text = _triage_text(assessment, suggestion)
    if assessment.late_reasons != late_before:
        text += f"\nReasons the report to the ICO was late: {assessment.late_reasons}"
    _record(
        incident,
        TimelineEntry.Kind.TRIAGE,
        IncidentEvent.TRIAGED,
        text=text,
        changes=changes,
        by=by,
        ip=ip,
        at=now,
    )
    return assessment


def _record(
    incident: Incident,
    kind: TimelineEntry.Kind,
    verb: IncidentEvent,
    *,
    text: str,
    changes: dict,
    by: User,
    ip: str | None,
    at: datetime,
) -> None:
    """One step of the DPO's assessment: its internal timeline entry and its audit event (the
    incident's reference and what changed, from -> to), in the caller's transaction."""
    timeline_add(incident=incident, kind=kind, text=text, by=by, internal=True, at=at)
    audit_record(
        verb=verb,
        actor=by,
        obj=incident,
        changes={"reference": incident.reference, **changes},
        ip=ip,
    )


def _deadline(aware_at: datetime) -> datetime:
    return ico_deadline(aware_at, OrganisationSettings.load().ico_deadline_hours)


def _check_after_the_ico_was_told(
    assessment: Assessment,
    first_report: IcoReport,
    is_breach: bool | None,
    aware_at: datetime | None,
    late_reasons: str,
) -> None:
    """Refuse a re-triage that would contradict a report already made to the ICO."""
    sent = long_datetime(first_report.sent_at)
    if is_breach is not True:
        raise ValidationError(
            {
                "is_breach": "A report to the ICO is recorded for this incident, so it stays a "
                "personal data breach and on the breach register. If the ICO has since agreed "
                "it was not one, record that as a follow-up report and in the risk reasons."
            }
        )
    if aware_at is None:
        return
    if aware_at > first_report.sent_at:
        raise ValidationError(
            {
                "aware_at": "The organisation was aware by the first report to the ICO at the "
                f"latest ({sent}, UK time): enter that time or earlier."
            }
        )
    initial = assessment.ico_notified_at or first_report.sent_at
    deadline = (
        assessment.ico_deadline_at
        if aware_at == assessment.aware_at and assessment.ico_deadline_at
        else _deadline(aware_at)
    )
    if initial > deadline and not (late_reasons or assessment.late_reasons):
        raise ValidationError(
            {
                "late_reasons": "With this time of awareness the deadline was "
                f"{long_datetime(deadline)} (UK time), so the initial report to the ICO "
                "was late: give the reasons for the delay (the ICO asks for them)."
            }
        )


def _triage_text(assessment: Assessment, suggestion: Risk | None) -> str:
    if assessment.is_breach is None:
        lines = ["Not yet decided whether this is a personal data breach."]
    elif assessment.is_breach:
        lines = [f"A personal data breach, under {assessment.get_regime_display()}."]
    else:
        lines = [f"Not a personal data breach: {assessment.not_breach_reasons}"]
    if assessment.aware_at and assessment.ico_deadline_at:
        lines.append(
            f"Aware from {long_datetime(assessment.aware_at)}; the ICO deadline is "
            f"{long_datetime(assessment.ico_deadline_at)} (UK time)."
        )
    if assessment.risk:
        line = (
            f"Risk: {assessment.get_risk_display()} (likelihood "
            f"{assessment.get_likelihood_display() or 'not given'}, severity "
            f"{assessment.get_severity_display() or 'not given'})"
        )
        if suggestion and suggestion != assessment.risk:
            label = str(suggestion.label)
            line += f", where the table suggests {label[0].lower()}{label[1:]}"
        lines.append(f"{line}. Reasons: {assessment.risk_reasons}")
    return "\n".join(lines)


@transaction.atomic
def assessment_ico_decide(
    *, incident: Incident, notify: bool, reasons: str, by: User, ip: str | None = None
) -> Assessment:
    """Record the decision to tell the ICO or not, with reasons either way (a decision not to
    report is kept with its reasons: Article 33(5), section 67(6))."""
    incident, assessment = _locked(incident, by)
    if assessment.is_breach is not True:
        raise ValidationError(
            "Record first that this is a personal data breach (on the triage page): the "
            "decision on telling the ICO is about a breach."
        )
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the decision."})
    if not notify and assessment.ico_notified_at is not None:
        raise ValidationError(
            "A report to the ICO is already recorded, so the decision cannot now be not to "
            "tell them."
        )
    now = timezone.now()
    values: dict[str, Any] = {"notify_ico": notify, "notify_reasons": reasons.strip()}
    if notify != assessment.notify_ico:
        # A new decision is dated and signed; new reasons for the same one keep its date.
        values |= {"notify_decided_at": now, "notify_decided_by_id": by.pk}
    changes = _save(assessment, values, now)
    decision = "Decided to tell the ICO" if notify else "Decided not to tell the ICO"
    _record(
        incident,
        TimelineEntry.Kind.TRIAGE,
        IncidentEvent.ICO_DECIDED,
        text=f"{decision}. Reasons: {assessment.notify_reasons}",
        changes=changes,
        by=by,
        ip=ip,
        at=now,
    )
    return assessment


def report_is_late(assessment: Assessment, sent_at: datetime) -> bool:
    return assessment.ico_deadline_at is not None and sent_at > assessment.ico_deadline_at


@transaction.atomic
def ico_report_record(
    *,
    incident: Incident,
    sent_at: datetime,
    ico_reference: str,
    summary: str,
    late_reasons: str = "",
    by: User,
    ip: str | None = None,
) -> IcoReport:
    """Record a report made to the ICO: the first is the initial report (it sets when the ICO
    was notified and the case reference), later ones are follow-ups. An initial report sent
    after the deadline needs the reasons for the delay."""
    incident, assessment = _locked(incident, by)
    if assessment.notify_ico is not True:
        raise ValidationError(
            "Record the decision to tell the ICO first (on the ICO decision page)."
        )
    _check_instant(sent_at, incident, "sent_at", "The time it was sent")
    if assessment.aware_at and sent_at < assessment.aware_at:
        raise ValidationError(
            {"sent_at": "The report cannot have been sent before the organisation was aware."}
        )
    reference = ico_reference.strip()
    if not reference:
        raise ValidationError({"ico_reference": "Enter the ICO's case reference."})
    if not summary.strip():
        raise ValidationError({"summary": "Say briefly what was reported."})
    first = IcoReport.objects.filter(incident=incident, stage=IcoReport.Stage.INITIAL).first()
    initial = first is None
    if first is not None and sent_at < first.sent_at:
        raise ValidationError(
            {
                "sent_at": "A follow-up cannot have been sent before the initial report "
                f"({long_datetime(first.sent_at)}, UK time)."
            }
        )
    late = initial and report_is_late(assessment, sent_at)
    reasons = late_reasons.strip()
    if late and not (reasons or assessment.late_reasons):
        raise ValidationError(
            {
                "late_reasons": "The report was sent after the deadline: give the reasons for "
                "the delay (the ICO asks for them)."
            }
        )
    now = timezone.now()
    report = IcoReport.objects.create(
        incident=incident,
        stage=IcoReport.Stage.INITIAL if initial else IcoReport.Stage.FOLLOW_UP,
        sent_at=sent_at,
        ico_reference=reference,
        summary=summary.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    values: dict[str, Any] = {}
    if initial:
        values = {"ico_notified_at": sent_at, "ico_reference": reference}
    elif not assessment.ico_reference:
        values["ico_reference"] = reference
    if reasons:
        values["late_reasons"] = reasons
    changes = _save(assessment, values, now)
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.ICO_REPORT,
        text=_report_text(report, assessment, late=late, new_reasons="late_reasons" in changes),
        by=by,
        internal=True,
        at=now,
    )
    audit_record(
        verb=IncidentEvent.ICO_NOTIFIED,
        actor=by,
        obj=incident,
        changes={
            "reference": incident.reference,
            "stage": report.stage,
            "sent_at": sent_at.isoformat(),
            "ico_reference": reference,
            "late": late,
            **changes,
        },
        ip=ip,
    )
    return report


def _report_text(
    report: IcoReport, assessment: Assessment, *, late: bool, new_reasons: bool
) -> str:
    text = (
        f"{report.get_stage_display()} made to the ICO on {long_datetime(report.sent_at)} "
        f"(UK time), case reference {report.ico_reference}. {report.summary}"
    )
    if late:
        text += f"\nAfter the deadline. Reasons for the delay: {assessment.late_reasons}"
    elif new_reasons:
        text += f"\nThe reasons the initial report was late are now: {assessment.late_reasons}"
    return text


@transaction.atomic
def assessment_subjects_record(
    *,
    incident: Incident,
    told: bool,
    told_at: datetime | None = None,
    how: str = "",
    not_told_reasons: str = "",
    by: User,
    ip: str | None = None,
) -> Assessment:
    """Record whether the people affected were told: when and how, or why not."""
    incident, assessment = _locked(incident, by)
    if told:
        errors = {}
        if told_at is None:
            errors["told_at"] = "Enter when the people affected were told."
        if not how.strip():
            errors["how"] = "Say how they were told (for example by letter or phone)."
        if errors:
            raise ValidationError(errors)
        assert told_at is not None
        _check_instant(told_at, incident, "told_at", "The time they were told")
        values: dict[str, Any] = {
            "subjects_told": True,
            "subjects_told_at": told_at,
            "subjects_told_how": how.strip(),
            "subjects_not_told_reasons": "",
        }
        text = f"The people affected were told on {long_datetime(told_at)} (UK time): {how}"
    else:
        if not not_told_reasons.strip():
            raise ValidationError(
                {"not_told_reasons": "Say why the people affected were not told."}
            )
        values = {
            "subjects_told": False,
            "subjects_told_at": None,
            "subjects_told_how": "",
            "subjects_not_told_reasons": not_told_reasons.strip(),
        }
        text = f"The people affected were not told: {not_told_reasons.strip()}"
    now = timezone.now()
    changes = _save(assessment, values, now)
    _record(
        incident,
        TimelineEntry.Kind.SUBJECTS_TOLD,
        IncidentEvent.SUBJECTS_TOLD,
        text=text,
        changes=changes,
        by=by,
        ip=ip,
        at=now,
    )
    return assessment


@transaction.atomic
def assessment_details_record(
    *,
    incident: Incident,
    details: dict[str, Any],
    version: str | None = None,
    by: User,
    ip: str | None = None,
) -> Assessment:
    """Record the rest of what the ICO's form asks (DETAIL_FIELDS; others are refused), only
    the fields that changed. A form made from an older version is refused (StaleAssessment)."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not details of the ICO form: {sorted(unknown)}")
    incident, assessment = _locked(incident, by)
    _check_version(assessment, version)
    cleaned = {
        name: value.strip() if isinstance(value, str) else value for name, value in details.items()
    }
    now = timezone.now()
    changes = _save(assessment, cleaned, now)
    if changes:
        names = ", ".join(
            str(getattr(Assessment._meta.get_field(name), "verbose_name", name)) for name in changes
        )
        _record(
            incident,
            TimelineEntry.Kind.TRIAGE,
            IncidentEvent.ICO_DETAILS,
            text=f"Details for the ICO recorded: {names}.",
            changes=changes,
            by=by,
            ip=ip,
            at=now,
        )
    return assessment


def close_blockers(assessment: Assessment | None, *, lessons_learned: str = "") -> list[str]:
    """What must still be recorded before the DPO may close the incident (empty: nothing)."""
    if assessment is None or assessment.is_breach is None:
        return ["Decide whether it is a personal data breach (on the triage page)."]
    if not assessment.is_breach:
        return []
    blockers = []
    if assessment.notify_ico is None:
        blockers.append("Record the decision on telling the ICO.")
    elif assessment.notify_ico and assessment.ico_notified_at is None:
        blockers.append("Record the initial report made to the ICO.")
    if assessment.risk == Risk.HIGH and assessment.subjects_told is None:
        blockers.append(
            "The risk is high: record whether the people affected were told, or why not."
        )
    if not lessons_learned.strip():
        blockers.append("Say what was learned (or that there is nothing to change).")
    return blockers


@transaction.atomic
def incident_dpo_close(
    *, incident: Incident, lessons_learned: str, note: str, by: User, ip: str | None = None
) -> Incident:
    """Close an incident the DPO has triaged: a decision on whether it is a breach, and for a
    breach the ICO decision (and, when telling the ICO, the initial report), the people
    affected told or not when the risk is high, and the lessons learned."""
    incident, assessment = _locked(incident, by)
    blockers = close_blockers(assessment, lessons_learned=lessons_learned)
    if blockers:
        raise ValidationError(blockers)
    lessons = lessons_learned.strip()
    if lessons != assessment.lessons_learned:
        now = timezone.now()
        changes = _save(assessment, {"lessons_learned": lessons}, now)
        _record(
            incident,
            TimelineEntry.Kind.TRIAGE,
            IncidentEvent.ICO_DETAILS,
            text=f"Lessons learned: {lessons}" if lessons else "Lessons learned cleared.",
            changes=changes,
            by=by,
            ip=ip,
            at=now,
        )
    return incident_close(incident=incident, note=note, by=by, ip=ip)
