"""The page where system administrators approve or refuse the changes to privileged people that
a staff import held back (see staffimport/held.py): one list, one URL per decision."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.access import AuthenticatedRequest, access_required, client_ip
from staffimport.access import can_decide_held_changes, get_held_change_for_user
from staffimport.forms import RefuseForm
from staffimport.held import (
    DecisionRefused,
    held_change_approve,
    held_change_refuse,
    may_decide,
)
from staffimport.models import HeldChange


@access_required(can_decide_held_changes, sensitive=True)
def held_change_list(request: AuthenticatedRequest) -> HttpResponse:
    waiting = HeldChange.objects.filter(status=HeldChange.Status.WAITING).select_related(
        "user", "staff_import__uploaded_by", "staff_import__applied_by"
    )
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    for change in page.object_list:
        change.may_decide = may_decide(change, request.user)
    decided = HeldChange.objects.exclude(status=HeldChange.Status.WAITING).select_related(
        "user", "decided_by"
    )
    return render(
        request,
        "staffimport/held_list.html",
        {
            "page": page,
            "decided": decided.order_by("-decided_at", "-id")[:20],
            "refuse_form": RefuseForm(),
        },
    )


@access_required(can_decide_held_changes)
@require_POST
def held_change_approve_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    change = get_held_change_for_user(request.user, pk)
    try:
        held_change_approve(change=change, by=request.user, ip=client_ip(request))
    except DecisionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Approved and applied for {change.user.full_name}.")
    return redirect("staffimport:held")


@access_required(can_decide_held_changes)
@require_POST
def held_change_refuse_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    change = get_held_change_for_user(request.user, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The reason is too long (500 characters at most).")
        return redirect("staffimport:held")
    try:
        held_change_refuse(
            change=change,
            by=request.user,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except DecisionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Refused: {change.user.full_name} is left as they are.")
    return redirect("staffimport:held")
