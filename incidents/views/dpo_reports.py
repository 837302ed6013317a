"""The DPO's figures on incidents over a year (incidents/dpo_reports.py), for the DPO and
deputy: a fixed number of queries whatever the number of incidents."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from incidents.access import is_dpo
from incidents.breach_register import Outcome
from incidents.dpo_reports import kind_chart, month_chart, year_figures
from incidents.forms.register import ReportYearForm
from portal.access import AuthenticatedRequest, access_required


@require_GET
@access_required(is_dpo, sensitive=True)
def dpo_reports(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    this_year = timezone.localdate(now).year
    form = ReportYearForm(request.GET if "year" in request.GET else None, this_year=this_year)
    year = form.cleaned_data["year"] if form.is_valid() else this_year
    figures = year_figures(year, now=now)
    return render(
        request,
        "incidents/reports/dpo.html",
        {
            "form": form,
            "figures": figures,
            "month_chart": month_chart(figures),
            "kind_chart": kind_chart(figures),
            "outcomes": Outcome,
            "now": now,
        },
    )
