"""The forms of holds: placing one, acknowledging a notice, reissuing, recording a search and
releasing. They only validate; the services in groups/services/holds.py decide."""

from django import forms
from django.utils import timezone

from groups.models import ChatGroup, Hold
from groups.services.holds import holdable_groups
from portal.forms.people_fields import PersonField
from portal.forms.uk_datetime import UKDateTimeField


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _GroupChoices(forms.ModelMultipleChoiceField):
    """Groups as tick boxes, by name (a filter box above them narrows a long list)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: ChatGroup) -> str:
        suspended = " (suspended)" if obj.status == ChatGroup.Status.SUSPENDED else ""
        return f"{obj.name}{suspended}"


class HoldPlaceForm(forms.Form):
    GROUPS, PERSON = "groups", "person"

    kind = forms.ChoiceField(
        label="What is the hold for?",
        choices=Hold.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the hold is for.",
            "invalid_choice": "Choose what the hold is for from the list.",
        },
    )
    reference = forms.CharField(
        label="Reference",
        max_length=100,
        help_text="The case number of the request or matter, for example FOI-2026-0142. "
        "Members are told it.",
        error_messages={
            "required": "Enter the reference of the request, for example the FOI case number: "
            "a hold without a reference is refused."
        },
    )
    request_received_on = forms.DateField(
        label="Date the request arrived",
        widget=_DateInput(),
        error_messages={
            "required": "Enter the date the request arrived.",
            "invalid": "Enter a real date, for example 3 March 2026.",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the DPO's record only: it is not sent to anyone.",
    )
    covers = forms.ChoiceField(
        label="Hold",
        choices=[(GROUPS, "Chosen groups"), (PERSON, "Every group one person is in")],
        widget=forms.RadioSelect,
        initial=GROUPS,
        error_messages={
            "required": "Choose whether the hold is on groups or on a person.",
            "invalid_choice": "Choose whether the hold is on groups or on a person.",
        },
    )
    groups = _GroupChoices(
        label="Groups",
        queryset=ChatGroup.objects.none(),
        required=False,
        help_text="Approved and suspended groups.",
        error_messages={
            "invalid_choice": "Choose groups from the list.",
            "invalid_pk_value": "Choose groups from the list.",
        },
    )
    person = PersonField(
        label="Person",
        required=False,
        help_text="Their work email address or staff number. Every approved or suspended group "
        "they are in now is held; they are not named to the other members.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups_field = self.fields["groups"]
        assert isinstance(groups_field, forms.ModelMultipleChoiceField)
        groups_field.queryset = holdable_groups().order_by("name", "pk")
        self.fields["request_received_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_request_received_on(self):
        day = self.cleaned_data["request_received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date the request arrived cannot be in the future.")
        return day

    def clean(self):
        super().clean()
        data = self.cleaned_data
        covers = data.get("covers")
        if covers == self.GROUPS:
            data["person"] = None
            if "groups" in data and not data["groups"]:
                self.add_error("groups", "Choose at least one group to hold.")
        elif covers == self.PERSON:
            data["groups"] = []
            if "person" in data and data["person"] is None:
                self.add_error("person", "Enter the person whose groups are held.")
        return data


class HoldAcknowledgeForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read this notice. I will not delete anything from these chats, or "
        "leave them, until I am told the hold is released.",
        error_messages={"required": "Tick the box to confirm you have read the notice."},
    )


class HoldReissueForm(forms.Form):
    UNACKNOWLEDGED, EVERYONE = "unacknowledged", "everyone"

    to = forms.ChoiceField(
        label="Send the notice again to",
        choices=[
            (UNACKNOWLEDGED, "Everyone who has not acknowledged it"),
            (EVERYONE, "Everyone it was sent to, as a reminder"),
        ],
        widget=forms.RadioSelect,
        initial=UNACKNOWLEDGED,
        error_messages={
            "required": "Choose who to send the notice to.",
            "invalid_choice": "Choose who to send the notice to.",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_reissue_%s")
        super().__init__(*args, **kwargs)


class HoldSearchForm(forms.Form):
    searched_at = UKDateTimeField(
        label="When the search was made",
        help_text="UK time.",
        error_messages={"required": "Enter when the search was made."},
    )
    searched_by = PersonField(
        label="Who made it",
        error_messages={"required": "Enter who made the search."},
    )
    groups = _GroupChoices(
        label="Groups searched",
        queryset=ChatGroup.objects.none(),
        error_messages={
            "required": "Choose the groups that were searched.",
            "invalid_choice": "Choose groups from the list.",
            "invalid_pk_value": "Choose groups from the list.",
        },
    )
    found = forms.CharField(
        label="What was found",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Describe what was found (not the messages themselves), or say nothing was.",
        error_messages={"required": "Say what the search found, or that it found nothing."},
    )
    copied_to = forms.CharField(
        label="What was copied, and where to (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: 14 messages exported to the FOI case file on the records system.",
    )

    def __init__(self, *args, hold: Hold, **kwargs):
        kwargs.setdefault("auto_id", "id_search_%s")
        super().__init__(*args, **kwargs)
        groups_field = self.fields["groups"]
        assert isinstance(groups_field, forms.ModelMultipleChoiceField)
        groups_field.queryset = hold.groups.order_by("name", "pk")

    def clean_searched_at(self):
        at = self.cleaned_data["searched_at"]
        if at > timezone.now():
            raise forms.ValidationError("The search cannot have been made in the future.")
        return at


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Why is the hold released?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name. For example: the FOI response was sent on 2 April "
        "and the time for an internal review has passed.",
        error_messages={"required": "Enter why the hold is released."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_release_%s")
        super().__init__(*args, **kwargs)
