"""Every form of the membership, rules, new admin, review and concern pages, given generated
hostile input through its real page: a saved change or the form again with its errors, never a
server error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from groups.forms.members import (
    AdminChangeForm,
    ConcernForm,
    ConcernResolveForm,
    DeputyChangeForm,
    ExternalMemberForm,
    MemberRemoveForm,
    MembersAddForm,
    ReviewForm,
    RulesAcknowledgeForm,
    UnlistedConcernForm,
)
from groups.tests.factories import ChatGroupFactory, ConcernFactory
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(alice, bob):
    return ChatGroupFactory(approved=True, admin=alice, members=[bob])


@fuzzes(MembersAddForm)
@given(data=st.data())
@FUZZ
def test_adding_members_takes_any_input(client, alice, group, data):
    client.force_login(alice)
    url = reverse("groups:members_add", args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(MembersAddForm()))))


@fuzzes(ExternalMemberForm)
@given(data=st.data())
@FUZZ
def test_naming_an_external_member_takes_any_input(client, alice, group, data):
    client.force_login(alice)
    url = reverse("groups:external_add", args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(ExternalMemberForm()))))


@fuzzes(MemberRemoveForm)
@given(data=st.data())
@FUZZ
def test_removing_a_member_takes_any_input(client, alice, bob, group, data):
    client.force_login(alice)
    membership = group.memberships.get(user=bob)
    url = reverse("groups:member_remove", args=[membership.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(MemberRemoveForm()))))


@fuzzes(RulesAcknowledgeForm)
@given(data=st.data())
@FUZZ
def test_acknowledging_the_rules_takes_any_input(client, bob, group, data):
    group.memberships.filter(user=bob).update(rules_acknowledged_at=None)
    client.force_login(bob)
    url = reverse("groups:rules", args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(RulesAcknowledgeForm()))))


@fuzzes(AdminChangeForm)
@given(data=st.data())
@FUZZ
def test_naming_a_new_admin_takes_any_input(client, dpo, group, data):
    client.force_login(dpo)
    url = reverse("groups:admin_change", args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(AdminChangeForm()))))


@fuzzes(DeputyChangeForm)
@given(data=st.data())
@FUZZ
def test_naming_a_new_deputy_takes_any_input(client, alice, group, data):
    client.force_login(alice)
    url = reverse("groups:deputy_change", args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(DeputyChangeForm()))))


@fuzzes(ReviewForm)
@given(data=st.data())
@FUZZ
def test_a_review_takes_any_input(client, alice, group, data):
    client.force_login(alice)
    url = reverse("groups:review", args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(ReviewForm()))))


@fuzzes(ConcernForm)
@given(data=st.data())
@FUZZ
def test_a_concern_about_a_group_takes_any_input(client, bob, group, data):
    client.force_login(bob)
    url = reverse("groups:concern_about_group", args=[group.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(ConcernForm()))))


@fuzzes(UnlistedConcernForm)
@given(data=st.data())
@FUZZ
def test_a_concern_about_an_unlisted_group_takes_any_input(client, charlie, data):
    client.force_login(charlie)
    url = reverse("groups:concern_unlisted")
    assert_calm(submit(client, "post", url, data.draw(form_data(UnlistedConcernForm()))))


@fuzzes(ConcernResolveForm)
@given(data=st.data())
@FUZZ
def test_recording_what_was_done_about_a_concern_takes_any_input(client, dpo, data):
    concern = ConcernFactory()
    client.force_login(dpo)
    url = reverse("groups:concern", args=[concern.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(ConcernResolveForm()))))
