"""Reminders sent by hand ("Remind now"): a policy administrator's button on a person's page and
on the outstanding list (ticked people, or everyone the list shows, after a confirmation page),
and a line manager's button on My team. Every button is a POST; the services send and record."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from declarations.access import (
    can_see_my_team,
    get_campaign_for_admin,
    get_obligation_for_admin,
    get_obligation_for_line_manager,
    is_policy_admin,
)
from declarations.forms import (
    REMIND_TICKED,
    OutstandingFilterForm,
    RemindChoiceForm,
    RemindSendForm,
)
from declarations.models import Campaign, Obligation
from declarations.remindable import remind_plan
from declarations.reports import outstanding
from declarations.services.remind_now import obligation_remind_now, obligations_remind_now
from portal.access import AuthenticatedRequest, access_required, client_ip

SENT_ONE = (
    "Reminder sent to {name}. One reminder a day can be sent by hand; the scheduled reminders "
    "carry on as before."
)


def _remind_one(request: AuthenticatedRequest, obligation: Obligation) -> None:
    try:
        obligation_remind_now(obligation=obligation, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, SENT_ONE.format(name=obligation.user.full_name))


@access_required(is_policy_admin, sensitive=True)
@require_POST
def obligation_remind(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    obligation = get_obligation_for_admin(request.user, pk)
    _remind_one(request, obligation)
    return redirect("declarations:obligation", pk=obligation.pk)


@access_required(can_see_my_team, sensitive=True)
@require_POST
def team_remind(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A line manager reminds one of their own team; anyone else's obligation is a 404."""
    obligation = get_obligation_for_line_manager(request.user, pk)
    _remind_one(request, obligation)
    return redirect("declarations:my_team")


def _back_to_list(campaign: Campaign, form: OutstandingFilterForm) -> HttpResponseRedirect:
    """To the outstanding list, with the filter it had (only values the filter accepts)."""
    url = reverse("declarations:report_outstanding", args=[campaign.pk])
    # Only the fields that were valid are in cleaned_data (is_valid has been called).
    cleaned = getattr(form, "cleaned_data", {})
    query = {name: cleaned[name] for name in ("department", "show") if cleaned.get(name)}
    return redirect(f"{url}?{urlencode(query)}" if query else url)


# A bulk send reminds those due soonest first (the page says so): when more can be reminded
# than one send takes, the most pressing go first. The list itself is by name, to page it.
REMIND_ORDER = ("due_at", "user__full_name", "pk")


def _selection(campaign: Campaign, form: RemindChoiceForm) -> QuerySet[Obligation]:
    now = timezone.now()
    if form.cleaned_data["scope"] == REMIND_TICKED:
        rows = Obligation.objects.filter(campaign=campaign, pk__in=form.cleaned_data["obligation"])
    else:
        rows = outstanding(campaign, now=now, **form.filters())
    return rows.order_by(*REMIND_ORDER)


@access_required(is_policy_admin, sensitive=True)
@require_POST
def remind_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """What a bulk reminder would do: how many would be reminded, how many not and why. Changes
    nothing; its button sends (remind_send)."""
    campaign = get_campaign_for_admin(request.user, pk)
    form = RemindChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back_to_list(campaign, form)
    plan = remind_plan(_selection(campaign, form), day=timezone.localdate())
    send_form = RemindSendForm(
        initial={
            "obligation": [row.pk for row in plan.chosen],
            "department": form.cleaned_data["department"],
            "show": form.cleaned_data["show"],
        }
    )
    return render(
        request,
        "declarations/reports/remind_confirm.html",
        {
            "campaign": campaign,
            "plan": plan,
            "form": send_form,
            "back": _back_to_list(campaign, form)["Location"],
        },
    )


@access_required(is_policy_admin, sensitive=True)
@require_POST
def remind_send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    form = RemindSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back_to_list(campaign, form)
    try:
        result = obligations_remind_now(
            campaign=campaign,
            obligation_ids=form.cleaned_data["obligation"],
            by=request.user,
            ip=client_ip(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_list(campaign, form)
    sent = len(result.sent)
    text = f"{sent} reminder{'' if sent == 1 else 's'} sent."
    if result.skipped_count:
        text += f" Not reminded: {result.skipped_text}."
    (messages.success if sent else messages.warning)(request, text)
    return _back_to_list(campaign, form)
