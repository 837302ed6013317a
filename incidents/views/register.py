"""The breach register for the DPO and deputy: every personal data breach, told to the ICO or
not, filtered and paged; and its CSV export, streamed and on the record. Both are marked
OFFICIAL-SENSITIVE and never stored by a browser or proxy."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from incidents.access import is_dpo
from incidents.breach_register import (
    ORDERING,
    Outcome,
    breach_rows,
    effects,
    filter_breaches,
    people,
)
from incidents.events import IncidentEvent
from incidents.forms.register import BreachFilterForm
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.csv_export import csv_export
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.lib.uktime import local_text_for_rows

# A breach's row is long (its facts, effects, actions and decision): a page of 25 reads well.
PAGE_SIZE = 25
MARKING = "OFFICIAL-SENSITIVE"


def _filtered(request: AuthenticatedRequest, now: datetime):
    form = BreachFilterForm(request.GET or None, this_year=timezone.localdate(now).year)
    return form, filter_breaches(breach_rows(now=now), form.filters())


@require_GET
@access_required(is_dpo, sensitive=True)
def breach_register(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    form, rows = _filtered(request, now)
    page = keyset_page(
        rows,
        ordering=ORDERING,
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=PAGE_SIZE,
        name="breach-register",
    )
    for breach in page.object_list:
        breach.effects_in_words = effects(breach)
        breach.people = people(breach)
        breach.outcome_label = Outcome(breach.outcome).label
    query = urlencode(form.filters())
    return render(
        request,
        "incidents/register/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filtered": bool(query),
            "outcomes": Outcome,
        },
    )


HEADER = [
    "Reference",
    "Kind",
    "Status",
    "Happened (UK time)",
    "Discovered (UK time)",
    "Organisation aware (UK time)",
    "ICO deadline (UK time)",
    "What happened",
    "Law",
    "Personal data involved",
    "Records",
    "People affected",
    "People affected (reporter's estimate)",
    "Who they are",
    "Confidentiality, integrity, availability",
    "Risk to people",
    "Why that risk",
    "Likely consequences",
    "Contained by",
    "Actions (owner, due, done)",
    "Where it stands with the ICO",
    "Decision on telling the ICO",
    "Reasons",
    "Decided (UK time)",
    "Decided by",
    "ICO case reference",
    "Told the ICO (UK time)",
    "Told late",
    "Past the deadline, ICO not told",
    "Why late",
    "People affected told",
    "Told when and how, or why not",
    "Lessons learned",
]


def _yes_no(value: bool | None, undecided: str = "Not decided") -> str:
    return undecided if value is None else "Yes" if value else "No"


def _export_rows(rows, *, by: str, filters: list[str], now: datetime) -> Iterator[list]:
    """The export's lines; `filters` in words, as the first line records them."""
    when = local_text_for_rows(with_zone=True)  # 01:30 GMT and BST are an hour apart
    described = "; ".join(filters) or "none"
    yield [
        MARKING,
        f"Breach register exported {when(now)} by {by}. Filters: {described}. "
        "Share only with those who need to know.",
    ]
    yield HEADER
    outcomes = dict(Outcome.choices)
    breach: Any  # an Assessment with the register's annotations and prefetched actions
    for breach in rows.order_by(*ORDERING).iterator(chunk_size=500):
        incident = breach.incident
        touched = effects(breach)
        actions = "; ".join(
            f"{action.description} ({action.owner.full_name}, due {when(action.due_at)}, "
            + (f"done {when(action.done_at)})" if action.done_at else "not done)")
            for action in incident.register_actions
        )
        if breach.subjects_told:
            told = f"{when(breach.subjects_told_at)} {breach.subjects_told_how}".strip()
        else:
            told = breach.subjects_not_told_reasons
        yield [
            incident.reference,
            incident.get_kind_display(),
            incident.get_status_display(),
            when(incident.happened_at),
            when(incident.discovered_at),
            when(breach.aware_at),
            when(breach.ico_deadline_at),
            incident.description,
            breach.get_regime_display(),
            "; ".join(touched.data),
            breach.records_count,
            breach.people_count,
            incident.people_affected,
            "; ".join(touched.people),
            "; ".join(touched.security),
            breach.get_risk_display(),
            breach.risk_reasons,
            breach.consequences,
            breach.containment_summary,
            actions,
            outcomes[breach.outcome],
            _yes_no(breach.notify_ico),
            breach.notify_reasons,
            when(breach.notify_decided_at),
            breach.notify_decided_by.full_name if breach.notify_decided_by else "",
            breach.ico_reference,
            when(breach.ico_notified_at),
            "Yes" if breach.outcome == Outcome.NOTIFIED_LATE else "No",
            "Yes" if breach.overdue else "No",
            breach.late_reasons,
            _yes_no(breach.subjects_told),
            told,
            breach.lessons_learned,
        ]
        _let_go(breach)


def _let_go(breach: Any) -> None:
    """Break the links Django made both ways (the assessment and its incident; each action
    and its incident), so that the row is freed as soon as it is written. Left alone, they are
    reference cycles that only Python's full garbage collection frees, and it runs so rarely
    that an export would hold every breach it had written until the end."""
    incident = breach.incident
    for action in incident.register_actions:
        action._state.fields_cache.clear()
    incident._state.fields_cache.clear()
    del incident.register_actions


@require_GET
@access_required(is_dpo)
def breach_register_csv(request: AuthenticatedRequest):
    now = timezone.now()
    form, rows = _filtered(request, now)
    filters = form.filters()
    return csv_export(
        rows=_export_rows(
            rows, by=request.user.full_name, filters=form.filters_in_words(), now=now
        ),
        filename=f"{MARKING}-breach-register-{timezone.localdate(now):%Y-%m-%d}.csv",
        verb=IncidentEvent.BREACH_REGISTER_EXPORTED,
        by=request.user,
        changes={"filters": filters},
        ip=client_ip(request),
    )
