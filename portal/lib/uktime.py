"""Days and times as people in the UK read them. Instants are stored in UTC; a deadline is a
moment on a UK calendar day, and "days overdue" counts UK calendar days, so a deadline at 23:59
is one day overdue a minute after midnight, whatever the clocks did in between."""

import calendar
from collections.abc import Callable
from datetime import date, datetime, time

from django.utils import formats, timezone


def start_of_day(day: date) -> datetime:
    """00:00 on that day in the portal's time zone (Europe/London), as an instant."""
    return timezone.make_aware(datetime.combine(day, time.min))


def end_of_day(day: date) -> datetime:
    """23:59 on that day in the portal's time zone (Europe/London), as an instant."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def days_overdue(due_at: datetime, now: datetime) -> int:
    """Whole local calendar days past the deadline (0 until the deadline has passed)."""
    if now < due_at:
        return 0
    return max((timezone.localdate(now) - timezone.localdate(due_at)).days, 0)


def local_text(instant: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An instant as UK wall-clock text for a file (CSV, filenames); empty for no instant."""
    return timezone.localtime(instant).strftime(fmt) if instant else ""


def local_text_for_rows(
    fmt: str = "%Y-%m-%d %H:%M", *, with_zone: bool = False
) -> Callable[[datetime | None], str]:
    """local_text for a file of many rows, with the time zone looked up once: looking it up for
    each instant (through a context-local) costs more than the formatting itself. `with_zone`
    adds the zone's name (BST or GMT), without which 01:30 in the autumn's repeated hour could
    be either of two instants."""
    zone = timezone.get_current_timezone()
    if with_zone:
        fmt = f"{fmt} %Z"

    def text(instant: datetime | None) -> str:
        return instant.astimezone(zone).strftime(fmt) if instant else ""

    return text


# Text for people (messages, emails, descriptions), in the portal's one way of writing dates
# (portal/formats/en_GB/formats.py). Files for machines keep ISO 8601 through local_text.


def long_date(day: date) -> str:
    """1 December 2026: a day in prose."""
    return formats.date_format(day, "DATE_FORMAT")


def long_datetime(instant: datetime) -> str:
    """1 December 2026, 18:38: an instant in prose, in UK time."""
    return formats.date_format(timezone.localtime(instant), "DATETIME_FORMAT")


def short_date(day: date) -> str:
    """1 Dec 2026: a day in a table or a short line."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def clock(instant: datetime) -> str:
    """18:38: the time of day of an instant, in UK time."""
    return formats.time_format(timezone.localtime(instant), "TIME_FORMAT")


def repeated_hour_zone(instant: datetime) -> str:
    """ "BST" or "GMT" when the UK wall-clock time of the instant happened twice (the hour
    before the clocks go back in October), so that a reader can tell which; "" otherwise."""
    local = timezone.localtime(instant)
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() == local.utcoffset():
        return ""
    return local.tzname() or ""


def months_on(instant: datetime, months: int) -> datetime:
    """The same local day and time `months` later (the last day of a shorter month): when a
    periodic review (a chat group's, a social media account's) next falls due."""
    local = timezone.localtime(instant)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None).replace(year=year, month=month, day=day)
    return timezone.make_aware(naive)
