"""The forms of the credential register: opening an account, changing its credential details,
recording a new password, and asking to reveal the secrets. They check only what the input
shows; the services decide.

A secret is write-only: its input never shows a value, neither the one kept (nothing is ever
prefilled) nor the one just typed when the form comes back with a problem (the page says to type
it again). The account's password is a text input masked by the stylesheet
(static/socialmedia/credentials.css), not a password input, and tells password managers to keep
out: a browser neither offers to save the account's password as the person's own nor fills the
person's own password in.
"""

from typing import Any

from django import forms

from portal.models import User
from socialmedia.models import (
    SECRET_FIELDS,
    SECRET_LABELS,
    Account,
    Credential,
    MfaMethod,
    Reveal,
    Rotation,
    Storage,
)
from socialmedia.services.credentials import CLEARABLE

RETYPE = "For safety, secrets you typed are not shown again: type them again before sending."


class SecretInput(forms.TextInput):
    """A text input that never renders a value: what was typed is not echoed into the page."""

    def format_value(self, value: Any) -> None:
        return None


class SecretTextarea(forms.Textarea):
    def format_value(self, value: Any) -> None:
        return None


# No password-save heuristic fires on a text input; the class masks what is typed.
ACCOUNT_PASSWORD_ATTRS = {
    "class": "secret-masked",
    "autocomplete": "off",
    "spellcheck": "false",
    "autocapitalize": "off",
    "data-lpignore": "true",
    "data-1p-ignore": True,
    "data-bwignore": True,
}


def _password(label: str, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        max_length=500,
        help_text=help_text,
        widget=SecretInput(attrs=ACCOUNT_PASSWORD_ATTRS),
    )


def _secret(field: str, *, help_text: str = "") -> forms.CharField:
    widget: forms.Widget
    if field == "notes":
        widget = SecretTextarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"})
    else:
        widget = SecretInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    return forms.CharField(
        label=SECRET_LABELS[field],
        required=False,
        max_length=4000 if field == "notes" else 500,
        help_text=help_text,
        widget=widget,
    )


def _storage_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Where are the credentials kept?",
        choices=Storage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the credentials are kept."},
    )


def _mfa_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Second sign-in step the account uses",
        choices=MfaMethod.choices,
        error_messages={"required": "Choose the second sign-in step the account uses."},
    )


def _reference_field() -> forms.CharField:
    return forms.CharField(
        label="Where the entry is in the password manager",
        required=False,
        max_length=300,
        help_text="The folder and entry name only, never the password. "
        "Only when they are kept in the password manager.",
    )


def _passwords_match(form: forms.Form, first: str, second: str) -> None:
    password, again = form.cleaned_data.get(first, ""), form.cleaned_data.get(second, "")
    if (password or again) and password != again:
        form.add_error(second, "The two passwords are not the same: type it again in both.")


def typed_secrets(form: forms.Form) -> dict[str, str]:
    """The secrets typed into `form`, by SECRET_FIELDS name (a blank where none was)."""
    return {
        field: form.cleaned_data.get(field, "") for field in SECRET_FIELDS if field in form.fields
    }


