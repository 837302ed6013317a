import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst

from portal.access import AuthenticatedRequest, access_required, can_read_audit, client_ip
from portal.events import PortalEvent
from portal.forms.audit import AuditFilterForm
from portal.lib.csv_export import csv_export
from portal.lib.uktime import local_text
from portal.models import AuditEvent, User
from portal.registry import registry


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


@access_required(can_read_audit, sensitive=True)
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


@access_required(can_read_audit, sensitive=True)
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
