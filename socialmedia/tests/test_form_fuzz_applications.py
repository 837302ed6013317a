"""The application form, the decision form and the register's filters, given generated hostile
input through their real pages: the answer is a saved record, the form again with its errors,
or the page (or the file), never a server error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit
from socialmedia.forms.applications import ApplicationForm, DecisionForm, RegisterFilterForm
from socialmedia.models import Account
from socialmedia.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@fuzzes(ApplicationForm)
@given(data=st.data())
@FUZZ
def test_the_application_form_takes_any_input(client, alice, bob, chief_executive, data):
    client.force_login(alice)
    fields = data.draw(form_data(ApplicationForm(applicant=alice)))
    assert_calm(submit(client, "post", reverse("socialmedia:apply"), fields, follow=True))


@fuzzes(ApplicationForm)
@given(data=st.data())
@FUZZ
def test_the_revised_application_takes_any_input(client, alice, bob, data):
    account = AccountFactory(applicant=alice, team=[bob], status=Account.Status.CHANGES_ASKED)
    client.force_login(alice)
    fields = data.draw(form_data(ApplicationForm(applicant=alice)))
    url = reverse("socialmedia:application_edit", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(DecisionForm)
@given(data=st.data())
@FUZZ
def test_the_decision_form_takes_any_input(client, alice, bob, chief_executive, data):
    account = AccountFactory(applicant=alice, team=[bob], status=Account.Status.APPLIED)
    client.force_login(chief_executive)
    fields = data.draw(form_data(DecisionForm()))
    url = reverse("socialmedia:decide", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(RegisterFilterForm)
@pytest.mark.parametrize("page", ["socialmedia:register", "socialmedia:register_csv"])
@given(data=st.data())
@FUZZ
def test_the_register_filters_take_any_input(client, alice, chief_executive, page, data):
    AccountFactory(applicant=alice)
    client.force_login(chief_executive)
    answer = submit(client, "get", reverse(page), data.draw(form_data(RegisterFilterForm())))
    assert_calm(answer)
    if answer.streaming:
        b"".join(answer.streaming_content)
