"""The report form, which adapts to the kind of incident, and the form for adding to a report
later. They only validate; incidents/services/reporting.py decides, with the same rules.

The form is one page rendered by the server. The parts only some kinds ask for carry the kinds
they are for (static/incidents/report_form.js hides the others); without the script every part
shows, says which kinds it is for, and what is sent for another kind is left out.
"""

from collections.abc import Sequence
from uuid import uuid4

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from incidents.kinds import Answer, DeviceType, Kind
from incidents.services.attachments import (
    MAX_FILES,
    CheckedFile,
    sort_uploads,
    too_large_error,
    too_many_files,
)
from incidents.services.reporting import (
    ASKED_FOR,
    LONGEST_TEXT,
    MOST_PEOPLE,
    Report,
    missing_for_kind,
    time_problems,
)
from portal.forms.people_fields import PersonField
from portal.forms.submission_token import SubmissionTokenField
from portal.forms.uk_datetime import UKDateTimeField


class _MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each checked by its content; cleans to a list (empty when none
    was chosen). Every bad file is named, so the person knows which to change."""

    widget = _MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".png,.jpg,.jpeg,.pdf,image/png,image/jpeg,application/pdf"
        # How many files kept from sending the form before come with these.
        self.kept = 0
        # The files that passed their checks, even when others did not: kept if the form fails.
        self.passed: list[CheckedFile] = []
        self.fit()

    def fit(self, *, kept: int = 0) -> None:
        """The limits the script checks before the form is sent, as they are now (the field
        is made once; each form calls this again)."""
        self.kept = kept
        self.help_text = attachments_help()
        self.widget.attrs.update(
            {
                "data-max-bytes": str(settings.PORTAL_MAX_UPLOAD_BYTES),
                "data-max-files": str(max(0, MAX_FILES - kept)),
            }
        )

    def clean(self, data, initial=None) -> list[CheckedFile]:
        files = list(data) if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f and hasattr(f, "size")]
        if len(files) + self.kept > MAX_FILES:
            raise too_many_files()
        # Each file with its kind: the service stores them without reading them again.
        self.passed, problems = sort_uploads(files)
        if problems:
            raise ValidationError(problems)
        return self.passed


def _attachments(form: forms.Form) -> AttachmentsField:
    field = form.fields["attachments"]
    assert isinstance(field, AttachmentsField)
    return field


def files_passed(form: forms.Form) -> list[CheckedFile]:
    """The files sent that passed their checks, whatever else failed (none when too many were
    sent: the person chooses fewer)."""
    return list(_attachments(form).passed)


def files_fit(form: forms.Form, *, kept: int) -> None:
    """Shown again with `kept` files kept: the script allows only the rest."""
    _attachments(form).fit(kept=kept)


def _refuse_too_large(form: "ReportForm | AddInformationForm") -> None:
    """Name each file skipped as it arrived for being too large (portal.lib.upload_limits)."""
    if form.too_large:
        form.add_error("attachments", [too_large_error(name) for name in form.too_large])


def attachments_help() -> str:
    return (
        f"Photos (PNG or JPEG) or PDF documents, up to {MAX_FILES} files of at most "
        f"{filesizeformat(settings.PORTAL_MAX_UPLOAD_BYTES)} each. You can add more later."
    )


def _text(label: str, *, rows: int = 3, required: str = "", help_text: str = ""):
    """Words typed in a box; `required` is what to say when it is left empty."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=bool(required),
        max_length=LONGEST_TEXT,
        help_text=help_text,
        error_messages={"required": required} if required else None,
    )


def _answer(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Answer.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose yes, no or don't know."},
    )


