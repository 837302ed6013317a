"""The breach register: every personal data breach the DPO has recorded, notified to the ICO or
not, with its facts, its effects and the remedial action taken (UK GDPR Article 33(5); DPA 2018
section 67(6)). One definition of its rows, its outcomes and its filters, read by the page and
its CSV export alike, so both always hold the same breaches.

A breach is an incident whose assessment says it is one (`Assessment.is_breach`); one the DPO
decided is not a breach, or has not decided on yet, is not on the register.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When

from incidents.models import Assessment, ContainmentAction, DataCategory, Effect, PeopleCategory
from portal.lib.uktime import start_of_day

# Newest report first: the order the DPO reads the register in (an index on the incident's
# report time serves it, and every breach has one, unlike an awareness time still to record).
ORDERING = ("-incident__reported_at", "-incident_id")


class Outcome(models.TextChoices):
    """Where a breach stands with the ICO. Each breach has exactly one."""

    NOTIFIED = "notified", "Told the ICO in time"
    NOTIFIED_LATE = "late", "Told the ICO late"
    NOT_NOTIFIED = "not_notified", "Decided not to tell the ICO"
    TO_NOTIFY = "to_notify", "Decided to tell the ICO, not yet told"
    UNDECIDED = "undecided", "No decision yet"


# The register's outcome filter also lists the breaches whose clock ran out with the ICO not
# told: not an outcome of its own (such a breach is "to notify" or "undecided"), but what the
# DPO most needs to find.
OVERDUE = "overdue"
OVERDUE_LABEL = "Past the deadline, ICO not told"


def _outcome() -> Case:
    notified = Q(ico_notified_at__isnull=False)
    return Case(
        When(
            notified & Q(ico_notified_at__gt=F("ico_deadline_at")),
            then=Value(Outcome.NOTIFIED_LATE),
        ),
        When(notified, then=Value(Outcome.NOTIFIED)),
        When(notify_ico=False, then=Value(Outcome.NOT_NOTIFIED)),
        When(notify_ico=True, then=Value(Outcome.TO_NOTIFY)),
        default=Value(Outcome.UNDECIDED),
        output_field=models.CharField(),
    )


def _overdue(now: datetime) -> Q:
    """The clock ran out and the ICO was not told, nor was it decided not to tell them."""
    return Q(ico_notified_at__isnull=True, ico_deadline_at__lt=now) & ~Q(notify_ico=False)


def breaches(*, now: datetime) -> QuerySet[Any]:
    """Every breach (Assessment rows) with its `outcome` and whether it is `overdue`: the
    register's rows, and what the DPO's figures count."""
    return Assessment.objects.filter(is_breach=True).annotate(
        outcome=_outcome(),
        overdue=Case(
            When(_overdue(now), then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
    )


def breach_rows(*, now: datetime) -> QuerySet[Any]:
    """The register's rows with what each shows, in one query; their actions in one more,
    per page (or per chunk of an export)."""
    return (
        breaches(now=now)
        .select_related("incident", "notify_decided_by")
        .prefetch_related(
            Prefetch(
                "incident__actions",
                queryset=ContainmentAction.objects.select_related("owner").order_by("due_at", "pk"),
                to_attr="register_actions",
            )
        )
    )


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The instants a UK calendar year starts and the next one starts."""
    return start_of_day(date(year, 1, 1)), start_of_day(date(year + 1, 1, 1))


def filter_breaches(rows: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
    """`rows` narrowed by the register's filters (incidents.forms.register.BreachFilterForm):
    the UK year the organisation became aware of it, the regime, the kind, the outcome (or
    past the deadline with the ICO not told)."""
    if data.get("year"):
        start, end = year_bounds(int(data["year"]))
        rows = rows.filter(aware_at__gte=start, aware_at__lt=end)
    if data.get("regime"):
        rows = rows.filter(regime=data["regime"])
    if data.get("kind"):
        rows = rows.filter(incident__kind=data["kind"])
    if data.get("outcome") == OVERDUE:
        rows = rows.filter(overdue=True)
    elif data.get("outcome"):
        rows = rows.filter(Q(outcome=data["outcome"]))
    return rows


def _labels(values: list, choices: type[models.TextChoices], other: str = "") -> list[str]:
    labels = dict(choices.choices)
    named = [str(labels.get(value, value)) for value in values if value != "other"]
    if "other" in values:
        named.append(f"Other: {other}" if other else "Other")
    return named


@dataclass(frozen=True)
class Effects:
    """What the breach touched, in words."""

    data: list[str]
    people: list[str]
    security: list[str]


def effects(assessment: Assessment) -> Effects:
    return Effects(
        data=_labels(assessment.data_categories, DataCategory, assessment.data_categories_other),
        people=_labels(
            assessment.people_categories, PeopleCategory, assessment.people_categories_other
        ),
        security=_labels(assessment.effects, Effect),
    )


@dataclass(frozen=True)
class People:
    """How many people a breach affected: the DPO's figure, else the reporter's rough guess
    (`estimated`), which must never pass for the DPO's."""

    count: int | None
    estimated: bool


def people(assessment: Assessment) -> People:
    if assessment.people_count is not None:
        return People(assessment.people_count, estimated=False)
    return People(assessment.incident.people_affected, estimated=True)
