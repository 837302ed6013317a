"""Filtering the lists of people, and choosing whom to remind from the outstanding list."""

from django import forms
from django.core.exceptions import ValidationError

from declarations.forms.fields import ObligationIdsField
from declarations.models import (
    Obligation,
)
from declarations.remindable import BULK_LIMIT as _MAX_REMIND
from portal.models import Department


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Name, email or staff number", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), *Obligation.Status.choices],
    )


# The outstanding list's choice for people in no department.
NO_DEPARTMENT = "none"


class OutstandingFilterForm(forms.Form):
    department = forms.ChoiceField(required=False, label="Department")
    show = forms.ChoiceField(
        required=False,
        label="Show",
        choices=[
            ("", "Everyone who has not signed"),
            ("overdue", "Only those past their due date"),
            ("paused", "Only those paused"),
            ("exempt", "Only those exempt (not counted as not signed)"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        department_field = self.fields["department"]
        assert isinstance(department_field, forms.ChoiceField)
        department_field.choices = [
            ("", "All departments"),
            *((str(pk), name) for pk, name in Department.objects.values_list("pk", "name")),
            (NO_DEPARTMENT, "No department"),
        ]

    def filters(self) -> dict:
        """The chosen filter, as declarations.reports.outstanding takes it (once valid)."""
        department = self.cleaned_data["department"]
        return {
            "department_id": int(department) if department.isdigit() else None,
            "no_department": department == NO_DEPARTMENT,
            "show": self.cleaned_data["show"],
        }


REMIND_TICKED = "ticked"
REMIND_EVERYONE = "everyone"


class RemindChoiceForm(OutstandingFilterForm):
    """Who to remind from the outstanding list: the people ticked, or everyone the list's
    filter shows. Only chooses: the confirmation page says what would happen."""

    obligation = ObligationIdsField(most=_MAX_REMIND, required=False)
    scope = forms.ChoiceField(
        choices=[(REMIND_TICKED, "The people ticked"), (REMIND_EVERYONE, "Everyone in this list")],
        error_messages={"required": "Choose whether to remind the people ticked or everyone."},
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("scope") == REMIND_TICKED and not data.get("obligation"):
            raise ValidationError(
                "Tick the people to remind, or choose “Remind everyone in this list”."
            )
        return data


class RemindSendForm(OutstandingFilterForm):
    """The people the confirmation page named, sent back to be reminded (with the list's
    filter, to return to it)."""

    obligation = ObligationIdsField(
        most=_MAX_REMIND,
        error_messages={"required": "Choose at least one person to remind."},
    )
