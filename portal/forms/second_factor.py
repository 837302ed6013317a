"""Forms of the second step of signing in: they only check the shape of what was typed."""

from django import forms


class AppCodeForm(forms.Form):
    """The six digits an authenticator app shows, to confirm it was set up."""

    code = forms.CharField(
        label="The 6-digit code your app shows now",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(
                "Enter the 6 digits your authenticator app shows, for example 123456."
            )
        return code


class SecondStepForm(forms.Form):
    """At sign-in: an authenticator's six digits, or one of the recovery codes."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes "
        "(for example abcde-23456).",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
        error_messages={
            "required": "Enter the code from your authenticator app, or a recovery code."
        },
    )
