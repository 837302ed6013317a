"""The credential register's forms, given generated hostile input through their real pages: the
answer is a saved change or the form again with its errors, never a server error, and never a
secret echoed back."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit
from socialmedia.forms.credentials import (
    CredentialEditForm,
    OpenForm,
    PasswordChangeForm,
    RevealFilterForm,
    RevealForm,
)
from socialmedia.models import Account, Storage
from socialmedia.tests.factories import AccountFactory, CredentialFactory, RevealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(alice):
    account = AccountFactory(applicant=alice)
    CredentialFactory(account=account)
    return account


@fuzzes(OpenForm)
@given(data=st.data())
@FUZZ
def test_the_open_form_takes_any_input(client, alice, chief_executive, data):
    account = AccountFactory(applicant=alice, status=Account.Status.APPROVED)
    client.force_login(alice)
    fields = data.draw(form_data(OpenForm(account=account)))
    answer = submit(client, "post", reverse("socialmedia:open", args=[account.pk]), fields)
    assert_calm(answer)
    password = fields.get("password")
    others = [value for name, value in fields.items() if name not in ("password", "password_again")]
    distinct = isinstance(password, str) and len(password) > 12 and password.isprintable()
    if answer.status_code == 400 and distinct and not any(password in str(v) for v in others):
        assert password not in answer.content.decode()


@fuzzes(CredentialEditForm)
@given(data=st.data())
@FUZZ
def test_the_change_form_takes_any_input(client, alice, chief_executive, active, data):
    client.force_login(alice)
    credential = active.credential
    fields = data.draw(form_data(CredentialEditForm(credential=credential)))
    url = reverse("socialmedia:credentials_edit", args=[active.pk])
    assert_calm(submit(client, "post", url, fields))


@fuzzes(PasswordChangeForm)
@given(data=st.data(), storage=st.sampled_from(Storage.values))
@FUZZ
def test_the_new_password_form_takes_any_input(client, alice, chief_executive, data, storage):
    account = AccountFactory(applicant=alice)
    credential = CredentialFactory(account=account, storage=storage)
    client.force_login(alice)
    fields = data.draw(form_data(PasswordChangeForm(credential=credential)))
    url = reverse("socialmedia:password_change", args=[account.pk])
    assert_calm(submit(client, "post", url, fields))


@fuzzes(RevealForm)
@given(data=st.data(), who=st.sampled_from(["chief_executive", "ce_delegate"]))
@FUZZ
def test_the_reveal_form_takes_any_input(client, request, active, data, who):
    person = request.getfixturevalue(who)
    client.force_login(person)
    form = RevealForm(by_provider=False, needs_code=True, delegate=who == "ce_delegate")
    fields = data.draw(form_data(form))
    answer = submit(client, "post", reverse("socialmedia:reveal", args=[active.pk]), fields)
    assert_calm(answer)


@fuzzes(RevealFilterForm)
@given(data=st.data())
@FUZZ
def test_the_reveals_filter_takes_any_input(client, chief_executive, active, data):
    RevealFactory(account=active, by=chief_executive)
    client.force_login(chief_executive)
    fields = data.draw(form_data(RevealFilterForm()))
    assert_calm(submit(client, "get", reverse("socialmedia:reveals"), fields))
