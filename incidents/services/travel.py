"""Travel abroad with a work device (seed 004 paragraph 53): a member of staff tells
Information Security (the helpdesk role) at least `NOTICE_DAYS` before leaving; told later, the
notice is still taken, flagged, with the reason. The helpdesk hears at once and records its
advice; the traveller is sent the precautions to take, and the advice when it is recorded.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from incidents.access import is_helpdesk
from incidents.events import IncidentEmail, IncidentEvent
from incidents.models import NOTICE_DAYS, TravelAdvice, TravelNotice
from incidents.outbox import travel_advice_key, travel_precautions_key, travel_told_key
from portal.models import OrganisationSettings, User
from portal.roles import Role
from portal.services.audit import audit_record
from portal.services.notifications import notification_queue


@dataclass(frozen=True)
class Precaution:
    """One precaution for a trip abroad with a work device: `lead` is shown in bold, `rest`
    follows it directly (it starts with its own space or punctuation)."""

    lead: str
    rest: str


def travel_precautions(org: OrganisationSettings) -> list[Precaution]:
    """The precautions to take with a work device abroad (seed 004 paragraphs 53 and 59, in
    the portal's own words), written once for the travel pages and both emails to the
    traveller, which only lay them out."""
    phones = f" on {org.helpdesk_phone}" if org.helpdesk_phone else ""
    if org.out_of_hours_phone:
        phones += f", or out of hours {org.out_of_hours_phone}"
    return [
        Precaution(
            "Keep it with you at all times.",
            " Carry it in your hand luggage, never in a checked-in bag, and never leave it "
            "unattended: not in a hotel room, a car, a café or on a train. Devices are a "
            "favourite target for thieves, and a stolen one can give away the information on it.",
        ),
        Precaution(
            "Do not let anyone see what you are doing.",
            " Sit where your screen cannot be read, shield your PIN or password as you type it, "
            "and lock the device whenever you step away from it.",
        ),
        Precaution(
            "Never keep a written password with the device",
            ", and do not tell anyone your password, however official they seem.",
        ),
        Precaution(
            "Wait for Information Security's advice before you go.",
            " The law on carrying and using encryption and other cryptographic items differs "
            "from country to country, and some countries restrict it. Information Security "
            "tells you what applies where you are going, and anything else to do because of "
            "the risks there; follow that advice.",
        ),
        Precaution(
            "If it is lost or stolen, report it at once",
            f": call the IT helpdesk{phones}, then report it in the portal as a lost or stolen "
            "device. The sooner it is reported, the sooner it can be wiped.",
        ),
    ]


def is_short_notice(departs_on: date, *, today: date | None = None) -> bool:
    """Told fewer than NOTICE_DAYS whole UK calendar days before leaving: leaving exactly a
    week after the day of telling is in time."""
    today = today or timezone.localdate()
    return (departs_on - today).days < NOTICE_DAYS


def travel_url(notice: TravelNotice) -> str:
    return reverse("incidents:travel", args=[notice.pk])


def helpdesk_people() -> list[User]:
    """Who holds the helpdesk role (Information Security), to be told of a trip. One query."""
    return list(
        User.objects.filter(is_active=True, groups__name=Role.HELPDESK).distinct().order_by("pk")
    )


@transaction.atomic
def travel_notice_give(
    *,
    destination: str,
    departs_on: date,
    returns_on: date,
    devices: str,
    short_notice_reason: str = "",
    by: User,
    ip: str | None = None,
) -> TravelNotice:
    """Tell Information Security about a trip abroad with work devices. A departure in the past,
    or a return before it, is refused; fewer than NOTICE_DAYS before leaving is accepted with
    the reason, and refused without one."""
    today = timezone.localdate()
    destination, devices = destination.strip(), devices.strip()
    short_notice_reason = short_notice_reason.strip()
    if not destination:
        raise ValidationError("Say where you are going.")
    if not devices:
        raise ValidationError("Say which work devices you are taking.")
    if departs_on < today:
        raise ValidationError(
            "The day you leave is in the past. Tell us about trips before you go; if you are "
            "abroad now, call the helpdesk."
        )
    if returns_on < departs_on:
        raise ValidationError("The day you are back is before the day you leave.")
    short = is_short_notice(departs_on, today=today)
    if short and not short_notice_reason:
        raise ValidationError(
            f"You leave in fewer than {NOTICE_DAYS} days: say why you could not tell us sooner."
        )
    notice = TravelNotice.objects.create(
        traveller=by,
        destination=destination,
        departs_on=departs_on,
        returns_on=returns_on,
        devices=devices,
        short_notice=short,
        short_notice_reason=short_notice_reason if short else "",
    )
    audit_record(
        verb=IncidentEvent.TRAVEL_TOLD,
        actor=by,
        obj=notice,
        changes={
            "destination": destination,
            "departs_on": departs_on.isoformat(),
            "returns_on": returns_on.isoformat(),
            "devices": devices,
            "short_notice": short,
            "short_notice_reason": notice.short_notice_reason,
        },
        ip=ip,
    )
    org = OrganisationSettings.load()
    context = {"notice": notice, "traveller": by, "notice_days": NOTICE_DAYS}
    url = travel_url(notice)
    helpdesk = helpdesk_people()
    for person in helpdesk:
        if person.pk == by.pk:
            continue  # a helpdesk member's own trip goes to their colleagues
        notification_queue(
            to=person,
            template=IncidentEmail.TRAVEL_TOLD,
            dedup_key=travel_told_key(notice.pk, str(person.pk)),
            context=context,
            url=url,
        )
    mailbox = org.helpdesk_email
    if mailbox and mailbox.lower() not in {p.email.lower() for p in helpdesk}:
        notification_queue(
            to=mailbox,
            template=IncidentEmail.TRAVEL_TOLD,
            dedup_key=travel_told_key(notice.pk, mailbox.lower()),
            context=context,
            url=url,
        )
    notification_queue(
        to=by,
        template=IncidentEmail.TRAVEL_PRECAUTIONS,
        dedup_key=travel_precautions_key(notice.pk),
        context={**context, "precautions": travel_precautions(org)},
        url=url,
    )
    return notice


@transaction.atomic
def travel_advice_record(
    *, notice: TravelNotice, advice: str, by: User, ip: str | None = None
) -> TravelAdvice:
    """Record Information Security's advice on a trip and send it to the traveller. Advice is
    never changed: advice given again is added to what was given before, and each is sent."""
    if not is_helpdesk(by):
        # The view checks too; the rule is the service's, so every caller keeps it.
        raise ValidationError("Only Information Security (the helpdesk) records travel advice.")
    notice = TravelNotice.objects.select_for_update().get(pk=notice.pk)
    advice = advice.strip()
    if not advice:
        raise ValidationError("Write the advice for the traveller.")
    if notice.traveller_id == by.pk:
        raise ValidationError("Another member of the helpdesk advises on your own trip.")
    given = TravelAdvice.objects.create(
        notice=notice, advice=advice, advised_by=by, advised_at=timezone.now()
    )
    audit_record(
        verb=IncidentEvent.TRAVEL_ADVISED,
        actor=by,
        obj=notice,
        changes={"advice": advice, "advice_id": given.pk},
        ip=ip,
    )
    notification_queue(
        to=notice.traveller,
        template=IncidentEmail.TRAVEL_ADVICE,
        dedup_key=travel_advice_key(notice.pk, given.advised_at),
        context={"notice": notice, "advice": given, "adviser": by},
        url=travel_url(notice),
    )
    return given
