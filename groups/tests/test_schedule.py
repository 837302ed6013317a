"""Clear-down slots keep their local time across the clock changes, for any interval."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from groups.models import ChatGroup, Weekday
from groups.schedule import Schedule, first_anchor


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(instant: datetime) -> tuple[date, time]:
    moment = timezone.localtime(instant)
    return moment.date(), moment.time()


def test_weekly_slots_keep_ten_o_clock_across_the_march_clock_change():
    # Monday 23 March 2026 is in GMT; Monday 30 March, after the change on the 29th, in BST.
    schedule = Schedule(anchor=date(2026, 3, 23), at=time(10, 0), interval_days=7)

    assert schedule.slot(0) == utc(2026, 3, 23, 10, 0)
    assert schedule.slot(1) == utc(2026, 3, 30, 9, 0)
    assert local(schedule.slot(1)) == (date(2026, 3, 30), time(10, 0))
    # The period spanning the change is an hour shorter, not shifted.
    assert schedule.slot(1) - schedule.slot(0) == timedelta(days=7) - timedelta(hours=1)


def test_weekly_slots_keep_ten_o_clock_across_the_october_clock_change():
    schedule = Schedule(anchor=date(2026, 10, 19), at=time(10, 0), interval_days=7)

    assert schedule.slot(0) == utc(2026, 10, 19, 9, 0)
    assert schedule.slot(1) == utc(2026, 10, 26, 10, 0)
    assert local(schedule.slot(1)) == (date(2026, 10, 26), time(10, 0))


def test_the_latest_slot_at_or_before_an_instant_and_the_next_after_it_across_a_change():
    schedule = Schedule(anchor=date(2026, 3, 23), at=time(10, 0), interval_days=7)

    # 09:30 local on the 30th (08:30 UTC): the 30th's slot has not opened yet.
    assert schedule.latest(utc(2026, 3, 30, 8, 30)) == utc(2026, 3, 23, 10, 0)
    assert schedule.next_after(utc(2026, 3, 30, 8, 30)) == utc(2026, 3, 30, 9, 0)
    # At the very instant, the slot is the latest, and the next is a week on.
    assert schedule.latest(utc(2026, 3, 30, 9, 0)) == utc(2026, 3, 30, 9, 0)
    assert schedule.next_after(utc(2026, 3, 30, 9, 0)) == utc(2026, 4, 6, 9, 0)


def test_before_the_first_slot_there_is_no_latest_and_the_next_is_the_first():
    schedule = Schedule(anchor=date(2026, 3, 23), at=time(10, 0), interval_days=7)

    assert schedule.latest(utc(2026, 3, 1)) is None
    assert schedule.next_after(utc(2026, 3, 1)) == schedule.slot(0)
    assert schedule.first_at_or_after(utc(2026, 3, 1)) == schedule.slot(0)
    assert schedule.first_at_or_after(schedule.slot(2)) == schedule.slot(2)


@pytest.mark.parametrize("interval", [1, 3, 10, 14])
def test_other_intervals_keep_their_local_time_through_both_changes(interval):
    schedule = Schedule(anchor=date(2026, 3, 1), at=time(7, 30), interval_days=interval)

    k = 0
    while schedule.slot(k) < utc(2026, 12, 1):
        day, at = local(schedule.slot(k))
        assert at == time(7, 30)
        assert day == date(2026, 3, 1) + timedelta(days=k * interval)
        # Every instant between two slots has the earlier as its latest slot.
        middle = schedule.slot(k) + (schedule.slot(k + 1) - schedule.slot(k)) / 2
        assert schedule.latest(middle) == schedule.slot(k)
        assert schedule.next_after(middle) == schedule.slot(k + 1)
        k += 1


def test_a_group_without_an_anchor_starts_on_its_weekday_on_or_after_approval():
    group = ChatGroup(
        cleardown_weekday=Weekday.WEDNESDAY,
        cleardown_time=time(9, 0),
        # Friday 27 March 2026, in the afternoon
        approved_at=utc(2026, 3, 27, 15, 0),
    )

    assert first_anchor(group, group.approved_at) == date(2026, 4, 1)
    schedule = Schedule.of(group, 7)
    assert schedule.slot(0) == utc(2026, 4, 1, 8, 0)  # 09:00 BST
