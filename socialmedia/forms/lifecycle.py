"""Forms of an account's life: a new name, a hand-over, closure and the Chief Executive's
orders. They only validate; the services decide."""

from django import forms

from portal.models import User


class RenameForm(forms.Form):
    name = forms.CharField(label="Account name, as it is now on the platform", max_length=120)
    handle = forms.CharField(
        label="Handle, as it is now", max_length=120, help_text="For example @WestshireOPCC."
    )


class HandOverForm(forms.Form):
    to_owner = forms.ModelChoiceField(
        label="Who should own the account",
        queryset=User.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Someone on the account's team. To hand it to someone else, add them first.",
    )
    note = forms.CharField(
        label="A note for them (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates


class HandOverAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("accept", "Accept"), ("decline", "Decline")], widget=forms.HiddenInput
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="Why is the account closing?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deleted_on_platform = forms.BooleanField(
        label="I have deleted the account on the platform",
        help_text="Closing it here records that it is gone; it does not delete it for you.",
        error_messages={"required": "Delete the account on the platform first, then tick the box."},
    )


class OrderForm(forms.Form):
    """A Chief Executive's order about an account: suspend, lift a suspension, order closure."""

    reason = forms.CharField(
        label="Reason (sent to the owner)",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
