"""Forms of the People pages: they only validate; the views call the services."""

from django import forms

from portal.roles import Role


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name, email or staff number", required=False, max_length=200
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="Recorded in the audit trail with your name, for anyone who asks later.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason: it is kept on the record."},
    )


class RoleGrantForm(ReasonForm):
    role = forms.ChoiceField(label="Role")
    field_order = ["role", "reason"]

    def __init__(self, *args, held: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", "Choose a role")] + [
            (role.name, role.value) for role in Role if role.value not in held
        ]

    def clean_role(self) -> Role:
        return Role[self.cleaned_data["role"]]
