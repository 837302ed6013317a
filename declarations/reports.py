"""The figures behind the compliance reports, each one aggregate query whatever the number of
staff. Only active people count: someone who has left is neither signed nor outstanding.

"Asked" is everyone still expected to sign (to sign, or signed). Paused obligations (long-term
absence) are shown apart and left out of the percentage, as are those no longer required.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from declarations.models import Campaign, Obligation
from portal.models import EmploymentType, User

PENDING = Obligation.Status.PENDING
SIGNED = Obligation.Status.SIGNED
PAUSED = Obligation.Status.PAUSED


@dataclass(frozen=True)
class Completion:
    label: str
    asked: int
    signed: int
    pending: int
    overdue: int
    paused: int
    key: str = ""

    @property
    def percent(self) -> int:
        return percent_signed(self.signed, self.asked)


def percent_signed(signed: int, asked: int) -> int:
    """Whole per cent signed, rounded down: 100% only when everyone has signed."""
    return signed * 100 // asked if asked else 0


def _counts(now: datetime, prefix: str = "") -> dict:
    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    return {
        "asked": Count(f"{prefix}pk", filter=q(status__in=[PENDING, SIGNED])),
        "signed": Count(f"{prefix}pk", filter=q(status=SIGNED)),
        "pending": Count(f"{prefix}pk", filter=q(status=PENDING)),
        "overdue": Count(f"{prefix}pk", filter=q(status=PENDING, due_at__lte=now)),
        "paused": Count(f"{prefix}pk", filter=q(status=PAUSED)),
    }


def _completion(label: str, row: dict, key: str = "") -> Completion:
    return Completion(
        label=label,
        key=key,
        asked=row["asked"],
        signed=row["signed"],
        pending=row["pending"],
        overdue=row["overdue"],
        paused=row["paused"],
    )


def counted_obligations(campaign: Campaign) -> QuerySet[Obligation]:
    return Obligation.objects.filter(campaign=campaign, user__is_active=True)


def completion_overall(campaign: Campaign, now: datetime) -> Completion:
    return _completion("Everyone", counted_obligations(campaign).aggregate(**_counts(now)))


def completion_by_department(campaign: Campaign, now: datetime) -> list[Completion]:
    rows = (
        counted_obligations(campaign)
        .values("user__department_id", "user__department__name")
        .annotate(**_counts(now))
        .order_by("user__department__name", "user__department_id")
    )
    return [
        _completion(
            row["user__department__name"] or "No department",
            row,
            key=str(row["user__department_id"] or ""),
        )
        for row in rows
    ]


def completion_by_employment_type(campaign: Campaign, now: datetime) -> list[Completion]:
    labels = dict(EmploymentType.choices)
    rows = counted_obligations(campaign).values("user__employment_type").annotate(**_counts(now))
    found = {row["user__employment_type"]: row for row in rows}
    # In the order the portal lists employment types, not alphabetical by code.
    return [
        _completion(labels[value], found[value], key=value)
        for value, _ in EmploymentType.choices
        if value in found
    ] + [
        _completion(value or "Not recorded", row, key=value)
        for value, row in found.items()
        if value not in labels
    ]


def outstanding(
    campaign: Campaign,
    *,
    now: datetime,
    department_id: int | None = None,
    no_department: bool = False,
    show: str = "",
) -> QuerySet[Obligation]:
    """Who has not signed, soonest due first, with what each row shows fetched in the query.

    `show` is "" (everyone not signed: to sign and paused), "overdue" or "paused".
    """
    rows = counted_obligations(campaign).filter(status__in=[PENDING, PAUSED])
    if show == "overdue":
        rows = rows.filter(status=PENDING, due_at__lte=now)
    elif show == "paused":
        rows = rows.filter(status=PAUSED)
    if no_department:
        rows = rows.filter(user__department__isnull=True)
    elif department_id:
        rows = rows.filter(user__department_id=department_id)
    return rows.select_related("user__department", "user__line_manager").order_by(
        "due_at", "user__full_name", "pk"
    )


def report_campaigns() -> QuerySet[Campaign]:
    """Campaigns that have been opened, newest first, each with its overall figures."""
    return (
        Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        .annotate(**_counts_via_obligations())
        .order_by("-opens_at", "-pk")
    )


def _counts_via_obligations() -> dict:
    active = Q(obligations__user__is_active=True)
    return {
        "asked": Count("obligations", filter=active & Q(obligations__status__in=[PENDING, SIGNED])),
        "signed": Count("obligations", filter=active & Q(obligations__status=SIGNED)),
        "paused": Count("obligations", filter=active & Q(obligations__status=PAUSED)),
    }


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
        Completion(
            label=row["campaign__name"]
            + (" (closed)" if row["campaign__status"] == Campaign.Status.CLOSED else ""),
            asked=row["asked"],
            signed=row["signed"],
            pending=row["pending"],
            overdue=row["overdue"],
            paused=row["paused"],
            key=str(row["campaign_id"]),
        )
        for row in rows
    ]
