"""What a handler does from an incident's page: each form posts to its own address here, and a
mistake shows the incident page again with what was typed and what to put right. The timeline
exports to CSV and prints, for the people handling the incident."""

from collections.abc import Callable, Iterator
from inspect import unwrap
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from incidents.access import (
    get_incident_for_handler,
    get_incident_for_helpdesk,
    get_incident_for_psd,
    visible_timeline,
)
from incidents.events import IncidentEvent
from incidents.forms.handling import (
    CloseForm,
    HelpdeskActionForm,
    MessageForm,
    NoteForm,
    PsdAssessmentForm,
    ReferForm,
)
from incidents.models import Incident
from incidents.services.handling import (
    incident_close_by_handler,
    incident_message_send,
    incident_note_add,
    incident_refer_to_dpo,
)
from incidents.services.helpdesk import helpdesk_action_record, helpdesk_part_done
from incidents.services.lifecycle import incident_url
from incidents.services.psd import psd_assessment_record
from incidents.views import pages
from portal.access import AuthenticatedRequest, client_ip
from portal.lib.csv_export import csv_export
from portal.lib.sensitive import sensitive_page
from portal.lib.uktime import local_text_for_rows
from portal.models import User

# The incident page as its own view builds it (its decorators left off: this is a POST).
_incident_page = unwrap(pages.incident_detail)


def _page_again(request: AuthenticatedRequest, incident: Incident, **bound) -> HttpResponse:
    """The incident page with the form that was sent, its mistakes and what was typed. The
    sections read the form from the request (views/handling_sections.py)."""
    request.incident_forms = bound  # type: ignore[attr-defined]
    return _incident_page(request, incident.pk)


def _acted(
    request: AuthenticatedRequest,
    incident: Incident,
    form: forms.Form,
    name: str,
    act: Callable[..., Any],
    said: str | Callable[[Any], str],
    anchor: str,
) -> HttpResponse:
    """The form checked, the service called with its fields, the page again at the part that
    changed; or the page with what to put right. `said` is what the page tells the person, or
    makes it from what the service answered."""
    if form.is_valid():
        try:
            done = act(
                incident=incident, by=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, said if isinstance(said, str) else said(done))
            return redirect(f"{incident_url(incident)}#{anchor}")
    return _page_again(request, incident, **{name: form})


@require_POST
@sensitive_page
@login_required
def note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_handler(request.user, pk)
    return _acted(
        request,
        incident,
        NoteForm(request.POST),
        "note",
        incident_note_add,
        "Note added. Only the people handling this incident can see it.",
        "timeline",
    )


@require_POST
@sensitive_page
@login_required
def message(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_handler(request.user, pk)
    return _acted(
        request,
        incident,
        MessageForm(request.POST),
        "message",
        incident_message_send,
        "Message sent. The reporter has been emailed to say there is a message for them.",
        "timeline",
    )


@require_POST
@sensitive_page
@login_required
def refer_to_dpo(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_handler(request.user, pk)
    return _acted(
        request,
        incident,
        ReferForm(request.POST),
        "refer",
        incident_refer_to_dpo,
        lambda referral: f"{referral.said()} The DPO now closes this incident.",
        "timeline",
    )


@require_POST
@sensitive_page
@login_required
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_handler(request.user, pk)
    return _acted(
        request,
        incident,
        CloseForm(request.POST),
        "close",
        incident_close_by_handler,
        "Incident closed. The reporter has been told.",
        "timeline",
    )


@require_POST
@sensitive_page
@login_required
def helpdesk_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_helpdesk(request.user, pk)
    return _acted(
        request,
        incident,
        HelpdeskActionForm(request.POST),
        "helpdesk",
        helpdesk_action_record,
        "Recorded on the incident's timeline.",
        "helpdesk",
    )


@require_POST
@sensitive_page
@login_required
def helpdesk_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_helpdesk(request.user, pk)
    try:
        helpdesk_part_done(incident=incident, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "The helpdesk's part is marked finished: it leaves the helpdesk's open list."
        )
    return redirect(f"{incident_url(incident)}#helpdesk")


@require_POST
@sensitive_page
@login_required
def psd_assessment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    # Never a report they made or that was made for them: they do not handle it (403).
    incident = get_incident_for_psd(request.user, pk)
    return _acted(
        request,
        incident,
        PsdAssessmentForm(request.POST),
        "psd",
        psd_assessment_record,
        "Assessment recorded. Close the incident when Professional Standards has finished.",
        "psd",
    )


def _timeline_rows(user: User, incident: Incident) -> Iterator[list]:
    when = local_text_for_rows()
    yield ["When (UK time)", "Step", "By", "Seen by", "What it says"]
    entries = visible_timeline(user, incident)
    for entry in entries.order_by("at", "pk").iterator(chunk_size=500):
        yield [
            when(entry.at),
            entry.get_kind_display(),
            entry.by.full_name if entry.by else "The portal",
            "Handlers only" if entry.internal else "Handlers and the reporter",
            entry.text,
        ]


@require_GET
@login_required
def timeline_csv(request: AuthenticatedRequest, pk: int):
    incident = get_incident_for_handler(request.user, pk)
    return csv_export(
        rows=_timeline_rows(request.user, incident),
        filename=f"{incident.reference}-timeline.csv",
        verb=IncidentEvent.TIMELINE_EXPORTED,
        by=request.user,
        obj=incident,
        changes={"reference": incident.reference},
        ip=client_ip(request),
    )


@require_GET
@sensitive_page
@login_required
def timeline_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_handler(request.user, pk)
    entries = visible_timeline(request.user, incident)
    return render(
        request,
        "incidents/handling/timeline_print.html",
        {"incident": incident, "entries": entries.order_by("at", "pk")},
    )
