"""The DPO's parts of an incident's page: the ICO clock at the top and the assessment below
the report, each with links to the forms that record it. Shown only to a DPO or deputy
handling the incident who is not involved in it (access.may_see_assessment): never to its
reporter or another part's handler. Each costs a fixed number of queries."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from incidents.access import may_see_assessment
from incidents.ico_clock import with_clock_running
from incidents.models import Assessment, ContainmentAction, IcoReport, Incident
from portal.access import AuthenticatedRequest
from portal.lib.durations import duration_in_words


def clock_state(assessment: Assessment | None, now: datetime) -> dict[str, Any]:
    """Where the ICO clock stands: `state` is untriaged, running or passed (`left` / `over` say
    by how much), not_breach, reported, not_notifying, undecided, or closed (closed with the
    clock stopped). `assessment` comes from ico_clock.with_clock_running: whether the clock
    runs is decided there, as the sweep that alerts the DPO decides it."""
    if assessment is None:
        return {"state": "untriaged"}
    if assessment.clock_running:  # type: ignore[attr-defined]
        deadline = assessment.ico_deadline_at
        assert deadline is not None  # the clock runs only with a deadline
        if now < deadline:
            return {"state": "running", "left": duration_in_words(deadline - now)}
        return {"state": "passed", "over": duration_in_words(now - deadline)}
    if assessment.is_breach is False:
        return {"state": "not_breach"}
    if assessment.ico_notified_at is not None:
        return {"state": "reported"}
    if assessment.notify_ico is False:
        return {"state": "not_notifying"}
    if assessment.ico_deadline_at is None:
        return {"state": "undecided"}
    return {"state": "closed"}


def ico_clock_section(
    request: AuthenticatedRequest, incident: Incident
) -> tuple[str, dict[str, Any]] | None:
    if not may_see_assessment(request.user, incident):
        return None
    assessment = with_clock_running(Assessment.objects.filter(incident=incident)).first()
    state = clock_state(assessment, timezone.now())
    if state["state"] == "not_breach":
        return None
    return (
        "incidents/triage/_clock_section.html",
        {"incident": incident, "assessment": assessment, **state},
    )


def assessment_section(
    request: AuthenticatedRequest, incident: Incident
) -> tuple[str, dict[str, Any]] | None:
    if not may_see_assessment(request.user, incident):
        return None
    assessment = (
        Assessment.objects.filter(incident=incident).select_related("notify_decided_by").first()
    )
    return (
        "incidents/triage/_assessment_section.html",
        {
            "incident": incident,
            "assessment": assessment,
            "reports": list(IcoReport.objects.filter(incident=incident)),
            "actions": list(
                ContainmentAction.objects.filter(incident=incident).select_related("owner")
            ),
        },
    )