# Which kinds each part is for, in words, for a page shown without the script.
_FOR_WORDS = {
    "device_type": "For a lost, stolen or faulty device.",
    "asset_tag": "For a lost, stolen or faulty device.",
    "encrypted": "For a lost or stolen device.",
    "locked": "For a lost or stolen device.",
    "password_with_device": "For a lost or stolen device.",
    "crime_reference": "For a stolen device.",
}


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you reporting?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you are reporting.",
            "invalid_choice": "Choose what you are reporting.",
        },
    )
    happened_at = UKDateTimeField(
        label="When it happened (UK time)",
        help_text="Your best guess is fine.",
        error_messages={
            "required": "Enter when it happened (your best guess is fine).",
        },
    )
    discovered_at = UKDateTimeField(
        label="When it was discovered (UK time)",
        help_text="When it was first noticed. It can be the same as when it happened.",
        error_messages={"required": "Enter when it was discovered."},
    )
    description = _text(
        "What happened",
        rows=4,
        required="Say what happened.",
        help_text="Where and how, in a few sentences. Describe any content rather than "
        "copying it here.",
    )
    device_type = forms.ChoiceField(
        label="Type of device",
        choices=[("", "Choose the type of device"), *DeviceType.choices],
        required=False,
        error_messages={"invalid_choice": "Choose the type of device from the list."},
    )
    asset_tag = forms.CharField(
        label="Asset tag (optional)",
        max_length=60,
        required=False,
        help_text="The number on the IT sticker, if you know it.",
    )
    encrypted = _answer("Was the device encrypted?")
    locked = _answer("Was it locked with a PIN or password?")
    password_with_device = _answer("Was a written password kept with it?")
    crime_reference = forms.CharField(
        label="Police crime reference (optional)",
        max_length=60,
        required=False,
        help_text="If you have reported the theft to the police.",
    )
    personal_data = _text(
        "Personal data that may be involved",
        help_text="What kind of information, and about whom: for example “names and "
        "addresses of three witnesses”. Do not copy the information itself.",
    )
    people_affected = forms.IntegerField(
        label="Roughly how many people's data (optional)",
        min_value=0,
        max_value=MOST_PEOPLE,
        required=False,
        error_messages={
            "invalid": "Enter a number of people, such as 3 or 250.",
            "min_value": "Enter a number of people, such as 3 or 250.",
            "max_value": "Enter a number of people, such as 3 or 250.",
        },
    )
    actions_taken = _text(
        "What has been done already (optional)",
        rows=2,
        help_text="For example “called the helpdesk”, “asked the recipient to delete the email”.",
    )
    reported_for = PersonField(
        label="The colleague it happened to",
        required=False,
        help_text="Their work email address or staff number (type a name to search). Leave "
        "empty if it happened to you.",
    )
    attachments = AttachmentsField(label="Photos or documents (optional)")
    # One per form shown, and kept when the form comes back with errors: the same form sent
    # twice makes one report (incident_report's `token`).
    submission_token = SubmissionTokenField()

    def __init__(self, *args, reporter, too_large: Sequence[str] = (), kept: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.reporter = reporter
        self.too_large = list(too_large)
        _attachments(self).fit(kept=kept)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid4())
        for name, words in _FOR_WORDS.items():
            field = self.fields[name]
            field.help_text = f"{words} {field.help_text}".strip()

    @staticmethod
    def kinds_for(name: str) -> str:
        """The kinds a part is for, for the script: space-separated values."""
        return " ".join(sorted(ASKED_FOR[name]))

    def kind_parts(self) -> dict[str, str]:
        return {name: self.kinds_for(name) for name in ASKED_FOR}

    def clean_reported_for(self):
        colleague = self.cleaned_data.get("reported_for")
        if colleague is not None and colleague.pk == self.reporter.pk:
            raise forms.ValidationError(
                "That is you. Leave this empty when it happened to you; name a colleague only "
                "when you report it for them."
            )
        return colleague

    def clean(self):
        super().clean()
        data = self.cleaned_data
        _refuse_too_large(self)
        for name, message in time_problems(
            happened_at=data.get("happened_at"),
            discovered_at=data.get("discovered_at"),
            now=timezone.now(),
        ).items():
            if name in data:
                self.add_error(name, message)
        kind = data.get("kind")
        if kind:
            for name, message in missing_for_kind(kind, data).items():
                if name not in self.errors:
                    self.add_error(name, message)
        return data

    def report(self) -> Report:
        data = self.cleaned_data
        return Report(
            kind=data["kind"],
            happened_at=data["happened_at"],
            discovered_at=data["discovered_at"],
            description=data["description"],
            reported_for=data.get("reported_for"),
            device_type=data.get("device_type") or "",
            asset_tag=data.get("asset_tag") or "",
            encrypted=data.get("encrypted") or "",
            locked=data.get("locked") or "",
            password_with_device=data.get("password_with_device") or "",
            crime_reference=data.get("crime_reference") or "",
            personal_data=data.get("personal_data") or "",
            people_affected=data.get("people_affected"),
            actions_taken=data.get("actions_taken") or "",
        ).for_its_kind()


class AddInformationForm(forms.Form):
    """What the reporter found out since, and files."""

    text = _text(
        "What you want to add",
        rows=4,
        help_text="Something you found out since, or anything you forgot. The people dealing "
        "with your report will be told.",
    )
    attachments = AttachmentsField(label="Photos or documents (optional)")

    def __init__(self, *args, too_large: Sequence[str] = (), kept: int = 0, **kwargs):
        kwargs.setdefault("auto_id", "id_more_%s")
        super().__init__(*args, **kwargs)
        _attachments(self).fit(kept=kept)
        self.too_large = list(too_large)
        self.kept = kept

    def clean(self):
        super().clean()
        data = self.cleaned_data
        _refuse_too_large(self)
        if (
            not self.errors
            and not (data.get("text") or "").strip()
            and not data.get("attachments")
            and not self.kept
        ):
            raise forms.ValidationError("Write what you want to add, or choose a file to add.")
        return data
