"""An incident's page: one page for everyone who may open it, built from sections. Its
reporter sees what they reported, its status and the messages to them; each handler sees, as
well, the sections of their part (incidents/sections.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from incidents import sections
from incidents.access import get_incident_for_user, handler_roles
from portal.access import AuthenticatedRequest
from portal.lib.sensitive import sensitive_page


@require_GET
@sensitive_page
@login_required
def incident_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_user(request.user, pk)
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "handles": bool(handler_roles(request.user, incident)),
            "top_sections": sections.build(sections.TOP, request, incident),
            "main_sections": sections.build(sections.MAIN, request, incident),
        },
    )
