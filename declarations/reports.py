"""The figures behind every page that counts a campaign, each one aggregate query whatever the
number of staff. This is the one definition; the campaign list, a campaign's page and its people,
the reports and My team all count through it, so each shows the same figure.

- Only active people count: someone who has left is neither signed nor outstanding.
- "Asked" is everyone still expected to sign: to sign, or signed.
- "Signed" splits into on time and late (models.signed_late: after the person's own due date).
- "Not signed" (pending) is asked but not yet signed; "overdue" is those past their due date.
- Paused obligations (long-term absence) are shown apart and left out of the percentage;
  so are exempt ones (excused until a date by an administrator: declarations.services.
  exemptions), each their own figure; obligations no longer required are not counted at all.

On PostgreSQL a campaign's figures are read from its tally (models.CampaignTally, kept by
triggers in the same transaction as every change), a few rows whatever the number of staff;
elsewhere (SQLite, for `make run`) they are counted from the obligations. Both give the same
figures: declarations/tests/test_tally.py changes obligations and people at random and
compares them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from declarations.models import Campaign, CampaignTally, Obligation, signed_late
from portal.models import Department, EmploymentType, User

PENDING = Obligation.Status.PENDING
SIGNED = Obligation.Status.SIGNED
PAUSED = Obligation.Status.PAUSED
EXEMPT = Obligation.Status.EXEMPT


@dataclass(frozen=True)
class _Figure:
    """Which obligations a figure counts: those in `statuses`, and only those signed late
    (`late`) or past their due date (`past_due`) where it says so."""

    statuses: tuple[str, ...]
    late: bool = False
    past_due: bool = False


# The one definition of each figure, read by every way of counting below (annotations on a
# row or a campaign, by these names).
_DEFINITIONS = {
    "asked": _Figure((PENDING, SIGNED)),
    "signed": _Figure((SIGNED,)),
    "signed_late": _Figure((SIGNED,), late=True),
    "pending": _Figure((PENDING,)),
    "overdue": _Figure((PENDING,), past_due=True),
    "paused": _Figure((PAUSED,)),
    "exempt": _Figure((EXEMPT,)),
}
FIGURES = tuple(_DEFINITIONS)


@dataclass(frozen=True)
class Completion:
    label: str
    asked: int
    signed: int
    pending: int
    overdue: int
    paused: int
    exempt: int = 0
    signed_late: int = 0
    key: str = ""

    @property
    def signed_on_time(self) -> int:
        return self.signed - self.signed_late

    @property
    def percent(self) -> int:
        return percent_signed(self.signed, self.asked)


def percent_signed(signed: int, asked: int) -> int:
    """Whole per cent signed, rounded down: 100% only when everyone has signed."""
    return signed * 100 // asked if asked else 0


def _counts(now: datetime, prefix: str = "") -> dict[str, Count]:
    """The figures as aggregates over obligations, reached through `prefix` ("obligations__"
    from a campaign). Only active people's obligations count."""

    def q(**lookups: Any) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    def count(figure: _Figure) -> Count:
        where = q(user__is_active=True, status__in=figure.statuses)
        if figure.late:
            where &= signed_late(prefix)
        if figure.past_due:
            where &= q(due_at__lte=now)
        return Count(f"{prefix}pk", filter=where)

    return {name: count(figure) for name, figure in _DEFINITIONS.items()}


def _completion(label: str, row: dict, key: str = "") -> Completion:
    return Completion(label=label, key=key, **{name: row[name] for name in FIGURES})


def tallied() -> bool:
    """Whether the database keeps the campaign tally (PostgreSQL: migration 0012's triggers)."""
    return connection.vendor == "postgresql"


def _tally_sums(now: datetime) -> dict[str, Coalesce]:
    """The figures as _counts gives them, from the tally: for each, a subquery beside each
    campaign summing its matching tally rows."""

    def total(figure: _Figure) -> Coalesce:
        rows = CampaignTally.objects.filter(campaign=OuterRef("pk"), status__in=figure.statuses)
        if figure.late:
            rows = rows.filter(late=True)
        if figure.past_due:
            rows = rows.filter(due_at__lte=now)
        summed = rows.order_by().values("campaign").annotate(total=Sum("n")).values("total")
        return Coalesce(Subquery(summed), 0)

    return {name: total(figure) for name, figure in _DEFINITIONS.items()}


