"""The breach register's filters, and the year the DPO's incident figures cover."""

from typing import cast

from django import forms

from incidents.breach_register import OVERDUE, OVERDUE_LABEL, Outcome
from incidents.kinds import Kind
from incidents.models import Regime

# The Data Protection Act 2018 and the GDPR took effect in May 2018: no breach on this register
# can be older.
FIRST_YEAR = 2018


def _years(this_year: int) -> list[tuple[str, str]]:
    return [(str(year), str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]


class BreachFilterForm(forms.Form):
    year = forms.ChoiceField(
        label="Year the organisation became aware",
        required=False,
        help_text="UK time.",
    )
    regime = forms.ChoiceField(
        label="Law", choices=[("", "Either law"), *Regime.choices], required=False
    )
    kind = forms.ChoiceField(
        label="Kind of report", choices=[("", "Any kind"), *Kind.choices], required=False
    )
    outcome = forms.ChoiceField(
        label="The ICO",
        choices=[("", "Any outcome"), *Outcome.choices, (OVERDUE, OVERDUE_LABEL)],
        required=False,
    )

    def __init__(self, *args, this_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", "Any year"),
            *_years(this_year),
        ]

    def filters(self) -> dict[str, str]:
        """The filters in use, by name: the ones the form accepts, so that one refused (and shown
        with its error) leaves the others applied, as the selects show them. Read by the page,
        its links and the export alike."""
        if not self.is_bound:
            return {}
        self.is_valid()  # a field refused is left out of cleaned_data, and keeps its error
        return {name: value for name, value in self.cleaned_data.items() if value}

    def filters_in_words(self) -> list[str]:
        """The filters in use as people read them ("The ICO: Told the ICO late"), for the
        export's first line; `filters()` keeps the codes for links and the record."""
        words = []
        for name, value in self.filters().items():
            field = cast(forms.ChoiceField, self.fields[name])
            choices = cast(list[tuple[str, str]], field.choices)  # flat: no groups here
            labels = {str(code): str(label) for code, label in choices}
            words.append(f"{field.label}: {labels.get(value, value)}")
        return words


class ReportYearForm(forms.Form):
    year = forms.TypedChoiceField(label="Year", coerce=int, help_text="UK time.")

    def __init__(self, *args, this_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = _years(this_year)
