"""The DPO's "as at a date" form, given generated hostile input through its real page: the
answer is the record or the form again with its errors, never a server error."""

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from groups.forms.reports import AsAtForm
from groups.tests.factories import ChatGroupFactory
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit

pytestmark = pytest.mark.django_db


@fuzzes(AsAtForm)
@given(data=st.data())
@FUZZ
def test_the_as_at_date_takes_any_input(client, dpo, data):
    group = ChatGroupFactory(approved=True, name="Fuzzed")
    client.force_login(dpo)
    form = AsAtForm(group=group, today=timezone.localdate())
    query = data.draw(form_data(form))
    assert_calm(submit(client, "get", reverse("groups:as_at", args=[group.pk]), query))
