"""Concerns about chat groups: any member of staff raises one; the DPO and deputy read them and
record what was done. A person sees that their own concern was received, never anyone else's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from groups.access import (
    OWN_GROUP,
    get_concern_for_dpo,
    get_concern_for_reporter,
    get_group_for_user,
    is_dpo,
    may_decide_on,
)
from groups.forms.members import ConcernForm, ConcernResolveForm, UnlistedConcernForm
from groups.models import Concern
from groups.services.concerns import concern_raise, concern_resolve
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page

PAGE_SIZE = 50


@login_required
def concern_about_group(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        concern = concern_raise(
            by=request.user,
            group=group,
            kind=form.cleaned_data["kind"],
            details=form.cleaned_data["details"],
            ip=client_ip(request),
        )
        return redirect("groups:concern_received", pk=concern.pk)
    return render(
        request,
        "groups/concerns/raise.html",
        {"group": group, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def concern_unlisted(request: AuthenticatedRequest) -> HttpResponse:
    form = UnlistedConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            concern = concern_raise(
                by=request.user,
                group=form.cleaned_data["group"],
                group_described=form.cleaned_data["group_described"],
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("groups:concern_received", pk=concern.pk)
    return render(
        request,
        "groups/concerns/raise.html",
        {"group": None, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def concern_received(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    concern = get_concern_for_reporter(request.user, pk)
    return render(request, "groups/concerns/received.html", {"concern": concern})


@access_required(is_dpo, sensitive=True)
def concerns(request: AuthenticatedRequest) -> HttpResponse:
    """The DPO's list: open concerns first (the default), or those dealt with; a page at a time."""
    dealt_with = request.GET.get("show") == "dealt_with"
    rows = Concern.objects.filter(resolved_at__isnull=not dealt_with).select_related(
        "group", "raised_by"
    )
    page = keyset_page(
        rows,
        ordering=("-raised_at", "-pk"),
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=PAGE_SIZE,
        name="groups-concerns-dealt" if dealt_with else "groups-concerns-open",
    )
    return render(
        request,
        "groups/concerns/list.html",
        {
            "page": page,
            "dealt_with": dealt_with,
            "cursor_parameter": CURSOR_PARAMETER,
            "open_count": Concern.objects.filter(resolved_at__isnull=True).count(),
        },
    )


@access_required(is_dpo, sensitive=True)
def concern_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    concern = get_concern_for_dpo(request.user, pk)
    form = ConcernResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            concern_resolve(
                concern=concern,
                action_taken=form.cleaned_data["action_taken"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Recorded what was done: the concern is dealt with.")
            return redirect("groups:concerns")
    return render(
        request,
        "groups/concerns/detail.html",
        {
            "concern": concern,
            "form": form,
            "own": concern.group is not None and not may_decide_on(request.user, concern.group),
            "own_message": OWN_GROUP,
        },
        status=400 if form.errors else 200,
    )
