import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator
from django.db.models import CharField, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst

from portal.access import AuthenticatedRequest, access_required, can_read_audit, client_ip
from portal.events import PortalEvent
from portal.lib.csv_export import csv_export
from portal.lib.uktime import local_text, start_of_day
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


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None)
    events: QuerySet[AuditEvent] = AuditEvent.objects.order_by("-id")
    if form.is_bound:
        # An invalid filter shows nothing rather than everything: the person asked for less.
        events = form.apply(events) if form.is_valid() else events.none()
    return form, events


@dataclass
class _Row:
    """An event as a reader sees it: what happened, and the record named as people know it."""

    event: AuditEvent
    label: str
    record: str
    url: str | None


def _noun(object_type: str) -> str:
    kind = registry.object_kinds.get(object_type)
    if kind is not None:
        return kind.noun
    try:  # a model no app has described yet still has a name people can read
        return capfirst(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _rows_for(events: Iterable[AuditEvent], user: User) -> list[_Row]:
    # Each kind's access test is asked once a page, not once a row; tests read only what is
    # already loaded for the request, so the page's query count does not grow with its rows.
    allowed: dict[str, bool] = {}
    rows = []
    for e in events:
        record, url = "", None
        if e.object_type:
            record = f"{_noun(e.object_type)}: {e.object_repr or e.object_id}"
            kind = registry.object_kinds.get(e.object_type)
            if kind is not None and kind.url is not None and e.object_id:
                if e.object_type not in allowed:
                    allowed[e.object_type] = kind.allowed is None or kind.allowed(user)
                url = kind.url(e.object_id) if allowed[e.object_type] else None
        elif e.object_repr:
            record = e.object_repr
        rows.append(_Row(e, registry.verb_label(e.verb), record, url))
    return rows


@access_required(can_read_audit)
def audit_list(request: AuthenticatedRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/audit_list.html",
        {
            "form": form,
            "page": page,
            "rows": _rows_for(page.object_list, request.user),
            "query": query.urlencode(),
            "one_record": form.is_bound
            and form.is_valid()
            and bool(form.cleaned_data["object_type"] or form.cleaned_data["object_id"]),
        },
    )


def _rows(events: QuerySet[AuditEvent]) -> Iterator[list]:
    yield [
        "Event number",
        "When (UK time)",
        "Who",
        "Event",
        "What happened",
        "Kind of record",
        "Record number",
        "Record",
        "What changed",
        "IP address",
        "Hash",
        "Previous hash",
    ]
    for e in events.iterator(chunk_size=2000):
        yield [
            e.pk,
            local_text(e.at, "%Y-%m-%d %H:%M:%S %Z"),
            e.actor_label,
            e.verb,
            registry.verb_label(e.verb),
            e.object_type,
            e.object_id,
            e.object_repr,
            json.dumps(e.changes, cls=DjangoJSONEncoder, sort_keys=True) if e.changes else "",
            e.ip_address,
            e.hash,
            e.prev_hash,
        ]


@access_required(can_read_audit)
def audit_export(request: AuthenticatedRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered events as CSV, streamed in constant memory, oldest first."""
    form, events = _filtered(request)
    if form.is_bound and not form.is_valid():
        return audit_list(request)
    # Taking a copy of the trail is itself worth a line in it.
    return csv_export(
        rows=_rows(events.order_by("id")),
        filename=f"audit-trail-{timezone.localtime():%Y-%m-%d-%H%M}.csv",
        verb=PortalEvent.AUDIT_EXPORTED,
        by=request.user,
        changes={"filters": form.summary() if form.is_bound else {}},
        ip=client_ip(request),
    )
