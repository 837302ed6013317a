"""The DPO's pages on an incident routed to them: triage, the ICO decision, reports to the
ICO, telling the people affected, the ICO form's details, actions and closing. Each fetches
the incident through access.get_incident_for_triage (a DPO involved in it is refused), checks
the form, calls one service and goes back to the incident's page."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import ChoiceField, Field, Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from incidents.access import get_action_for_done, get_incident_for_triage
from incidents.forms.triage import (
    ActionAddForm,
    ActionDoneForm,
    DpoCloseForm,
    IcoDecisionForm,
    IcoDetailsForm,
    IcoReportForm,
    SubjectsToldForm,
    TriageForm,
)
from incidents.models import (
    Assessment,
    ContainmentAction,
    IcoReport,
    Incident,
    Regime,
    Risk,
    Severity,
)
from incidents.services.actions import action_add, action_done
from incidents.services.triage import (
    DETAIL_FIELDS,
    STALE,
    StaleAssessment,
    assessment_details_record,
    assessment_ico_decide,
    assessment_subjects_record,
    assessment_triage,
    close_blockers,
    ico_report_record,
    incident_dpo_close,
)
from incidents.triage_rules import matrix_rows
from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page
from portal.lib.uktime import long_datetime

_FORM_METHODS = require_http_methods(["GET", "POST"])


def assessment_of(incident: Incident) -> Assessment | None:
    return Assessment.objects.filter(incident=incident).first()


def _shown(field: Field, value: Any) -> str:
    """A typed value as the person would recognise it: choices by their labels."""
    if value in (None, "", []):
        return "(left empty)"
    if isinstance(field, ChoiceField):
        choices = cast(Iterable[tuple[Any, Any]], field.choices)
        labels = {str(key): str(label) for key, label in choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in values)
    if isinstance(value, datetime):
        return f"{long_datetime(value)} (UK time)"
    return str(value)


def _typed_meanwhile(form: Form, now: Form) -> list[tuple[str, str]]:
    """What the person typed that differs from what the assessment says now."""
    typed = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name == "version" or (value or None) == (now.initial.get(name) or None):
            continue
        typed.append((str(field.label), _shown(field, value)))
    return typed


def _page(
    request: AuthenticatedRequest,
    template: str,
    form: Form,
    change: Callable[[], Any],
    done: str,
    context: dict[str, Any],
    fresh: Callable[[], Form] | None = None,
) -> HttpResponse:
    """The four steps every form page here takes: on a valid POST, make the change (a refusal
    is shown on the form, with everything typed kept), say what happened and go back to the
    incident; otherwise show the form (400 when it was sent with problems).

    When someone else changed the assessment meanwhile (StaleAssessment), nothing is saved:
    the form comes back made by `fresh` from what it says now, with what the person typed
    listed above it to make their change again."""
    if request.method == "POST" and form.is_valid():
        try:
            change()
        except StaleAssessment as refusal:
            if fresh is None:
                form.add_error(None, refusal)
            else:
                now = fresh()
                stale = {"message": STALE, "typed": _typed_meanwhile(form, now)}
                return render(
                    request, template, {"form": now, "stale": stale, **context}, status=400
                )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, done)
            return redirect("incidents:incident", pk=context["incident"].pk)
    status = 400 if form.is_bound else 200
    return render(request, template, {"form": form, **context}, status=status)


@_FORM_METHODS
@sensitive_page
@login_required
def triage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_triage(request.user, pk)
    assessment = assessment_of(incident)
    form = TriageForm(request.POST or None, incident=incident, assessment=assessment)

    def fresh() -> Form:
        return TriageForm(incident=incident, assessment=assessment_of(incident))

    def change() -> None:
        data = form.cleaned_data
        assessment_triage(
            incident=incident,
            is_breach=form.breach,
            not_breach_reasons=data["not_breach_reasons"],
            regime=data["regime"],
            aware_at=data["aware_at"],
            likelihood=data["likelihood"],
            severity=data["severity"],
            risk=data["risk"],
            risk_reasons=data["risk_reasons"],
            late_reasons=data.get("late_reasons", ""),
            version=data["version"],
            by=request.user,
            ip=client_ip(request),
        )

    return _page(
        request,
        "incidents/triage/triage.html",
        form,
        change,
        "Triage recorded.",
        {
            "incident": incident,
            "assessment": assessment,
            "matrix": matrix_rows(),
            "severities": Severity.labels,
        },
        fresh,
    )


@_FORM_METHODS
@sensitive_page
@login_required
def ico_decision(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_triage(request.user, pk)
    assessment = assessment_of(incident)
    form = IcoDecisionForm(request.POST or None, assessment=assessment)

    def change() -> None:
        assessment_ico_decide(
            incident=incident,
            notify=form.cleaned_data["notify"] == "yes",
            reasons=form.cleaned_data["reasons"],
            by=request.user,
            ip=client_ip(request),
        )

    return _page(
        request,
        "incidents/triage/ico_decision.html",
        form,
        change,
        "Decision on telling the ICO recorded.",
        {"incident": incident, "assessment": assessment},
    )


@_FORM_METHODS
@sensitive_page
@login_required
def ico_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_triage(request.user, pk)
    assessment = assessment_of(incident) or Assessment(incident=incident)
    reports = list(IcoReport.objects.filter(incident=incident).select_related("recorded_by"))
    form = IcoReportForm(request.POST or None, assessment=assessment, initial_report=not reports)

    def change() -> None:
        data = form.cleaned_data
        ico_report_record(
            incident=incident,
            sent_at=data["sent_at"],
            ico_reference=data["ico_reference"],
            summary=data["summary"],
            late_reasons=data["late_reasons"],
            by=request.user,
            ip=client_ip(request),
        )

    passed = (
        not reports
        and assessment.ico_deadline_at is not None
        and assessment.ico_deadline_at < timezone.now()
    )
    if passed and request.method == "GET":
        assert assessment.ico_deadline_at is not None
        messages.warning(
            request,
            f"The deadline passed on {long_datetime(assessment.ico_deadline_at)} (UK time): "
            "give the reasons for the delay with the report.",
        )
    return _page(
        request,
        "incidents/triage/ico_report.html",
        form,
        change,
        "Report to the ICO recorded.",
        {"incident": incident, "assessment": assessment, "reports": reports},
    )


@_FORM_METHODS
@sensitive_page
@login_required
def subjects_told(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_triage(request.user, pk)
    assessment = assessment_of(incident)
    form = SubjectsToldForm(request.POST or None, assessment=assessment)

    def change() -> None:
        data = form.cleaned_data
        assessment_subjects_record(
            incident=incident,
            told=data["told"] == "yes",
            told_at=data["told_at"],
            how=data["how"],
            not_told_reasons=data["not_told_reasons"],
            by=request.user,
            ip=client_ip(request),
        )

    return _page(
        request,
        "incidents/triage/subjects_told.html",
        form,
        change,
        "Recorded whether the people affected were told.",
        {
            "incident": incident,
            "assessment": assessment,
            "high_risk": assessment is not None and assessment.risk == Risk.HIGH,
            "part_3": assessment is not None and assessment.regime == Regime.DPA_PART_3,
        },
    )


@_FORM_METHODS
@sensitive_page
@login_required
def ico_details(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_triage(request.user, pk)
    assessment = assessment_of(incident)
    form = IcoDetailsForm(request.POST or None, assessment=assessment)

    def change() -> None:
        assessment_details_record(
            incident=incident,
            details={name: form.cleaned_data[name] for name in DETAIL_FIELDS},
            version=form.cleaned_data["version"],
            by=request.user,
            ip=client_ip(request),
        )

    return _page(
        request,
        "incidents/triage/ico_details.html",
        form,
        change,
        "Details for the ICO recorded.",
        {"incident": incident, "assessment": assessment},
        lambda: IcoDetailsForm(assessment=assessment_of(incident)),
    )


@_FORM_METHODS
@sensitive_page
@login_required
def action_add_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_triage(request.user, pk)
    form = ActionAddForm(request.POST or None)

    def change() -> None:
        data = form.cleaned_data
        action_add(
            incident=incident,
            description=data["description"],
            owner=data["owner"],
            due_on=data["due_on"],
            by=request.user,
            ip=client_ip(request),
        )

    return _page(
        request,
        "incidents/triage/action_add.html",
        form,
        change,
        "Action added; its owner has been emailed.",
        {"incident": incident},
    )


@_FORM_METHODS
@sensitive_page
@login_required
def action_done_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = get_action_for_done(request.user, pk)
    form = ActionDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action_done(
                action=action,
                outcome=form.cleaned_data["outcome"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, "Action recorded as done.")
            if action.owner_id == request.user.pk:
                return redirect("incidents:my_actions")
            return redirect("incidents:incident", pk=action.incident_id)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "incidents/triage/action_done.html",
        {"form": form, "action": action},
        status=status,
    )


@require_GET
@sensitive_page
@login_required
def my_actions(request: AuthenticatedRequest) -> HttpResponse:
    """A person's own open actions: the incident's reference and the action, nothing more (the
    owner may not be one of its handlers)."""
    actions = (
        ContainmentAction.objects.filter(owner=request.user, done_at__isnull=True)
        .select_related("incident", "created_by")
        .order_by("due_at", "pk")
    )
    page = Paginator(actions, 25).get_page(request.GET.get("page"))
    return render(
        request, "incidents/triage/my_actions.html", {"page": page, "now": timezone.now()}
    )


@_FORM_METHODS
@sensitive_page
@login_required
def dpo_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_triage(request.user, pk)
    assessment = assessment_of(incident)
    form = DpoCloseForm(request.POST or None, assessment=assessment)

    def change() -> None:
        incident_dpo_close(
            incident=incident,
            lessons_learned=form.cleaned_data["lessons_learned"],
            note=form.cleaned_data["note"],
            by=request.user,
            ip=client_ip(request),
        )

    blockers = [
        blocker
        for blocker in close_blockers(assessment, lessons_learned="-")
        if not incident.is_closed
    ]
    open_actions = ContainmentAction.objects.filter(incident=incident, done_at__isnull=True)
    return _page(
        request,
        "incidents/triage/dpo_close.html",
        form,
        change,
        "Incident closed. The reporter has been told.",
        {
            "incident": incident,
            "assessment": assessment,
            "blockers": blockers,
            "open_actions": open_actions.count(),
        },
    )
