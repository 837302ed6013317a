"""Factories for incidents. They write rows directly (fast, for building scenes); tests of
behaviour call the services instead.

    incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice)
    assessment = AssessmentFactory(incident=incident, breach=True)

An incident is routed as a real report would be (incidents/kinds.py), from its kind and its
person's line manager, unless a test sets the `to_*` flags itself.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from incidents.kinds import Answer, DeviceType, Kind, handlers_for
from incidents.models import (
    ROUTE_FIELDS,
    Assessment,
    Attachment,
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
from incidents.services.reporting import next_number
from portal.tests.factories import UserFactory


def _route(incident: Incident) -> dict[str, bool]:
    person = incident.reported_for or incident.reported_by
    handlers = handlers_for(incident.kind, has_line_manager=person.line_manager_id is not None)
    return {field: handler in handlers for handler, field in ROUTE_FIELDS.items()}


class IncidentFactory(factory.django.DjangoModelFactory):
    """A lost phone by default, reported an hour after it went missing."""

    class Meta:
        model = Incident
        skip_postgeneration_save = True

    kind = Kind.LOST_DEVICE
    reported_by = factory.SubFactory(UserFactory)
    reported_at = factory.LazyFunction(timezone.now)
    happened_at = factory.LazyAttribute(lambda o: o.reported_at - timedelta(hours=2))
    discovered_at = factory.LazyAttribute(lambda o: o.reported_at - timedelta(hours=1))
    last_activity_at = factory.LazyAttribute(lambda o: o.reported_at)
    description = "Left my work phone on the train home."
    device_type = factory.LazyAttribute(
        lambda o: DeviceType.PHONE if o.kind in (Kind.LOST_DEVICE, Kind.STOLEN_DEVICE) else ""
    )
    encrypted = factory.LazyAttribute(lambda o: Answer.YES if o.device_type else "")
    locked = factory.LazyAttribute(lambda o: Answer.YES if o.device_type else "")
    password_with_device = factory.LazyAttribute(lambda o: Answer.NO if o.device_type else "")
    year = factory.LazyAttribute(lambda o: timezone.localtime(o.reported_at).year)
    number = factory.LazyAttribute(lambda o: next_number(o.year))
    reference = factory.LazyAttribute(lambda o: f"INC-{o.year}-{o.number:04d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        incident = model_class(*args, **kwargs)
        routing = _route(incident)
        for field, value in routing.items():
            if field not in kwargs:
                setattr(incident, field, value)
        if incident.to_manager and incident.line_manager_id is None:
            incident.line_manager_id = incident.person.line_manager_id
        if incident.status == Incident.Status.CLOSED and incident.closed_at is None:
            incident.closed_at = timezone.now()
        incident.save()
        return incident


class TimelineEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEntry

    incident = factory.SubFactory(IncidentFactory)
    kind = TimelineEntry.Kind.NOTE
    by = factory.SubFactory(UserFactory)
    internal = factory.LazyAttribute(lambda o: o.kind == TimelineEntry.Kind.NOTE)
    text = "Called the reporter back."


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    incident = factory.SubFactory(IncidentFactory)
    file = factory.django.FileField(filename="0123456789abcdef.png", data=b"\x89PNG\r\n\x1a\n")
    content_kind = "png"
    size = 8
    original_name = "screenshot.png"
    uploaded_by = factory.SelfAttribute("incident.reported_by")


class HelpdeskActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpdeskAction

    incident = factory.SubFactory(IncidentFactory)
    action = HelpdeskAction.Action.WIPE_REQUESTED
    done_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(UserFactory)


class PsdAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PsdAssessment

    incident = factory.SubFactory(IncidentFactory, kind=Kind.INAPPROPRIATE_CONTENT)
    outcome = PsdAssessment.Outcome.WORDS_OF_ADVICE
    psd_reference = factory.Sequence(lambda n: f"PSD/{n:05d}")
    reasons = "A first occurrence; the sender has been spoken to."
    recorded_by = factory.SubFactory(UserFactory)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """Started and undecided by default. `breach=True` decides it is a UK GDPR breach the
    organisation became aware of at the report, with the clock running."""

    class Meta:
        model = Assessment

    class Params:
        breach = factory.Trait(
            is_breach=True,
            regime=Regime.UK_GDPR,
            aware_at=factory.LazyAttribute(lambda o: o.incident.reported_at),
            ico_deadline_at=factory.LazyAttribute(
                lambda o: o.incident.reported_at + timedelta(hours=72)
            ),
            risk=Risk.RISK,
            risk_reasons="Names and addresses went to one wrong recipient.",
        )

    incident = factory.SubFactory(IncidentFactory, kind=Kind.DATA_BREACH)
    started_by = factory.SubFactory(UserFactory)


class IcoReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IcoReport

    incident = factory.SubFactory(IncidentFactory, kind=Kind.DATA_BREACH)
    stage = IcoReport.Stage.INITIAL
    sent_at = factory.LazyFunction(timezone.now)
    ico_reference = factory.Sequence(lambda n: f"IC-{100000 + n}")
    summary = "Initial report made through the ICO's online form."
    recorded_by = factory.SubFactory(UserFactory)


class ContainmentActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContainmentAction

    incident = factory.SubFactory(IncidentFactory, kind=Kind.DATA_BREACH)
    description = "Ask the wrong recipient to delete the email and confirm in writing."
    owner = factory.SubFactory(UserFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    created_by = factory.SubFactory(UserFactory)


class TravelNoticeFactory(factory.django.DjangoModelFactory):
    """A trip three weeks ahead, told in good time."""

    class Meta:
        model = TravelNotice

    traveller = factory.SubFactory(UserFactory)
    destination = "Lyon, France (Interpol conference)"
    departs_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=21))
    returns_on = factory.LazyAttribute(lambda o: o.departs_on + timedelta(days=4))
    devices = "Work laptop, work phone"


# ---- Travel advice ----


class TravelAdviceFactory(factory.django.DjangoModelFactory):
    """One piece of the helpdesk's advice on a trip."""

    class Meta:
        model = TravelAdvice

    notice = factory.SubFactory(TravelNoticeFactory)
    advice = "Take the loan laptop; leave your own at home."
    advised_by = factory.SubFactory(UserFactory)
    advised_at = factory.LazyFunction(timezone.now)
