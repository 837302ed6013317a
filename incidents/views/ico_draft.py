"""The ICO report draft: one printable page with every field of the ICO's breach report form,
each copyable, filled from what is recorded (incidents/ico_draft.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from incidents.access import get_incident_for_triage
from incidents.ico_draft import build_draft, missing_count
from incidents.models import Assessment, ContainmentAction, IcoReport
from portal.access import AuthenticatedRequest
from portal.lib.sensitive import sensitive_page
from portal.models import OrganisationSettings


@require_GET
@sensitive_page
@login_required
def ico_draft(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_triage(request.user, pk)
    assessment = Assessment.objects.filter(incident=incident).first()
    parts = build_draft(
        incident=incident,
        assessment=assessment,
        reports=list(IcoReport.objects.filter(incident=incident)),
        actions=list(ContainmentAction.objects.filter(incident=incident).select_related("owner")),
        org=OrganisationSettings.load(),
        reporter=request.user,
    )
    return render(
        request,
        "incidents/triage/ico_draft.html",
        {
            "incident": incident,
            "assessment": assessment,
            "parts": parts,
            "missing": missing_count(parts),
        },
    )
