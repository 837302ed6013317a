"""Travel abroad with a work device: any member of staff tells Information Security (the
helpdesk) about a trip and reads the precautions; the helpdesk lists the trips coming up and
records its advice. A notice is seen by its traveller and the helpdesk only (404 to others)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from incidents.access import get_travel_for_user, is_helpdesk
from incidents.forms.travel import TravelAdviceForm, TravelNoticeForm
from incidents.models import NOTICE_DAYS, TravelAdvice, TravelNotice
from incidents.services.travel import (
    travel_advice_record,
    travel_notice_give,
    travel_precautions,
)
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.sensitive import sensitive_page
from portal.models import OrganisationSettings

PAGE_SIZE = 50


@sensitive_page
@login_required
def travel_new(request: AuthenticatedRequest) -> HttpResponse:
    form = TravelNoticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = travel_notice_give(
                destination=form.cleaned_data["destination"],
                departs_on=form.cleaned_data["departs_on"],
                returns_on=form.cleaned_data["returns_on"],
                devices=form.cleaned_data["devices"],
                short_notice_reason=form.cleaned_data["short_notice_reason"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Information Security has been told about your trip. The precautions below "
                "have been emailed to you too.",
            )
            return redirect("incidents:travel", pk=notice.pk)
    return render(
        request,
        "incidents/travel/new.html",
        {"form": form, "notice_days": NOTICE_DAYS},
        status=400 if form.errors else 200,
    )


def _detail(request: AuthenticatedRequest, notice: TravelNotice, form: TravelAdviceForm | None):
    advises = is_helpdesk(request.user) and notice.traveller_id != request.user.pk
    if advises and form is None:
        form = TravelAdviceForm()
    return render(
        request,
        "incidents/travel/detail.html",
        {
            "notice": notice,
            # Every piece of advice given, oldest first: what the traveller was told, and when.
            "advice_given": list(notice.advice.select_related("advised_by")),
            "form": form if advises else None,
            "own": notice.traveller_id == request.user.pk,
            "notice_days": NOTICE_DAYS,
            "precautions": travel_precautions(OrganisationSettings.load()),
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_GET
@sensitive_page
@login_required
def travel_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, get_travel_for_user(request.user, pk), None)


@require_POST
@access_required(is_helpdesk, sensitive=True)
def travel_advice(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = get_travel_for_user(request.user, pk)
    if notice.traveller_id == request.user.pk:
        raise PermissionDenied("Another member of the helpdesk advises on your own trip.")
    form = TravelAdviceForm(request.POST)
    if form.is_valid():
        try:
            travel_advice_record(
                notice=notice,
                advice=form.cleaned_data["advice"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your advice is recorded and has been emailed to them.")
            return redirect("incidents:travel", pk=notice.pk)
    return _detail(request, notice, form)


@require_GET
@sensitive_page
@login_required
def travel_mine(request: AuthenticatedRequest) -> HttpResponse:
    notices = (
        TravelNotice.objects.filter(traveller=request.user)
        .annotate(advised=Exists(TravelAdvice.objects.filter(notice=OuterRef("pk"))))
        .order_by("-departs_on", "-pk")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/travel/mine.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "notice_days": NOTICE_DAYS,
            "precautions": travel_precautions(OrganisationSettings.load()),
        },
    )


@require_GET
@access_required(is_helpdesk, sensitive=True)
def travel_upcoming(request: AuthenticatedRequest) -> HttpResponse:
    """Trips not yet over (coming up, and under way), the soonest first."""
    today = timezone.localdate()
    latest_advice = TravelAdvice.objects.filter(notice=OuterRef("pk")).order_by(
        "-advised_at", "-pk"
    )
    notices = (
        TravelNotice.objects.filter(returns_on__gte=today)
        .select_related("traveller")
        .annotate(last_adviser=Subquery(latest_advice.values("advised_by__full_name")[:1]))
        .order_by("departs_on", "pk")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/travel/upcoming.html",
        {"page": page, "today": today, "notice_days": NOTICE_DAYS},
    )
