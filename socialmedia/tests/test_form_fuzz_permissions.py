"""The permission forms given generated hostile input through their real pages (the multipart
ones with hostile files): the answer is a saved request or decision, or the form again with its
errors, never a server error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit
from socialmedia.forms.permissions import (
    PermissionDecideForm,
    PermissionFilterForm,
    PermissionRequestForm,
    PermissionReviseForm,
    PermissionWithdrawForm,
)
from socialmedia.models import PermissionRequest
from socialmedia.tests.factories import PermissionRequestFactory, VersionAttachmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@fuzzes(PermissionRequestForm)
@given(data=st.data())
@FUZZ
def test_the_request_form_takes_any_input(client, alice, chief_executive, data):
    client.force_login(alice)
    fields = data.draw(form_data(PermissionRequestForm()))
    assert_calm(submit(client, "post", reverse("socialmedia:permission_new"), fields, follow=True))


@fuzzes(PermissionDecideForm)
@given(data=st.data())
@FUZZ
def test_the_decide_form_takes_any_input(client, alice, chief_executive, data):
    request = PermissionRequestFactory(requester=alice)
    client.force_login(chief_executive)
    url = reverse("socialmedia:permission_decide", args=[request.pk])
    fields = data.draw(form_data(PermissionDecideForm()))
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(PermissionReviseForm)
@given(data=st.data())
@FUZZ
def test_the_revise_form_takes_any_input(client, alice, chief_executive, data):
    request = PermissionRequestFactory(
        requester=alice, status=PermissionRequest.Status.CHANGES_ASKED
    )
    previous = [VersionAttachmentFactory(version=request.versions.get())]
    client.force_login(alice)
    url = reverse("socialmedia:permission_revise", args=[request.pk])
    fields = data.draw(form_data(PermissionReviseForm(previous=previous)))
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(PermissionWithdrawForm)
@given(data=st.data())
@FUZZ
def test_the_withdraw_form_takes_any_input(client, alice, data):
    request = PermissionRequestFactory(requester=alice)
    client.force_login(alice)
    url = reverse("socialmedia:permission_withdraw", args=[request.pk])
    fields = data.draw(form_data(PermissionWithdrawForm()))
    assert_calm(submit(client, "post", url, fields, follow=True))


@fuzzes(PermissionFilterForm)
@given(data=st.data())
@FUZZ
def test_the_lists_filters_take_any_input(client, alice, chief_executive, data):
    PermissionRequestFactory(requester=alice)
    fields = data.draw(form_data(PermissionFilterForm()))
    client.force_login(chief_executive)
    assert_calm(submit(client, "get", reverse("socialmedia:permissions"), fields))
    client.force_login(alice)
    assert_calm(submit(client, "get", reverse("socialmedia:permissions_mine"), fields))
