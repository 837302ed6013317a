"""Form fields that name colleagues: one person, or a list of people, by email address or staff
number. Any app that asks "who?" uses these, so every such question accepts the same things
and refuses with the same words.

The type-ahead (static/portal/person_lookup.js, fed by the portal's people lookup) fills
these in for people who have JavaScript; the field itself is what decides, so a form works
without it.
"""

import re

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower

from portal.models import User

# Enough for any chat group or team: the form refuses a longer list rather than time out.
MAX_PEOPLE = 500


def _found(typed: list[str]) -> dict[str, User]:
    """The people each typed email address or staff number names, in one query."""
    lowered = [t.lower() for t in typed]
    people = User.objects.annotate(email_lower=Lower("email")).filter(
        Q(email_lower__in=lowered) | Q(staff_number__in=typed)
    )
    found: dict[str, User] = {}
    for person in people:
        found[person.email.lower()] = person
        if person.staff_number:
            found[person.staff_number] = person
    return found


def _key(typed: str) -> str:
    return typed.lower() if "@" in typed else typed


def _resolve(typed: list[str]) -> list[User]:
    found = _found(typed)
    unknown = [t for t in typed if _key(t) not in found]
    if unknown:
        raise forms.ValidationError(
            f"Nobody in the portal has the email address or staff number {', '.join(unknown)}. "
            "Check the spelling, or find the person by name with the search."
        )
    people = list({found[_key(t)].pk: found[_key(t)] for t in typed}.values())
    closed = [p.full_name for p in people if not p.is_active]
    if closed:
        raise forms.ValidationError(
            f"{', '.join(closed)} no longer works here (their account is closed): choose "
            "people who still work here."
        )
    return people


class PersonField(forms.CharField):
    """One active colleague, by email address or staff number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "help_text", "Their work email address or staff number. Type a name to search."
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"data-person-lookup": "one", "autocomplete": "off"})

    def clean(self, value):
        typed = (super().clean(value) or "").strip()
        if not typed:
            return None
        return _resolve([typed])[0]

    def prepare_value(self, value):
        if isinstance(value, User):
            return value.email
        return value


class PeopleField(forms.CharField):
    """A list of active colleagues, one email address or staff number a line (commas and
    semicolons also separate). Cleans to a list of people, each once, in the order typed."""

    widget = forms.Textarea

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40 * MAX_PEOPLE)
        kwargs.setdefault(
            "help_text",
            "One work email address or staff number a line. Type a name in the search to add "
            "someone.",
        )
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"data-person-lookup": "many", "rows": 6, "autocomplete": "off", "spellcheck": "false"}
        )

    def clean(self, value):
        text = super().clean(value) or ""
        typed = list(dict.fromkeys(t for t in re.split(r"[\s,;]+", text) if t))
        if len(typed) > MAX_PEOPLE:
            raise forms.ValidationError(f"Name at most {MAX_PEOPLE} people.")
        return _resolve(typed) if typed else []

    def prepare_value(self, value):
        if isinstance(value, list | tuple) and all(isinstance(v, User) for v in value):
            return "\n".join(person.email for person in value)
        return value