class OpenForm(forms.Form):
    retype_notice = RETYPE

    handle = forms.CharField(
        label="Handle",
        max_length=120,
        help_text="As it is on the platform, for example @WestshireOPCC. It may differ from "
        "the one applied for.",
    )
    url = forms.URLField(
        label="Address of the account",
        max_length=500,
        assume_scheme="https",
        help_text="For example https://x.com/WestshireOPCC.",
    )
    storage = _storage_field()
    username = _secret("username", help_text="Only when kept here.")
    password = _password("Password", help_text="Only when kept here.")
    password_again = _password("The password again")
    recovery_email = _secret("recovery_email")
    recovery_phone = _secret("recovery_phone")
    recovery_codes_location = _secret(
        "recovery_codes_location", help_text="Where, not the codes themselves."
    )
    notes = _secret("notes")
    password_manager_reference = _reference_field()
    mfa_method = _mfa_field()

    def __init__(self, *args: Any, account: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if account is not None and not self.is_bound:
            self.initial.setdefault("handle", account.handle)
            self.initial.setdefault("storage", Storage.PORTAL)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _passwords_match(self, "password", "password_again")
        if data.get("storage") == Storage.PORTAL:
            if not data.get("username", "").strip():
                self.add_error("username", "Enter the username the account signs in with.")
            if not data.get("password"):
                self.add_error("password", "Enter the account's password.")
        elif (
            data.get("storage") == Storage.PASSWORD_MANAGER
            and not data.get("password_manager_reference", "").strip()
        ):
            self.add_error(
                "password_manager_reference",
                "Say where the entry is in the organisation's password manager.",
            )
        return data


class CredentialEditForm(forms.Form):
    """What is typed replaces what is kept; a blank keeps it; a tick clears an optional one."""

    retype_notice = RETYPE

    storage = _storage_field()
    password_manager_reference = _reference_field()
    mfa_method = _mfa_field()
    username = _secret("username", help_text="Leave empty to keep the one kept.")
    recovery_email = _secret("recovery_email", help_text="Leave empty to keep it.")
    clear_recovery_email = forms.BooleanField(label="Remove the recovery email", required=False)
    recovery_phone = _secret("recovery_phone", help_text="Leave empty to keep it.")
    clear_recovery_phone = forms.BooleanField(label="Remove the recovery phone", required=False)
    recovery_codes_location = _secret(
        "recovery_codes_location", help_text="Leave empty to keep it."
    )
    clear_recovery_codes_location = forms.BooleanField(
        label="Remove where the recovery codes are kept", required=False
    )
    notes = _secret("notes", help_text="Leave empty to keep them.")
    clear_notes = forms.BooleanField(label="Remove the notes", required=False)
    password = _password(
        "Password",
        help_text="Only when moving the credentials here from the password manager. To record a "
        "new password, use “Record a new password”.",
    )
    password_again = _password("The password again")

    def __init__(self, *args: Any, credential: Credential, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.update(
            {
                "storage": credential.storage,
                "mfa_method": credential.mfa_method,
                "password_manager_reference": credential.password_manager_reference,
            }
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _passwords_match(self, "password", "password_again")
        for field in CLEARABLE:
            if data.get(f"clear_{field}") and data.get(field):
                self.add_error(field, "Either remove it or type a new one, not both.")
        return data

    def cleared(self) -> list[str]:
        return [field for field in CLEARABLE if self.cleaned_data.get(f"clear_{field}")]


class PasswordChangeForm(forms.Form):
    retype_notice = RETYPE

    why = forms.ChoiceField(
        label="Why did it change?",
        choices=Rotation.Why.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say why the password changed."},
    )

    def __init__(self, *args: Any, credential: Credential, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept_here = credential.storage == Storage.PORTAL
        if self.kept_here:
            self.fields["password"] = _password("New password", required=True)
            self.fields["password_again"] = _password("The new password again", required=True)
            self.fields["password"].error_messages["required"] = "Enter the new password."
            self.fields["password_again"].error_messages["required"] = (
                "Enter the new password again."
            )
        else:
            self.fields["changed_in_manager"] = forms.BooleanField(
                label="The new password is saved in the organisation's password manager",
                error_messages={"required": "Confirm the new password is in the password manager."},
            )
        # A change that clears a "rotation due" is, most often, for a change of team.
        due = credential.account.rotation_due_since is not None
        self.initial.setdefault("why", Rotation.Why.TEAM_CHANGED if due else Rotation.Why.ROUTINE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.kept_here:
            _passwords_match(self, "password", "password_again")
        return data


class _AnyChoices(forms.MultipleChoiceField):
    """Ticks the service checks: an unknown one is a refusal on the record, not a form error."""

    def valid_value(self, value: Any) -> bool:
        return True


class RevealForm(forms.Form):
    """Every field may be left out: what is missing or wrong is refused by credential_reveal,
    which records the refusal. The form only bounds the lengths."""

    reason = forms.CharField(
        label="Why do you need to see them?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept on the record with your name.",
    )
    fields_wanted = _AnyChoices(
        label="Which details",
        choices=[(field, SECRET_LABELS[field]) for field in SECRET_FIELDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="All of them if none is ticked.",
    )

    def __init__(
        self, *args: Any, by_provider: bool, needs_code: bool, delegate: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("fields_wanted", list(SECRET_FIELDS))
        if not by_provider:
            self.fields["password"] = forms.CharField(
                label="Your password for this portal",
                required=False,
                strip=False,
                max_length=500,
                widget=forms.PasswordInput(
                    render_value=False, attrs={"autocomplete": "current-password"}
                ),
            )
        if needs_code:
            self.fields["code"] = forms.CharField(
                label="Code from your authenticator app",
                required=False,
                max_length=20,
                # Used once: not shown again on a form that comes back with a problem.
                widget=SecretInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
                help_text="Or one of your recovery codes.",
            )
        if delegate:
            self.fields["break_glass"] = forms.BooleanField(
                label="The Chief Executive is not available and this cannot wait",
                required=False,
                help_text="The Chief Executive is told at once that you revealed them, and why.",
            )


class RevealFilterForm(forms.Form):
    """The reveals log's filters. The lists hold only accounts with credentials and people who
    ever asked for a reveal: a few dozen in any organisation."""

    account = forms.ModelChoiceField(
        label="Account",
        required=False,
        queryset=Account.objects.filter(credential__isnull=False).order_by("platform", "handle"),
        empty_label="Every account",
    )
    by = forms.ModelChoiceField(
        label="Person",
        required=False,
        queryset=User.objects.filter(social_reveals__isnull=False).distinct().order_by("full_name"),
        empty_label="Everyone",
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Shown or refused"), *Reveal.Outcome.choices]
    )
    break_glass = forms.ChoiceField(
        label="Break-glass",
        required=False,
        choices=[("", "Either"), ("yes", "Only break-glass"), ("no", "Not break-glass")],
    )

    def filter(self, rows: Any) -> Any:
        data = self.cleaned_data
        if data.get("account"):
            rows = rows.filter(account=data["account"])
        if data.get("by"):
            rows = rows.filter(by=data["by"])
        if data.get("outcome"):
            rows = rows.filter(outcome=data["outcome"])
        if data.get("break_glass"):
            rows = rows.filter(break_glass=data["break_glass"] == "yes")
        return rows
