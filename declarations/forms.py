"""Forms only validate what was typed; the services make the change."""

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models.functions import Lower
from django.utils import timezone

from declarations.markdown import render_markdown
from declarations.models import (
    Campaign,
    ExtraStatement,
    Obligation,
    Policy,
    PolicyVersion,
    a_year_after,
    a_year_from_today,
)
from declarations.remindable import BULK_LIMIT as _MAX_REMIND
from declarations.selectors import versions_in_effect
from declarations.services.campaigns import DEFAULT_STATEMENT, OLDER_VERSION_CONFIRMATION
from declarations.services.policies import ADDRESS_TAKEN, RESERVED_ADDRESSES
from declarations.services.repeats import REPEAT_NOTICE_DAYS
from declarations.services.reviews import PAST_REVIEW_DATE, REVIEW_REMINDER_DAYS
from declarations.services.signing import not_ticked_message
from declarations.services.summaries import MAX_RECIPIENTS
from portal.lib.uktime import end_of_day, long_date
from portal.models import Department, EmploymentType, User
from portal.roles import Role
from portal.uploads import validate_upload

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_BRACKETS_IN_A_PARAGRAPH = 1000


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in UK local time (the browser's date-time picker)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    default_error_messages = {
        "invalid": "Enter a real date and time, for example 1 April 2026 at 09:00.",
        "overflow": "Enter a real date and time, for example 1 April 2026 at 09:00.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _owner_choices():
    # The owner is one of the policy administrators: a list of every member of staff would be
    # far too long to choose from (and far too slow to render).
    return User.objects.filter(is_active=True, groups__name=Role.POLICY_ADMIN).order_by("full_name")


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
        # overdue); a date typed in must not be in the past.
        kept = self.instance.pk and day == Policy.objects.get(pk=self.instance.pk).review_date
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


class VersionsField(forms.ModelMultipleChoiceField):
    """Policy versions, each named with its policy and the date it takes effect; a version
    superseded by a newer one in effect, or not yet in effect, says so."""

    # Each policy's version in effect today, by policy id (set by the form).
    in_effect: dict[int, PolicyVersion] = {}

    def label_from_instance(self, obj: PolicyVersion) -> str:
        name = f"{obj.policy.title} {obj.label}"
        effective = long_date(obj.effective_date)
        current = self.in_effect.get(obj.policy_id)
        if current is None or obj.effective_date > timezone.localdate():
            return f"{name} — not yet in effect: from {effective}"
        if current.pk != obj.pk:
            return f"{name} — superseded by {current.label} (in effect from {effective})"
        return f"{name} (in effect from {effective})"


class CampaignForm(forms.ModelForm):
    versions = VersionsField(
        label="Policy versions to sign",
        queryset=PolicyVersion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Only published versions can be chosen. Choose one version of each policy: "
        "the one in effect, unless you mean to ask for an older one.",
        error_messages={"required": "Choose the policy versions people must sign."},
    )
    older_versions_confirmed = forms.BooleanField(
        label=OLDER_VERSION_CONFIRMATION,
        required=False,
        help_text="Only if you have chosen a version marked superseded, on purpose.",
    )
    older_versions_reason = forms.CharField(
        label="Why ask for an older version?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with the campaign. For example: the new version is not yet "
        "briefed to staff.",
    )
    audience_all = forms.TypedChoiceField(
        label="Who must sign",
        choices=[("1", "All active staff"), ("0", "Only the departments and types chosen below")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
        error_messages={"required": "Choose who must sign: all active staff, or only some."},
    )
    departments = forms.ModelMultipleChoiceField(
        label="Departments",
        queryset=Department.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked for every department.",
    )
    employment_types = forms.MultipleChoiceField(
        label="Employment types",
        choices=EmploymentType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked for every type.",
    )
    opens_at = LocalDateTimeField(
        label="Opens",
        help_text="UK time. If this is still ahead when you open the campaign, "
        "people are asked at this time.",
        error_messages={"required": "Enter the date and time the campaign opens."},
    )
    due_at = LocalDateTimeField(
        label="Due",
        help_text="UK time.",
        error_messages={"required": "Enter the date and time everyone must sign by."},
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "versions",
            "older_versions_confirmed",
            "older_versions_reason",
            "statement",
            "audience_all",
            "departments",
            "employment_types",
            "opens_at",
            "due_at",
            "new_starter_days",
            "reminder_every_days",
            "admin_escalation_days",
            "repeats_yearly",
        ]
        labels = {
            "statement": "Statement each person agrees to",
            "new_starter_days": "Days a new starter has to sign, from their start date",
            "reminder_every_days": "Remind every (days)",
            "admin_escalation_days": "Tell policy administrators this many days after the due "
            "date (line managers are told as soon as it has passed)",
        }
        help_texts = {
            "statement": "Shown above the signature, after the policy text.",
            "repeats_yearly": f"{REPEAT_NOTICE_DAYS} days before the anniversary of its opening, "
            "next year's campaign is prepared as a draft with the same settings and the policy "
            "versions in effect then. Policy administrators are emailed to check it, and it "
            "opens by itself on its opening date unless one of them stops it.",
        }
        error_messages = {
            "name": {"required": "Enter the campaign's name, for example Annual declaration 2026."},
            "statement": {"required": "Enter the statement each person agrees to."},
            "new_starter_days": {
                "required": "Enter how many days a new starter has to sign, for example 14."
            },
            "reminder_every_days": {
                "required": "Enter how many days apart reminders are sent, for example 7."
            },
            "admin_escalation_days": {
                "required": "Enter how many days after the due date policy administrators are "
                "told, for example 7."
            },
        }
        widgets = {"statement": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions_field = self.fields["versions"]
        assert isinstance(versions_field, VersionsField)
        versions_field.queryset = (
            PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
            .select_related("policy")
            .order_by("policy__title", "-effective_date", "-pk")
        )
        versions_field.in_effect = versions_in_effect(timezone.localdate())
        if self.instance.pk:
            self.initial["audience_all"] = "1" if self.instance.audience_all else "0"
            if self.instance.older_versions_reason:
                self.initial["older_versions_confirmed"] = True
                self.initial["older_versions_reason"] = self.instance.older_versions_reason
        for name in ("new_starter_days", "reminder_every_days", "admin_escalation_days"):
            # min_value set after construction adds no validator of its own: add it, so the
            # server refuses 0 as well as the browser.
            days_field = self.fields[name]
            assert isinstance(days_field, forms.IntegerField)
            days_field.min_value = 1
            days_field.validators.append(MinValueValidator(1))
            days_field.widget.attrs["min"] = 1

    def clean(self):
        super().clean()
        data = self.cleaned_data
        opens, due = data.get("opens_at"), data.get("due_at")
        if opens and due and due <= opens:
            self.add_error("due_at", "The due date must be after the opening date.")
        if data.get("audience_all") is False and not (
            data.get("departments") or data.get("employment_types")
        ):
            # On the radio buttons, always shown (the list of departments may be empty).
            self.add_error(
                "audience_all",
                "Choose at least one department or employment type, or choose all active staff.",
            )
        versions = data.get("versions") or []
        policies = [v.policy_id for v in versions]
        if len(policies) != len(set(policies)):
            self.add_error("versions", "Choose one version of each policy, not two.")
        if data.get("older_versions_confirmed") and not data.get("older_versions_reason"):
            self.add_error("older_versions_reason", "Say why you are asking for an older version.")
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "statement": data["statement"],
            "audience_all": data["audience_all"],
            "employment_types": [] if data["audience_all"] else data["employment_types"],
            "opens_at": data["opens_at"],
            "due_at": data["due_at"],
            "new_starter_days": data["new_starter_days"],
            "reminder_every_days": data["reminder_every_days"],
            "admin_escalation_days": data["admin_escalation_days"],
            "repeats_yearly": data["repeats_yearly"],
            # Whether any chosen version is older is the service's to decide (on the day people
            # are asked); it takes the reason only if the box was ticked.
            "older_versions_reason": data["older_versions_reason"]
            if data["older_versions_confirmed"]
            else "",
        }


def campaign_initial() -> dict:
    """A new annual campaign: opening tomorrow at 09:00, due four weeks later at 23:59."""
    today = timezone.localdate()
    opens = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(9, 0)))
    return {
        "name": f"Annual policy declaration {today.year}",
        "statement": DEFAULT_STATEMENT,
        "audience_all": "1",
        "opens_at": opens,
        "due_at": end_of_day(today + timedelta(days=29)),
    }


