"""Holds on chat groups. The DPO and deputy list, place, reissue and release holds and record
the searches made for them; the person a notice was sent to reads and acknowledges it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from groups.access import get_hold_for_dpo, get_notice_for_user, is_dpo
from groups.forms.holds import (
    HoldAcknowledgeForm,
    HoldPlaceForm,
    HoldReissueForm,
    HoldReleaseForm,
    HoldSearchForm,
)
from groups.models import Hold
from groups.services.holds import (
    HoldRefused,
    covered_groups,
    hold_notice_acknowledge,
    hold_place,
    hold_reissue,
    hold_release,
    hold_search_record,
)
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.sensitive import sensitive_page


@access_required(is_dpo)
def hold_list(request: AuthenticatedRequest) -> HttpResponse:
    # Open holds first, newest first within each; a few a month, so a numbered page will do.
    holds = (
        Hold.objects.select_related("placed_by")
        .annotate(
            group_count=Count("groups", distinct=True),
            notice_count=Count("notices", distinct=True),
            acknowledged=Count(
                "notices", filter=Q(notices__acknowledged_at__isnull=False), distinct=True
            ),
        )
        .annotate(is_open=ExpressionWrapper(Q(released_at__isnull=True), BooleanField()))
        .order_by("-is_open", "-placed_at", "-pk")
    )
    page = Paginator(holds, 25).get_page(request.GET.get("page"))
    return render(request, "groups/holds/list.html", {"page": page})


@access_required(is_dpo)
def hold_place_view(request: AuthenticatedRequest) -> HttpResponse:
    form = HoldPlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hold = hold_place(
                kind=data["kind"],
                reference=data["reference"],
                request_received_on=data["request_received_on"],
                note=data["note"],
                groups=data["groups"],
                person=data["person"],
                by=request.user,
                ip=client_ip(request),
            )
        except HoldRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                "Hold placed. Everyone in the groups has been sent the notice not to delete "
                "anything, and their clear-downs are suspended until you release it.",
            )
            return redirect("groups:hold", pk=hold.pk)
    status = 400 if form.is_bound else 200
    return render(request, "groups/holds/place.html", {"form": form}, status=status)


def _hold_page(
    request, hold: Hold, *, search_form=None, reissue_form=None, release_form=None, status=200
) -> HttpResponse:
    notices = list(hold.notices.select_related("user", "user__department"))
    searches = list(
        hold.searches.select_related("searched_by", "recorded_by").prefetch_related("groups")
    )
    return render(
        request,
        "groups/holds/detail.html",
        {
            "hold": hold,
            "groups": list(hold.groups.select_related("admin").order_by("name", "pk")),
            "acknowledged": [n for n in notices if n.acknowledged_at],
            "waiting": [n for n in notices if not n.acknowledged_at],
            "notice_count": len(notices),
            "searches": searches,
            "search_form": search_form
            or HoldSearchForm(hold=hold, initial={"searched_by": request.user}),
            "reissue_form": reissue_form or HoldReissueForm(),
            "release_form": release_form or HoldReleaseForm(),
        },
        status=status,
    )


# Sensitive: it names everyone the notice went to.
@access_required(is_dpo, sensitive=True)
def hold_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _hold_page(request, get_hold_for_dpo(request.user, pk))


@access_required(is_dpo, sensitive=True)
@require_POST
def hold_reissue_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hold = get_hold_for_dpo(request.user, pk)
    form = HoldReissueForm(request.POST)
    if form.is_valid():
        try:
            sent = hold_reissue(
                hold=hold,
                everyone=form.cleaned_data["to"] == HoldReissueForm.EVERYONE,
                by=request.user,
                ip=client_ip(request),
            )
        except HoldRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"The notice was sent again to {sent} {_people(sent)}.")
            return redirect("groups:hold", pk=hold.pk)
    return _hold_page(request, hold, reissue_form=form, status=400)


@access_required(is_dpo, sensitive=True)
@require_POST
def hold_search_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hold = get_hold_for_dpo(request.user, pk)
    form = HoldSearchForm(request.POST, hold=hold)
    if form.is_valid():
        data = form.cleaned_data
        try:
            hold_search_record(
                hold=hold,
                searched_at=data["searched_at"],
                searched_by=data["searched_by"],
                groups=data["groups"],
                found=data["found"],
                copied_to=data["copied_to"],
                by=request.user,
                ip=client_ip(request),
            )
        except HoldRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "The search is recorded on the hold.")
            return redirect("groups:hold", pk=hold.pk)
    return _hold_page(request, hold, search_form=form, status=400)


@access_required(is_dpo, sensitive=True)
@require_POST
def hold_release_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hold = get_hold_for_dpo(request.user, pk)
    form = HoldReleaseForm(request.POST)
    if form.is_valid():
        try:
            hold_release(
                hold=hold,
                reason=form.cleaned_data["reason"],
                by=request.user,
                ip=client_ip(request),
            )
        except HoldRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                "Hold released. Everyone sent its notice has been told clear-downs resume at "
                "their group's next clear-down.",
            )
            return redirect("groups:hold", pk=hold.pk)
    return _hold_page(request, hold, release_form=form, status=400)


def _people(count: int) -> str:
    return "person" if count == 1 else "people"


def _notice_page(request, notice, *, form=None, status=200) -> HttpResponse:
    groups = covered_groups([notice.hold_id], [request.user.pk])
    return render(
        request,
        "groups/holds/notice.html",
        {
            "notice": notice,
            "hold": notice.hold,
            "groups": groups.get((notice.hold_id, request.user.pk), []),
            "form": form or HoldAcknowledgeForm(),
        },
        status=status,
    )


@sensitive_page
@login_required
def hold_notice(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _notice_page(request, get_notice_for_user(request.user, pk))


@sensitive_page
@login_required
@require_POST
def hold_notice_acknowledge_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_user(request.user, pk)
    form = HoldAcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            hold_notice_acknowledge(notice=notice, by=request.user, ip=client_ip(request))
        except HoldRefused as refusal:
            messages.info(request, str(refusal))
        else:
            messages.success(
                request,
                "Thank you: your acknowledgement is recorded. Do not delete anything from "
                "the chat until you are told the hold is released.",
            )
        return redirect("groups:hold_notice", pk=notice.pk)
    return _notice_page(request, notice, form=form, status=400)
