"""Dates kept as text in JSON (a signed declaration's versions) back as dates, so that the
`date` filter writes them the portal's one way rather than as stored ("2026-05-01")."""

from datetime import date, datetime

from django import template
from django.utils.dateparse import parse_date, parse_datetime

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
