"""Every form of holds, given generated hostile input through its real page: the answer is a
saved change or the form again with its errors, never a server error."""

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from groups.forms.holds import (
    HoldAcknowledgeForm,
    HoldPlaceForm,
    HoldReissueForm,
    HoldReleaseForm,
    HoldSearchForm,
)
from groups.models import Hold
from groups.services.holds import hold_place
from groups.tests.factories import ChatGroupFactory
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold(dpo, alice):
    group = ChatGroupFactory(approved=True, members=[alice])
    return hold_place(
        kind=Hold.Kind.FOI,
        reference="FOI-2026-0142",
        request_received_on=timezone.localdate(),
        groups=[group],
        by=dpo,
    )


@fuzzes(HoldPlaceForm)
@given(data=st.data())
@FUZZ
def test_placing_a_hold_takes_any_input(client, dpo, alice, data):
    ChatGroupFactory(approved=True, members=[alice])
    client.force_login(dpo)
    fields = data.draw(form_data(HoldPlaceForm()))
    # Followed to the hold's page, which shows what was saved.
    assert_calm(submit(client, "post", reverse("groups:hold_place"), fields, follow=True))


@fuzzes(HoldSearchForm)
@given(data=st.data())
@FUZZ
def test_recording_a_search_takes_any_input(client, dpo, hold, data):
    client.force_login(dpo)
    fields = data.draw(form_data(HoldSearchForm(hold=hold)))
    url = reverse("groups:hold_search", args=[hold.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(HoldReissueForm, HoldReleaseForm)
@pytest.mark.parametrize("page", ["hold_reissue", "hold_release"])
@given(data=st.data())
@FUZZ
def test_reissuing_and_releasing_take_any_input(client, dpo, hold, page, data):
    client.force_login(dpo)
    form = HoldReissueForm() if page == "hold_reissue" else HoldReleaseForm()
    fields = data.draw(form_data(form))
    assert_calm(submit(client, "post", reverse(f"groups:{page}", args=[hold.pk]), fields))


@fuzzes(HoldAcknowledgeForm)
@given(data=st.data())
@FUZZ
def test_acknowledging_takes_any_input(client, alice, hold, data):
    client.force_login(alice)
    notice = hold.notices.get(user=alice)
    fields = data.draw(form_data(HoldAcknowledgeForm()))
    url = reverse("groups:hold_notice_acknowledge", args=[notice.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))
