"""Policies and their versions: the details, drafting, approval, publishing and reviews."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from declarations.forms.fields import (
    DateInput,
    LocalDateTimeField,
)
from declarations.markdown import render_markdown
from declarations.models import (
    Policy,
    PolicyVersion,
    a_year_after,
    a_year_from_today,
)
from declarations.selectors import policy_administrators
from declarations.services.policies import ADDRESS_TAKEN, RESERVED_ADDRESSES
from declarations.services.reviews import PAST_REVIEW_DATE, REVIEW_REMINDER_DAYS
from portal.uploads import validate_upload

MAX_BRACKETS_IN_A_PARAGRAPH = 1000


def _owner_choices():
    # The owner is one of the policy administrators: a list of every member of staff would be
    # far too long to choose from (and far too slow to render).
    return policy_administrators().order_by("full_name")


PAGE_ADDRESS_RULE = (
    "Lower-case letters, numbers and hyphens only, for example it-and-social-media-policy."
)
_PAGE_ADDRESS = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["title", "slug", "summary", "owner", "review_date", "versions_need_approval"]
        # The model's field is a "slug": a word for developers, not for the people who fill this.
        labels = {
            "slug": "Page address (optional)",
            "review_date": "Next review date",
            "versions_need_approval": "Each new version must be approved by a second policy "
            "administrator before it is published",
        }
        help_texts = {
            "owner": "The policy administrator responsible for this policy. They are reminded "
            f"of its review {REVIEW_REMINDER_DAYS} days before the review date.",
            "review_date": "Usually a year after the version in effect took effect.",
            "versions_need_approval": "The person who writes a version can never approve it.",
        }
        error_messages = {
            "title": {
                "required": "Enter the policy's title.",
                "max_length": "The title can be at most %(limit_value)d characters.",
            },
            "slug": {
                "invalid": "Use only lower-case letters, numbers and hyphens in the page "
                "address, for example it-and-social-media-policy. Or leave it empty to make it "
                "from the title.",
                "max_length": "The page address can be at most %(limit_value)d characters.",
                "unique": ADDRESS_TAKEN,
            },
            "review_date": {
                "required": "Enter the date the policy is next due for review.",
                "invalid": "Enter the review date as a real date, for example 1 April 2027.",
            },
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "review_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = _owner_choices()
        slug_field = self.fields["slug"]
        # Empty means "make it from the title" (policy_create and policy_update do).
        slug_field.required = False
        slug_field.help_text = f"Leave it empty to make it from the title. {PAGE_ADDRESS_RULE}"
        if self.instance.pk:
            # Kept editable (a typing mistake can be put right), but people have the old address
            # in bookmarks, intranet pages and emails they sent each other: they should know.
            slug_field.help_text = (
                f"{PAGE_ADDRESS_RULE} Changing it breaks links to the old address, including "
                "links in emails and documents already sent. Leave it empty to make it from the "
                "title."
            )
        # Left empty, a new policy is due for review a year from today and an existing one
        # keeps its date (the services' defaults), so a form that omits it loses nothing.
        review_field = self.fields["review_date"]
        review_field.required = False
        if self.instance.pk:
            review_field.help_text += " Left empty, it stays as it is."
        else:
            review_field.help_text += " Left empty, a year from today."
            if not self.is_bound:
                self.initial.setdefault("review_date", a_year_from_today())

    def clean_review_date(self):
        day = self.cleaned_data["review_date"]
        if day is None:
            return None
        # A date already past may be kept while other details change (the policy shows it as
        # overdue); a date typed in must not be in the past. (The instance still holds the
        # stored date: the form's values are put on it only after cleaning.)
        kept = self.instance.pk and day == self.instance.review_date
        if not kept and day < timezone.localdate():
            raise ValidationError(PAST_REVIEW_DATE)
        return day

    def clean_slug(self):
        # Forgiving of capitals and stray spaces, which are plainly not meant.
        slug = self.cleaned_data["slug"].strip().lower()
        if not slug:
            return ""
        if not _PAGE_ADDRESS.match(slug):
            raise ValidationError(self.fields["slug"].error_messages["invalid"])
        if slug in RESERVED_ADDRESSES:
            raise ValidationError(
                f"“{slug}” is the address of another page of the portal. Choose another, or "
                "leave it empty to make one from the title."
            )
        return slug


class PolicyVersionForm(forms.ModelForm):
    pdf = forms.FileField(
        label="PDF copy (optional)",
        required=False,
        help_text="The same text as a PDF, for people who prefer to print it.",
    )

    class Meta:
        model = PolicyVersion
        fields = [
            "label",
            "effective_date",
            "body_markdown",
            "summary_of_changes",
            "material_change",
            "owner",
        ]
        labels = {
            "label": "Version",
            "effective_date": "In effect from",
            "body_markdown": "Policy text",
            "summary_of_changes": "What changed in this version",
            "material_change": "This is a material change: everyone who signed an earlier "
            "version must sign again",
        }
        help_texts = {
            "body_markdown": "Written in Markdown: # for a heading, a blank line between "
            "paragraphs, 1. for a numbered paragraph, **bold**, [link text](https://...).",
            "owner": "The policy administrator responsible for this version.",
        }
        error_messages = {
            "label": {
                "required": "Enter the version's label, for example 4.0.",
                "max_length": "The version's label can be at most %(limit_value)d characters.",
            },
            "effective_date": {
                "required": "Enter the date this version takes effect.",
                "invalid": "Enter the date this version takes effect as a real date, for "
                "example 1 April 2026.",
            },
            "body_markdown": {"required": "Enter the policy text of this version."},
        }
        widgets = {
            "effective_date": DateInput(),
            "body_markdown": forms.Textarea(attrs={"rows": 20, "class": "font-monospace"}),
            "summary_of_changes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = _owner_choices()

    def clean_body_markdown(self):
        text = self.cleaned_data["body_markdown"]
        # Python-Markdown looks for the end of a link from every "[" to the end of its
        # paragraph: thousands of them took minutes to show. No policy needs so many.
        crowded = max((block.count("[") for block in text.split("\n\n")), default=0)
        if crowded > MAX_BRACKETS_IN_A_PARAGRAPH:
            raise ValidationError(
                f"A paragraph has {crowded:,} square brackets; at most "
                f"{MAX_BRACKETS_IN_A_PARAGRAPH:,} can be shown. Split it into paragraphs."
            )
        try:
            render_markdown(text)  # what the preview and publication will show
        except RecursionError:
            raise ValidationError(
                "Lists or quotes are nested too deeply to be shown. Put fewer markers such as "
                '"1." or ">" at the start of a line.'
            ) from None
        return text

    def clean_pdf(self):
        pdf = self.cleaned_data.get("pdf")
        if pdf:
            validate_upload(pdf, kinds=("pdf",))
        return pdf


class PublishForm(forms.Form):
    resign_due_at = LocalDateTimeField(
        label="Everyone who signed an earlier version must sign again by",
        required=False,
        help_text="UK time. Only used for a material change.",
    )

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        if not version.material_change:
            del self.fields["resign_due_at"]

    def clean_resign_due_at(self):
        due = self.cleaned_data.get("resign_due_at")
        if due is None:
            raise ValidationError("Enter the date and time to sign again by.")
        if due <= timezone.now():
            raise ValidationError("The date to sign again by must be in the future.")
        return due


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with your approval and shown on this page. For example: checked "
        "against the legal team's comments.",
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="What needs to change?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the author and recorded with your name.",
        error_messages={"required": "Say what needs to change before it can be approved."},
    )


class PolicyReviewForm(forms.Form):
    next_review_date = forms.DateField(
        label="Next review date",
        widget=DateInput(),
        help_text="Usually a year from now.",
        error_messages={
            "required": "Enter the date the policy is next due for review.",
            "invalid": "Enter the next review date as a real date, for example 1 April 2027.",
        },
    )
    note = forms.CharField(
        label="What the review found (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit trail. For example: no change needed; or: version 5.0 "
        "to be drafted.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("next_review_date", a_year_after(timezone.localdate()))

    def clean_next_review_date(self):
        day = self.cleaned_data["next_review_date"]
        if day <= timezone.localdate():
            raise ValidationError("The next review date must be after today.")
        return day
