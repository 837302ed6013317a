"""Forms only validate what was typed; the services make the change."""

from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone

from declarations.markdown import render_markdown
from declarations.models import Campaign, ExtraStatement, Obligation, Policy, PolicyVersion
from declarations.services.campaigns import DEFAULT_STATEMENT
from portal.lib.uktime import end_of_day, long_date
from portal.models import Department, EmploymentType, User
from portal.roles import Role
from portal.uploads import validate_upload

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_BRACKETS_IN_A_PARAGRAPH = 1000


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in UK local time (the browser's date-time picker)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

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


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["title", "slug", "summary", "owner"]
        labels = {"slug": "Web address name"}
        help_texts = {
            "slug": "Lower-case letters, numbers and hyphens, for example it-and-social-media. "
            "It cannot be changed later.",
            "owner": "The policy administrator responsible for this policy.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = _owner_choices()
        if self.instance.pk:
            del self.fields["slug"]


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


class VersionsField(forms.ModelMultipleChoiceField):
    """Policy versions, each named with its policy and the date it takes effect."""

    def label_from_instance(self, obj: PolicyVersion) -> str:
        return f"{obj.policy.title} {obj.label} (in effect from {long_date(obj.effective_date)})"


class CampaignForm(forms.ModelForm):
    versions = VersionsField(
        label="Policy versions to sign",
        queryset=PolicyVersion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Only published versions can be chosen. Choose one version of each policy.",
    )
    audience_all = forms.TypedChoiceField(
        label="Who must sign",
        choices=[("1", "All active staff"), ("0", "Only the departments and types chosen below")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
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
    )
    due_at = LocalDateTimeField(label="Due", help_text="UK time.")

    class Meta:
        model = Campaign
        fields = [
            "name",
            "versions",
            "statement",
            "audience_all",
            "departments",
            "employment_types",
            "opens_at",
            "due_at",
            "new_starter_days",
            "reminder_every_days",
            "admin_escalation_days",
        ]
        labels = {
            "statement": "Statement each person agrees to",
            "new_starter_days": "Days a new starter has to sign, from their start date",
            "reminder_every_days": "Remind every (days)",
            "admin_escalation_days": "Tell policy administrators this many days after the due "
            "date (line managers are told as soon as it has passed)",
        }
        help_texts = {"statement": "Shown above the signature, after the policy text."}
        widgets = {"statement": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions_field = self.fields["versions"]
        assert isinstance(versions_field, VersionsField)
        versions_field.queryset = PolicyVersion.objects.filter(
            status=PolicyVersion.Status.PUBLISHED
        ).select_related("policy")
        if self.instance.pk:
            self.initial["audience_all"] = "1" if self.instance.audience_all else "0"
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
    )


class ExtendForm(forms.Form):
    due_at = LocalDateTimeField(label="New due date", help_text="UK time.")
    reason = forms.CharField(label="Why is it extended?", max_length=500)

    def __init__(self, *args, obligation: Obligation, **kwargs):
        super().__init__(*args, **kwargs)
        self.obligation = obligation

    def clean_due_at(self):
        due = self.cleaned_data["due_at"]
        if due <= self.obligation.due_at:
            raise ValidationError("The new due date must be after the current one.")
        if due <= timezone.now():
            raise ValidationError("The new due date must be in the future.")
        return due


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
    )
    password = forms.CharField(
        label="Enter your password",
        help_text="The password you use to sign in to this portal.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, password: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not password:
            # They proved who they are at the identity provider instead (portal.reauth).
            del self.fields["password"]


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
