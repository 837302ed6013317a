"""Groups on a known weekly schedule, for the clear-down tests."""

from datetime import UTC, date, datetime, time, timedelta

from groups.models import ChatGroup, ClearDownCycle
from groups.schedule import Schedule
from groups.tests.factories import ChatGroupFactory
from portal.tests.factories import UserFactory

# Monday 2 March 2026, 10:00 GMT: slot 0 of the groups made here.
ANCHOR = date(2026, 3, 2)
AT = time(10, 0)
WEEKLY = Schedule(anchor=ANCHOR, at=AT, interval_days=7)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def weekly_group(*, members: int = 2, slot: int = 0, **fields) -> ChatGroup:
    """An approved group (admin plus `members` others) whose next period is WEEKLY slot
    `slot`."""
    fields.setdefault("approved_at", WEEKLY.slot(0) - timedelta(days=3))
    return ChatGroupFactory(
        approved=True,
        cycle_anchor=ANCHOR,
        cleardown_time=AT,
        next_cycle_at=WEEKLY.slot(slot),
        members=[UserFactory() for _ in range(members)],
        **fields,
    )


def after(slot: int, minutes: int = 5) -> datetime:
    return WEEKLY.slot(slot) + timedelta(minutes=minutes)


def outcomes(group: ChatGroup) -> list[tuple[datetime, str]]:
    return list(
        ClearDownCycle.objects.filter(group=group)
        .order_by("opens_at")
        .values_list("opens_at", "outcome")
    )
