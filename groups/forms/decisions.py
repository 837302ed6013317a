"""The DPO's decisions, and the changes of a group's status that follow."""

from django import forms


class ApproveForm(forms.Form):
    size_approved = forms.BooleanField(label="I approve a group of this size", required=False)
    note = forms.CharField(
        label="Note to the applicant (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Why it is refused",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Say why the application is refused."},
    )


class AskChangesForm(forms.Form):
    reason = forms.CharField(
        label="What should change",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Say what the applicant should change."},
    )


class ReasonForm(forms.Form):
    """Suspending or closing a group: the reason goes on the record and to the admin."""

    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Give the reason: it goes on the record and to the admin."},
    )
