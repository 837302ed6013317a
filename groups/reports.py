"""The figures the DPO and a group's admin read about clear-downs: confirmation rates, persistent
non-confirmers, admins not confirming that they posted the prompt, and a monthly series for a
chart. Each is one aggregate query whatever the number of groups, members and cycles; this is
the one definition, so the group page and the DPO's overview always agree.

What counts towards a rate (a "counted prompt"): a member asked in a PROMPTED cycle that
  - opened in the last 12 months,
  - is past its deadline (so a member still inside the week is not yet "unconfirmed"; a closed
    period is always past its deadline, which falls before the period's end), and
  - was not withdrawn: a prompt withdrawn because a hold was placed told people NOT to delete,
    so not confirming it counts against nobody.
MISSED periods (the scheduler was down) and SKIPPED ones (a hold was open) asked nobody, so
they have no prompts and count neither way. A member who joined mid-year is rated on the
prompts they were actually sent; a confirmation given after the deadline still counts as
confirmed (the chat was cleared; lateness is the reminders' business).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import formats, timezone

from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt, Membership
from portal.lib.charts import Bar, bar_chart

# "The last 12 months" of a rate, counted back from now.
RATE_WINDOW = timedelta(days=365)

# A persistent non-confirmer: a current member of a group who did not confirm at least
# NON_CONFIRMER_MISSES of their last NON_CONFIRMER_WINDOW counted prompts in that group. Counted
# per group (someone diligent in one group and silent in another is a problem in the second),
# over their own last prompts (so a new member needs three unconfirmed prompts before being
# named, and one forgotten week among many confirmed ones never names anyone). Three of four:
# one miss is a holiday, two can be bad luck, three in a month is a habit the DPO should see.
NON_CONFIRMER_WINDOW = 4
NON_CONFIRMER_MISSES = 3

# An admin (or deputy standing in) not confirming: a prompted cycle past its deadline, in the
# last four weeks, whose prompter never said they posted the prompt in the chat.
ADMIN_LOOKBACK = timedelta(days=28)

# How many months the DPO's chart shows (this month and the eleven before).
CHART_MONTHS = 12


@dataclass(frozen=True)
class Rate:
    asked: int
    confirmed: int

    @property
    def percent(self) -> int | None:
        """Whole per cent confirmed, rounded down; None when nobody was asked."""
        return self.confirmed * 100 // self.asked if self.asked else None

    @property
    def text(self) -> str:
        if not self.asked:
            return "not asked yet"
        return f"{self.percent}% ({self.confirmed} of {self.asked})"


NO_RATE = Rate(0, 0)


def counted_prompts(now: datetime) -> QuerySet[ClearDownPrompt]:
    """Every prompt that counts towards a rate as of `now` (see the module's docstring)."""
    return ClearDownPrompt.objects.filter(
        cycle__outcome=ClearDownCycle.Outcome.PROMPTED,
        cycle__withdrawn_at__isnull=True,
        cycle__deadline_at__lte=now,
        cycle__opens_at__gt=now - RATE_WINDOW,
    )


_CONFIRMED = Count("pk", filter=Q(confirmed_at__isnull=False))


@dataclass(frozen=True)
class MemberRate:
    user_id: int
    name: str
    rate: Rate
    current: bool  # still a member of the group
    persistent: bool = False


@dataclass(frozen=True)
class GroupRates:
    group: Rate
    members: list[MemberRate]

    @property
    def persistent(self) -> list[MemberRate]:
        return [m for m in self.members if m.persistent]


def group_rates(group: ChatGroup, now: datetime) -> GroupRates:
    """The group's rate and each member's, over the last 12 months, with its persistent
    non-confirmers marked. Two queries. Everyone asked in the period is listed, those who have
    since left marked so; current members not yet asked are not (they have no rate)."""
    current = Membership.objects.current().filter(group_id=group.pk, user_id=OuterRef("user_id"))
    rows = (
        counted_prompts(now)
        .filter(cycle__group_id=group.pk)
        .values("user_id", "user__full_name")
        .annotate(asked=Count("pk"), confirmed=_CONFIRMED, current=Exists(current))
        .order_by("user__full_name", "user_id")
    )
    persistent = {row.user_id for row in persistent_non_confirmers(now, group_id=group.pk)}
    members = [
        MemberRate(
            row["user_id"],
            row["user__full_name"],
            Rate(row["asked"], row["confirmed"]),
            row["current"],
            row["user_id"] in persistent,
        )
        for row in rows
    ]
    total = Rate(sum(m.rate.asked for m in members), sum(m.rate.confirmed for m in members))
    return GroupRates(total, members)


def member_rate(group: ChatGroup, user_id: int, now: datetime) -> Rate:
    """One member's rate in one group: what a member sees of their own record. One query."""
    figures = (
        counted_prompts(now)
        .filter(cycle__group_id=group.pk, user_id=user_id)
        .aggregate(asked=Count("pk"), confirmed=_CONFIRMED)
    )
    return Rate(figures["asked"], figures["confirmed"])


@dataclass(frozen=True)
class NonConfirmer:
    user_id: int
    name: str
    group_id: int
    group_name: str
    missed: int  # unconfirmed, of their last NON_CONFIRMER_WINDOW counted prompts
    of: int


def _recent_prompts(now: datetime, group_id: int | None = None) -> QuerySet[ClearDownPrompt]:
    """Each member's last NON_CONFIRMER_WINDOW counted prompts in each group (in one group
    only, if given: the filter sits inside the ranking, so one group's page does not rank the
    whole organisation's year of prompts)."""
    counted = counted_prompts(now)
    if group_id is not None:
        counted = counted.filter(cycle__group_id=group_id)
    ranked = counted.annotate(
        recency=Window(
            RowNumber(),
            partition_by=[F("user_id"), F("cycle__group_id")],
            order_by=[F("cycle__opens_at").desc(), F("pk").desc()],
        )
    )
    return ClearDownPrompt.objects.filter(
        pk__in=ranked.filter(recency__lte=NON_CONFIRMER_WINDOW).values("pk")
    )


class _NonConfirmerRows:
    """The persistent non-confirmers as a lazy query that can be narrowed to one group and
    sliced, read as NonConfirmer rows."""

    def __init__(self, query: QuerySet):
        self.query = query

    def filter(self, **lookups) -> "_NonConfirmerRows":
        return _NonConfirmerRows(self.query.filter(**lookups))

    def count(self) -> int:
        return self.query.count()

    def __iter__(self):
        for row in self.query:
            yield NonConfirmer(
                row["user_id"],
                row["user__full_name"],
                row["group_id"],
                row["cycle__group__name"],
                row["missed"],
                row["of"],
            )

    def __getitem__(self, index: slice) -> list[NonConfirmer]:
        return list(_NonConfirmerRows(self.query[index]))


def persistent_non_confirmers(now: datetime, group_id: int | None = None) -> _NonConfirmerRows:
    """Current members of groups that are not closed who did not confirm at least
    NON_CONFIRMER_MISSES of their last NON_CONFIRMER_WINDOW counted prompts in that group, most
    missed first. Pass `group_id` for one group's; slice for a page. One query."""
    still_member = Membership.objects.current().filter(
        group_id=OuterRef("group_id"), user_id=OuterRef("user_id")
    )
    query = (
        _recent_prompts(now, group_id)
        .exclude(cycle__group__status=ChatGroup.Status.CLOSED)
        .annotate(group_id=F("cycle__group_id"))
        .values("user_id", "user__full_name", "group_id", "cycle__group__name")
        .annotate(of=Count("pk"), missed=Count("pk", filter=Q(confirmed_at__isnull=True)))
        .filter(missed__gte=NON_CONFIRMER_MISSES)
        .filter(Exists(still_member))
        .order_by("-missed", "user__full_name", "user_id", "cycle__group__name", "group_id")
    )
    return _NonConfirmerRows(query)


def admins_not_confirming(now: datetime) -> QuerySet[Any, dict[str, Any]]:
    """(group, prompter) pairs with prompted cycles past their deadline in the last four weeks
    whose prompt the prompter never confirmed posting: how many of how many, and the latest.
    Withdrawn cycles are left out (a hold stopped them). One query; slice for a page."""
    return (
        ClearDownCycle.objects.filter(
            outcome=ClearDownCycle.Outcome.PROMPTED,
            withdrawn_at__isnull=True,
            deadline_at__lte=now,
            opens_at__gt=now - ADMIN_LOOKBACK,
            prompter__isnull=False,
        )
        .values("group_id", "group__name", "prompter_id", "prompter__full_name")
        .annotate(
            cycles=Count("pk"),
            unposted=Count("pk", filter=Q(prompt_posted_at__isnull=True)),
        )
        .filter(unposted__gt=0)
        .order_by("-unposted", "group__name", "group_id", "prompter_id")
    )


@dataclass(frozen=True)
class Month:
    first_day: date
    rate: Rate

    @property
    def label(self) -> str:
        """November 2026: the portal's one way of writing a month."""
        return formats.date_format(self.first_day, "YEAR_MONTH_FORMAT")


def _month_starts(today: date, months: int) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def monthly_rates(now: datetime, months: int = CHART_MONTHS) -> list[Month]:
    """The confirmation rate across every group for each of the last `months` months (UK
    months, by when each cycle opened), oldest first; a month with nobody asked has a zero
    rate. Counted as the rates are, except that the whole of each month is shown (not only the
    last 365 days). One query."""
    starts = _month_starts(timezone.localdate(now), months)
    since = timezone.make_aware(datetime.combine(starts[0], datetime.min.time()))
    rows = (
        ClearDownPrompt.objects.filter(
            cycle__outcome=ClearDownCycle.Outcome.PROMPTED,
            cycle__withdrawn_at__isnull=True,
            cycle__deadline_at__lte=now,
            cycle__opens_at__gte=since,
        )
        .annotate(month=TruncMonth("cycle__opens_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(asked=Count("pk"), confirmed=_CONFIRMED)
        .order_by("month")
    )
    by_month = {_as_date(row["month"]): Rate(row["asked"], row["confirmed"]) for row in rows}
    return [Month(start, by_month.get(start, NO_RATE)) for start in starts]


def _as_date(value: date | datetime) -> date:
    # TruncMonth gives an aware datetime (in the zone asked for) on PostgreSQL and SQLite.
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def monthly_chart(months: list[Month]) -> dict:
    """What portal/_chart.html draws for the monthly series."""
    return bar_chart(
        [
            Bar(
                m.label,
                m.rate.percent or 0,
                f"{m.rate.percent}%" if m.rate.asked else "nobody asked",
            )
            for m in months
        ],
        measure="per cent of clear-down prompts confirmed",
        caption="per cent of members asked to clear a chat who confirmed they did, by the month "
        "the clear-down period opened",
    )
