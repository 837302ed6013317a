"""The forms of handling an incident: a note, a message to the reporter, referring it to the
DPO, closing it, the helpdesk's steps and Professional Standards' assessment. They only
validate; the services in incidents/services/ decide. Each has its own ids (`auto_id`): several
sit on the incident page at once."""

from django import forms
from django.utils import timezone

from incidents.models import HelpdeskAction, PsdAssessment
from portal.forms.uk_datetime import UKDateTimeField

_LONG_TEXT = 4000


def _text(label: str, required: str, *, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=_LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={
            "required": required,
            "max_length": f"Keep it under {_LONG_TEXT:,} characters.",
        },
    )


class _OwnIds:
    """Ids of the form's own (id_note_text, id_message_text): several forms on one page."""

    ids = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.ids}_%s")
        super().__init__(*args, **kwargs)


class NoteForm(_OwnIds, forms.Form):
    ids = "note"
    text = _text(
        "Internal note",
        "Write the note.",
        help_text="Only the people handling this incident see it, never the reporter.",
    )


class MessageForm(_OwnIds, forms.Form):
    ids = "message"
    text = _text(
        "Message to the reporter",
        "Write the message.",
        help_text="The reporter reads it on this page; they are emailed to say there is one.",
    )


class ReferForm(_OwnIds, forms.Form):
    ids = "refer"
    reason = _text(
        "Why the DPO should look at it",
        "Say why the DPO should look at this incident.",
        help_text="For example: the content includes someone's personal details.",
    )


class CloseForm(_OwnIds, forms.Form):
    ids = "close"
    note = _text(
        "Why it can be closed",
        "Say why the incident can be closed.",
        help_text="Kept on the record for the people handling it; the reporter is told it is "
        "closed, not why.",
    )


class HelpdeskActionForm(_OwnIds, forms.Form):
    ids = "helpdesk"
    action = forms.ChoiceField(
        label="What was done",
        choices=[("", "Choose…"), *HelpdeskAction.Action.choices],
        error_messages={
            "required": "Choose what was done.",
            "invalid_choice": "Choose what was done from the list.",
        },
    )
    done_at = UKDateTimeField(
        label="When it was done",
        help_text="UK time.",
        error_messages={"required": "Enter when it was done."},
    )
    note = forms.CharField(
        label="Note (needed for something else)",
        required=False,
        max_length=_LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For the people handling this incident; the reporter sees only what was done.",
        error_messages={"max_length": f"Keep the note under {_LONG_TEXT:,} characters."},
    )

    def clean_done_at(self):
        done_at = self.cleaned_data["done_at"]
        if done_at > timezone.now():
            raise forms.ValidationError("When it was done cannot be in the future.")
        return done_at

    def clean(self):
        data = super().clean() or {}
        if data.get("action") == HelpdeskAction.Action.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Say what was done.")
        return data


class PsdAssessmentForm(_OwnIds, forms.Form):
    ids = "psd"
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=PsdAssessment.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the outcome.",
            "invalid_choice": "Choose the outcome from the list.",
        },
    )
    referred_to = forms.CharField(
        label="Referred to (when referred elsewhere)",
        required=False,
        max_length=200,
        help_text="For example: the IOPC, or the other force's Professional Standards.",
        error_messages={"max_length": "Keep it under 200 characters."},
    )
    psd_reference = forms.CharField(
        label="PSD reference",
        max_length=60,
        error_messages={
            "required": "Enter the Professional Standards reference.",
            "max_length": "Keep the reference under 60 characters.",
        },
    )
    reasons = _text("Reasons", "Give the reasons for the outcome.")

    def clean(self):
        data = super().clean() or {}
        referred = data.get("outcome") == PsdAssessment.Outcome.REFERRED
        if referred and not data.get("referred_to", "").strip():
            self.add_error("referred_to", "Say who it was referred to.")
        return data
