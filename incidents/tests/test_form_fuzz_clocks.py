"""The travel forms given generated hostile input through their real pages: the answer is a
saved notice (or advice) or the form again with its errors, never a server error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from incidents.forms.travel import TravelAdviceForm, TravelNoticeForm
from incidents.tests.factories import TravelNoticeFactory
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit

pytestmark = pytest.mark.django_db


@fuzzes(TravelNoticeForm)
@given(data=st.data())
@FUZZ
def test_the_travel_notice_form_takes_any_input(client, alice, helpdesk, data):
    client.force_login(alice)
    fields = data.draw(form_data(TravelNoticeForm()))
    assert_calm(submit(client, "post", reverse("incidents:travel_new"), fields, follow=True))


@fuzzes(TravelAdviceForm)
@given(data=st.data())
@FUZZ
def test_the_travel_advice_form_takes_any_input(client, alice, helpdesk, data):
    notice = TravelNoticeFactory(traveller=alice)
    client.force_login(helpdesk)
    url = reverse("incidents:travel_advice", args=[notice.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(TravelAdviceForm())), follow=True))
