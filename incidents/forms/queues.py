"""The filters of a handler's queue."""

from datetime import date

from django import forms

from incidents.kinds import Kind

OPEN = "open"


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label="Reference",
        required=False,
        max_length=30,
        help_text="All or part of it, such as 2026-0042.",
    )
    kind = forms.ChoiceField(label="Kind", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    reported_from = forms.DateField(
        label="Reported from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 2026-03-03."},
    )
    reported_to = forms.DateField(
        label="Reported to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 2026-03-03."},
    )

    def __init__(self, *args, kinds: list[Kind], statuses: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "Any kind"), *((k.value, k.label) for k in kinds)]
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", "Any status"), (OPEN, "Open"), *statuses]

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("reported_from"), data.get("reported_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("reported_to", "The end date is before the start date.")
        return data