class ExtraStatementForm(forms.ModelForm):
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only for a statement for chosen departments.",
    )

    class Meta:
        model = ExtraStatement
        fields = ["title", "text", "audience", "departments"]
        labels = {"text": "Statement", "audience": "Who must agree to it"}
        error_messages = {
            "title": {"required": "Enter a title for the statement."},
            "text": {"required": "Enter the statement people must agree to."},
            "audience": {"required": "Choose who must agree to the statement."},
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "audience": forms.RadioSelect}

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("audience") == ExtraStatement.Audience.DEPARTMENTS and not data.get(
            "departments"
        ):
            self.add_error("departments", "Choose the departments this statement is for.")
        return data


class PauseForm(forms.Form):
    reason = forms.CharField(
        label="Why is it paused?",
        max_length=500,
        help_text="For example: long-term sick leave from 3 March.",
        error_messages={"required": "Enter why it is paused."},
    )


class ExemptForm(forms.Form):
    until = forms.DateField(
        label="Exempt until",
        widget=DateInput(),
        help_text="The last day of the exemption. They are asked to sign again after it.",
        error_messages={
            "required": "Enter the last day of the exemption.",
            "invalid": "Enter a real date, for example 31 March 2027.",
        },
    )
    reason = forms.CharField(
        label="Why are they exempt?",
        max_length=500,
        help_text="Recorded with your name. For example: seconded to the regional unit.",
        error_messages={"required": "Enter why the person is exempt."},
    )

    def __init__(self, *args, latest: date | None = None, **kwargs):
        # Its own ids: the person's page has the pause and extend forms' "reason" fields too.
        kwargs.setdefault("auto_id", "id_exempt_%s")
        super().__init__(*args, **kwargs)
        until = self.fields["until"]
        today = timezone.localdate()
        until.widget.attrs["min"] = today.isoformat()
        if latest is not None:
            # The browser's picker stops at the latest day allowed; the service refuses later.
            until.widget.attrs["max"] = latest.isoformat()
            until.help_text = (
                "The last day of the exemption, from today to "
                f"{long_date(latest)} at the latest. They are asked to sign again after it."
            )


