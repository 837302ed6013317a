"""Campaigns: drafting one, its extra statements, closing, reopening, stopping a repeat, and
who gets its weekly summary."""

import re
from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models.functions import Lower
from django.utils import timezone

from declarations.forms.fields import (
    LocalDateTimeField,
)
from declarations.models import (
    Campaign,
    ExtraStatement,
    PolicyVersion,
)
from declarations.selectors import versions_in_effect
from declarations.services.campaigns import DEFAULT_STATEMENT, OLDER_VERSION_CONFIRMATION
from declarations.services.repeats import REPEAT_NOTICE_DAYS
from declarations.services.summaries import MAX_RECIPIENTS
from portal.lib.uktime import end_of_day, long_date
from portal.models import Department, EmploymentType, User


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


def _campaign_reason(*, label: str, example: str, missing: str) -> forms.CharField:
    """The reason a change to a whole campaign asks for (see views.campaigns._reason_page)."""
    return forms.CharField(
        label=label,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name, and shown on the campaign page. "
        f"For example: {example}",
        error_messages={"required": missing},
    )


class CampaignCloseForm(forms.Form):
    reason = _campaign_reason(
        label="Why are you closing it?",
        example="the year's declarations are complete; the rest are followed up by line managers.",
        missing="Say why you are closing the campaign.",
    )


class CampaignReopenForm(forms.Form):
    reason = _campaign_reason(
        label="Why are you reopening it?",
        example="closed by mistake.",
        missing="Say why you are reopening the campaign.",
    )


class CampaignRepeatStopForm(forms.Form):
    reason = _campaign_reason(
        label="Why are you stopping the repeat?",
        example="the declaration is now part of the annual appraisal.",
        missing="Say why you are stopping the repeat.",
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
