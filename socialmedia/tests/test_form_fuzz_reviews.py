"""The review form, given generated hostile input through its real page: the answer is a
review recorded or the form again with its errors, never a server error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit
from socialmedia.forms.reviews import ReviewForm
from socialmedia.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@fuzzes(ReviewForm)
@given(data=st.data())
@FUZZ
def test_the_review_form_takes_any_input(client, alice, data):
    account = AccountFactory(applicant=alice)
    client.force_login(alice)
    fields = data.draw(form_data(ReviewForm()))
    url = reverse("socialmedia:review", args=[account.pk])
    assert_calm(submit(client, "post", url, fields, follow=True))
