"""The forms of permissions from the Chief Executive. They only validate; the services in
socialmedia/services/permissions.py decide, with the same rules."""

from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import uuid4

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.forms.submission_token import SubmissionTokenField
from socialmedia.models import (
    SUBKINDS,
    Kind,
    PermissionDecision,
    PermissionRequest,
    VersionAttachment,
)
from socialmedia.permission_uploads import (
    MAX_FILES,
    CheckedFile,
    attachments_help,
    check_uploads,
    too_large_error,
    too_many_files,
)
from socialmedia.services.permissions import (
    CONDITIONS_WITHOUT_THEIR_OUTCOME,
    LONGEST_TEXT,
    subkind_problem,
)

# When each kind is needed, in the portal's words (seed 004, paragraphs 11, 12 and 33).
KIND_WHEN = {
    Kind.SPEAKING: "Before you speak for the organisation anywhere: an interview, a talk, a "
    "panel, in person or online. The Chief Executive may ask you to do training first.",
    Kind.PUBLICATION: "Before anything goes out to the public: a press release, an article, a "
    "presentation, a report or strategy, a post. Send the content itself for review.",
    Kind.NAME_USE: "Before you use the organisation's name, crest, logo or photographs on your "
    "own social media account.",
}

TEXT_HELP = (
    "For content to publish: the content itself (or attach it). For speaking: the event, who "
    "the audience is and what you will say. For the name or images: which account, and how "
    "you will use them."
)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each checked by its content; cleans to a list (empty when none
    was chosen). Every bad file is named, so the person knows which to choose again."""

    widget = _MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Files (optional)")
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
        self.help_text = attachments_help()
        self.kept = 0  # files carried over from the last version, which count too

    def clean(self, data, initial=None) -> list[CheckedFile]:
        files = list(data) if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f and hasattr(f, "size")]
        return check_uploads(files, kept=self.kept)


def _text(label: str, *, required: str = "", rows: int = 6, help_text: str = ""):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=bool(required),
        max_length=LONGEST_TEXT,
        help_text=help_text,
        error_messages={"required": required} if required else None,
    )


# The mixin is typed as the form it is mixed into; it is no form itself, so that the check that
# every form is fuzzed does not look for one.
_FormBase = forms.Form if TYPE_CHECKING else object


class _NamesFilesTooLarge(_FormBase):  # type: ignore[misc,valid-type]
    """For a form with files (a mixin, before forms.Form): names each file dropped as it
    arrived for its size, and says when the files must be chosen again."""

    def __init__(self, *args, too_large: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = list(too_large)

    def clean(self):
        data = super().clean() or {}
        if self.too_large:
            self.add_error("attachments", [too_large_error(name) for name in self.too_large])
        return data

    @property
    def files_to_choose_again(self) -> bool:
        """Files were sent and the form came back: a browser cannot keep them."""
        return self.is_bound and bool(self.files or self.too_large) and bool(self.errors)


class PermissionRequestForm(_NamesFilesTooLarge, forms.Form):
    kind = forms.ChoiceField(
        label="What do you need permission for?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you need permission for.",
            "invalid_choice": "Choose what you need permission for.",
        },
    )
    subkind = forms.ChoiceField(
        label="What is it?",
        choices=[
            ("", "Choose one"),
            *((kind.label, [(s.value, s.label) for s in SUBKINDS[kind]]) for kind in Kind),
        ],
        help_text="The choices are grouped by what you need permission for.",
        error_messages={
            "required": "Choose what it is.",
            "invalid_choice": "Choose what it is from the list.",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A few words the Chief Executive will know it by, such as “Rural crime hub "
        "press release”.",
        error_messages={"required": "Give the request a title."},
    )
    needed_by = forms.DateField(
        label="Needed by (optional)",
        required=False,
        widget=_DateInput(),
        help_text="The day of the talk or interview, or when it must be published.",
        error_messages={"invalid": "Enter a real date, for example 3 March 2026."},
    )
    text = _text(
        "What it is",
        required="Say what you are asking permission for.",
        rows=10,
        help_text=TEXT_HELP,
    )
    attachments = AttachmentsField()
    # One per form shown, and kept when the form comes back with errors: the same form sent
    # twice makes one request (permission_request's `token`).
    submission_token = SubmissionTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid4())

    def kind_choices(self) -> list[dict]:
        """The radio buttons with the sentence that says when each is needed."""
        chosen = self["kind"].value()
        return [
            {
                "value": kind.value,
                "label": kind.label,
                "when": KIND_WHEN[kind],
                "checked": chosen == kind.value,
            }
            for kind in Kind
        ]

    def clean_needed_by(self):
        day = self.cleaned_data.get("needed_by")
        if day is not None and day < timezone.localdate():
            raise ValidationError("That day has passed. Give a date from today on.")
        return day

    def clean(self):
        data = super().clean() or {}
        kind, subkind = data.get("kind"), data.get("subkind")
        if kind and subkind and (problem := subkind_problem(kind, subkind)):
            self.add_error("subkind", problem)
        return data


class PermissionDecideForm(forms.Form):
    # The version the decider read: a newer one arriving meanwhile is refused by the service.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=1_000_000,
        error_messages={"required": "Open the request again and decide from there."},
    )
    outcome = forms.ChoiceField(
        label="Your decision",
        choices=PermissionDecision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a decision.",
            "invalid_choice": "Choose a decision.",
        },
    )
    conditions = _text(
        "Conditions",
        rows=3,
        help_text="For an approval with conditions: what they must do, such as “complete "
        "media training first”.",
    )
    reason = _text(
        "Reason",
        rows=3,
        help_text="Needed when you ask for changes (say what must change) or refuse.",
    )

    def clean(self):
        data = super().clean() or {}
        outcome = data.get("outcome")
        Outcome = PermissionDecision.Outcome
        if outcome == Outcome.APPROVED_WITH_CONDITIONS and not data.get("conditions", "").strip():
            self.add_error("conditions", "Write the conditions, such as media training first.")
        if (
            outcome
            and outcome != Outcome.APPROVED_WITH_CONDITIONS
            and data.get("conditions", "").strip()
        ):
            self.add_error("conditions", CONDITIONS_WITHOUT_THEIR_OUTCOME)
        if outcome == Outcome.CHANGES_ASKED and not data.get("reason", "").strip():
            self.add_error("reason", "Say what must change.")
        if outcome == Outcome.REFUSED and not data.get("reason", "").strip():
            self.add_error("reason", "Give the reason for refusing.")
        return data


class PermissionReviseForm(_NamesFilesTooLarge, forms.Form):
    text = _text("The new version", required="Write the new version.", rows=10)
    change_note = _text(
        "What you changed",
        required="Say what you changed.",
        rows=3,
        help_text="In a sentence or two, so the Chief Executive can see what is new.",
    )
    keep = forms.MultipleChoiceField(
        label="Files to keep from the last version",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a file to leave it out of the new version.",
        error_messages={"invalid_choice": "Choose files from the last version only."},
    )
    attachments = AttachmentsField(label="New files (optional)")

    def __init__(self, *args, previous: Sequence[VersionAttachment] = (), **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.fields["keep"]
        assert isinstance(keep, forms.MultipleChoiceField)
        keep.choices = [(str(a.pk), a.original_name) for a in previous]
        if not previous:
            del self.fields["keep"]
        self.initial.setdefault("keep", [str(a.pk) for a in previous])

    def clean(self):
        data = super().clean() or {}
        kept = len(data.get("keep") or [])
        new = data.get("attachments") or []
        if kept + len(new) > MAX_FILES and "attachments" not in self.errors:
            self.add_error("attachments", too_many_files())
        return data

    def kept_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("keep") or []]


class PermissionWithdrawForm(forms.Form):
    reason = _text(
        "Why you are withdrawing it (optional)",
        rows=3,
        help_text="For example: the event was cancelled.",
    )


OPEN = "open"


class PermissionFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *Kind.choices]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), (OPEN, "Open"), *PermissionRequest.Status.choices],
    )
