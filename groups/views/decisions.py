"""The DPO's pages: applications and changes awaiting a decision, the decision page with its
three actions, and suspending, reinstating and closing a group."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from groups.access import (
    get_group_for_decision,
    get_group_for_dpo,
    has_part_in,
    is_dpo,
    may_decide_on,
)
from groups.forms.decisions import ApproveForm, AskChangesForm, ReasonForm, RefuseForm
from groups.models import ChatGroup, Submission
from groups.services.decisions import (
    OWN_GROUP,
    chat_group_approve,
    chat_group_ask_changes,
    chat_group_refuse,
    needs_size_approval,
    size_to_approve,
)
from groups.services.lifecycle import chat_group_close, chat_group_reinstate, chat_group_suspend
from groups.snapshots import differences, proposed_differences, rows
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.models import OrganisationSettings

QUEUE_PAGE_SIZE = 50


@access_required(is_dpo, sensitive=True)
def decision_queue(request: AuthenticatedRequest) -> HttpResponse:
    rows = Submission.objects.filter(outcome=Submission.Outcome.PENDING)
    page = keyset_page(
        rows.select_related("group", "submitted_by"),
        ordering=("submitted_at", "pk"),
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=QUEUE_PAGE_SIZE,
        name="groups-decisions",
    )
    return render(
        request,
        "groups/decisions/queue.html",
        {"page": page, "total": rows.count(), "now": timezone.now()},
    )


def _decision_page(request: AuthenticatedRequest, group: ChatGroup, **forms) -> HttpResponse:
    submissions = list(group.submissions.select_related("submitted_by", "decided_by"))
    pending = next((s for s in submissions if s.outcome == Submission.Outcome.PENDING), None)
    if pending is None:
        messages.info(request, "Nothing about this group is waiting for a decision.")
        return redirect("groups:group", pk=group.pk)
    earlier = next(
        (
            s
            for s in submissions
            if s.submitted_at < pending.submitted_at and s.kind == Submission.Kind.REGISTRATION
        ),
        None,
    )
    if pending.kind == Submission.Kind.CHANGE:
        changed = proposed_differences(pending.details)
    else:
        changed = differences(earlier.details, pending.details) if earlier else []
    org = OrganisationSettings.load()
    size = size_to_approve(group, pending)
    return render(
        request,
        "groups/decisions/decide.html",
        {
            "group": group,
            "pending": pending,
            "rows": rows(pending.details),
            "earlier": earlier,
            "changed": changed,
            "own": has_part_in(request.user, group) or pending.submitted_by_id == request.user.pk,
            "own_message": OWN_GROUP,
            "size": size,
            "limit": org.chat_group_size_limit,
            "over_limit": needs_size_approval(group, size, org),
            "approve_form": forms.get("approve_form") or ApproveForm(),
            "refuse_form": forms.get("refuse_form") or RefuseForm(),
            "changes_form": forms.get("changes_form") or AskChangesForm(),
        },
    )


@require_GET
@access_required(is_dpo, sensitive=True)
def decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_decision(request.user, pk)
    return _decision_page(request, group)


def _decided(
    request: AuthenticatedRequest,
    pk: int,
    form_class: type[Form],
    decide: Callable[..., object],
    said: str,
    form_name: str,
) -> HttpResponse:
    """One of the DPO's three decisions: the form checked, the service called, the applicant
    told; or the decision page again with what was typed and what to fix."""
    group = get_group_for_decision(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            decide(group=group, by=request.user, ip=client_ip(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{said.format(name=group.name)} The applicant has been told by email."
            )
            return redirect("groups:decisions")
    return _decision_page(request, group, **{form_name: form})


@require_POST
@access_required(is_dpo, sensitive=True)
def approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decided(
        request, pk, ApproveForm, chat_group_approve, "“{name}” approved.", "approve_form"
    )


@require_POST
@access_required(is_dpo, sensitive=True)
def refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decided(request, pk, RefuseForm, chat_group_refuse, "“{name}” refused.", "refuse_form")


@require_POST
@access_required(is_dpo, sensitive=True)
def ask_changes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decided(
        request,
        pk,
        AskChangesForm,
        chat_group_ask_changes,
        "Changes asked for “{name}”.",
        "changes_form",
    )


def _status_page(request, group, form, action: str, url_name: str) -> HttpResponse:
    return render(
        request,
        "groups/registration/status_form.html",
        {
            "form": form,
            "group": group,
            "action": action,
            "url_name": url_name,
            "own": not may_decide_on(request.user, group),
            "own_message": OWN_GROUP,
        },
    )


@access_required(is_dpo, sensitive=True)
def suspend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_dpo(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chat_group_suspend(
                group=group,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{group.name}” is suspended. Its admin has been told.")
            return redirect("groups:group", pk=group.pk)
    return _status_page(request, group, form, "suspend", "groups:suspend")


@access_required(is_dpo, sensitive=True)
def dpo_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_dpo(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chat_group_close(
                group=group,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{group.name}” is closed. Its admin has been told.")
            return redirect("groups:group", pk=group.pk)
    return _status_page(request, group, form, "close", "groups:dpo_close")


@require_POST
@access_required(is_dpo)
def reinstate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_dpo(request.user, pk)
    try:
        chat_group_reinstate(group=group, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{group.name}” is approved again. Its admin has been told.")
    return redirect("groups:group", pk=group.pk)