class ExemptionEndForm(forms.Form):
    reason = forms.CharField(
        label="Why end it early?",
        max_length=500,
        help_text="Recorded with your name. For example: back from secondment early.",
        error_messages={"required": "Enter why the exemption is ended early."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_end_%s")
        super().__init__(*args, **kwargs)


class ExtendForm(forms.Form):
    due_at = LocalDateTimeField(
        label="New due date",
        help_text="UK time.",
        error_messages={"required": "Enter the new date and time to sign by."},
    )
    reason = forms.CharField(
        label="Why is it extended?",
        max_length=500,
        error_messages={"required": "Enter why it is extended."},
    )

    def __init__(self, *args, obligation: Obligation, latest: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.obligation = obligation
        if latest is not None:
            # The browser's picker stops at the latest date allowed; the service refuses later.
            latest_field = self.fields["due_at"]
            latest_field.widget.attrs["max"] = timezone.localtime(latest).strftime(DATETIME_FORMAT)
            latest_field.help_text = (
                f"UK time. At the latest {long_date(timezone.localdate(latest))}."
            )

    def clean_due_at(self):
        due = self.cleaned_data["due_at"]
        if due <= self.obligation.due_at:
            raise ValidationError("The new due date must be after the current one.")
        if due <= timezone.now():
            raise ValidationError("The new due date must be in the future.")
        return due


class CampaignCloseForm(forms.Form):
    reason = forms.CharField(
        label="Why are you closing it?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name, and shown on the campaign page. For example: "
        "the year's declarations are complete; the rest are followed up by line managers.",
        error_messages={"required": "Say why you are closing the campaign."},
    )


class CampaignReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reopening it?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name, and shown on the campaign page. For example: "
        "closed by mistake.",
        error_messages={"required": "Say why you are reopening the campaign."},
    )


class CampaignRepeatStopForm(forms.Form):
    reason = forms.CharField(
        label="Why are you stopping the repeat?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name, and shown on the campaign page. For example: "
        "the declaration is now part of the annual appraisal.",
        error_messages={"required": "Say why you are stopping the repeat."},
    )


class SummaryRecipientsForm(forms.Form):
    """Who receives a campaign's weekly summary, by email address: a list of a handful of
    senior people, typed or pasted, checked against the people with an open account."""

    recipients = forms.CharField(
        label="Email addresses of the people who receive the weekly summary",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=f"One a line, up to {MAX_RECIPIENTS}; each must be someone with a portal "
        "account. Leave it empty to send no summary.",
    )

    def clean_recipients(self) -> list[User]:
        typed = [e for e in re.split(r"[\s,;]+", self.cleaned_data["recipients"]) if e]
        emails = list(dict.fromkeys(e.lower() for e in typed))
        if len(emails) > MAX_RECIPIENTS:
            raise ValidationError(f"Name at most {MAX_RECIPIENTS} people to receive the summary.")
        people = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
        found = {user.email.lower(): user for user in people} if emails else {}
        unknown = [e for e in emails if e not in found]
        if unknown:
            raise ValidationError(
                f"Nobody in the portal has the email address {', '.join(unknown)}. Check the "
                "spelling, or find the person with the search below."
            )
        closed = [e for e in emails if not found[e].is_active]
        if closed:
            raise ValidationError(
                f"The account of {', '.join(closed)} is closed: choose people who still work here."
            )
        return [found[e] for e in emails]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Name, email or staff number", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), *Obligation.Status.choices],
    )


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label="Type your full name",
        max_length=200,
        help_text="As it appears on your account. Capital letters do not matter.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Type your full name to sign."},
    )
    password = forms.CharField(
        label="Enter your password",
        help_text="The password you use to sign in to this portal.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to sign."},
    )

    def __init__(self, *args, password: bool = True, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not password:
            # They proved who they are at the identity provider instead (portal.reauth).
            del self.fields["password"]
        # One "I have read" tick per policy version, shown beneath its text on the page.
        self.read_fields = []
        for version in versions:
            name = f"read_{version.pk}"
            title = f"{version.policy.title}, version {version.label}"
            self.fields[name] = forms.BooleanField(
                label=f"I have read {title}",
                error_messages={"required": not_ticked_message(title)},
            )
            self.read_fields.append((version.pk, name))

    def read_version_ids(self) -> list[int]:
        return [pk for pk, name in self.read_fields if self.cleaned_data.get(name)]

    def tick_field(self, version_pk: int) -> forms.BoundField:
        return self[f"read_{version_pk}"]


class CheckAnswersForm(forms.Form):
    """The comprehension check: one set of radio buttons per question."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.question_fields = []
        for number, question in enumerate(questions, start=1):
            name = f"q_{question.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{number}. {question.text}",
                choices=list(enumerate(question.choices)),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose an answer to question {number}."},
            )
            self.question_fields.append((question.pk, name))

    def answers(self) -> dict[int, int]:
        return {pk: self.cleaned_data[name] for pk, name in self.question_fields}


MAX_CHOICE_FIELDS = 6


class CheckQuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the question."},
    )
    correct = forms.TypedChoiceField(
        label="Which answer is right",
        choices=[(i, f"Answer {i + 1}") for i in range(MAX_CHOICE_FIELDS)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which answer is right."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(MAX_CHOICE_FIELDS):
            self.fields[f"choice_{i}"] = forms.CharField(
                label=f"Answer {i + 1}",
                max_length=300,
                required=i < 2,
                help_text="Leave empty if not needed." if i >= 2 else "",
                error_messages={"required": f"Enter answer {i + 1}: at least two are needed."},
            )
        # The radio buttons come after the answers they choose from.
        self.order_fields(["text", *(f"choice_{i}" for i in range(MAX_CHOICE_FIELDS)), "correct"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        correct = data.get("correct")
        if correct is not None and not (data.get(f"choice_{correct}") or "").strip():
            self.add_error("correct", f"Answer {correct + 1} is empty: choose a filled-in answer.")
        return data

    def service_fields(self) -> dict:
        # Empty answers are dropped: the right one's index is counted among those kept.
        data = self.cleaned_data
        kept = [i for i in range(MAX_CHOICE_FIELDS) if (data.get(f"choice_{i}") or "").strip()]
        return {
            "text": data["text"],
            "choices": [data[f"choice_{i}"] for i in kept],
            "correct": kept.index(data["correct"]),
        }


class CheckSettingsForm(forms.Form):
    pass_mark = forms.IntegerField(
        label="Pass mark",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the pass mark, for example 80 (per cent) or 4 (answers).",
            "invalid": "Enter the pass mark as a whole number, for example 80.",
            "min_value": "Enter a pass mark of at least 1.",
            "max_value": "Enter a pass mark of at most 100.",
        },
    )
    is_percent = forms.TypedChoiceField(
        label="The pass mark is",
        choices=[("1", "a percentage of the questions"), ("0", "a number of right answers")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the pass mark is a percentage or a number."},
    )
    attempts = forms.IntegerField(
        label="Attempts each person has",
        min_value=1,
        max_value=10,
        help_text="A policy administrator can allow one person more later.",
        error_messages={
            "required": "Enter how many attempts each person has, for example 3.",
            "invalid": "Enter the attempts as a whole number, for example 3.",
            "min_value": "Allow at least 1 attempt.",
            "max_value": "Allow at most 10 attempts.",
        },
    )


class AllowAttemptsForm(forms.Form):
    extra = forms.IntegerField(
        label="Further attempts",
        min_value=1,
        max_value=10,
        initial=1,
        error_messages={
            "required": "Enter how many further attempts to allow, for example 1.",
            "invalid": "Enter a whole number of attempts, for example 1.",
            "min_value": "Allow at least 1 further attempt.",
            "max_value": "Allow at most 10 further attempts at once.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept on the record, for example: went through the policy with them.",
        error_messages={"required": "Enter why this person may have more attempts."},
    )


# The outstanding list's choice for people in no department.
NO_DEPARTMENT = "none"


class OutstandingFilterForm(forms.Form):
    department = forms.ChoiceField(required=False, label="Department")
    show = forms.ChoiceField(
        required=False,
        label="Show",
        choices=[
            ("", "Everyone who has not signed"),
            ("overdue", "Only those past their due date"),
            ("paused", "Only those paused"),
            ("exempt", "Only those exempt (not counted as not signed)"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        department_field = self.fields["department"]
        assert isinstance(department_field, forms.ChoiceField)
        department_field.choices = [
            ("", "All departments"),
            *((str(pk), name) for pk, name in Department.objects.values_list("pk", "name")),
            (NO_DEPARTMENT, "No department"),
        ]


# The largest id a row can have (PostgreSQL's integer): anything longer is not a row of ours.
_MAX_ID = 2**31 - 1
_ID = re.compile(r"[0-9]{1,10}")


class ObligationIdsField(forms.Field):
    """The people ticked in a list, by their obligation's id (hidden fields or tick boxes)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, most: int, **kwargs):
        super().__init__(**kwargs)
        self.most = most

    def to_python(self, value) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for one in values:
            if not isinstance(one, str) or not _ID.fullmatch(one) or int(one) > _MAX_ID:
                raise ValidationError("Choose people from the list.", code="invalid")
            ids.append(int(one))
        if len(set(ids)) > self.most:
            raise ValidationError(f"Remind at most {self.most} people at once.", code="too_many")
        return sorted(set(ids))


REMIND_TICKED = "ticked"
REMIND_EVERYONE = "everyone"


class RemindChoiceForm(OutstandingFilterForm):
    """Who to remind from the outstanding list: the people ticked, or everyone the list's
    filter shows. Only chooses: the confirmation page says what would happen."""

    obligation = ObligationIdsField(most=_MAX_REMIND, required=False)
    scope = forms.ChoiceField(
        choices=[(REMIND_TICKED, "The people ticked"), (REMIND_EVERYONE, "Everyone in this list")],
        error_messages={"required": "Choose whether to remind the people ticked or everyone."},
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("scope") == REMIND_TICKED and not data.get("obligation"):
            raise ValidationError(
                "Tick the people to remind, or choose “Remind everyone in this list”."
            )
        return data


class RemindSendForm(OutstandingFilterForm):
    """The people the confirmation page named, sent back to be reminded (with the list's
    filter, to return to it)."""

    obligation = ObligationIdsField(
        most=_MAX_REMIND,
        error_messages={"required": "Choose at least one person to remind."},
    )
