import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification
from portal.testing.queries import LAYOUT_QUERIES

pytestmark = pytest.mark.django_db


def _notify(user, n, **fields):
    return Notification.objects.create(
        dedup_key=f"test:{user.pk}:{n}",
        recipient=user,
        to_email=user.email,
        subject=fields.pop("subject", f"Message {n}"),
        body_text=fields.pop("body_text", f"Body of message {n}"),
        **fields,
    )


def _unread_badge(html: str) -> str | None:
    marker = '<span class="badge text-bg-warning">'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split("<", 1)[0]


def test_the_list_shows_the_persons_own_messages_newest_first_with_the_unread_count(
    client, alice, bob
):
    _notify(alice, 1, subject="Older")
    _notify(alice, 2, subject="Newer")
    _notify(alice, 3, subject="Inbox only", in_portal=False)
    _notify(bob, 4, subject="For Bob")
    client.force_login(alice)
    response = client.get(reverse("portal:notifications"))
    assert response.status_code == 200
    text = response.text
    assert text.index("Newer") < text.index("Older")
    assert "Inbox only" not in text
    assert "For Bob" not in text
    assert _unread_badge(text) == "2"
    assert "Mark all as read" in text


def test_reading_a_message_marks_it_read_and_the_count_drops(client, alice):
    first = _notify(alice, 1, body_text="Please sign the declaration.", url="/declarations/")
    _notify(alice, 2)
    client.force_login(alice)
    response = client.get(reverse("portal:notification", args=[first.pk]))
    assert response.status_code == 200
    assert "Please sign the declaration." in response.text
    assert 'href="/declarations/"' in response.text
    assert _unread_badge(response.text) == "1"
    first.refresh_from_db()
    assert first.read_at is not None

    read_at = first.read_at
    client.get(reverse("portal:notification", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at == read_at  # the first reading is the one kept


def test_mark_all_read_clears_the_count(client, alice, bob):
    for n in range(3):
        _notify(alice, n)
    bobs = _notify(bob, 9)
    client.force_login(alice)
    response = client.post(reverse("portal:notifications_read_all"), follow=True)
    assert "Marked 3 notifications as read." in response.text
    assert _unread_badge(response.text) is None
    assert "Mark all as read" not in response.text
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_mark_all_read_only_answers_a_post(client, alice):
    client.force_login(alice)
    assert client.get(reverse("portal:notifications_read_all")).status_code == 405


def test_someone_elses_message_and_an_inbox_only_one_are_not_found(client, alice, bob):
    theirs = _notify(bob, 1)
    reset_link = _notify(alice, 2, in_portal=False)
    client.force_login(alice)
    assert client.get(reverse("portal:notification", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("portal:notification", args=[reset_link.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_is_paginated(client, alice):
    for n in range(30):
        _notify(alice, n)
    client.force_login(alice)
    first = client.get(reverse("portal:notifications"))
    assert "Page 1 of 2" in first.text
    second = client.get(reverse("portal:notifications"), {"page": 2})
    assert second.text.count('class="list-group-item') == 5
    assert client.get(reverse("portal:notifications"), {"page": 99}).status_code == 200


# The layout, then the page count and the page of rows.
LIST_QUERIES = LAYOUT_QUERIES + 2


def test_the_list_runs_a_fixed_number_of_queries_however_many_messages(
    client, alice, django_assert_num_queries
):
    client.force_login(alice)
    client.get(reverse("portal:dashboard"))  # the organisation settings row now exists
    Notification.objects.bulk_create(
        [
            Notification(
                dedup_key=f"many:{n}",
                recipient=alice,
                to_email=alice.email,
                subject=f"Many {n}",
                body_text="x",
                read_at=timezone.now() if n % 2 else None,
            )
            for n in range(120)
        ]
    )
    for page in (1, 3):
        with django_assert_num_queries(LIST_QUERIES):
            response = client.get(reverse("portal:notifications"), {"page": page})
        assert response.status_code == 200
        assert response.text.count('class="list-group-item') == 25


def test_the_pages_ask_an_anonymous_visitor_to_sign_in(client, alice):
    message = _notify(alice, 1)
    for url in (
        reverse("portal:notifications"),
        reverse("portal:notification", args=[message.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert client.post(reverse("portal:notifications_read_all")).status_code == 302
