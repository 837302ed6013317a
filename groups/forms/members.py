"""Forms of the membership, leavers, review and concern pages. They only validate; the services
decide."""

from django import forms

from groups.models import ChatGroup, Concern, ExternalMember
from portal.forms.people_fields import PeopleField, PersonField


class MembersAddForm(forms.Form):
    people = PeopleField(label="Members of staff to add")

    def clean_people(self):
        people = self.cleaned_data["people"]
        if not people:
            raise forms.ValidationError("Name at least one person to add.")
        return people


class MemberRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why are they leaving the group?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    chat_removed = forms.BooleanField(
        label="I have also removed them from the chat itself",
        help_text="Removing someone here does not take them out of the chat on their phone: "
        "do that in the app first.",
        error_messages={"required": "Take them out of the chat itself first, then tick the box."},
    )


class ExternalMemberForm(forms.ModelForm):
    class Meta:
        model = ExternalMember
        fields = ["name", "organisation", "contact"]
        labels = {"name": "Their name", "organisation": "Their organisation"}


class RulesAcknowledgeForm(forms.Form):
    understood = forms.BooleanField(
        label="I have read the group's purpose and rules and will keep to them",
        error_messages={"required": "Tick the box to say you have read the rules."},
    )


class AdminChangeForm(forms.Form):
    new_admin = PersonField(label="The new admin")

    def clean_new_admin(self):
        person = self.cleaned_data["new_admin"]
        if person is None:
            raise forms.ValidationError("Name the new admin.")
        return person


class DeputyChangeForm(forms.Form):
    new_deputy = PersonField(label="The new deputy admin")

    def clean_new_deputy(self):
        person = self.cleaned_data["new_deputy"]
        if person is None:
            raise forms.ValidationError("Name the new deputy.")
        return person


class ReviewForm(forms.Form):
    purpose_holds = forms.BooleanField(
        label="The group's business purpose still holds",
        error_messages={"required": "Confirm the purpose still holds, or close the group."},
    )
    membership_right = forms.BooleanField(
        label="Everyone in the group needs to be in it, and nobody who should be is missing",
        error_messages={
            "required": "Put the membership right first (on the members page), then confirm it."
        },
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConcernForm(forms.Form):
    """A concern about a group the person can see (the group is known from the page)."""

    kind = forms.ChoiceField(
        label="What is the concern?", choices=Concern.Kind.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label="What happened",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what you saw and when. Do not copy in what was posted: describe it.",
    )


class UnlistedConcernForm(ConcernForm):
    """A concern about any registered group, chosen by name (anyone may report one they are not
    in: someone who should not be in it, say), or about a work group named in words that is not
    on the register. Choosing a group shows nothing of it beyond its name."""

    group = forms.ModelChoiceField(
        label="A group on the register",
        queryset=ChatGroup.objects.none(),
        required=False,
        empty_label="Not on the register (describe it below)",
        help_text="Any approved or suspended group, by name: you need not be in it.",
    )
    group_described = forms.CharField(
        label="Or, a group not on the register: its name, and the app it is on",
        max_length=200,
        required=False,
    )
    field_order = ["group", "group_described", "kind", "details"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        registered = (ChatGroup.Status.APPROVED, ChatGroup.Status.SUSPENDED)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            ChatGroup.objects.filter(status__in=registered).only("pk", "name").order_by("name")
        )

    def clean(self):
        data = super().clean() or {}
        if not data.get("group") and not (data.get("group_described") or "").strip():
            self.add_error(
                "group_described",
                "Choose the group from the register, or describe one that is not on it.",
            )
        return data


class ConcernResolveForm(forms.Form):
    action_taken = forms.CharField(
        label="What was done", max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
