"""Applying to register a group, and proposing a change to an approved one."""

import re
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from groups.models import CLEAR_DOWN_TIMES, DEFAULT_CLEAR_DOWN_TIME, Platform, Weekday
from groups.services.registration import ExternalPerson
from portal.forms.people_fields import PeopleField, PersonField
from portal.models import OrganisationSettings

MAX_EXTERNALS = 200
LARGEST_GROUP = 5000
_PHONE = re.compile(r"^\+?[\d\s()-]{7,30}$")


def _contact_ok(contact: str) -> bool:
    if _PHONE.match(contact) and sum(c.isdigit() for c in contact) >= 7:
        return True
    try:
        validate_email(contact)
    except ValidationError:
        return False
    return True


def parse_externals(text: str) -> list[ExternalPerson]:
    """One person a line: "Name, Organisation, email or phone". An organisation's name may
    itself hold commas (the first part is the name, the last the contact). Every bad line is
    named by its number, so the applicant can find it."""
    people: list[ExternalPerson] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(",")]
        if len(parts) < 3 or not all(parts):
            problems.append(
                f"Line {number}: give the person's name, their organisation and their email "
                "address or phone number, separated by commas."
            )
            continue
        name, organisation, contact = parts[0], ", ".join(parts[1:-1]), parts[-1]
        if max(len(name), len(organisation), len(contact)) > 200:
            problems.append(f"Line {number}: each part can be at most 200 characters.")
        elif not _contact_ok(contact):
            problems.append(f"Line {number}: “{contact}” is not an email address or phone number.")
        else:
            people.append(ExternalPerson(name, organisation, contact))
    if len(people) > MAX_EXTERNALS:
        problems.append(f"Name at most {MAX_EXTERNALS} people from outside the organisation.")
    if problems:
        raise ValidationError(problems)
    return list(dict.fromkeys(people))


def externals_text(people) -> str:
    return "\n".join(f"{p.name}, {p.organisation}, {p.contact}" for p in people)


def _time_choices() -> list[tuple[str, str]]:
    return [(f"{t:%H:%M}", f"{t:%H:%M}") for t in CLEAR_DOWN_TIMES]


def _to_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


