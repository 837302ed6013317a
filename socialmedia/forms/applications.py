"""Applying for a corporate social media account, and the decision on an application."""

from uuid import uuid4

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from portal.forms.submission_token import SubmissionTokenField
from portal.models import User
from socialmedia.models import Account, Decision, Platform
from socialmedia.services.applications import SMALLEST_TEAM, TEAM_TOO_SMALL
from socialmedia.services.reviews import REVIEW_OVERDUE_AFTER

# More than any team that runs one account; a guard against a pasted staff list.
MOST_COLLEAGUES = 50


def _written(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=help_text,
        error_messages={"required": f"{label} is needed."},
    )


def parse_team(text: str, *, applicant: User) -> list[User]:
    """Colleagues named by work email, one a line, each someone who can sign in to the portal.
    Every bad line is named by its number and text, so the applicant can find it."""
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if len(lines) > MOST_COLLEAGUES:
        raise ValidationError(f"Name at most {MOST_COLLEAGUES} colleagues.")
    problems: list[str] = []
    wanted: list[tuple[int, str, str]] = []
    for number, line in lines:
        try:
            validate_email(line)
        except ValidationError:
            problems.append(f"Line {number}: “{line[:200]}” is not an email address.")
        else:
            wanted.append((number, line, line.lower()))
    found = {
        person.email_lower: person
        for person in User.objects.annotate(email_lower=Lower("email")).filter(
            is_active=True, email_lower__in=[email for _, _, email in wanted]
        )
    }
    people: dict[int, User] = {}
    for number, line, email in wanted:
        person = found.get(email)
        if person is None:
            problems.append(
                f"Line {number}: “{line}” is not the work email of anyone who can sign in to "
                "the portal."
            )
        elif person.pk != applicant.pk:
            people.setdefault(person.pk, person)
    if problems:
        raise ValidationError(problems)
    return list(people.values())


def team_text(people) -> str:
    return "\n".join(person.email for person in people)


class ApplicationForm(forms.Form):
    platform = forms.ChoiceField(
        label="Platform",
        choices=[("", "Choose the platform"), *Platform.choices],
        error_messages={"required": "Choose the platform."},
    )
    other_platform = forms.CharField(
        label="If another platform, which one", max_length=80, required=False
    )
    name = forms.CharField(
        label="Proposed account name",
        max_length=120,
        help_text="As people will see it, for example “Westshire OPCC”.",
        error_messages={"required": "Give the account a name."},
    )
    handle = forms.CharField(
        label="Proposed handle",
        max_length=120,
        help_text="For example @WestshireOPCC.",
        error_messages={"required": "Give the handle you would like."},
    )
    purpose = _written(
        "How it will promote the work of the organisation",
        "A corporate account is approved only for this.",
    )
    audience = _written("Who it is for")
    website_link = forms.URLField(
        label="Link back to the main website",
        max_length=500,
        help_text="The address the profile will link to.",
        error_messages={
            "required": "Give the link back to the main website.",
            "invalid": "Enter a web address, starting https://.",
        },
    )
    content_plan = _written(
        "Planned flow of content", "What you will post, and how often, to keep it current."
    )
    team = forms.CharField(
        label="Colleagues who will have access",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        help_text="Their work email addresses, one a line. You will have access too: with you, "
        f"at least {SMALLEST_TEAM} people, so the account can be recovered if one is away.",
        error_messages={"required": TEAM_TOO_SMALL},
    )
    responsibilities_confirmed = forms.BooleanField(
        label="I have read these responsibilities and will meet them",
        error_messages={
            "required": "Confirm you understand your responsibilities for the account."
        },
    )

    # One per form shown, and kept when the form comes back with errors: the same form sent
    # twice makes one application (account_apply's `token`).
    submission_token = SubmissionTokenField()

    def __init__(self, *args, applicant: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid4())

    def clean_team(self) -> list[User]:
        people = parse_team(self.cleaned_data.get("team") or "", applicant=self.applicant)
        if len(people) + 1 < SMALLEST_TEAM:
            raise ValidationError(TEAM_TOO_SMALL)
        return people

    def clean(self):
        super().clean()
        data = self.cleaned_data
        other = (data.get("other_platform") or "").strip()
        if data.get("platform") == Platform.OTHER and not other:
            self.add_error("other_platform", "Say which platform.")
        return data


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your decision",
        choices=[
            (Decision.Outcome.APPROVED, "Approve"),
            (Decision.Outcome.CHANGES_ASKED, "Ask for changes"),
            (Decision.Outcome.REFUSED, "Refuse"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, ask for changes or refuse."},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="This is the decision in writing: the applicant receives it. When asking for "
        "changes, say what to change.",
        error_messages={"required": "Give the reason: it is the decision in writing."},
    )


HANDED_OVER = "handed_over"


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label="Handle or name", required=False, max_length=120)
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Any status"), *Account.Status.choices, (HANDED_OVER, "Handed over")],
        required=False,
    )
    platform = forms.ChoiceField(
        label="Platform", choices=[("", "Any platform"), *Platform.choices], required=False
    )
    rotation_due = forms.BooleanField(label="Password change due", required=False)
    # "Due" and "overdue" as the reminders mean them: due once the date has passed (overdue
    # ones too), overdue REVIEW_OVERDUE_AFTER later, when the Chief Executive is told.
    review = forms.ChoiceField(
        label="Review",
        choices=[
            ("", "Any"),
            ("due", "Due: its date has passed"),
            ("overdue", f"Overdue: {REVIEW_OVERDUE_AFTER.days} days or more past its date"),
        ],
        required=False,
    )

    def filters(self) -> dict[str, str]:
        """What was chosen, as it goes in the address (for the pages and the CSV link). A
        field that is not valid is left out and the others kept: `ignored` names it."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: "on" if value is True else str(value).strip()
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value and str(value).strip()
        }

    def ignored(self) -> list[str]:
        """The labels of the filters left out as not valid, in the form's order."""
        if not self.is_bound:
            return []
        return [str(field.label) for name, field in self.fields.items() if name in self.errors]
