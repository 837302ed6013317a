"""One person's declaration in a campaign, as a policy administrator sees and manages it:
their page, pause and resume, extend, exempt and end an exemption."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from declarations.access import (
    get_obligation_for_admin,
    is_policy_admin,
)
from declarations.forms import (
    ExemptForm,
    ExemptionEndForm,
    ExtendForm,
    PauseForm,
)
from declarations.models import Campaign
from declarations.outbox import obligation_messages_sent
from declarations.remindable import remind_status
from declarations.selectors import check_state
from declarations.services.campaigns import (
    latest_extension,
    obligation_extend,
    obligation_pause,
    obligation_resume,
)
from declarations.services.exemptions import (
    latest_exemption_end,
    obligation_exempt,
    obligation_exemption_end,
)
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.audit_history import audit_history
from portal.lib.uktime import long_datetime


def _obligation_page(
    request,
    obligation,
    *,
    pause_form=None,
    extend_form=None,
    exempt_form=None,
    end_form=None,
    status=200,
):
    declaration = (
        getattr(obligation, "declaration", None) if obligation.status == "signed" else None
    )
    # What was sent to them (and to their line manager) and when, from the outbox itself.
    messages_sent = obligation_messages_sent(obligation, declaration.pk if declaration else None)
    return render(
        request,
        "declarations/admin/obligation_detail.html",
        {
            "obligation": obligation,
            "campaign": obligation.campaign,
            "person": obligation.user,
            "history": audit_history(obligation),
            "declaration": declaration,
            "messages_sent": messages_sent,
            "cannot_remind": remind_status(obligation, day=timezone.localdate()),
            "check": check_state(obligation),
            "readings": obligation.readings.select_related("version__policy").order_by(
                "version__policy__title"
            ),
            "pause_form": pause_form or PauseForm(),
            "extend_form": extend_form
            or ExtendForm(obligation=obligation, latest=latest_extension()),
            "exempt_form": exempt_form or ExemptForm(latest=latest_exemption_end()),
            "end_form": end_form or ExemptionEndForm(),
            "can_exempt": obligation.campaign.status == Campaign.Status.OPEN,
        },
        status=status,
    )


@access_required(is_policy_admin, sensitive=True)
def obligation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _obligation_page(request, get_obligation_for_admin(request.user, pk))


@access_required(is_policy_admin, sensitive=True)
@require_POST
def obligation_pause_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    obligation = get_obligation_for_admin(request.user, pk)
    form = PauseForm(request.POST)
    if form.is_valid():
        try:
            obligation_pause(
                obligation=obligation,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{obligation.user}'s obligation is paused.")
            return redirect("declarations:obligation", pk=obligation.pk)
    return _obligation_page(request, obligation, pause_form=form, status=400)


@access_required(is_policy_admin, sensitive=True)
@require_POST
def obligation_resume_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    obligation = get_obligation_for_admin(request.user, pk)
    try:
        obligation_resume(obligation=obligation, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{obligation.user}'s obligation is active again.")
    return redirect("declarations:obligation", pk=obligation.pk)


@access_required(is_policy_admin, sensitive=True)
@require_POST
def obligation_extend_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    obligation = get_obligation_for_admin(request.user, pk)
    form = ExtendForm(request.POST, obligation=obligation, latest=latest_extension())
    if form.is_valid():
        try:
            obligation_extend(
                obligation=obligation,
                by=request.user,
                due_at=form.cleaned_data["due_at"],
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            due = long_datetime(form.cleaned_data["due_at"])
            messages.success(request, f"Due date extended to {due}.")
            return redirect("declarations:obligation", pk=obligation.pk)
    return _obligation_page(request, obligation, extend_form=form, status=400)


def _refused(request: AuthenticatedRequest, obligation, error: ValidationError) -> HttpResponse:
    """A change the obligation's state does not allow (not to sign, campaign closed): said at
    the top of its page, which shows what can be done instead."""
    messages.error(request, " ".join(error.messages))
    return redirect("declarations:obligation", pk=obligation.pk)


@access_required(is_policy_admin, sensitive=True)
@require_POST
def obligation_exempt_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    obligation = get_obligation_for_admin(request.user, pk)
    form = ExemptForm(request.POST, latest=latest_exemption_end())
    if form.is_valid():
        try:
            obligation = obligation_exempt(
                obligation=obligation,
                by=request.user,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, obligation, error)
            form.add_error(None, error)
        else:
            assert obligation.exempt_until is not None  # set by obligation_exempt
            until = long_datetime(obligation.exempt_until)
            messages.success(
                request,
                f"{obligation.user} is exempt until {until}. They get no reminders until then, "
                "and are asked to sign again after it.",
            )
            return redirect("declarations:obligation", pk=obligation.pk)
    return _obligation_page(request, obligation, exempt_form=form, status=400)


@access_required(is_policy_admin, sensitive=True)
@require_POST
def obligation_exemption_end_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    obligation = get_obligation_for_admin(request.user, pk)
    form = ExemptionEndForm(request.POST)
    if form.is_valid():
        try:
            obligation = obligation_exemption_end(
                obligation=obligation,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, obligation, error)
            form.add_error(None, error)
        else:
            due = long_datetime(obligation.due_at)
            asked = (
                "has been emailed to ask them to sign"
                if obligation.campaign.status == Campaign.Status.OPEN
                else "is not emailed, as the campaign is closed"
            )
            messages.success(
                request, f"Exemption ended. {obligation.user} is due by {due}, and {asked}."
            )
            return redirect("declarations:obligation", pk=obligation.pk)
    return _obligation_page(request, obligation, end_form=form, status=400)
