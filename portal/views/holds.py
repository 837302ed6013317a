"""Records holds, for the data protection officer and deputy: see the holds, place one on a
kind of record or on one record, lift one. While a hold is open the retention sweep keeps what
it covers."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.access import (
    AuthenticatedRequest,
    access_required,
    can_manage_holds,
    client_ip,
    get_hold_for_user,
)
from portal.forms.retention import HoldLiftForm, HoldPlaceForm
from portal.models import LegalHold
from portal.services.holds import HoldRefused, hold_covers, legal_hold_lift, legal_hold_place


@access_required(can_manage_holds)
def hold_list(request: AuthenticatedRequest) -> HttpResponse:
    form = HoldPlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            legal_hold_place(
                record_type=form.cleaned_data["record_type"],
                object_id=form.cleaned_data["object_id"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                ip=client_ip(request),
            )
        except HoldRefused as exc:
            form.add_error("object_id", str(exc))
        else:
            messages.success(
                request, "Hold placed. Nothing it covers will be deleted until it is lifted."
            )
            return redirect("portal:holds")
    holds = LegalHold.objects.select_related("content_type", "placed_by", "lifted_by")
    page = Paginator(holds, 50).get_page(request.GET.get("page"))
    rows = [(hold, hold_covers(hold)) for hold in page.object_list]
    return render(
        request,
        "portal/holds.html",
        {"form": form, "page": page, "rows": rows},
    )


@access_required(can_manage_holds)
@require_POST
def hold_lift(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hold = get_hold_for_user(request.user, pk)
    form = HoldLiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The hold was not lifted: say why it is lifted.")
        return redirect("portal:holds")
    try:
        legal_hold_lift(
            hold=hold, reason=form.cleaned_data["reason"], by=request.user, ip=client_ip(request)
        )
    except HoldRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Hold lifted.")
    return redirect("portal:holds")
