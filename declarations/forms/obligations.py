"""One person's declaration in a campaign, as a policy administrator manages it: pause,
exempt, extend, and more attempts at the questions."""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from declarations.forms.fields import (
    DATETIME_FORMAT,
    DateInput,
    LocalDateTimeField,
)
from declarations.models import (
    Obligation,
)
from portal.lib.uktime import long_date


class PauseForm(forms.Form):
    reason = forms.CharField(
        label="Why is it paused?",
        max_length=500,
        help_text="For example: long-term sick leave from 3 March.",
        error_messages={"required": "Enter why it is paused."},
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the extend form beside it on the person's page has a "reason" too.
        kwargs.setdefault("auto_id", "id_pause_%s")
        super().__init__(*args, **kwargs)


class ExemptForm(forms.Form):
    until = forms.DateField(
        label="Exempt until",
        widget=DateInput(),
        help_text="The last day of the exemption. They are asked to sign again after it.",
        error_messages={
            "required": "Enter the last day of the exemption.",
            "invalid": "Enter a real date, for example 31 March 2027.",
        },
    )
    reason = forms.CharField(
        label="Why are they exempt?",
        max_length=500,
        help_text="Recorded with your name. For example: seconded to the regional unit.",
        error_messages={"required": "Enter why the person is exempt."},
    )

    def __init__(self, *args, latest: date | None = None, **kwargs):
        # Its own ids: the person's page has the pause and extend forms' "reason" fields too.
        kwargs.setdefault("auto_id", "id_exempt_%s")
        super().__init__(*args, **kwargs)
        until = self.fields["until"]
        today = timezone.localdate()
        until.widget.attrs["min"] = today.isoformat()
        if latest is not None:
            # The browser's picker stops at the latest day allowed; the service refuses later.
            until.widget.attrs["max"] = latest.isoformat()
            until.help_text = (
                "The last day of the exemption, from today to "
                f"{long_date(latest)} at the latest. They are asked to sign again after it."
            )


class ExemptionEndForm(forms.Form):
    reason = forms.CharField(
        label="Why end it early?",
        max_length=500,
        help_text="Recorded with your name. For example: back from secondment early.",
        error_messages={"required": "Enter why the exemption is ended early."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_end_%s")
        super().__init__(*args, **kwargs)


class ExtendForm(forms.Form):
    due_at = LocalDateTimeField(
        label="New due date",
        help_text="UK time.",
        error_messages={"required": "Enter the new date and time to sign by."},
    )
    reason = forms.CharField(
        label="Why is it extended?",
        max_length=500,
        error_messages={"required": "Enter why it is extended."},
    )

    def __init__(self, *args, obligation: Obligation, latest: datetime | None = None, **kwargs):
        kwargs.setdefault("auto_id", "id_extend_%s")
        super().__init__(*args, **kwargs)
        self.obligation = obligation
        if latest is not None:
            # The browser's picker stops at the latest date allowed; the service refuses later.
            latest_field = self.fields["due_at"]
            latest_field.widget.attrs["max"] = timezone.localtime(latest).strftime(DATETIME_FORMAT)
            latest_field.help_text = (
                f"UK time. At the latest {long_date(timezone.localdate(latest))}."
            )

    def clean_due_at(self):
        due = self.cleaned_data["due_at"]
        if due <= self.obligation.due_at:
            raise ValidationError("The new due date must be after the current one.")
        if due <= timezone.now():
            raise ValidationError("The new due date must be in the future.")
        return due


class AllowAttemptsForm(forms.Form):
    extra = forms.IntegerField(
        label="Further attempts",
        min_value=1,
        max_value=10,
        initial=1,
        error_messages={
            "required": "Enter how many further attempts to allow, for example 1.",
            "invalid": "Enter a whole number of attempts, for example 1.",
            "min_value": "Allow at least 1 further attempt.",
            "max_value": "Allow at most 10 further attempts at once.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept on the record, for example: went through the policy with them.",
        error_messages={"required": "Enter why this person may have more attempts."},
    )
