"""Campaigns and the people in them (policy administrators only)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from declarations.access import (
    get_campaign_for_admin,
    get_extra_statement_for_admin,
    is_policy_admin,
)
from declarations.forms import (
    CampaignCloseForm,
    CampaignForm,
    CampaignReopenForm,
    CampaignRepeatStopForm,
    ExtraStatementForm,
    PeopleFilterForm,
    campaign_initial,
)
from declarations.models import Campaign
from declarations.reports import completion_overall, figures_of, with_figures
from declarations.selectors import campaign_audience, campaign_outstanding
from declarations.services.campaigns import (
    ONLY_CLOSED_REOPENS,
    ONLY_OPEN_CLOSES,
    campaign_close,
    campaign_create,
    campaign_open,
    campaign_reopen,
    campaign_update,
    extra_statement_add,
    extra_statement_remove,
)
from declarations.services.repeats import (
    NOT_REPEATING,
    REPEAT_NOTICE_DAYS,
    campaign_repeat_stop,
    has_repeat_to_stop,
    next_opening,
    prepared_from,
    will_open_automatically,
)
from declarations.services.summaries import summary_schedule
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.lib.uktime import long_datetime


@access_required(is_policy_admin)
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    campaigns = with_figures(
        Campaign.objects.select_related("repeat_of").order_by("-opens_at", "-pk"), timezone.now()
    )
    page = Paginator(campaigns, 25).get_page(request.GET.get("page"))
    for campaign in page.object_list:
        campaign.figures = figures_of(campaign)
    return render(request, "declarations/admin/campaign_list.html", {"page": page})


def _save_campaign(request: HttpRequest, form: CampaignForm, campaign: Campaign | None):
    data = form.cleaned_data
    common = {
        "by": request.user,
        "versions": data["versions"],
        "departments": [] if data["audience_all"] else data["departments"],
        "ip": client_ip(request),
        **form.service_fields(),
    }
    if campaign is None:
        return campaign_create(**common)
    return campaign_update(campaign=campaign, **common)


@access_required(is_policy_admin)
def campaign_create_view(request: AuthenticatedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, initial=campaign_initial())
    if request.method == "POST" and form.is_valid():
        try:
            campaign = _save_campaign(request, form, None)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Draft campaign saved. Check it, then open it.")
            return redirect("declarations:campaign", pk=campaign.pk)
    return render(request, "declarations/admin/campaign_form.html", {"form": form})


@access_required(is_policy_admin)
def campaign_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    if campaign.status != Campaign.Status.DRAFT:
        messages.error(request, "This campaign has been opened: its settings can no longer change.")
        return redirect("declarations:campaign", pk=campaign.pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = _save_campaign(request, form, campaign)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Campaign saved.")
            return redirect("declarations:campaign", pk=campaign.pk)
    return render(
        request, "declarations/admin/campaign_form.html", {"form": form, "campaign": campaign}
    )


@access_required(is_policy_admin)
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    versions = campaign.versions.select_related("policy").order_by("policy__title")
    statements = campaign.extra_statements.prefetch_related("departments").order_by("pk")
    context = {
        "campaign": campaign,
        "versions": versions,
        "statements": statements,
        "figures": completion_overall(campaign, timezone.now()),
        "departments": campaign.departments.order_by("name"),
        "is_draft": campaign.status == Campaign.Status.DRAFT,
        "scheduled": campaign.status == Campaign.Status.OPEN
        and campaign.opened_at
        and campaign.opened_at > timezone.now(),
    }
    context.update(_repeat_context(campaign))
    context.update(summary_schedule(campaign, timezone.now()))
    if campaign.status == Campaign.Status.DRAFT:
        context["audience_size"] = campaign_audience(campaign).count()
        context["statement_form"] = ExtraStatementForm()
    return render(request, "declarations/admin/campaign_detail.html", context)


def _repeat_context(campaign: Campaign) -> dict:
    """What the campaign page says about repeating: when next year's is prepared, whether this
    one opens by itself, and whether there is a repeat to stop."""
    now = timezone.now()
    prepared = getattr(campaign, "repeat", None)
    context: dict = {
        "prepared": prepared,
        "notice_days": REPEAT_NOTICE_DAYS,
        "opens_automatically": will_open_automatically(campaign),
    }
    context["can_stop_repeat"] = has_repeat_to_stop(campaign, prepared)
    if (
        campaign.repeat_of_id
        and campaign.status == Campaign.Status.DRAFT
        and not context["opens_automatically"]
        and not campaign.repeat_stopped_at
    ):
        # Still flagged: its opening date was moved to less notice than administrators had.
        context["not_automatic"] = "moved" if campaign.opens_automatically else "told"
    if campaign.repeats_yearly and prepared is None and campaign.status != Campaign.Status.DRAFT:
        next_opens = next_opening(campaign, now)[1]
        context["next_opens_at"] = next_opens
        context["next_prepared_on"] = timezone.localdate(prepared_from(next_opens))
    return context


@access_required(is_policy_admin)
def campaign_repeat_stop_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    repeat = _repeat_context(campaign)
    return _reason_page(
        request,
        campaign,
        allowed=repeat["can_stop_repeat"],
        refusal=NOT_REPEATING,
        form_class=CampaignRepeatStopForm,
        service=campaign_repeat_stop,
        done="Repeat stopped. Nothing more will be prepared or opened.",
        template="declarations/admin/campaign_repeat_stop.html",
        context=lambda: repeat,
    )


@access_required(is_policy_admin)
@require_POST
def campaign_open_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    try:
        campaign = campaign_open(campaign=campaign, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        # Opening sets when it opened (now, or the opening time if that is still ahead).
        assert campaign.opened_at is not None
        if campaign.opened_at > timezone.now():
            messages.success(
                request,
                f"Campaign scheduled: people will be asked on {long_datetime(campaign.opened_at)}.",
            )
        else:
            messages.success(
                request,
                "Campaign opened. Everyone in its audience is being asked to sign; "
                "this can take a few minutes for a large audience.",
            )
    return redirect("declarations:campaign", pk=campaign.pk)


def _reason_page(
    request: AuthenticatedRequest,
    campaign: Campaign,
    *,
    allowed: bool,
    refusal: str,
    form_class: type[CampaignCloseForm | CampaignReopenForm | CampaignRepeatStopForm],
    service: Callable[..., Campaign],
    done: str,
    template: str,
    context: Callable[[], dict],
) -> HttpResponse:
    """Closing, reopening and stopping a repeat: a page saying what it will do, then a reason,
    then the change. `context` gives what the page shows, read only when it is shown."""
    if not allowed:
        messages.error(request, refusal)
        return redirect("declarations:campaign", pk=campaign.pk)
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            service(
                campaign=campaign,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("declarations:campaign", pk=campaign.pk)
    shown = {"campaign": campaign, "form": form, **context()}
    return render(request, template, shown, status=400 if form.is_bound else 200)


def _closing_context(campaign: Campaign) -> dict:
    """What the close and reopen pages count: who is still to sign, as of now."""
    return {"outstanding": campaign_outstanding(campaign), "now": timezone.now()}


@access_required(is_policy_admin)
def campaign_close_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    return _reason_page(
        request,
        campaign,
        allowed=campaign.status == Campaign.Status.OPEN,
        refusal=ONLY_OPEN_CLOSES,
        form_class=CampaignCloseForm,
        service=campaign_close,
        done="Campaign closed. Nobody more will be asked or reminded.",
        template="declarations/admin/campaign_close.html",
        context=lambda: _closing_context(campaign),
    )


@access_required(is_policy_admin)
def campaign_reopen_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    return _reason_page(
        request,
        campaign,
        allowed=campaign.status == Campaign.Status.CLOSED,
        refusal=ONLY_CLOSED_REOPENS,
        form_class=CampaignReopenForm,
        service=campaign_reopen,
        done="Campaign reopened. Reminders start again from where they stopped, "
        "within a few minutes.",
        template="declarations/admin/campaign_reopen.html",
        context=lambda: _closing_context(campaign),
    )


@access_required(is_policy_admin)
@require_POST
def statement_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    form = ExtraStatementForm(request.POST)
    if form.is_valid():
        try:
            extra_statement_add(
                campaign=campaign, by=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Extra statement added.")
            return redirect("declarations:campaign", pk=campaign.pk)
    return render(
        request,
        "declarations/admin/statement_form.html",
        {"campaign": campaign, "form": form},
        status=400,
    )


@access_required(is_policy_admin)
@require_POST
def statement_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    statement = get_extra_statement_for_admin(request.user, pk)
    try:
        extra_statement_remove(statement=statement, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Extra statement “{statement.title}” removed.")
    return redirect("declarations:campaign", pk=statement.campaign_id)


@access_required(is_policy_admin, sensitive=True)
def campaign_people(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    form = PeopleFilterForm(request.GET or None)
    obligations = campaign.obligations.select_related("user__department")
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            obligations = obligations.filter(
                Q(user__full_name__icontains=query)
                | Q(user__email__icontains=query)
                | Q(user__staff_number__iexact=query)
            )
        if form.cleaned_data["status"]:
            obligations = obligations.filter(status=form.cleaned_data["status"])
    # By name, then the person (one obligation each): the order of the index on people, read
    # a page at a time from where the reader is, never counted (the figures are the totals).
    page = keyset_page(
        obligations,
        ordering=("user__full_name", "user_id"),
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=50,
        name="campaign_people",
    )
    query_string = request.GET.copy()
    query_string.pop(CURSOR_PARAMETER, None)
    return render(
        request,
        "declarations/admin/campaign_people.html",
        {
            "campaign": campaign,
            "form": form,
            "figures": completion_overall(campaign, timezone.now()),
            "page": page,
            "query": query_string.urlencode(),
            "now": timezone.now(),
        },
    )
