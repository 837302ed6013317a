"""What any handler of an incident does on it: an internal note for the other handlers, a
message to the reporter, referring it to the DPO, and closing it when their part is the only
one. The helpdesk's and Professional Standards' own steps are in helpdesk.py and psd.py."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents.events import IncidentEmail, IncidentEvent
from incidents.kinds import Handler
from incidents.models import Incident, TimelineEntry
from incidents.outbox import message_key, referred_key
from incidents.services.lifecycle import incident_close, incident_url
from incidents.services.reporting import Recipient, handler_recipients, in_words
from incidents.services.timeline import timeline_add
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record
from portal.services.notifications import notification_queue

# Why closing is refused here: the DPO's triage decides (and records) whether a breach is
# notifiable before anything routed to them is closed.
WITH_THE_DPO = (
    "This incident is with the Data Protection Officer, who closes it once the data protection "
    "questions are settled. Add a note for them instead."
)

# Why closing is refused here: a content report is closed on Professional Standards' recorded
# outcome, so the record shows what was decided and under which PSD reference.
PSD_FIRST = "Record Professional Standards' assessment (outcome and PSD reference) first."


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _required(text: str, message: str) -> str:
    if not text.strip():
        raise ValidationError(message)
    return text.strip()


@dataclass(frozen=True)
class Referral:
    incident: Incident
    # Who was emailed, in words (a person's name, or the DPO mailbox's address): none when
    # nobody holds the role and the organisation has no DPO mailbox.
    emailed: list[str]

    def said(self) -> str:
        if not self.emailed:
            return (
                "Referred to the DPO, but nobody could be emailed: nobody holds the DPO's role "
                "and no DPO mailbox is set up. Tell the DPO directly, naming the reference."
            )
        return f"Referred to the DPO. Emailed to {in_words(self.emailed)}."


def _dpo_recipients(incident: Incident) -> list[Recipient]:
    """Who hears of a referral: the DPO's recipients of a new report (never the reporter or
    the colleague it was reported for; the DPO mailbox when nobody holds the role)."""
    recipients = handler_recipients(incident, OrganisationSettings.load())
    return [recipient for recipient in recipients if Handler.DPO in recipient.handlers]


@transaction.atomic
def incident_note_add(
    *, incident: Incident, text: str, by: User, ip: str | None = None
) -> TimelineEntry:
    """A note for the people handling the incident; the reporter never sees it."""
    incident = _locked(incident)
    text = _required(text, "Write the note.")
    entry = timeline_add(
        incident=incident, kind=TimelineEntry.Kind.NOTE, text=text, by=by, internal=True
    )
    audit_record(
        verb=IncidentEvent.NOTE_ADDED,
        actor=by,
        obj=incident,
        # The fingerprint, not the words: the note may name people, and the audit log is read
        # more widely than the incident; the hash still proves the note was never rewritten.
        changes={
            "reference": incident.reference,
            "entry": entry.pk,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
        ip=ip,
    )
    return entry


@transaction.atomic
def incident_message_send(
    *, incident: Incident, text: str, by: User, ip: str | None = None
) -> TimelineEntry:
    """A message to the reporter (and the colleague it was reported for): on the timeline they
    see, and an email telling each of them there is one. The email does not carry the message:
    it may say more than should leave the portal, and the link asks them to sign in to read it."""
    incident = _locked(incident)
    text = _required(text, "Write the message.")
    entry = timeline_add(
        incident=incident, kind=TimelineEntry.Kind.MESSAGE, text=text, by=by, internal=False
    )
    audit_record(
        verb=IncidentEvent.MESSAGE_SENT,
        actor=by,
        obj=incident,
        # The words themselves: the reporter reads them anyway, and what they were told is
        # part of the record.
        changes={"reference": incident.reference, "entry": entry.pk, "text": text},
        ip=ip,
    )
    # Never to its sender: a line manager who reported for their team member writes to them.
    for person in {incident.reported_by, incident.person} - {by}:
        if person.is_active:
            notification_queue(
                to=person,
                template=IncidentEmail.MESSAGE,
                dedup_key=message_key(entry.pk, person.pk),
                context={"incident": incident, "sender": by},
                url=incident_url(incident),
            )
    return entry


@transaction.atomic
def incident_refer_to_dpo(
    *, incident: Incident, reason: str, by: User, ip: str | None = None
) -> Referral:
    """Send an incident the DPO was not told of to the DPO (a content report that turns out
    to hold personal data, say): from now on it is theirs too, and they are emailed, as they
    are of a new report. Says who was emailed, for the page to tell the referrer."""
    incident = _locked(incident)
    reason = _required(reason, "Say why the DPO should look at this incident.")
    if incident.to_dpo:
        raise ValidationError("The DPO already deals with this incident.")
    if incident.is_closed:
        raise ValidationError(
            "This incident is closed. If the DPO needs to know of it, tell them directly, "
            "naming its reference."
        )
    now = timezone.now()
    Incident.objects.filter(pk=incident.pk).update(to_dpo=True, referred_to_dpo_at=now)
    incident.to_dpo, incident.referred_to_dpo_at = True, now
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.REFERRED_TO_DPO,
        text=f"Referred to the DPO: {reason}",
        by=by,
        internal=True,
        at=now,
    )
    audit_record(
        verb=IncidentEvent.REFERRED_TO_DPO,
        actor=by,
        obj=incident,
        changes={"reference": incident.reference, "reason": reason},
        ip=ip,
    )
    recipients = _dpo_recipients(incident)
    for recipient in recipients:
        notification_queue(
            to=recipient.to,
            template=IncidentEmail.REFERRED,
            dedup_key=referred_key(incident.pk, recipient.key),
            context={"incident": incident, "referred_by": by},
            url=incident_url(incident),
        )
    return Referral(
        incident,
        [r.to.full_name if isinstance(r.to, User) else r.to for r in recipients],
    )


@transaction.atomic
def incident_close_by_handler(
    *, incident: Incident, note: str, by: User, ip: str | None = None
) -> Incident:
    """Close an incident whose handling is one part's alone (Professional Standards, the line
    manager, the Chief Executive). Anything routed to the DPO is closed by the DPO."""
    incident = _locked(incident)
    if incident.to_dpo:
        raise ValidationError(WITH_THE_DPO)
    if incident.to_psd and not incident.psd_assessments.exists():
        raise ValidationError(PSD_FIRST)
    return incident_close(incident=incident, note=note, by=by, ip=ip)