def _tally_figures(rows: Iterable[tuple[str, bool, datetime, int]], now: datetime) -> dict:
    """The figures from tally rows (status, late, due_at, n), in Python."""
    figures = dict.fromkeys(FIGURES, 0)
    for status, late, due_at, n in rows:
        for name, figure in _DEFINITIONS.items():
            if (
                status in figure.statuses
                and (late or not figure.late)
                and (due_at <= now or not figure.past_due)
            ):
                figures[name] += n
    return figures


def with_figures(campaigns: QuerySet[Campaign], now: datetime) -> QuerySet[Campaign]:
    """Campaigns, each annotated with its figures in the same query (read with figures_of)."""
    if tallied():
        return campaigns.annotate(**_tally_sums(now))
    return campaigns.annotate(**_counts(now, "obligations__"))


def figures_of(campaign: Campaign) -> Completion:
    """The figures of a campaign from with_figures."""
    return _completion(campaign.name, {name: getattr(campaign, name) for name in FIGURES})


def counted_obligations(campaign: Campaign) -> QuerySet[Obligation]:
    return Obligation.objects.filter(campaign=campaign, user__is_active=True)


def completion_overall(campaign: Campaign, now: datetime) -> Completion:
    if tallied():
        rows = CampaignTally.objects.filter(campaign=campaign).values_list(
            "status", "late", "due_at", "n"
        )
        return _completion("Everyone", _tally_figures(rows, now))
    return _completion("Everyone", counted_obligations(campaign).aggregate(**_counts(now)))


def completion_of_department(
    campaign: Campaign, department_id: int | None, now: datetime
) -> Completion:
    """One department's figures (None: people with no department). One query."""
    if tallied():
        rows = CampaignTally.objects.filter(
            campaign=campaign, department_id=department_id or 0
        ).values_list("status", "late", "due_at", "n")
        return _completion("", _tally_figures(rows, now), key=str(department_id or ""))
    counted = counted_obligations(campaign)
    if department_id is None:
        counted = counted.filter(user__department__isnull=True)
    else:
        counted = counted.filter(user__department_id=department_id)
    return _completion("", counted.aggregate(**_counts(now)), key=str(department_id or ""))


def _counted_by_department(campaign: Campaign, now: datetime) -> list[Completion]:
    rows = (
        counted_obligations(campaign)
        .values("user__department_id", "user__department__name")
        .annotate(**_counts(now))
    )
    names = {row["user__department_id"]: row["user__department__name"] for row in rows}
    return _by_department({row["user__department_id"]: row for row in rows}, names)


def _counted_by_type(campaign: Campaign, now: datetime) -> list[Completion]:
    rows = counted_obligations(campaign).values("user__employment_type").annotate(**_counts(now))
    return _by_type({row["user__employment_type"]: row for row in rows})


def _counted(row: dict) -> bool:
    """A group worth a line: someone in it is counted (not only people no longer required)."""
    return any(row[name] for name in FIGURES)


def _by_department(found: dict[int | None, dict], names: dict[int | None, str]) -> list[Completion]:
    """A line per department, by name, with "No department" (None) last."""
    order = sorted(found, key=lambda pk: (pk is None, names.get(pk) or "", pk or 0))
    return [
        _completion(names.get(pk) or "No department", found[pk], key=str(pk or ""))
        for pk in order
        if _counted(found[pk])
    ]


def _by_type(found: dict[str, dict]) -> list[Completion]:
    labels = dict(EmploymentType.choices)
    # In the order the portal lists employment types, not alphabetical by code.
    return [
        _completion(labels[value], found[value], key=value)
        for value, _ in EmploymentType.choices
        if value in found and _counted(found[value])
    ] + [
        _completion(value or "Not recorded", row, key=value)
        for value, row in found.items()
        if value not in labels and _counted(row)
    ]


@dataclass(frozen=True)
class CampaignReport:
    """What a campaign's report shows, as the page and its PDF both read it."""

    overall: Completion
    by_department: list[Completion]
    by_type: list[Completion]


