"""When a group's clear-down periods open (and when its next review falls due).

Slot k of a group opens on the local date `cycle_anchor + k × interval` (interval in days, an
organisation setting) at the group's `cleardown_time`, in the portal's time zone
(Europe/London). Each slot is made aware on its own date, so it keeps its wall-clock time across
the March and October clock changes: a group cleared at 10:00 on Mondays is prompted at 10:00
local time before and after, and the period spanning a change is an hour shorter or longer.
Adding `timedelta(days=7)` to an aware instant would drift by an hour instead.

Clear-down times lie between 07:00 and 19:00 (groups.models.CLEAR_DOWN_TIMES), so no slot falls
in the hour a clock change skips or repeats.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from groups.models import ChatGroup


@dataclass(frozen=True)
class Schedule:
    anchor: date
    at: time
    interval_days: int

    @classmethod
    def of(cls, group: ChatGroup, interval_days: int) -> "Schedule":
        """A group's schedule. A group approved without an anchor starts on its clear-down
        weekday on or after the day it was approved."""
        anchor = group.cycle_anchor or first_anchor(group, group.approved_at or timezone.now())
        return cls(anchor=anchor, at=group.cleardown_time, interval_days=interval_days)

    def slot(self, k: int) -> datetime:
        """The instant slot k opens."""
        day = self.anchor + timedelta(days=k * self.interval_days)
        # In UTC once made: arithmetic and comparisons between two datetimes sharing one
        # tzinfo would be done in wall-clock time, an hour out across a change.
        return timezone.make_aware(datetime.combine(day, self.at)).astimezone(UTC)

    def index_at_or_before(self, instant: datetime) -> int:
        """The number of the latest slot opening at or before `instant` (negative before the
        first slot)."""
        days = (timezone.localdate(instant) - self.anchor).days
        k = days // self.interval_days
        # The slot on this local date may still be later today.
        return k if self.slot(k) <= instant else k - 1

    def latest(self, instant: datetime) -> datetime | None:
        """The latest slot at or before `instant`, or None before the first slot."""
        k = self.index_at_or_before(instant)
        return self.slot(k) if k >= 0 else None

    def next_after(self, instant: datetime) -> datetime:
        """The first slot strictly after `instant`."""
        return self.slot(max(self.index_at_or_before(instant) + 1, 0))

    def first_at_or_after(self, instant: datetime) -> datetime:
        """The first slot at or after `instant` (the first slot if `instant` is before it)."""
        k = self.index_at_or_before(instant)
        if k >= 0 and self.slot(k) == instant:
            return instant
        return self.slot(max(k + 1, 0))


def first_anchor(group: ChatGroup, instant: datetime) -> date:
    """The group's clear-down weekday on or after the local date of `instant`: where a group
    approved then starts its cycles (the approval records it in `cycle_anchor`)."""
    day = timezone.localdate(instant)
    return day + timedelta(days=(group.cleardown_weekday - day.weekday()) % 7)
