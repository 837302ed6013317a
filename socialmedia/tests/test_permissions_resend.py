"""The same permission request form sent twice (a double click, a resend after a dropped
connection) makes one request: the form carries a one-time token, and the service returns the
request that token already made."""

import re
import uuid

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Notification
from socialmedia.events import SocialEvent
from socialmedia.models import Kind, PermissionRequest, Subkind
from socialmedia.services.permissions import permission_request

pytestmark = pytest.mark.django_db
NEW = reverse("socialmedia:permission_new")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _asked(**fields) -> dict:
    return {
        "kind": Kind.PUBLICATION,
        "subkind": Subkind.PRESS_RELEASE,
        "title": "Rural crime hub opens",
        "text": "The Commissioner today opened the rural crime hub.",
        **fields,
    }


def _token(html: str) -> str:
    found = re.search(r'<input type="hidden" name="submission_token" value="([^"]+)"', html)
    assert found, "no token in the form"
    return found.group(1)


def test_each_form_shown_carries_its_own_token(client, alice):
    client.force_login(alice)
    first, second = _token(client.get(NEW).text), _token(client.get(NEW).text)
    assert uuid.UUID(first) != uuid.UUID(second)


def test_the_same_form_sent_twice_makes_one_request_and_shows_it(client, alice, chief_executive):
    client.force_login(alice)
    data = _asked(submission_token=_token(client.get(NEW).text))
    first = client.post(NEW, data)
    told = Notification.objects.count()
    again = client.post(NEW, data)
    made = PermissionRequest.objects.get()
    assert first.url == again.url == reverse("socialmedia:permission", args=[made.pk])
    assert Notification.objects.count() == told
    assert AuditEvent.objects.filter(verb=SocialEvent.PERMISSION_REQUESTED).count() == 1


def test_a_form_that_failed_keeps_its_token_and_then_makes_one_request(client, alice):
    client.force_login(alice)
    token = _token(client.get(NEW).text)
    failed = client.post(NEW, _asked(title="", submission_token=token))
    assert failed.status_code == 200
    assert _token(failed.text) == token
    client.post(NEW, _asked(submission_token=token))
    client.post(NEW, _asked(submission_token=token))
    assert PermissionRequest.objects.count() == 1


def test_a_new_form_makes_a_new_request(client, alice):
    client.force_login(alice)
    client.post(NEW, _asked(submission_token=_token(client.get(NEW).text)))
    client.post(NEW, _asked(submission_token=_token(client.get(NEW).text)))
    assert PermissionRequest.objects.count() == 2


def test_a_form_without_a_token_or_with_a_broken_one_is_still_sent(client, alice):
    client.force_login(alice)
    client.post(NEW, _asked())
    client.post(NEW, _asked(submission_token="not-a-token"))
    assert PermissionRequest.objects.count() == 2
    assert not PermissionRequest.objects.filter(submission_token__isnull=False).exists()


def test_a_token_is_one_requesters_own(alice, bob):
    token = uuid.uuid4()
    fields = {
        "kind": Kind.SPEAKING,
        "subkind": Subkind.TALK,
        "title": "Talk",
        "text": "A talk to the parish council.",
        "token": token,
    }
    mine = permission_request(**fields, by=alice)
    theirs = permission_request(**fields, by=bob)
    assert mine.pk != theirs.pk
    assert permission_request(**fields, by=alice).pk == mine.pk


def test_the_send_button_says_what_the_script_shows_while_it_sends(client, alice):
    # The script (static/socialmedia/permission_form.js) disables it: no inline script, which
    # the content security policy would block. The browser journey clicks it.
    client.force_login(alice)
    text = client.get(NEW).text
    assert 'data-sending-text="Sending…"' in text
    assert "onclick" not in text
    assert "onsubmit" not in text
