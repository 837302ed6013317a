"""The DPO's figures on incidents over a UK calendar year: reports by kind and month, how long
people took to report what they had found, how long the DPO took to decide on telling the ICO,
and how many breaches were told to the ICO late or not yet. Each figure is one aggregate query
whatever the number of incidents.

Months and years are UK ones: a report made at 00:30 on 1 April (British Summer Time, 23:30
on 31 March in UTC) counts in April.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
)
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone

from incidents.breach_register import Outcome, breaches, year_bounds
from incidents.kinds import Kind
from incidents.models import Incident
from portal.lib.charts import Bar, bar_chart


class Median(Aggregate):
    """The middle value (halfway between the two middle ones for an even count). PostgreSQL
    has it as an ordered-set aggregate; SQLite (the laptop default) gets MEDIAN from
    `sqlite_median` below, added to each connection as it opens."""

    function = "MEDIAN"
    name = "Median"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra_context,
        )


class _SqliteMedian:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return median(self.values) if self.values else None


def sqlite_median(sender, connection, **kwargs) -> None:
    """connection_created receiver: MEDIAN(x) for SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)


def _between(first: str, then: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(then) - F(first), output_field=DurationField())


@dataclass(frozen=True)
class Timing:
    count: int
    median: timedelta | None
    longest: timedelta | None

    @property
    def median_text(self) -> str:
        return length_in_words(self.median)

    @property
    def longest_text(self) -> str:
        return length_in_words(self.longest)


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    months: list[int]
    total: int
    timing: Timing


@dataclass(frozen=True)
class BreachCounts:
    total: int
    notified: int
    late: int
    not_notified: int
    to_notify: int
    undecided: int
    # Past the deadline with the ICO not told (nor decided against), whatever the year the
    # organisation became aware: a breach from last year still waiting is still overdue.
    overdue: int


@dataclass(frozen=True)
class YearFigures:
    year: int
    months: list[date]  # the first day of each month
    kinds: list[KindRow]  # every kind, reported or not
    month_totals: list[int]
    total: int
    reporting: Timing  # discovery to report, every kind
    deciding: Timing  # awareness to the decision on the ICO, breaches
    breaches: BreachCounts

    @property
    def month_labels(self) -> list[str]:
        return [formats.date_format(month, "YEAR_MONTH_FORMAT") for month in self.months]

    @property
    def month_columns(self) -> list[tuple[str, int]]:
        return list(zip(self.month_labels, self.month_totals, strict=True))


def _month_index(value: date | datetime) -> int:
    # TruncMonth in the UK zone gives an aware datetime on PostgreSQL and SQLite alike.
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.month - 1


def year_figures(year: int, *, now: datetime) -> YearFigures:
    """Every figure of the DPO's page for one UK year: six queries."""
    start, end = year_bounds(year)
    reported = Incident.objects.filter(reported_at__gte=start, reported_at__lt=end)
    by_kind: dict[str, list[int]] = {kind: [0] * 12 for kind in Kind.values}
    for row in (
        reported.annotate(month=TruncMonth("reported_at", tzinfo=timezone.get_current_timezone()))
        .values("kind", "month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_kind.setdefault(row["kind"], [0] * 12)[_month_index(row["month"])] += row["n"]

    delay = _between("discovered_at", "reported_at")
    timings = {
        row["kind"]: Timing(row["n"], row["median"], row["longest"])
        for row in reported.values("kind")
        .annotate(n=Count("pk"), median=Median(delay), longest=Max(delay))
        .order_by()
    }
    overall = reported.aggregate(n=Count("pk"), median=Median(delay), longest=Max(delay))

    aware_in_year = breaches(now=now).filter(aware_at__gte=start, aware_at__lt=end)
    decision = _between("aware_at", "notify_decided_at")
    decided = aware_in_year.filter(notify_decided_at__isnull=False).aggregate(
        n=Count("pk"), median=Median(decision), longest=Max(decision)
    )
    counts: dict[str, int] = {outcome: 0 for outcome in Outcome}
    for row in aware_in_year.values("outcome").annotate(n=Count("pk")).order_by():
        counts[row["outcome"]] += row["n"]
    overdue = breaches(now=now).filter(overdue=True).count()

    labels = dict(Kind.choices)
    none = Timing(0, None, None)
    kinds = [
        KindRow(kind, str(labels.get(kind, kind)), months, sum(months), timings.get(kind, none))
        for kind, months in by_kind.items()
    ]
    month_totals = [sum(row.months[i] for row in kinds) for i in range(12)]
    return YearFigures(
        year=year,
        months=[date(year, month, 1) for month in range(1, 13)],
        kinds=kinds,
        month_totals=month_totals,
        total=sum(month_totals),
        reporting=Timing(overall["n"], overall["median"], overall["longest"]),
        deciding=Timing(decided["n"], decided["median"], decided["longest"]),
        breaches=BreachCounts(
            total=sum(counts.values()),
            notified=counts[Outcome.NOTIFIED],
            late=counts[Outcome.NOTIFIED_LATE],
            not_notified=counts[Outcome.NOT_NOTIFIED],
            to_notify=counts[Outcome.TO_NOTIFY],
            undecided=counts[Outcome.UNDECIDED],
            overdue=overdue,
        ),
    )


def _bars(pairs: list[tuple[str, int]]) -> list[Bar]:
    most = max((n for _, n in pairs), default=0)
    return [Bar(label, n * 100 // most if most else 0, f"{n:,}") for label, n in pairs]


def month_chart(figures: YearFigures) -> dict:
    return bar_chart(
        _bars(figures.month_columns),
        measure="incidents reported",
        caption=f"incidents reported in each month of {figures.year} (UK time), every kind",
    )


def kind_chart(figures: YearFigures) -> dict:
    return bar_chart(
        _bars([(row.label, row.total) for row in figures.kinds]),
        measure="incidents reported",
        caption=f"incidents reported in {figures.year} (UK time), by kind",
    )


def length_in_words(value: timedelta | None) -> str:
    """A length of time as people say it: minutes, hours, or days and hours past two days."""
    if value is None:
        return ""
    minutes = max(round(value.total_seconds() / 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days >= 2:
        parts = [(days, "day"), (hours, "hour")]
    else:
        parts = [(hours + days * 24, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words) or "under a minute"
