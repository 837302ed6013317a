"""The DPO's reports: the date a group is looked at "as at"."""

from datetime import date

from django import forms
from django.utils import timezone

from groups.models import ChatGroup
from portal.lib.uktime import long_date


class DateInput(forms.DateInput):
    """The browser's date picker; it sends the ISO date."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AsAtForm(forms.Form):
    on = forms.DateField(
        label="Date",
        widget=DateInput(),
        help_text="A day in UK time, from the day the group was registered to today.",
        error_messages={
            "required": "Enter the date to look at the group on.",
            "invalid": "Enter a real date, for example 31 October 2026.",
        },
    )

    def __init__(self, *args, group: ChatGroup, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_day = timezone.localdate(group.created_at)
        self.today = today
        self.fields["on"].widget.attrs.update(
            {"min": self.first_day.isoformat(), "max": today.isoformat()}
        )

    def clean_on(self) -> date:
        day = self.cleaned_data["on"]
        if day < self.first_day:
            raise forms.ValidationError(
                f"The group was first recorded on {long_date(self.first_day)}: choose that "
                "day or a later one."
            )
        if day > self.today:
            raise forms.ValidationError(
                "Choose today or an earlier day: the record cannot say what has not happened yet."
            )
        return day
