"""A date and time typed in UK time (the browser's date and time picker, or typed by hand
without it), for every app's forms.

Django refuses a time in the hour the clocks change with words nobody here would understand
("couldn't be interpreted in time zone Europe/London; it may be ambiguous or it may not
exist"). Here a time that happened twice (the hour before the clocks go back in October) is the
first of the two, in British Summer Time, the more likely for someone reporting the night
after; pages show which with `|clocks_back_note` (portal/templatetags/dates.py). A time that did
not happen (the hour the clocks go forward in March) is refused, saying why and what to enter.
"""

from datetime import UTC, date, datetime, time

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.lib.uktime import long_date

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
_NOT_REAL = "Enter a real date and time, for example 1 April 2026 at 09:00."


class UKDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    default_error_messages = {
        "invalid": _NOT_REAL,
        "overflow": _NOT_REAL,
        "did_not_exist": "The clocks went forward at 1am on {day}, so {time} did not exist in "
        "the UK. Enter a time before 1am or from 2am.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return self._in_uk_time(value)
        if isinstance(value, date):
            return self._in_uk_time(datetime.combine(value, time.min))
        try:
            result = parse_datetime(value.strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not result:
            # The typed formats (input_formats), past DateTimeField's own handling of time zones.
            result = BaseTemporalField.to_python(self, value)
        if result is None:
            return None
        return self._in_uk_time(result)

    def _in_uk_time(self, value: datetime) -> datetime:
        """A wall-clock time in the portal's time zone as an instant: the earlier of two
        (fold=0), refused if the clocks skipped it (the time does not survive the way there
        and back through UTC)."""
        if not settings.USE_TZ or timezone.is_aware(value):
            return value
        zone = timezone.get_current_timezone()
        try:
            instant = value.replace(tzinfo=zone, fold=0)
            back = instant.astimezone(UTC).astimezone(zone)
        except (OverflowError, ValueError):
            raise ValidationError(self.error_messages["overflow"], code="overflow") from None
        if back.replace(tzinfo=None) != value:
            raise ValidationError(
                self.error_messages["did_not_exist"].format(
                    day=long_date(value.date()), time=value.strftime("%H:%M")
                ),
                code="did_not_exist",
            )
        return back
