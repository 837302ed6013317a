"""The retention periods and records holds forms: they only validate; the views call the
services."""

from django import forms

from portal.models import OrganisationSettings
from portal.registry import RetentionRule, registry
from portal.services.retention import period_words, retention_months

# Nobody keeps a record for a century; a bigger number is a typing mistake.
MAX_MONTHS = 1200


def _field_name(rule: RetentionRule) -> str:
    return rule.key.replace(".", "__")


class RetentionPeriodsForm(forms.Form):
    """One number of months for each kind of record the portal disposes of."""

    def __init__(self, *args, org: OrganisationSettings, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = [rule for rule in registry.retention_rules() if rule.disposes]
        for rule in self.rules:
            least = period_words(rule.minimum_months)
            self.fields[_field_name(rule)] = forms.IntegerField(
                label=f"{rule.label} (months)",
                min_value=rule.minimum_months,
                max_value=MAX_MONTHS,
                initial=retention_months(rule, org),
                help_text=(f"Counted {rule.counted_from}. " if rule.counted_from else "")
                + f"The usual period is {period_words(rule.default_months)}.",
                error_messages={
                    "required": "Say how many months to keep these.",
                    "invalid": "Enter a whole number of months, such as 72 for six years.",
                    "min_value": (
                        f"These must be kept for at least {rule.minimum_months} months ({least})."
                    ),
                    "max_value": f"Enter at most {MAX_MONTHS} months.",
                },
            )

    def months(self) -> dict[str, int]:
        return {rule.key: self.cleaned_data[_field_name(rule)] for rule in self.rules}


def _disposing_kinds() -> list[tuple[str, str]]:
    return [(rule.key, rule.label) for rule in registry.retention_rules() if rule.disposes]


class HoldPlaceForm(forms.Form):
    record_type = forms.ChoiceField(
        label="Kind of record",
        error_messages={"required": "Choose the kind of record to hold."},
    )
    object_id = forms.CharField(
        label="Record number (optional)",
        required=False,
        max_length=64,
        help_text="Leave empty to hold every record of this kind. A staff import's number is "
        "in its page's title, such as 12 for 'Staff import 12'.",
    )
    reason = forms.CharField(
        label="Why the records are held",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the FOI or subject access request reference, or the "
        "investigation. Do not name the person who asked: this is shown in the audit trail.",
        error_messages={"required": "Say why the records are held: it is kept on the record."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["record_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a kind of record"), *_disposing_kinds()]


class HoldLiftForm(forms.Form):
    reason = forms.CharField(
        label="Why the hold is lifted",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the hold is lifted: it is kept on the record."},
    )
