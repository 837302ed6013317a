"""The ICO report draft: every field of the ICO's personal data breach report form
(../shared/REFERENCE.md), in the form's order, filled from what has been recorded on the
incident, its assessment, its reports to the ICO and its actions. A field with nothing
recorded says where it is recorded, so the DPO can fill the gaps before sending. Until the DPO
records their own, the personal data, the number of people and what was done fall back to
what the reporter said, marked as the reporter's."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import TextChoices
from django.urls import reverse
from django.utils import timezone

from incidents.kinds import Answer
from incidents.models import (
    Assessment,
    ContainmentAction,
    DataCategory,
    Effect,
    IcoReport,
    Incident,
    PeopleCategory,
)
from incidents.triage_rules import regime_explained
from portal.lib.uktime import long_datetime
from portal.models import OrganisationSettings, User


@dataclass(frozen=True)
class Field:
    key: str  # the field's id on the page
    label: str
    value: str  # empty: not yet recorded
    fix_url: str = ""  # where it is recorded
    fix_label: str = ""

    @property
    def missing(self) -> bool:
        return not self.value


@dataclass(frozen=True)
class Part:
    title: str
    fields: list[Field]


def _when(at: datetime | None) -> str:
    return f"{long_datetime(at)} (UK time)" if at else ""


def _labels(values: list[str], choices: type[TextChoices], other: str) -> str:
    names = dict(choices.choices)
    chosen = [names.get(value, value) for value in values if value != "other"]
    if "other" in values:
        chosen.append(f"Other: {other}" if other else "Other")
    return ", ".join(chosen)


def _count(number: int | None) -> str:
    return "" if number is None else f"{number:,}"


def _what_happened(incident: Incident) -> str:
    lines = [incident.description]
    if incident.is_device:
        device = incident.get_device_type_display() or "A device"
        if incident.asset_tag:
            device += f", asset tag {incident.asset_tag}"
        lines.append(
            f"{device}. Encrypted: {incident.get_encrypted_display() or 'not said'}. "
            f"Locked with a PIN or password: {incident.get_locked_display() or 'not said'}. "
            "A written password with it: "
            f"{incident.get_password_with_device_display() or 'not said'}."
        )
    if incident.crime_reference:
        lines.append(f"Police crime reference: {incident.crime_reference}.")
    return "\n".join(lines)


def _actions_text(summary: str, actions: list[ContainmentAction]) -> str:
    lines = [summary] if summary else []
    for action in actions:
        if action.done_at:
            state = f"done {long_datetime(action.done_at)}: {action.outcome}"
        else:
            state = f"due {long_datetime(action.due_at)}"
        lines.append(f"- {action.description} ({action.owner.full_name}, {state})")
    return "\n".join(lines)


def _or_the_reporters(recorded: str, reported: str) -> str:
    """The DPO's answer; until they record one, what the reporter said, marked as theirs."""
    if recorded or not reported:
        return recorded
    return f"The reporter's account: {reported}"


def _told_text(assessment: Assessment) -> str:
    if assessment.subjects_told is True:
        return f"Yes, {_when(assessment.subjects_told_at)}: {assessment.subjects_told_how}"
    if assessment.subjects_told is False:
        return f"No: {assessment.subjects_not_told_reasons}"
    return ""


