"""When an approved group's clear-downs start, and when its annual review falls due."""

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def first_on_weekday(today: date, weekday: int) -> date:
    """The first date on or after `today` that falls on `weekday` (Monday is 0)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def slot_instant(day: date, at: time) -> datetime:
    """`at` on `day`, UK time, as an instant. Clear-down times are never in a clock change's
    skipped or repeated hour (groups.models.CLEAR_DOWN_TIMES)."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def first_slot(*, anchor: date, at: time, interval: timedelta, now: datetime) -> datetime:
    """The first slot (anchor + k × interval, at `at`) that is still to come."""
    day = anchor
    while slot_instant(day, at) <= now:
        day += interval
    return slot_instant(day, at)


def months_on(instant: datetime, months: int) -> datetime:
    """The same local day and time `months` later (the month's last day when it is shorter)."""
    local = timezone.localtime(instant)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return timezone.make_aware(
        datetime.combine(date(year, month, day), local.time().replace(tzinfo=None)),
        timezone.get_default_timezone(),
    )
