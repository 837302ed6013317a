"""Lengths of time in words ("15 minutes", "4 minutes 5 seconds"), never as Python prints
them ("0:15:00"): for templates (portal.templatetags.durations) and for records alike."""

from datetime import timedelta


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


def seconds_in_words(seconds: int) -> str:
    """To the second, for times too short to round to minutes (how long a page was on screen):
    "4 minutes 5 seconds", "1 hour 2 minutes", "0 seconds": whole units, the largest two."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "hour"), (minutes, "minute"), (secs, "second")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words[:2]) or "0 seconds"