def _contact(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def build_draft(
    *,
    incident: Incident,
    assessment: Assessment | None,
    reports: list[IcoReport],
    actions: list[ContainmentAction],
    org: OrganisationSettings,
    reporter: User,
) -> list[Part]:
    """The draft's parts, in the ICO form's order. `reporter` is the person making the report
    (the DPO reading the draft)."""
    a = assessment or Assessment(incident=incident)
    pk = incident.pk

    def at(url_name: str, field: str = "") -> str:
        url = reverse(f"incidents:{url_name}", args=[pk])
        return f"{url}#id_{field}" if field else url

    triage = (at("triage"), "Record it on the triage page")
    details = "Record it with the details for the ICO"

    def detail(key: str, label: str, value: str) -> Field:
        return Field(key, label, value, at("ico_details", key), details)

    initial = next((r for r in reports if r.stage == IcoReport.Stage.INITIAL), None)
    if initial:
        report_type = f"Follow-up (the initial report was sent {_when(initial.sent_at)})"
        reference = Field(
            "ico_reference",
            "ICO case reference",
            a.ico_reference,
            at("ico_report"),
            "Record the report made to the ICO",
        )
    else:
        report_type = "Initial report"
        reference = Field(
            "ico_reference", "ICO case reference", "None yet: this is the initial report"
        )
    contacted = "\n".join(
        f"{r.get_stage_display()} sent {_when(r.sent_at)}, case reference {r.ico_reference}"
        for r in reports
    )
    not_cyber = a.cyber_incident == Answer.NO
    not_applicable = "Not applicable: not a cyber incident"
    cyber = [
        detail("effects", "Confidentiality, integrity or availability affected",
               not_applicable if not_cyber else _labels(a.effects, Effect, "")),
        detail("impact_on_organisation", "Impact on the organisation",
               not_applicable if not_cyber else a.impact_on_organisation),
        detail("recovery_time", "Expected recovery time",
               not_applicable if not_cyber else a.recovery_time),
    ]  # fmt: skip
    dpo = _contact(org.dpo_name, org.dpo_email, org.dpo_phone) if org.dpo_name else ""
    # Late: reported after the deadline, or not reported and the deadline has passed.
    late = a.ico_deadline_at is not None and (a.ico_notified_at or timezone.now()) > (
        a.ico_deadline_at
    )
    timing = [
        Field("regime", "The law it falls under",
              f"{a.get_regime_display()}. {regime_explained(a.regime, org.ico_deadline_hours)}"
              if a.regime else "",
              *triage),
        Field("aware_at", "When the organisation became aware", _when(a.aware_at), *triage),
        Field("deadline", "The deadline for reporting to the ICO", _when(a.ico_deadline_at),
              *triage),
        Field("decision", "Decision on telling the ICO, with reasons",
              ("Tell the ICO" if a.notify_ico else "Not to tell the ICO")
              + f" (decided {_when(a.notify_decided_at)}): {a.notify_reasons}"
              if a.notify_ico is not None else "",
              at("ico_decision"), "Record the decision"),
        Field("notified_at", "When the ICO was told", _when(a.ico_notified_at),
              at("ico_report"), "Record the report made to the ICO"),
    ]  # fmt: skip
    if late or a.late_reasons:
        timing.append(
            Field(
                "late_reasons",
                f"Reasons for reporting after {org.ico_deadline_hours} hours",
                a.late_reasons,
                at("ico_report", "late_reasons"),
                "Give them with the report to the ICO",
            )
        )
    people_count = _count(a.people_count)
    if not people_count and incident.people_affected is not None:
        people_count = f"{_count(incident.people_affected)} (the reporter's estimate)"
    risk = ""
    if a.risk:
        risk = f"{a.get_risk_display()}. {a.risk_reasons}"
    return [
        Part("Report type", [
            Field("report_type", "Initial report or follow-up", report_type),
            reference,
            detail("ico_staff_contacted", "ICO staff already contacted", a.ico_staff_contacted),
            Field("contacted", "Reports already made to the ICO about this breach",
                  contacted or "None recorded"),
        ]),
        Part("About the breach", [
            Field("what_happened", "What happened, and how", _what_happened(incident)),
            detail("cyber_incident", "Was it a cyber incident?", a.get_cyber_incident_display()),
            detail("how_found_out", "How the organisation found out", a.how_found_out),
            Field("discovered_at", "When it was discovered", _when(incident.discovered_at)),
            Field("happened_at", "When it happened", _when(incident.happened_at)),
        ]),
        Part("Personal data", [
            detail("data_categories", "Kinds of personal data involved",
                   _or_the_reporters(
                       _labels(a.data_categories, DataCategory, a.data_categories_other),
                       incident.personal_data,
                   )),
            detail("records_count", "Number of personal data records", _count(a.records_count)),
            detail("people_count", "Number of people affected", people_count),
        ]),
        Part("People affected", [
            detail("people_categories", "Who the people affected are",
                   _labels(a.people_categories, PeopleCategory, a.people_categories_other)),
        ]),
        Part("Consequences", [
            detail("consequences", "Possible consequences for the people", a.consequences),
            detail("consequence_likelihood",
                   "How likely they are to suffer significant consequences",
                   a.get_consequence_likelihood_display()),
            Field("risk", "Our assessment of the risk to people", risk, *triage),
        ]),
        Part("Cyber incidents", cyber),
        Part("Training", [
            detail("staff_trained",
                   "The member of staff involved had data protection training in the last "
                   "two years", a.get_staff_trained_display()),
        ]),
        Part("Measures", [
            detail("measures_before", "Measures in place before the breach", a.measures_before),
            Field("containment_summary", "Actions taken to contain it and reduce the harm",
                  _actions_text(
                      _or_the_reporters(a.containment_summary, incident.actions_taken), actions
                  ),
                  at("ico_details", "containment_summary"), details),
        ]),
        Part("Telling others", [
            Field("subjects_told", "Have the people affected been told? If not, why not",
                  _told_text(a), at("subjects_told"), "Record whether they were told"),
            detail("others_told", "Other organisations told, or to be told", a.others_told),
        ]),
        Part("Contact details", [
            Field("organisation", "Organisation", org.name),
            Field("reporter", "The person making the report",
                  _contact(reporter.full_name, reporter.job_title, reporter.email)),
            Field("dpo", "Data Protection Officer", dpo, reverse("portal:organisation_settings"),
                  "A system administrator records it in the organisation settings"),
        ]),
        Part("Timing", timing),
    ]  # fmt: skip


def missing_count(parts: list[Part]) -> int:
    return sum(field.missing for part in parts for field in part.fields)
