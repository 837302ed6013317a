"""Forms of the team pages. They only validate; the services decide."""

from django import forms

from portal.forms.people_fields import PersonField
from portal.models import User


class TeamAddForm(forms.Form):
    person = PersonField(label="Colleague to add to the team")

    def clean_person(self):
        person = self.cleaned_data["person"]
        if person is None:
            raise forms.ValidationError("Give the work email address of the colleague to add.")
        return person


class TeamRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why are they coming off the team?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: moved to another team. The password will then need changing.",
    )


class OwnerAssignForm(forms.Form):
    """The new owner of an account whose owner left: someone on its team."""

    new_owner = forms.ModelChoiceField(
        label="The new owner",
        queryset=User.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Only people still on the account's team can own it.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
