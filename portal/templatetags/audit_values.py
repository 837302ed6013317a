"""Showing what an audit event recorded, in the words and times a reader expects.

Events store instants as ISO strings in UTC (JSON has no dates); a hearing reads UK time.
"""

import re

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

register = template.Library()

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@register.filter
def audit_value(value) -> str:
    """An audit `changes` value as text: instants in UK time, dates as dates, {from, to} as
    "from … to …", lists joined. Anything else as it was recorded."""
    if isinstance(value, dict):
        if set(value) == {"from", "to"}:
            return f"from {audit_value(value['from'])} to {audit_value(value['to'])}"
        return "; ".join(f"{key}: {audit_value(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(audit_value(item) for item in value)
    if value is None or value == "":
        return "(none)"
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(value, str) and _ISO_DATE.match(value):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    return str(value)
