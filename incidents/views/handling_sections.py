"""The handling parts of an incident's page (registered in incidents/plugin.py): the helpdesk's
steps, Professional Standards' assessments, the timeline, and what a handler can do next. Each
costs a fixed number of queries (none, or one list), whatever the incident holds.

A form sent with mistakes comes back through the request (`request.incident_forms`, set by
views/handling.py), so the page shows it with what was typed."""

from typing import Any

from incidents.access import (
    handler_roles,
    may_close_here,
    visible_timeline,
)
from incidents.forms.handling import (
    CloseForm,
    HelpdeskActionForm,
    MessageForm,
    NoteForm,
    PsdAssessmentForm,
    ReferForm,
)
from incidents.kinds import Handler
from incidents.models import Incident
from incidents.services.handling import PSD_FIRST, WITH_THE_DPO
from portal.access import AuthenticatedRequest

Fragment = tuple[str, dict[str, Any]] | None


def _sent(request: AuthenticatedRequest, name: str):
    return getattr(request, "incident_forms", {}).get(name)


def helpdesk_section(request: AuthenticatedRequest, incident: Incident) -> Fragment:
    """What the helpdesk did, for everyone handling a report sent to the helpdesk; its form for
    the helpdesk. (The reporter reads the steps on the timeline.)"""
    roles = handler_roles(request.user, incident)
    if not incident.to_helpdesk or not roles:
        return None
    actions = list(incident.helpdesk_actions.select_related("recorded_by"))
    is_helpdesk = Handler.HELPDESK in roles
    return (
        "incidents/handling/_helpdesk_section.html",
        {
            "incident": incident,
            "actions": actions,
            "is_helpdesk": is_helpdesk,
            "form": (_sent(request, "helpdesk") or HelpdeskActionForm()) if is_helpdesk else None,
        },
    )


def psd_section(request: AuthenticatedRequest, incident: Incident) -> Fragment:
    """Professional Standards' assessments, for everyone handling a content report; the form
    for Professional Standards while it is open (never on a report they are involved in)."""
    roles = handler_roles(request.user, incident)
    if not incident.to_psd or not roles:
        return None
    assessments = list(incident.psd_assessments.select_related("recorded_by"))
    # (Handling it as Professional Standards, they are not involved in it: handler_roles.)
    may_assess = Handler.PSD in roles and not incident.is_closed
    return (
        "incidents/handling/_psd_section.html",
        {
            "incident": incident,
            "assessments": assessments,
            "form": (_sent(request, "psd") or PsdAssessmentForm()) if may_assess else None,
            "refused": None if may_assess else _sent(request, "psd"),
        },
    )


def timeline_section(request: AuthenticatedRequest, incident: Incident) -> Fragment:
    """Every step in order: all of them for a handler, with the internal ones marked; the
    others for the reporter."""
    return (
        "incidents/handling/_timeline_section.html",
        {
            "incident": incident,
            "entries": list(visible_timeline(request.user, incident)),
            "handles": bool(handler_roles(request.user, incident)),
        },
    )


def actions_section(request: AuthenticatedRequest, incident: Incident) -> Fragment:
    """What any handler can do next: a note, a message to the reporter, referring it to the
    DPO, closing it. No query of its own."""
    roles = handler_roles(request.user, incident)
    if not roles:
        return None
    may_refer = not incident.to_dpo and not incident.is_closed
    may_close = may_close_here(request.user, incident)
    # Open, Professional Standards' alone, and still not closable: their assessment is missing.
    awaiting_psd = (
        incident.to_psd and not incident.to_dpo and not incident.is_closed and not may_close
    )
    return (
        "incidents/handling/_actions_section.html",
        {
            "incident": incident,
            "note_form": _sent(request, "note") or NoteForm(),
            "message_form": _sent(request, "message") or MessageForm(),
            "refer_form": (_sent(request, "refer") or ReferForm()) if may_refer else None,
            "close_form": (_sent(request, "close") or CloseForm()) if may_close else None,
            # A form refused because the incident changed meanwhile (the DPO took it on, it
            # was closed) is no longer offered: the page still says why it was refused.
            "refused": [
                form
                for name, shown in (("refer", may_refer), ("close", may_close))
                if not shown and (form := _sent(request, name)) is not None
            ],
            "with_the_dpo": WITH_THE_DPO if incident.to_dpo and not incident.is_closed else "",
            "psd_first": PSD_FIRST if awaiting_psd else "",
            "is_dpo": Handler.DPO in roles,
        },
    )
