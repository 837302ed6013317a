"""Form fields and widgets the declarations forms share: UK local dates and times, and
lists of ids."""

import re

from django import forms
from django.core.exceptions import ValidationError

from portal.forms.uk_datetime import DATETIME_FORMAT, UKDateTimeField

__all__ = ["DATETIME_FORMAT", "DateInput", "LocalDateTimeField", "ObligationIdsField"]

# The portal's one UK date-and-time field, under the name these forms have always used.
LocalDateTimeField = UKDateTimeField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


_MAX_ID = 2**31 - 1
_ID = re.compile(r"[0-9]{1,10}")


class ObligationIdsField(forms.Field):
    """The people ticked in a list, by their obligation's id (hidden fields or tick boxes)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, most: int, **kwargs):
        super().__init__(**kwargs)
        self.most = most

    def to_python(self, value) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for one in values:
            if not isinstance(one, str) or not _ID.fullmatch(one) or int(one) > _MAX_ID:
                raise ValidationError("Choose people from the list.", code="invalid")
            ids.append(int(one))
        if len(set(ids)) > self.most:
            raise ValidationError(f"Remind at most {self.most} people at once.", code="too_many")
        return sorted(set(ids))
