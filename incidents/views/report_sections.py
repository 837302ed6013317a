"""The reporting part's pieces of other pages: on an incident's page, what the reporter must
still do, the form to add to the report, and the files; on the dashboard, the person's open
reports and the way to make one."""

from django.db.models import Q

from incidents.access import is_own
from incidents.forms.report import AddInformationForm
from incidents.models import Incident
from incidents.still_to_do import still_to_do
from portal.access import AuthenticatedRequest
from portal.registry import Fragment

PANEL_SHOWN = 5


def still_to_do_section(request: AuthenticatedRequest, incident: Incident) -> Fragment:
    """At the top of an open report, for its reporter (and the colleague it was for): what
    they must still do, worded for whichever of the two is reading. No query."""
    if incident.is_closed or not is_own(request.user, incident):
        return None
    return "incidents/report/_section_still_to_do.html", {
        "incident": incident,
        "todo": still_to_do(incident, request.user),
    }


def add_information_section(request: AuthenticatedRequest, incident: Incident) -> Fragment:
    """Below the report, for its reporter while it is open: add what they found out since, or
    files. No query."""
    if incident.is_closed or not is_own(request.user, incident):
        return None
    return "incidents/report/_section_add_information.html", {
        "incident": incident,
        "form": AddInformationForm(),
    }


def attachments_section(request: AuthenticatedRequest, incident: Incident) -> Fragment:
    """The files sent with the report or added since, for everyone who may see it, each as a
    download. One query."""
    files = list(incident.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk"))
    return "incidents/report/_section_attachments.html", {"incident": incident, "files": files}


def reports_panel(request: AuthenticatedRequest) -> Fragment:
    """The person's open reports (made by them or for them), newest first, and the button to
    make one: always shown, because reporting at once is what matters. One query."""
    user = request.user
    open_reports = list(
        Incident.objects.filter(Q(reported_by_id=user.pk) | Q(reported_for_id=user.pk))
        .exclude(status=Incident.Status.CLOSED)
        .only("reference", "kind", "status", "reported_at")
        .order_by("-reported_at", "-pk")[: PANEL_SHOWN + 1]
    )
    return "incidents/report/_dashboard_panel.html", {
        "reports": open_reports[:PANEL_SHOWN],
        "more": len(open_reports) > PANEL_SHOWN,
    }
