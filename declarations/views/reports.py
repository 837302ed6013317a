"""Compliance reports: for policy administrators, each campaign's completion, who is outstanding
and a CSV of everyone; for line managers, their own team. Every page runs a fixed number of
queries whatever the number of staff (the figures are aggregates, the lists are paginated, the
export streams)."""

from collections.abc import Iterator
from functools import lru_cache, partial

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from declarations.access import can_see_my_team, get_campaign_for_admin, is_policy_admin
from declarations.events import DeclarationEvent
from declarations.forms import OutstandingFilterForm
from declarations.models import Campaign, Obligation, lateness_text, signed_late_by
from declarations.remindable import with_refusal
from declarations.reports import (
    OUTSTANDING_ORDER,
    Completion,
    campaign_report,
    figures_of,
    outstanding,
    outstanding_total,
    report_campaigns,
    team_completion,
    team_obligations,
)
from declarations.services.reports import campaign_report_pdf_export
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.charts import Bar, bar_chart
from portal.lib.csv_export import csv_export
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.lib.uktime import days_overdue, local_text_for_rows
from portal.models import EmploymentType

PAGE_SIZE = 50


def _chart(completions: list[Completion]) -> dict:
    return bar_chart(
        [
            Bar(c.label, c.percent, f"{c.percent}%" if c.asked else "nobody asked")
            for c in completions
        ],
        measure="per cent signed",
        caption="per cent of those asked who have signed",
    )


@access_required(is_policy_admin, sensitive=True)
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(report_campaigns(timezone.now()), 25).get_page(request.GET.get("page"))
    for campaign in page.object_list:
        campaign.figures = figures_of(campaign)
    return render(request, "declarations/reports/list.html", {"page": page})


@access_required(is_policy_admin, sensitive=True)
def report_campaign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    now = timezone.now()
    report = campaign_report(campaign, now)
    return render(
        request,
        "declarations/reports/campaign.html",
        {
            "campaign": campaign,
            "overall": report.overall,
            "by_department": report.by_department,
            "by_type": report.by_type,
            "department_chart": _chart(report.by_department),
            "type_chart": _chart(report.by_type),
            "now": now,
        },
    )


@access_required(is_policy_admin, sensitive=True)
def report_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The report as a PDF for leaders, with its chart; each download is on the record."""
    campaign = get_campaign_for_admin(request.user, pk)
    pdf = campaign_report_pdf_export(campaign=campaign, by=request.user, ip=client_ip(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localdate()
    name = f"{slugify(campaign.name) or 'campaign'}-report-{day:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@access_required(is_policy_admin, sensitive=True)
def report_outstanding(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    now = timezone.now()
    form = OutstandingFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    # Each row says, in the same query, whether it can be reminded now (its tick box).
    rows = with_refusal(outstanding(campaign, now=now, **filters), day=timezone.localdate(now))
    page = keyset_page(
        rows,
        ordering=OUTSTANDING_ORDER,
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=PAGE_SIZE,
        name="outstanding",
    )
    query = request.GET.copy()
    query.pop(CURSOR_PARAMETER, None)
    return render(
        request,
        "declarations/reports/outstanding.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "total": outstanding_total(campaign, now=now, **filters),
            "query": query.urlencode(),
            "show": filters.get("show", ""),
        },
    )


CSV_HEADER = [
    "Name",
    "Email",
    "Staff number",
    "Department",
    "Employment type",
    "Line manager",
    "Status",
    "Due (UK time)",
    "Signed (UK time)",
    "Signed late",
    "How late",
    "Days overdue",
    "Paused because",
    "Exempt until (UK date)",
    "Exempt because",
]


def _csv_rows(campaign: Campaign, now) -> Iterator[list]:
    yield CSV_HEADER
    types = dict(EmploymentType.choices)
    statuses = dict(Obligation.Status.choices)
    instant_text = local_text_for_rows()
    # A campaign's people share a handful of due dates (its own, extensions, new starters') and
    # exemption ends, so each is put into words once, not once for each of 250,000 rows.
    due_text = lru_cache(maxsize=1024)(instant_text)
    until_text = lru_cache(maxsize=1024)(local_text_for_rows("%Y-%m-%d"))
    overdue_by = lru_cache(maxsize=1024)(partial(days_overdue, now=now))
    rows = (
        Obligation.objects.filter(campaign=campaign, user__is_active=True)
        .order_by("user__department__name", "user__full_name", "pk")
        .values_list(
            "user__full_name",
            "user__email",
            "user__staff_number",
            "user__department__name",
            "user__employment_type",
            "user__line_manager__full_name",
            "status",
            "due_at",
            "signed_at",
            "paused_reason",
            "exempt_until",
            "exempt_reason",
        )
    )
    # These rows are read after the request's transaction has committed, so on PostgreSQL the
    # server-side cursor is declared WITH HOLD: the whole query (at 250,000 people about a
    # second, most of it the sort by department and name) runs before the first row comes back,
    # then rows come 2,000 at a time. The BOM and header have gone out by then, and a cursor
    # inside a transaction would save little: the sort must finish before any row either way.
    for row in rows.iterator(chunk_size=2000):
        name, email, number, dept, kind, manager, status, due, signed, paused, until, why = row
        # An exemption's fields stay on the row after it ends (the person's page shows it); the
        # CSV gives them only while the person is exempt, as the status says.
        exempt = status == Obligation.Status.EXEMPT
        overdue = overdue_by(due) if status == Obligation.Status.PENDING else ""
        late_by = signed_late_by(due, signed) if status == Obligation.Status.SIGNED else None
        yield [
            name,
            email,
            number,
            dept,
            types.get(kind, kind),
            manager,
            statuses.get(status, status),
            due_text(due),
            instant_text(signed),
            ("Yes" if late_by else "No") if status == Obligation.Status.SIGNED else "",
            lateness_text(late_by),
            overdue,
            paused,
            until_text(until) if exempt else "",
            why if exempt else "",
        ]


@access_required(is_policy_admin, sensitive=True)
def report_export(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    now = timezone.now()
    # A list of named people leaving the portal is worth a line in the audit trail.
    return csv_export(
        rows=_csv_rows(campaign, now),
        filename=f"{slugify(campaign.name) or 'campaign'}-{timezone.localdate(now):%Y-%m-%d}.csv",
        verb=DeclarationEvent.DECLARATION_REPORT_EXPORTED,
        by=request.user,
        obj=campaign,
        changes={"format": "csv"},
        ip=client_ip(request),
    )


@access_required(can_see_my_team, sensitive=True)
def my_team(request: AuthenticatedRequest) -> HttpResponse:
    """A line manager's own direct reports and where each stands; everyone else gets 403."""
    now = timezone.now()
    summaries = team_completion(request.user, now)
    # Each row says, in the same query, whether it can be reminded now (its button).
    rows = with_refusal(team_obligations(request.user), day=timezone.localdate(now))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "declarations/reports/my_team.html",
        {"summaries": summaries, "page": page, "now": now},
    )
