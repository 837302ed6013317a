"""The register's filters and its export."""

from django import forms

from groups.models import ChatGroup, Platform


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label="Group name", required=False, max_length=120)
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *ChatGroup.Status.choices], required=False
    )
    platform = forms.ChoiceField(
        label="App", choices=[("", "Any app"), *Platform.choices], required=False
    )
    needs_admin = forms.BooleanField(label="Needs an admin", required=False)
    on_hold = forms.BooleanField(label="On hold", required=False)


class RegisterExportForm(forms.Form):
    include_members = forms.BooleanField(
        label="Include the names of admins and members",
        required=False,
        help_text="Leave unticked for a list to publish in answer to an FOI request.",
    )
