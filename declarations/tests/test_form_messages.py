"""Every required field of the declarations forms says what to enter when it is left empty,
never Django's "This field is required.", which does not say which field or what to put in it."""

import pytest
from django import forms

from declarations import forms as declaration_forms
from declarations.tests.factories import ObligationFactory, PolicyVersionFactory
from portal.testing.form_fuzz import project_form_classes

pytestmark = pytest.mark.django_db

DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])


def _empty(form_class: type[forms.BaseForm]) -> forms.BaseForm:
    """The form as sent with nothing filled in."""
    if form_class is declaration_forms.PublishForm:
        return form_class({}, version=PolicyVersionFactory(material_change=True))
    if form_class is declaration_forms.ExtendForm:
        return form_class({}, obligation=ObligationFactory())
    return form_class({})


def _declarations_forms() -> list[type[forms.BaseForm]]:
    return sorted(
        (c for c in project_form_classes() if c.__module__.startswith("declarations.")),
        key=lambda c: c.__name__,
    )


@pytest.mark.parametrize("form_class", _declarations_forms(), ids=lambda c: c.__name__)
def test_each_required_field_left_empty_says_what_to_enter(form_class):
    form = _empty(form_class)
    required = [name for name, field in form.fields.items() if field.required]
    form.is_valid()
    for name in required:
        assert form.errors.get(name), f"{form_class.__name__}.{name} took nothing"
        for message in form.errors[name]:
            assert message != DJANGO_REQUIRED, f"{form_class.__name__}.{name}: {message}"
            assert message.startswith(("Enter", "Choose", "Type", "Say")), message


def test_the_walk_covers_the_forms_with_required_fields():
    # So the test above cannot pass by finding no forms at all.
    names = {c.__name__ for c in _declarations_forms()}
    assert {"PolicyForm", "PolicyVersionForm", "CampaignForm", "SignForm"} <= names


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("title", "Enter the policy's title."),
        ("label", "Enter the version's label, for example 4.0."),
        ("effective_date", "Enter the date this version takes effect."),
    ],
)
def test_the_messages_the_issue_asked_for_are_the_ones_shown(field, message):
    form = (
        declaration_forms.PolicyForm({})
        if field == "title"
        else declaration_forms.PolicyVersionForm({})
    )
    assert form.errors[field] == [message]
