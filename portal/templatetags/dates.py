"""Dates kept as text in JSON (a signed declaration's versions) back as dates, so that the
`date` filter writes them the portal's one way rather than as stored ("2026-05-01"); and which
of the two a time was, on the night the clocks go back."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from portal.lib.uktime import clock, repeated_hour_zone

register = template.Library()


@register.filter
def stored_date(value) -> date | datetime | str:
    """An ISO 8601 date or instant as a date or datetime; anything else as it was."""
    if not isinstance(value, str):
        return value
    try:
        return parse_date(value) or parse_datetime(value) or value
    except ValueError:  # shaped like a date, but not one (a 13th month)
        return value


@register.filter
def clocks_back_note(value) -> str:
    """After a time written with `|date`: which of the two, for a time the clocks going back
    made happen twice (" BST (the first 01:30 that night, ...)"); nothing for any other."""
    if not isinstance(value, datetime):
        return ""
    zone = repeated_hour_zone(value)
    if not zone:
        return ""
    shown = clock(value)
    if timezone.localtime(value).fold == 0:
        return f" {zone} (the first {shown} that night, before the clocks went back)"
    return f" {zone} (the second {shown} that night, after the clocks went back)"
