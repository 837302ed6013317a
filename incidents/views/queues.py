"""Each receiving role's queue of what is theirs: open before closed, then what most needs them
(the helpdesk's unfinished part; the DPO's untriaged reports and running clocks, soonest
deadline first), then newest first. Filtered, paged by keyset, a fixed number of queries."""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from incidents.access import get_queue_for_user
from incidents.forms.queues import OPEN, QueueFilterForm
from incidents.ico_clock import ico_clock_running
from incidents.kinds import Handler, Kind, kinds_for
from incidents.models import ROUTE_FIELDS, Incident
from portal.access import AuthenticatedRequest
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.lib.sensitive import sensitive_page
from portal.lib.uktime import start_of_day
from portal.models import User
from portal.registry import Fragment

PAGE_SIZE = 50

# A deadline for rows with no clock running, so they sort after every real one (the keyset's
# columns must never be NULL).
_NO_DEADLINE = datetime(9999, 1, 1, tzinfo=UTC)

TITLES = {
    Handler.HELPDESK: "Helpdesk incidents",
    Handler.DPO: "Incidents for the DPO",
    Handler.PSD: "Professional Standards incidents",
    Handler.LINE_MANAGER: "My team's incident reports",
    Handler.CHIEF_EXECUTIVE: "Online content reports",
}

INTROS = {
    Handler.HELPDESK: "Lost, stolen and faulty devices, compromised passwords and suspected "
    "viruses. Open reports come first, those whose helpdesk part is not finished at the top.",
    Handler.DPO: "Everything sent or referred to the DPO. Reports not yet triaged come first, "
    "then the ICO deadlines that run out soonest.",
    Handler.PSD: "Reports of inappropriate content received by members of staff.",
    Handler.LINE_MANAGER: "Reports of unsuitable material opened by accident by people you "
    "manage. Talk to the person, then close the report with what was decided.",
    Handler.CHIEF_EXECUTIVE: "Reports of content online about the organisation.",
}


def _kinds(handler: Handler) -> list[Kind]:
    # Anything can reach the DPO: by referral, or a report of unsuitable material from someone
    # with no line manager.
    return list(Kind) if handler == Handler.DPO else kinds_for(handler)


def queue_rows(user: User, handler: Handler) -> tuple[QuerySet[Incident], tuple[str, ...]]:
    """This handler's incidents with their sort columns, and the keyset ordering."""
    if handler == Handler.LINE_MANAGER:
        rows = Incident.objects.filter(to_manager=True, line_manager_id=user.pk)
    else:
        # What reached the role, less the person's own reports, as access.handler_roles: a
        # manager who reported for their team member handles it as the manager only (their
        # queue above), never as, say, the DPO.
        rows = Incident.objects.filter(**{ROUTE_FIELDS[handler]: True}).exclude(
            Q(reported_by_id=user.pk) | Q(reported_for_id=user.pk)
        )
    rows = rows.select_related("reported_by", "reported_for").annotate(
        closed_rank=Case(
            When(status=Incident.Status.CLOSED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    if handler == Handler.HELPDESK:
        rows = rows.annotate(
            done_rank=Case(
                When(helpdesk_done_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        return rows, ("closed_rank", "done_rank", "-reported_at", "-pk")
    if handler == Handler.DPO:
        rows = rows.select_related("assessment").annotate(
            triage_rank=Case(
                When(
                    Q(assessment__isnull=True) | Q(assessment__is_breach__isnull=True),
                    then=Value(0),
                ),
                default=Value(1),
                output_field=IntegerField(),
            ),
            # The deadline while the clock runs, by the rule the page and the alerts keep.
            clock_deadline=Case(
                When(
                    ico_clock_running(on_incidents=True),
                    then=F("assessment__ico_deadline_at"),
                ),
                default=None,
                output_field=DateTimeField(),
            ),
            deadline_rank=Coalesce(
                "clock_deadline", Value(_NO_DEADLINE), output_field=DateTimeField()
            ),
        )
        return rows, ("closed_rank", "triage_rank", "deadline_rank", "-reported_at", "-pk")
    return rows, ("closed_rank", "-reported_at", "-pk")


def _filtered(rows: QuerySet[Incident], data: dict) -> QuerySet[Incident]:
    if reference := data["q"].strip():
        rows = rows.filter(reference__icontains=reference)
    if data["kind"]:
        rows = rows.filter(kind=data["kind"])
    if data["status"] == OPEN:
        rows = rows.exclude(status=Incident.Status.CLOSED)
    elif data["status"]:
        rows = rows.filter(status=data["status"])
    if data["reported_from"]:
        rows = rows.filter(reported_at__gte=start_of_day(data["reported_from"]))
    if data["reported_to"] and data["reported_to"] < date.max:
        rows = rows.filter(reported_at__lt=start_of_day(data["reported_to"] + timedelta(days=1)))
    return rows


@require_GET
@sensitive_page
@login_required
def queue(request: AuthenticatedRequest, handler: str) -> HttpResponse:
    which = get_queue_for_user(request.user, handler)
    form = QueueFilterForm(
        request.GET or None, kinds=_kinds(which), statuses=Incident.Status.choices
    )
    rows, ordering = queue_rows(request.user, which)
    kept = {}
    if form.is_valid():
        rows = _filtered(rows, form.cleaned_data)
        kept = {key: value for key, value in request.GET.items() if key in form.fields and value}
    page = keyset_page(
        rows,
        ordering=ordering,
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=PAGE_SIZE,
        name=f"incident-queue-{handler}",
    )
    return render(
        request,
        "incidents/handling/queue.html",
        {
            "handler": which,
            "title": TITLES[which],
            "intro": INTROS[which],
            "form": form,
            "page": page,
            "total": rows.count(),
            "query": urlencode(kept),
            "now": timezone.now(),
            "filtered": bool(kept),
        },
    )


def team_panel(request: AuthenticatedRequest) -> Fragment:
    """On the dashboard of anyone a report was ever routed to as line manager: how many are
    open, and a link to them all (the closed ones too: the queue is found nowhere else).
    Nothing for anyone else. One query."""
    counts = Incident.objects.filter(to_manager=True, line_manager_id=request.user.pk).aggregate(
        ever=Count("pk"), waiting=Count("pk", filter=~Q(status=Incident.Status.CLOSED))
    )
    if not counts["ever"]:
        return None
    return ("incidents/handling/_team_panel.html", {"waiting": counts["waiting"]})
