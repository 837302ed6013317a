"""The audit trail's filters: what a reader asks for, in their words, turned into a query."""

from datetime import date, timedelta

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import CharField, Q, QuerySet, TextField
from django.db.models.functions import Cast

from portal.lib.uktime import start_of_day
from portal.models import AuditEvent, User
from portal.registry import registry


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        required=False,
        label="Person",
        help_text="Name or email: what they did and what was done to their account",
    )
    event = forms.ChoiceField(required=False, label="What happened")
    text = forms.CharField(
        required=False, label="Containing", help_text="Words in the record or the details"
    )
    date_from = forms.DateField(
        required=False, label="From (date)", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False,
        label="To (date)",
        widget=forms.DateInput(attrs={"type": "date"}),
        # The filter reads up to the start of the next day, which must exist.
        validators=[MaxValueValidator(date.max - timedelta(days=1), "Choose an earlier date.")],
    )
    # One record's history, for links from elsewhere ("all events about this campaign").
    object_type = forms.CharField(required=False, widget=forms.HiddenInput)
    object_id = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the form is made, not when this module is imported: apps register their
        # events in ready(). Sorted by label, the way a reader looks for one.
        by_label = sorted(registry.audit_verbs.items(), key=lambda item: item[1].casefold())
        event_field = self.fields["event"]
        assert isinstance(event_field, forms.ChoiceField)
        event_field.choices = [("", "Any event"), *((v, label) for v, label in by_label)]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The 'To' date must be on or after the 'From' date.")
        return data

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if person := data.get("person", "").strip():
            events = events.filter(_about_person(person))
        if data.get("event"):
            events = events.filter(verb=data["event"])
        if text := data.get("text", "").strip():
            events = events.annotate(changes_text=Cast("changes", TextField())).filter(
                _containing(text)
            )
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"].strip())
        if data.get("object_id"):
            events = events.filter(object_id=data["object_id"].strip())
        # Whole days in UK time, as instants, so the index on `at` is used.
        if data.get("date_from"):
            events = events.filter(at__gte=start_of_day(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(at__lt=start_of_day(data["date_to"] + timedelta(days=1)))
        return events

    def summary(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.cleaned_data.items() if value}


def _about_person(text: str) -> Q:
    """Events a person did, or that were about their account (a failed sign-in has no actor,
    only the account it was tried on). Matched on their name or email now, and on the name
    recorded at the time, so a renamed person's earlier events are found too."""
    people = User.objects.filter(Q(full_name__icontains=text) | Q(email__icontains=text))
    # object_id is text (it holds any model's key); compare like with like so its index is used.
    ids_as_text = people.annotate(id_text=Cast("pk", CharField())).values("id_text")
    return (
        Q(actor_label__icontains=text)
        | Q(actor__in=people.values("pk"))
        | Q(object_type=User._meta.label_lower, object_id__in=ids_as_text)
    )


def _containing(text: str) -> Q:
    # People search for the words they see: an event's label as well as its stored name.
    folded = text.casefold()
    labelled = [verb for verb, label in registry.audit_verbs.items() if folded in label.casefold()]
    return (
        Q(object_repr__icontains=text)
        | Q(verb__icontains=text)
        | Q(verb__in=labelled)
        | Q(changes_text__icontains=text)
    )