# What "Send to the data protection officer" needs, with what to say when it is missing.
def _written(label: str, *, rows: int, help_text: str = "") -> forms.CharField:
    """A part of the application answered in words; optional in a draft (sending checks
    NEEDED_TO_SEND)."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=False,
        max_length=4000,
        help_text=help_text,
    )


NEEDED_TO_SEND = {
    "platform": "Choose the app the group uses.",
    "purpose": "Say what the group is for: its business purpose.",
    "audience": "Say who the group is for.",
    "will_post": "Say what will be posted in the group.",
    "never_post": "Say what must never be posted in the group.",
    "why_not_corporate": "Say why email or Teams will not do for this.",
    "expected_size": "Say how many members the group is expected to have.",
}


class ApplicationForm(forms.Form):
    """The whole application. `send=False` (Save as a draft) needs only the name; `send=True`
    (Send to the data protection officer) needs everything. Both check what was typed."""

    name = forms.CharField(
        label="Group name",
        max_length=120,
        required=False,
        help_text="As it appears in the app, for example “Northfield neighbourhood team”.",
    )
    platform = forms.ChoiceField(
        label="App", choices=Platform.choices, widget=forms.RadioSelect, required=False
    )
    platform_other = forms.CharField(
        label="If another app, which one", max_length=80, required=False
    )
    purpose = _written(
        "Business purpose",
        rows=3,
        help_text="The work the group is for. A group for chat about other things is not a work "
        "group and is not registered.",
    )
    audience = _written("Who the group is for", rows=2)
    will_post = _written("What will be posted", rows=3)
    never_post = _written(
        "What must never be posted",
        rows=3,
        help_text="At least: operational information, protectively marked material, and more "
        "personal information than the purpose needs.",
    )
    why_not_corporate = _written("Why email or Teams will not do", rows=3)
    expected_size = forms.IntegerField(
        label="Expected number of members",
        min_value=1,
        max_value=LARGEST_GROUP,
        required=False,
        error_messages={"invalid": "Enter the expected number of members as a whole number."},
    )
    has_external_members = forms.BooleanField(
        label="People from outside the organisation will be members", required=False
    )
    deputy = PersonField(label="Deputy admin", required=False)
    cleardown_weekday = forms.TypedChoiceField(
        label="Clear-down day",
        choices=Weekday.choices,
        coerce=int,
        initial=Weekday.MONDAY,
    )
    cleardown_time = forms.TypedChoiceField(
        label="Clear-down time (UK time)",
        choices=_time_choices,
        coerce=_to_time,
        initial=f"{DEFAULT_CLEAR_DOWN_TIME:%H:%M}",
    )
    members = PeopleField(label="Members of staff", required=False)
    external_members = forms.CharField(
        label="Members from outside the organisation",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=40000,
        help_text="One a line: name, organisation, email address or phone number. For example "
        "“Sam Partner, Northshire County Council, sam.partner@example.gov.uk”.",
    )
    logo_confirmed = forms.BooleanField(
        label="The group carries the organisation's logo as its picture", required=False
    )

    def __init__(self, *args, applicant, send: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.send = send
        # The interval is the organisation's: weekly by default, but not always.
        every = OrganisationSettings.load().clear_down_interval_days
        self.fields["cleardown_weekday"].help_text = (
            "The first clear-down falls on this day; after that, every "
            f"{every} day{'s' if every != 1 else ''} at the same time."
        )

    def clean_external_members(self) -> list[ExternalPerson]:
        return parse_externals(self.cleaned_data.get("external_members") or "")

    def clean_deputy(self):
        deputy = self.cleaned_data.get("deputy")
        if deputy is not None and deputy.pk == self.applicant.pk:
            raise ValidationError("You will be the group's admin: name someone else as deputy.")
        return deputy

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not (data.get("name") or "").strip() and "name" not in self.errors:
            self.add_error("name", "Give the group a name (even a draft needs one).")
        if (
            data.get("platform") == Platform.OTHER
            and not (data.get("platform_other") or "").strip()
        ):
            self.add_error("platform_other", "Say which app the group uses.")
        if self.send:
            for name, message in NEEDED_TO_SEND.items():
                if name not in self.errors and data.get(name) in (None, ""):
                    self.add_error(name, message)
            if "deputy" not in self.errors and data.get("deputy") is None:
                self.add_error("deputy", "Name a deputy admin, who runs the group when you cannot.")
            if not data.get("logo_confirmed"):
                self.add_error(
                    "logo_confirmed",
                    "Confirm the group carries the organisation's logo: a group without it "
                    "cannot be registered.",
                )
            if (
                data.get("has_external_members")
                and "external_members" not in self.errors
                and not data.get("external_members")
            ):
                self.add_error(
                    "external_members",
                    "Name the people from outside the organisation, or untick that they will "
                    "be members.",
                )
        return data


class ChangeForm(forms.Form):
    """A change to an approved registration: a new app, name or purpose, approved again."""

    name = forms.CharField(label="Group name", max_length=120)
    platform = forms.ChoiceField(label="App", choices=Platform.choices, widget=forms.RadioSelect)
    platform_other = forms.CharField(
        label="If another app, which one", max_length=80, required=False
    )
    purpose = forms.CharField(
        label="Business purpose", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    expected_size = forms.IntegerField(
        label="Expected number of members",
        min_value=1,
        max_value=10000,
        help_text="More than the organisation's limit needs the data protection officer's "
        "approval of a larger group.",
        error_messages={"required": "Say how many members the group would have."},
    )
    why = forms.CharField(
        label="Why the change",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        error_messages={"required": "Say why the registration should change."},
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if (
            data.get("platform") == Platform.OTHER
            and not (data.get("platform_other") or "").strip()
        ):
            self.add_error("platform_other", "Say which app the group would use.")
        if data.get("platform") != Platform.OTHER:
            data["platform_other"] = ""
        if not self.errors and (
            data["name"].strip() == self.group.name
            and data["platform"] == self.group.platform
            and data["platform_other"].strip() == self.group.platform_other
            and data["purpose"].strip() == self.group.purpose
            and data["expected_size"] == self.group.expected_size
        ):
            raise ValidationError("Nothing has changed: change the app, name, purpose or size.")
        return data
