"""The team, hand-over, closure and order forms, given generated hostile input through their
real pages: the answer is a saved change or the form again with its errors, never a server
error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.models import User
from portal.services.users import user_deactivate
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit
from portal.tests.factories import UserFactory
from socialmedia.forms.lifecycle import (
    CloseForm,
    HandOverAnswerForm,
    HandOverForm,
    OrderForm,
    RenameForm,
)
from socialmedia.forms.team import OwnerAssignForm, TeamAddForm, TeamRemoveForm
from socialmedia.models import Account, HandOver, TeamMember
from socialmedia.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _account(alice, bob) -> Account:
    return AccountFactory(applicant=alice, team=[bob, UserFactory()])


@fuzzes(TeamAddForm)
@given(data=st.data())
@FUZZ
def test_adding_to_the_team_takes_any_input(client, alice, bob, data):
    account = _account(alice, bob)
    client.force_login(alice)
    fields = data.draw(form_data(TeamAddForm()))
    url = reverse("socialmedia:team_add", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(TeamRemoveForm)
@given(data=st.data())
@FUZZ
def test_taking_off_the_team_takes_any_input(client, alice, bob, data):
    account = _account(alice, bob)
    member = TeamMember.objects.get(account=account, user=bob)
    client.force_login(alice)
    fields = data.draw(form_data(TeamRemoveForm()))
    url = reverse("socialmedia:team_remove", args=[member.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(OwnerAssignForm)
@given(data=st.data())
@FUZZ
def test_naming_a_new_owner_takes_any_input(client, alice, bob, chief_executive, data):
    account = _account(alice, bob)
    if alice.is_active:
        user_deactivate(user=alice, by=None, reason="Left")
    client.force_login(chief_executive)
    form = OwnerAssignForm(candidates=User.objects.filter(pk=bob.pk))
    fields = data.draw(form_data(form))
    url = reverse("socialmedia:owner_assign", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(RenameForm)
@given(data=st.data())
@FUZZ
def test_renaming_takes_any_input(client, alice, bob, chief_executive, data):
    account = _account(alice, bob)
    client.force_login(alice)
    fields = data.draw(form_data(RenameForm()))
    url = reverse("socialmedia:rename", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(HandOverForm)
@given(data=st.data())
@FUZZ
def test_offering_the_account_takes_any_input(client, alice, bob, chief_executive, data):
    account = _account(alice, bob)
    client.force_login(alice)
    form = HandOverForm(candidates=User.objects.filter(pk=bob.pk))
    fields = data.draw(form_data(form))
    url = reverse("socialmedia:handover", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(HandOverAnswerForm)
@given(data=st.data())
@FUZZ
def test_answering_an_offer_takes_any_input(client, alice, bob, chief_executive, data):
    account = _account(alice, bob)
    HandOver.objects.create(
        account=account, from_owner=alice, to_owner=bob, proposed_at=account.opened_at
    )
    client.force_login(bob)
    fields = data.draw(form_data(HandOverAnswerForm()))
    url = reverse("socialmedia:handover_answer", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(CloseForm)
@given(data=st.data())
@FUZZ
def test_closing_takes_any_input(client, alice, bob, chief_executive, data):
    account = _account(alice, bob)
    client.force_login(alice)
    fields = data.draw(form_data(CloseForm()))
    url = reverse("socialmedia:close", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(OrderForm)
@given(data=st.data(), order=st.sampled_from(["suspend", "order_closure", "reinstate"]))
@FUZZ
def test_the_chief_executives_orders_take_any_input(client, alice, bob, ce_delegate, data, order):
    account = _account(alice, bob)
    if order == "reinstate":
        Account.objects.filter(pk=account.pk).update(
            status=Account.Status.SUSPENDED, suspended_at=account.opened_at
        )
    client.force_login(ce_delegate)
    fields = data.draw(form_data(OrderForm()))
    url = reverse(f"socialmedia:{order}", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))
