"""The DPO's pages about the register as a whole: the overview of what needs their attention,
and a group "as at a date". Both for the DPO and deputy only, each in a fixed number of
queries whatever the size of the register."""

from django.db.models import Count, Max, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from groups.access import get_group_for_dpo, is_dpo
from groups.as_at import group_as_at
from groups.forms.reports import AsAtForm
from groups.models import ChatGroup, Hold, Submission
from groups.reports import (
    NON_CONFIRMER_MISSES,
    NON_CONFIRMER_WINDOW,
    admins_not_confirming,
    monthly_chart,
    monthly_rates,
    persistent_non_confirmers,
)
from portal.access import AuthenticatedRequest, access_required

# Each list on the overview shows at most this many rows, with the total beside it: the
# overview says what needs attention; the register and each group's page hold the rest.
OVERVIEW_ROWS = 25


def _capped(rows) -> dict:
    """The first OVERVIEW_ROWS rows and how many there are in all: two queries."""
    return {"rows": list(rows[:OVERVIEW_ROWS]), "total": rows.count()}


def _capped_once(rows) -> dict:
    """As _capped, in one query, for a list whose query is too costly to run twice (the
    persistent non-confirmers rank a year of prompts): it holds at most one row per person and
    group, so reading it whole is cheaper than ranking twice."""
    every = list(rows)
    return {"rows": every[:OVERVIEW_ROWS], "total": len(every)}


@access_required(is_dpo, sensitive=True)
@require_GET
def overview(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    pending = Q(submissions__outcome=Submission.Outcome.PENDING)
    awaiting = (
        ChatGroup.objects.filter(status=ChatGroup.Status.SUBMITTED)
        .select_related("applicant")
        .annotate(sent_at=Max("submissions__submitted_at", filter=pending))
        .order_by("sent_at", "pk")
    )
    reviews_overdue = (
        ChatGroup.objects.approved()
        .filter(review_due_at__lt=now)
        .select_related("admin")
        .order_by("review_due_at", "pk")
    )
    needing_admin = (
        ChatGroup.objects.filter(needs_admin=True)
        .exclude(status=ChatGroup.Status.CLOSED)
        .select_related("deputy")
        .order_by("name", "pk")
    )
    holds = (
        Hold.objects.open()
        .annotate(
            notice_count=Count("notices", distinct=True),
            acknowledged=Count(
                "notices", filter=Q(notices__acknowledged_at__isnull=False), distinct=True
            ),
        )
        .prefetch_related(Prefetch("groups", queryset=ChatGroup.objects.only("pk", "name")))
        .order_by("placed_at", "pk")
    )
    months = monthly_rates(now)
    return render(
        request,
        "groups/reports/overview.html",
        {
            "now": now,
            "awaiting": _capped(awaiting),
            "reviews_overdue": _capped(reviews_overdue),
            "admins": _capped(admins_not_confirming(now)),
            "needing_admin": _capped(needing_admin),
            "holds": _capped(holds),
            "non_confirmers": _capped_once(persistent_non_confirmers(now)),
            "rule": {"misses": NON_CONFIRMER_MISSES, "window": NON_CONFIRMER_WINDOW},
            "months": months,
            "chart": monthly_chart(months),
            "shown": OVERVIEW_ROWS,
        },
    )


# The DPO and deputy only, not the group's admin: this page is the organisation's answer to a
# requester or a tribunal, and names everyone who was ever in the group on a past day (people
# who have left included), which the admin's own page does not. An answer given on the
# organisation's behalf comes from the DPO; an admin who needs it asks them.
@access_required(is_dpo, sensitive=True)
@require_GET
def as_at(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_dpo(request.user, pk)
    today = timezone.localdate()
    data = request.GET if "on" in request.GET else {"on": today.isoformat()}
    form = AsAtForm(data, group=group, today=today)
    record = group_as_at(group, form.cleaned_data["on"]) if form.is_valid() else None
    return render(
        request,
        "groups/reports/as_at.html",
        {"group": group, "form": form, "record": record, "printed_at": timezone.now()},
    )
