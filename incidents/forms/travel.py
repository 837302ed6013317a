"""The forms of travel abroad with a work device: telling Information Security about a trip,
and the helpdesk's advice. They only validate; incidents/services/travel.py decides."""

from django import forms
from django.utils import timezone

from incidents.models import NOTICE_DAYS
from incidents.services.travel import is_short_notice


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TravelNoticeForm(forms.Form):
    destination = forms.CharField(
        label="Where are you going?",
        max_length=200,
        help_text="The country and the city or region, for example Lyon, France.",
        error_messages={"required": "Say where you are going."},
    )
    departs_on = forms.DateField(
        label="The day you leave",
        widget=_DateInput(),
        error_messages={
            "required": "Enter the day you leave.",
            "invalid": "Enter a real date, for example 3 March 2026.",
        },
    )
    returns_on = forms.DateField(
        label="The day you are back",
        widget=_DateInput(),
        error_messages={
            "required": "Enter the day you are back.",
            "invalid": "Enter a real date, for example 10 March 2026.",
        },
    )
    devices = forms.CharField(
        label="Which work devices are you taking?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: work laptop (asset tag L01234), work mobile phone.",
        error_messages={"required": "Say which work devices you are taking."},
    )
    short_notice_reason = forms.CharField(
        label=f"If you leave in fewer than {NOTICE_DAYS} days: why could you not tell us sooner?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Information Security asks for at least {NOTICE_DAYS} days' notice, to "
        "check what applies where you are going. Leave this empty if you leave later than that.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        self.fields["departs_on"].widget.attrs["min"] = today
        self.fields["returns_on"].widget.attrs["min"] = today

    def clean_departs_on(self):
        day = self.cleaned_data["departs_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(
                "The day you leave is in the past. If you are abroad now, call the helpdesk."
            )
        return day

    def clean(self):
        super().clean()
        data = self.cleaned_data
        departs, returns = data.get("departs_on"), data.get("returns_on")
        if departs and returns and returns < departs:
            self.add_error("returns_on", "The day you are back is before the day you leave.")
        reason = data.get("short_notice_reason", "").strip()
        if departs and is_short_notice(departs) and not reason:
            self.add_error(
                "short_notice_reason",
                f"You leave in fewer than {NOTICE_DAYS} days: say why you could not tell us "
                "sooner.",
            )
        return data


class TravelAdviceForm(forms.Form):
    advice = forms.CharField(
        label="Your advice to the traveller",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What they must do before and while they travel: for example about encryption "
        "at the destination, a loan device, or what not to take. It is emailed to them.",
        error_messages={"required": "Write the advice for the traveller."},
    )
