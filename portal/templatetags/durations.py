"""Lengths of time in words ("15 minutes"), never as Python prints them ("0:15:00")."""

from datetime import timedelta

from django import template

register = template.Library()


def duration_in_words(value: timedelta | int | float) -> str:
    """A timedelta (or a number of seconds) as hours and minutes in words, at least a minute."""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    hours, minutes = divmod(max(round(seconds / 60), 1), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@register.filter
def in_words(value) -> str:
    if value in (None, ""):
        return ""
    return duration_in_words(value)
