"""Every form of registering a group and the DPO's decisions, given generated hostile input
through its real page: the answer is a saved change or the form again with its errors, never
a server error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from groups.forms.decisions import ApproveForm, AskChangesForm, ReasonForm, RefuseForm
from groups.forms.register import RegisterExportForm, RegisterFilterForm
from groups.forms.registration import ApplicationForm, ChangeForm
from groups.services.registration import chat_group_submit
from groups.tests.factories import ChatGroupFactory
from groups.tests.reg_helpers import full_application
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit

pytestmark = pytest.mark.django_db


@fuzzes(ApplicationForm)
@pytest.mark.parametrize("page", ["groups:apply", "groups:apply_send", "groups:edit_send"])
@given(data=st.data())
@FUZZ
def test_the_application_form_takes_any_input(client, alice, bob, page, data):
    client.force_login(alice)
    draft = ChatGroupFactory(admin=alice)
    url = reverse(page, args=[draft.pk]) if page.startswith("groups:edit") else reverse(page)
    fields = data.draw(form_data(ApplicationForm(applicant=alice, send=True)))
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(ChangeForm)
@given(data=st.data())
@FUZZ
def test_the_change_form_takes_any_input(client, alice, data):
    client.force_login(alice)
    group = ChatGroupFactory(approved=True, admin=alice)
    url = reverse("groups:propose_change", args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(ChangeForm(group=group)))))


@fuzzes(ApproveForm, RefuseForm, AskChangesForm)
@pytest.mark.parametrize(
    ("page", "form"),
    [
        ("groups:approve", ApproveForm),
        ("groups:refuse", RefuseForm),
        ("groups:ask_changes", AskChangesForm),
    ],
)
@given(data=st.data())
@FUZZ
def test_the_decision_forms_take_any_input(client, alice, bob, dpo, page, form, data):
    group = chat_group_submit(application=full_application(deputy=bob), by=alice)
    client.force_login(dpo)
    url = reverse(page, args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(form()))))


@fuzzes(ReasonForm)
@pytest.mark.parametrize("page", ["groups:suspend", "groups:dpo_close", "groups:close"])
@given(data=st.data())
@FUZZ
def test_suspending_and_closing_take_any_reason(client, alice, dpo, page, data):
    group = ChatGroupFactory(approved=True, admin=alice)
    client.force_login(alice if page == "groups:close" else dpo)
    url = reverse(page, args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(ReasonForm()))))


@fuzzes(RegisterFilterForm, RegisterExportForm)
@given(data=st.data())
@FUZZ
def test_the_register_takes_any_filter(client, dpo, data):
    ChatGroupFactory(approved=True)
    client.force_login(dpo)
    answer = submit(
        client, "get", reverse("groups:register"), data.draw(form_data(RegisterFilterForm()))
    )
    assert_calm(answer)
    fields = data.draw(form_data(RegisterExportForm()))
    assert submit(client, "get", reverse("groups:register_export"), fields).status_code == 200
