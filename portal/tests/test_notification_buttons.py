"""A notification's button says what it opens, named from the page its link opens."""

import pytest
from django.urls import reverse

from portal.models import Notification
from portal.registry import GENERIC_LINK_LABEL, Registry, registry
from portal.testing.security_headers import named_routes

pytestmark = pytest.mark.django_db


def _notify(user, url: str) -> Notification:
    return Notification.objects.create(
        dedup_key=f"test:{user.pk}:{url}",
        recipient=user,
        to_email=user.email,
        subject="A message",
        body_text="Body",
        url=url,
    )


def _button(html: str) -> str:
    return html.split('<a class="btn btn-primary"', 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_the_button_says_what_the_page_it_opens_is_for(client, alice, monkeypatch):
    monkeypatch.setitem(registry.link_labels, "sessions", "See your sessions")
    message = _notify(alice, reverse("sessions") + "?from=email")
    client.force_login(alice)
    response = client.get(reverse("portal:notification", args=[message.pk]))
    assert _button(response.text) == "See your sessions"
    assert "Open</a>" not in response.text


def test_a_page_with_no_label_or_no_longer_there_still_says_where_it_goes(client, alice):
    client.force_login(alice)
    for url in (reverse("portal:holds"), "/no/such/page/"):
        message = _notify(alice, url)
        response = client.get(reverse("portal:notification", args=[message.pk]))
        assert _button(response.text) == GENERIC_LINK_LABEL


def test_a_message_with_no_link_has_no_button(client, alice):
    message = _notify(alice, "")
    client.force_login(alice)
    response = client.get(reverse("portal:notification", args=[message.pk]))
    assert 'class="btn btn-primary"' not in response.text


def test_a_url_name_cannot_be_given_two_different_labels():
    fresh = Registry()
    fresh.register_link_labels({"sessions": "See your sessions"})
    fresh.register_link_labels({"sessions": "See your sessions"})  # again: no change
    with pytest.raises(ValueError, match="registered twice"):
        fresh.register_link_labels({"sessions": "Something else"})


def test_every_registered_label_names_a_page_that_exists():
    # By name in the URL map: some pages take more than an id (a clear-down link carries its
    # person and token), so reversing each with made-up ids would not say whether it exists.
    pages = {route.name for route in named_routes()}
    assert not set(registry.link_labels) - pages
