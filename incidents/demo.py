"""Demo data for incidents: open and closed reports of every kind, with what each handler did,
so `make run` shows every queue, an incident's timeline, the ICO clock and the breach register
with something to read.

- A lost phone, encrypted and wiped within hours: a breach the DPO decided not to report to
  the ICO, with the reasons; closed.
- An email with victims' details sent to the wrong partner: a breach whose ICO deadline is
  hours away, no decision yet, an action due tomorrow.
- A stolen laptop (law-enforcement processing, DPA 2018 Part 3): reported to the ICO after the
  deadline with the reasons, the people affected told, a follow-up report; closed with lessons.
- A spreadsheet shared too widely: reported to the ICO in time; closed.
- A compromised password the helpdesk reset yesterday, not yet assessed by the DPO.
- A suspected virus, cleaned, not a breach; a laptop that looks tampered with, just reported.
- Inappropriate content received: one assessed by Professional Standards and closed, one open.
- Unsuitable material opened by accident, considered by the manager; content online about the
  organisation, with the Chief Executive; something else, with a message to the reporter.
- Travel abroad: a trip in three weeks, and one at short notice the helpdesk has advised on.

The history is written as rows dated in the past, as the groups demo does: the services record
these things as they happen, now, and the audit trail cannot be back-dated. Every row keeps
the models' constraints. Loading is idempotent: a report already present (by its description)
is left as it is.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.kinds import Answer, DeviceType, Kind, handlers_for
from incidents.models import (
    ROUTE_FIELDS,
    Assessment,
    ContainmentAction,
    HelpdeskAction,
    IcoReport,
    Incident,
    PsdAssessment,
    Regime,
    Risk,
    TimelineEntry,
    TravelAdvice,
    TravelNotice,
)
from incidents.models.breach import ConsequenceLikelihood, Likelihood, Severity
from incidents.services.reporting import next_number
from portal.demo import DOMAIN
from portal.models import OrganisationSettings, User

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
T = TimelineEntry.Kind


def _person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


@dataclass
class Step:
    """One timeline entry, `after` the report was made."""

    after: timedelta
    by: str | None
    kind: TimelineEntry.Kind
    text: str
    internal: bool = False


@dataclass
class Plan:
    kind: Kind
    reporter: str
    ago: timedelta  # how long ago it was reported
    description: str
    happened_before: timedelta = HOUR  # before it was discovered
    discovered_before: timedelta = HOUR  # before it was reported
    fields: dict[str, Any] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    closed_after: timedelta | None = None
    closed_by: str = ""
    closure_note: str = ""
    # Writes what the handlers recorded besides the timeline (actions, assessments).
    records: Callable[[Incident], None] | None = None


def _make(plan: Plan, now: datetime) -> Incident | None:
    if Incident.objects.filter(description=plan.description).exists():
        return None
    reporter = _person(plan.reporter)
    reported_at = now - plan.ago
    discovered_at = reported_at - plan.discovered_before
    year = timezone.localtime(reported_at).year
    number = next_number(year)
    handlers = handlers_for(plan.kind, has_line_manager=reporter.line_manager_id is not None)
    incident = Incident(
        reference=f"INC-{year}-{number:04d}",
        year=year,
        number=number,
        kind=plan.kind,
        reported_by=reporter,
        reported_at=reported_at,
        happened_at=discovered_at - plan.happened_before,
        discovered_at=discovered_at,
        description=plan.description,
        line_manager_id=reporter.line_manager_id,
        last_activity_at=reported_at,
        **{field: handler in handlers for handler, field in ROUTE_FIELDS.items()},
        **plan.fields,
    )
    if plan.closed_after is not None:
        incident.status = Incident.Status.CLOSED
        incident.closed_at = reported_at + plan.closed_after
        incident.closed_by = _person(plan.closed_by)
        incident.closure_note = plan.closure_note
    elif plan.steps:
        incident.status = Incident.Status.IN_HAND
    incident.save()
    entries = [Step(timedelta(0), plan.reporter, T.REPORTED, "Reported.")] + plan.steps
    if plan.closed_after is not None:
        entries += [
            Step(plan.closed_after, plan.closed_by, T.NOTE, plan.closure_note, internal=True),
            Step(plan.closed_after, plan.closed_by, T.STATUS, "Closed."),
        ]
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            incident=incident,
            kind=step.kind,
            at=reported_at + step.after,
            by=_person(step.by) if step.by else None,
            internal=step.internal,
            text=step.text,
        )
        for step in entries
    )
    last = max(reported_at + step.after for step in entries)
    Incident.objects.filter(pk=incident.pk).update(last_activity_at=last)
    if plan.records:
        plan.records(incident)
    return incident


def _assess(incident: Incident, by: str, *, aware_after: timedelta, **fields: Any) -> Assessment:
    aware_at = incident.reported_at + aware_after
    hours = OrganisationSettings.load().ico_deadline
    return Assessment.objects.create(
        incident=incident,
        started_by=_person(by),
        started_at=aware_at,
        updated_at=aware_at,
        aware_at=aware_at,
        ico_deadline_at=aware_at + hours,
        **fields,
    )


def _helpdesk(incident: Incident, by: str, *actions: tuple[str, timedelta]) -> None:
    HelpdeskAction.objects.bulk_create(
        HelpdeskAction(
            incident=incident,
            action=action,
            done_at=incident.reported_at + after,
            recorded_by=_person(by),
            recorded_at=incident.reported_at + after,
        )
        for action, after in actions
    )


def _lost_phone(incident: Incident) -> None:
    _helpdesk(
        incident,
        "gareth.lewis",
        (HelpdeskAction.Action.WIPE_REQUESTED, 20 * timedelta(minutes=1)),
        (HelpdeskAction.Action.WIPE_CONFIRMED, 2 * HOUR),
        (HelpdeskAction.Action.DEVICE_REPLACED, DAY),
    )
    Incident.objects.filter(pk=incident.pk).update(helpdesk_done_at=incident.reported_at + DAY)
    decided = incident.reported_at + 5 * HOUR
    _assess(
        incident,
        "ruth.adeyemi",
        aware_after=30 * timedelta(minutes=1),
        is_breach=True,
        regime=Regime.UK_GDPR,
        likelihood=Likelihood.REMOTE,
        severity=Severity.MINIMAL,
        risk=Risk.NONE,
        risk_reasons="The phone was encrypted and locked with a PIN, and the remote wipe was "
        "confirmed two hours after it was reported. Nobody is likely to have read its data.",
        notify_ico=False,
        notify_reasons="Unlikely to result in a risk to anyone's rights and freedoms: the data "
        "was encrypted and has been wiped. Recorded in the breach register only.",
        notify_decided_at=decided,
        notify_decided_by=_person("ruth.adeyemi"),
        data_categories=["identifiers"],
        people_count=40,
        lessons_learned="Remind staff to report a lost phone at once: the quick report is why "
        "the wipe worked.",
    )


def _email_wrong_partner(incident: Incident) -> None:
    _assess(
        incident,
        "owen.price",
        aware_after=HOUR,
        is_breach=True,
        regime=Regime.UK_GDPR,
        likelihood=Likelihood.POSSIBLE,
        severity=Severity.SIGNIFICANT,
        risk=Risk.RISK,
        risk_reasons="Names, addresses and the nature of the offences against 12 victims went to "
        "a partner organisation not entitled to them.",
        data_categories=["identifiers", "criminal"],
        people_count=12,
        people_categories=["vulnerable"],
        how_found_out="The partner replied to say they had received it in error.",
    )
    ContainmentAction.objects.create(
        incident=incident,
        description="Get written confirmation from the partner that the email and its "
        "attachment are deleted.",
        owner=_person("raj.patel"),
        due_at=timezone.now() + DAY,
        created_by=_person("owen.price"),
        created_at=incident.reported_at + 2 * HOUR,
    )


def _stolen_laptop(incident: Incident) -> None:
    aware_after = 2 * HOUR
    assessment = _assess(
        incident,
        "ruth.adeyemi",
        aware_after=aware_after,
        is_breach=True,
        regime=Regime.DPA_PART_3,
        likelihood=Likelihood.PROBABLE,
        severity=Severity.SEVERE,
        risk=Risk.HIGH,
        risk_reasons="The laptop was not encrypted and held complaint files naming witnesses.",
        notify_ico=True,
        notify_reasons="A high risk to the people named in the complaint files.",
        notify_decided_at=incident.reported_at + 30 * HOUR,
        notify_decided_by=_person("ruth.adeyemi"),
        ico_reference="IC-284113-Q7W2",
        late_reasons="The laptop's contents were only confirmed from the backup after three "
        "days; we reported once we knew which files were on it.",
        subjects_told=True,
        subjects_told_how="Letters by hand, delivered by the casework team.",
        cyber_incident=Answer.NO,
        data_categories=["identifiers", "criminal", "special"],
        records_count=230,
        people_count=31,
        people_categories=["other"],
        people_categories_other="Complainants and witnesses",
        consequence_likelihood=ConsequenceLikelihood.LIKELY,
        staff_trained=Answer.YES,
        lessons_learned="Encryption is now checked on every laptop each quarter.",
    )
    first = incident.reported_at + aware_after + 80 * HOUR
    Assessment.objects.filter(pk=assessment.pk).update(
        ico_notified_at=first, subjects_told_at=first + DAY
    )
    IcoReport.objects.bulk_create(
        [
            IcoReport(
                incident=incident,
                stage=IcoReport.Stage.INITIAL,
                sent_at=first,
                ico_reference="IC-284113-Q7W2",
                summary="Initial report through the ICO's form, with what was known then.",
                recorded_by=_person("ruth.adeyemi"),
                recorded_at=first,
            ),
            IcoReport(
                incident=incident,
                stage=IcoReport.Stage.FOLLOW_UP,
                sent_at=first + 6 * DAY,
                ico_reference="IC-284113-Q7W2",
                summary="Follow-up: the full list of files, and the letters sent.",
                recorded_by=_person("ruth.adeyemi"),
                recorded_at=first + 6 * DAY,
            ),
        ]
    )
    _helpdesk(incident, "gareth.lewis", (HelpdeskAction.Action.ACCOUNT_DISABLED, HOUR))


def _spreadsheet(incident: Incident) -> None:
    assessment = _assess(
        incident,
        "ruth.adeyemi",
        aware_after=HOUR,
        is_breach=True,
        regime=Regime.UK_GDPR,
        likelihood=Likelihood.POSSIBLE,
        severity=Severity.SIGNIFICANT,
        risk=Risk.RISK,
        risk_reasons="Staff home addresses were open to the whole organisation for a day.",
        notify_ico=True,
        notify_reasons="A risk to staff whose addresses are kept private for their safety.",
        notify_decided_at=incident.reported_at + 10 * HOUR,
        notify_decided_by=_person("ruth.adeyemi"),
        ico_reference="IC-279930-L2K8",
        subjects_told=True,
        subjects_told_how="Each member of staff was told by their manager and by email.",
        data_categories=["identifiers"],
        people_count=48,
        people_categories=["employees"],
        lessons_learned="Sharing links on HR folders now default to named people.",
    )
    sent = incident.reported_at + HOUR + 20 * HOUR
    Assessment.objects.filter(pk=assessment.pk).update(ico_notified_at=sent, subjects_told_at=sent)
    IcoReport.objects.create(
        incident=incident,
        stage=IcoReport.Stage.INITIAL,
        sent_at=sent,
        ico_reference="IC-279930-L2K8",
        summary="Reported in full through the ICO's form.",
        recorded_by=_person("ruth.adeyemi"),
        recorded_at=sent,
    )


def _password(incident: Incident) -> None:
    _helpdesk(
        incident,
        "gareth.lewis",
        (HelpdeskAction.Action.ACCOUNT_DISABLED, 15 * timedelta(minutes=1)),
        (HelpdeskAction.Action.PASSWORD_RESET, HOUR),
    )


def _virus(incident: Incident) -> None:
    _helpdesk(incident, "gareth.lewis", (HelpdeskAction.Action.DEVICE_CHECKED, 3 * HOUR))
    Incident.objects.filter(pk=incident.pk).update(helpdesk_done_at=incident.reported_at + 3 * HOUR)
    Assessment.objects.create(
        incident=incident,
        started_by=_person("owen.price"),
        started_at=incident.reported_at + 4 * HOUR,
        updated_at=incident.reported_at + 4 * HOUR,
        is_breach=False,
        not_breach_reasons="The attachment was caught by the mail filter; no data left the "
        "organisation and the laptop was clean when checked.",
    )


def _content_assessed(incident: Incident) -> None:
    PsdAssessment.objects.create(
        incident=incident,
        outcome=PsdAssessment.Outcome.WORDS_OF_ADVICE,
        psd_reference="PSD/2026/0311",
        reasons="A first occurrence; the sender accepts it was inappropriate for a work group.",
        recorded_by=_person("sandra.kowalski"),
        recorded_at=incident.reported_at + 2 * DAY,
    )


def _plans(now: datetime) -> list[Plan]:
    device = {
        "device_type": DeviceType.PHONE,
        "encrypted": Answer.YES,
        "locked": Answer.YES,
        "password_with_device": Answer.NO,
    }
    return [
        Plan(
            Kind.LOST_DEVICE,
            "jo.whitaker",
            9 * DAY,
            "Left my work phone in a taxi after the partnership meeting in town.",
            fields={**device, "asset_tag": "NPH-04417", "personal_data": "Work email and "
                    "contacts: about 40 partner contacts.", "people_affected": 40},
            steps=[
                Step(20 * timedelta(minutes=1), "gareth.lewis", T.HELPDESK_ACTION,
                     "Remote wipe requested."),
                Step(2 * HOUR, "gareth.lewis", T.HELPDESK_ACTION, "Remote wipe confirmed."),
                Step(5 * HOUR, "ruth.adeyemi", T.TRIAGE, "Assessed: a breach with no risk to "
                     "people; not reported to the ICO.", internal=True),
                Step(DAY, "gareth.lewis", T.HELPDESK_ACTION, "Device replaced."),
            ],
            closed_after=2 * DAY,
            closed_by="ruth.adeyemi",
            closure_note="Wiped, replaced and recorded in the breach register.",
            records=_lost_phone,
        ),
        Plan(
            Kind.DATA_BREACH,
            "raj.patel",
            61 * HOUR,
            "Sent the monthly victims' referral list to the wrong partner organisation: "
            "autocomplete picked the wrong address.",
            discovered_before=30 * timedelta(minutes=1),
            fields={"personal_data": "Names, addresses and offence types of 12 victims.",
                    "people_affected": 12, "actions_taken": "Asked the partner to delete it."},
            steps=[
                Step(HOUR, "owen.price", T.TRIAGE, "Assessed: a breach with a risk to people.",
                     internal=True),
                Step(2 * HOUR, "owen.price", T.MESSAGE, "Thank you for reporting this so "
                     "quickly. Please forward me the partner's reply when it comes."),
            ],
            records=_email_wrong_partner,
        ),
        Plan(
            Kind.STOLEN_DEVICE,
            "janet.moore",
            40 * DAY,
            "My laptop bag was taken from my car while I was at a custody visit.",
            discovered_before=2 * HOUR,
            fields={"device_type": DeviceType.LAPTOP, "asset_tag": "NLT-01982",
                    "encrypted": Answer.NO, "locked": Answer.YES,
                    "password_with_device": Answer.NO, "crime_reference": "NP/26/118842",
                    "personal_data": "Complaint files, some naming witnesses.",
                    "people_affected": 30},
            steps=[
                Step(HOUR, "gareth.lewis", T.HELPDESK_ACTION, "Account disabled."),
                Step(3 * DAY + 10 * HOUR, "ruth.adeyemi", T.ICO_REPORT,
                     "Initial report made to the ICO.", internal=True),
                Step(4 * DAY + 10 * HOUR, "ruth.adeyemi", T.SUBJECTS_TOLD,
                     "The people affected were told by letter.", internal=True),
            ],
            closed_after=20 * DAY,
            closed_by="ruth.adeyemi",
            closure_note="Follow-up report made; lessons recorded.",
            records=_stolen_laptop,
        ),
        Plan(
            Kind.DATA_BREACH,
            "laura.bennett",
            75 * DAY,
            "A spreadsheet of staff home addresses was shared with everyone in the "
            "organisation instead of the HR team.",
            discovered_before=2 * HOUR,
            fields={"personal_data": "Home addresses of 48 members of staff.",
                    "people_affected": 48},
            steps=[Step(20 * HOUR, "ruth.adeyemi", T.ICO_REPORT,
                        "Reported to the ICO.", internal=True)],
            closed_after=15 * DAY,
            closed_by="ruth.adeyemi",
            closure_note="Reported in time; sharing defaults changed.",
            records=_spreadsheet,
        ),
        Plan(
            Kind.COMPROMISED_PASSWORD,
            "ben.carter",
            DAY,
            "I typed my portal password into a page that looked like the sign-in page, from a "
            "link in an email.",
            discovered_before=10 * timedelta(minutes=1),
            fields={"actions_taken": "Changed my password straight away."},
            steps=[
                Step(15 * timedelta(minutes=1), "gareth.lewis", T.HELPDESK_ACTION,
                     "Account disabled."),
                Step(HOUR, "gareth.lewis", T.HELPDESK_ACTION, "Password reset."),
            ],
            records=_password,
        ),
        Plan(
            Kind.VIRUS,
            "mark.ellis",
            16 * DAY,
            "An invoice attachment opened a window asking me to enable macros; I closed it "
            "and unplugged the network cable.",
            discovered_before=5 * timedelta(minutes=1),
            fields={"device_type": DeviceType.LAPTOP, "asset_tag": "NLT-02210"},
            steps=[
                Step(3 * HOUR, "gareth.lewis", T.HELPDESK_ACTION, "Device checked and cleaned."),
                Step(4 * HOUR, "owen.price", T.TRIAGE, "Assessed: not a personal data breach.",
                     internal=True),
            ],
            closed_after=DAY,
            closed_by="owen.price",
            closure_note="Not a breach: the device was clean.",
            records=_virus,
        ),
        Plan(
            Kind.DEVICE_FAULT,
            "chloe.evans",
            2 * HOUR,
            "The seal on my laptop's base is broken and it now asks for a recovery key at "
            "start-up.",
            happened_before=DAY,
            fields={"device_type": DeviceType.LAPTOP, "asset_tag": "NLT-03051",
                    "encrypted": Answer.YES, "locked": Answer.YES,
                    "password_with_device": Answer.NO},
        ),
        Plan(
            Kind.INAPPROPRIATE_CONTENT,
            "grace.lin",
            12 * DAY,
            "A colleague posted an offensive meme in a work chat group.",
            steps=[Step(2 * DAY, "sandra.kowalski", T.PSD_ASSESSMENT,
                        "Assessed: words of advice.", internal=True)],
            closed_after=3 * DAY,
            closed_by="sandra.kowalski",
            closure_note="Words of advice given.",
            records=_content_assessed,
        ),
        Plan(
            Kind.INAPPROPRIATE_CONTENT,
            "maria.santos",
            2 * DAY,
            "Received a message on my work phone from an unknown number with abusive content.",
            steps=[Step(5 * HOUR, "alan.brooks", T.NOTE, "Asked IT to preserve the message "
                        "before anything else is done.", internal=True)],
        ),
        Plan(
            Kind.UNSUITABLE_MATERIAL,
            "sophie.turner",
            20 * DAY,
            "A news link I opened for the press summary redirected to a gambling site.",
            happened_before=timedelta(0),
            discovered_before=5 * timedelta(minutes=1),
            steps=[Step(HOUR, "fiona.campbell", T.NOTE, "Talked it through: a genuine accident.",
                        internal=True)],
            closed_after=HOUR,
            closed_by="fiona.campbell",
            closure_note="Genuine accidental access; nothing further.",
        ),
        Plan(
            Kind.ONLINE_CONTENT,
            "fiona.campbell",
            3 * DAY,
            "A post on a community forum claims the commissioner's office ignores complaints; "
            "it names one of our caseworkers.",
            happened_before=DAY,
        ),
        Plan(
            Kind.OTHER,
            "hannah.reid",
            4 * DAY,
            "The visitors' signing-in book at the custody suite was left open on the public "
            "counter.",
            steps=[Step(DAY, "owen.price", T.MESSAGE, "Thank you. Could you tell me which "
                        "custody suite, and roughly how long it was there?")],
        ),
    ]  # fmt: skip


def _travel(now: datetime) -> None:
    today = timezone.localdate(now)
    if TravelNotice.objects.exists():
        return
    TravelNotice.objects.create(
        traveller=_person("david.nwosu"),
        destination="The Hague, Netherlands (European victims' services conference)",
        departs_on=today + 21 * DAY,
        returns_on=today + 24 * DAY,
        devices="Work laptop and work phone",
        told_at=now - DAY,
    )
    dublin = TravelNotice.objects.create(
        traveller=_person("tom.okafor"),
        destination="Dublin, Ireland (a meeting with An Garda Síochána)",
        departs_on=today + 4 * DAY,
        returns_on=today + 5 * DAY,
        devices="Work phone",
        short_notice=True,
        short_notice_reason="The meeting was arranged this week.",
        told_at=now - 2 * HOUR,
    )
    TravelAdvice.objects.create(
        notice=dublin,
        advice="Take the phone only, keep it with you at all times, and call the out-of-hours "
        "number at once if it is lost. No encryption restrictions apply in Ireland.",
        advised_by=_person("gareth.lewis"),
        advised_at=now - HOUR,
    )


def load_incidents_demo(*, log: Callable[[str], Any]) -> None:
    now = timezone.now()
    with transaction.atomic():
        made = [incident for plan in _plans(now) if (incident := _make(plan, now))]
        _travel(now)
    log(f"Incidents: {len(made)} reports added.")
