import json
from collections.abc import Iterator
from datetime import date, timedelta

from django import forms
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal.access import access_required, can_read_audit, client_ip
from portal.lib.csv_export import csv_export
from portal.lib.uktime import local_text, start_of_day
from portal.models import AuditEvent


class AuditFilterForm(forms.Form):
    verb = forms.CharField(
        required=False, label="Event", help_text="The start of an event name, such as user.sign"
    )
    actor = forms.CharField(required=False, label="Who", help_text="Part of a name or email")
    object_type = forms.CharField(
        required=False, label="Kind of record", help_text="Such as portal.user"
    )
    object_id = forms.CharField(required=False, label="Record number")
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

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The 'To' date must be on or after the 'From' date.")
        return data

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if data.get("verb"):
            events = events.filter(verb__istartswith=data["verb"].strip())
        if data.get("actor"):
            events = events.filter(actor_label__icontains=data["actor"].strip())
        if data.get("object_type"):
            events = events.filter(object_type__icontains=data["object_type"].strip())
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


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.order_by("-id")
    if form.is_bound:
        # An invalid filter shows nothing rather than everything: the person asked for less.
        events = form.apply(events) if form.is_valid() else events.none()
    return form, events


@access_required(can_read_audit)
def audit_list(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _rows(events: QuerySet[AuditEvent]) -> Iterator[list]:
    yield [
        "Event number",
        "When (UK time)",
        "Who",
        "Event",
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
            e.object_type,
            e.object_id,
            e.object_repr,
            json.dumps(e.changes, cls=DjangoJSONEncoder, sort_keys=True) if e.changes else "",
            e.ip_address,
            e.hash,
            e.prev_hash,
        ]


@access_required(can_read_audit)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered events as CSV, streamed in constant memory, oldest first."""
    form, events = _filtered(request)
    if form.is_bound and not form.is_valid():
        return audit_list(request)
    # Taking a copy of the trail is itself worth a line in it.
    return csv_export(
        rows=_rows(events.order_by("id")),
        filename=f"audit-trail-{timezone.localtime():%Y-%m-%d-%H%M}.csv",
        verb="audit.exported",
        by=request.user,
        changes={"filters": form.summary() if form.is_bound else {}},
        ip=client_ip(request),
    )
