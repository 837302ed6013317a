"""The fields that name colleagues: by email (any case) or staff number, each once, and a clear
refusal for someone unknown or gone."""

import pytest
from django import forms

from portal.forms.people_fields import PeopleField, PersonField
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    one = PersonField(required=False)
    many = PeopleField(required=False)


def test_people_are_found_by_email_in_any_case_or_staff_number_each_once():
    ann = UserFactory(email="ann.lee@example.org", staff_number="S100")
    ben = UserFactory(staff_number="S200")
    form = _Form({"many": "ANN.LEE@example.org\nS200; S100, ann.lee@example.org", "one": "S200"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["many"] == [ann, ben]
    assert form.cleaned_data["one"] == ben


def test_someone_unknown_is_named_in_the_message_and_what_was_typed_is_kept():
    UserFactory(email="ann.lee@example.org")
    form = _Form({"many": "ann.lee@example.org\nnobody@example.org"})
    assert not form.is_valid()
    assert "nobody@example.org" in form.errors["many"][0]
    assert "nobody@example.org" in str(form["many"])


def test_a_leaver_cannot_be_chosen():
    gone = UserFactory(full_name="Gwen Gone", is_active=False)
    form = _Form({"one": gone.email})
    assert not form.is_valid()
    assert "Gwen Gone no longer works here" in form.errors["one"][0]


def test_empty_is_nobody():
    form = _Form({"one": "", "many": "  \n "})
    assert form.is_valid()
    assert form.cleaned_data == {"one": None, "many": []}


def test_a_list_of_people_is_shown_as_their_email_addresses():
    ann, ben = UserFactory(), UserFactory()
    form = _Form(initial={"many": [ann, ben], "one": ann})
    assert f"{ann.email}\n{ben.email}" in str(form["many"])
    assert f'value="{ann.email}"' in str(form["one"])
    assert 'data-person-lookup="many"' in str(form["many"])