def campaign_report(campaign: Campaign, now: datetime) -> CampaignReport:
    """Everything a report counts: from the tally, two queries (its rows and the names of
    their departments) whatever the number of staff; counted live, three."""
    if not tallied():
        return CampaignReport(
            overall=completion_overall(campaign, now),
            by_department=_counted_by_department(campaign, now),
            by_type=_counted_by_type(campaign, now),
        )
    rows = list(
        CampaignTally.objects.filter(campaign=campaign).values_list(
            "department_id", "employment_type", "status", "late", "due_at", "n"
        )
    )
    by_department: dict[int | None, list] = defaultdict(list)
    by_type: dict[str, list] = defaultdict(list)
    for department_id, kind, *counted in rows:
        by_department[department_id or None].append(counted)
        by_type[kind].append(counted)
    ids = [pk for pk in by_department if pk is not None]
    names: dict[int | None, str] = {}
    if ids:
        names.update(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    return CampaignReport(
        overall=_completion("Everyone", _tally_figures((r[2:] for r in rows), now)),
        by_department=_by_department(
            {pk: _tally_figures(group, now) for pk, group in by_department.items()}, names
        ),
        by_type=_by_type({kind: _tally_figures(group, now) for kind, group in by_type.items()}),
    )


# Who has not signed, by name: the order of the index on people (full_name, id), which the
# join serves a page at a time (one obligation per person in a campaign). Soonest due first
# would sort every outstanding row on each page; the "overdue" filter shows who is late.
OUTSTANDING_ORDER = ("user__full_name", "user_id")


def outstanding(
    campaign: Campaign,
    *,
    now: datetime,
    department_id: int | None = None,
    no_department: bool = False,
    show: str = "",
) -> QuerySet[Obligation]:
    """Who has not signed, by name (OUTSTANDING_ORDER), with what each row shows fetched in
    the query.

    `show` is "" (everyone not signed: to sign and paused), "overdue", "paused" or "exempt".
    Exempt people are not outstanding: they are listed only when asked for, apart.
    """
    rows = counted_obligations(campaign)
    if show == "overdue":
        rows = rows.filter(status=PENDING, due_at__lte=now)
    elif show == "paused":
        rows = rows.filter(status=PAUSED)
    elif show == "exempt":
        rows = rows.filter(status=EXEMPT)
    else:
        rows = rows.filter(status__in=[PENDING, PAUSED])
    if no_department:
        rows = rows.filter(user__department__isnull=True)
    elif department_id:
        rows = rows.filter(user__department_id=department_id)
    return rows.select_related("user__department", "user__line_manager").order_by(
        *OUTSTANDING_ORDER
    )


def outstanding_total(
    campaign: Campaign,
    *,
    now: datetime,
    department_id: int | None = None,
    no_department: bool = False,
    show: str = "",
) -> int:
    """How many outstanding() lists with the same filter, read from the figures (the
    campaign's, or its department's), so that the list says it without counting its rows."""
    if department_id or no_department:
        figures = completion_of_department(campaign, None if no_department else department_id, now)
    else:
        figures = completion_overall(campaign, now)
    apart = {"overdue": figures.overdue, "paused": figures.paused, "exempt": figures.exempt}
    return apart.get(show, figures.pending + figures.paused)


def report_campaigns(now: datetime) -> QuerySet[Campaign]:
    """Campaigns that have been opened, newest first, each with its figures (figures_of)."""
    return with_figures(
        Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("-opens_at", "-pk"), now
    )


def team_obligations(manager: User) -> QuerySet[Obligation]:
    """The manager's own active direct reports, in every campaign that has been opened:
    open campaigns first, then the most recent; within each, soonest due first."""
    return (
        Obligation.objects.filter(
            user__line_manager=manager,
            user__is_active=True,
            campaign__status__in=[Campaign.Status.OPEN, Campaign.Status.CLOSED],
        )
        .exclude(status=Obligation.Status.WITHDRAWN)
        .select_related("campaign", "user__department", "declaration")
        .order_by("-campaign__opens_at", "campaign_id", "status", "due_at", "user__full_name")
    )


def team_completion(manager: User, now: datetime) -> list[Completion]:
    """Per campaign, the figures for the manager's own reports (one query)."""
    rows = (
        Obligation.objects.filter(
            user__line_manager=manager,
            user__is_active=True,
            campaign__status__in=[Campaign.Status.OPEN, Campaign.Status.CLOSED],
        )
        .values("campaign_id", "campaign__name", "campaign__status")
        .annotate(**_counts(now))
        .order_by("-campaign__opens_at", "campaign_id")
    )
    return [
        _completion(
            row["campaign__name"]
            + (" (closed)" if row["campaign__status"] == Campaign.Status.CLOSED else ""),
            row,
            key=str(row["campaign_id"]),
        )
        for row in rows
    ]
