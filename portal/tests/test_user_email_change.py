"""A change of sign-in email address, however it is made, is told to the old address and the new
one: a password reset goes to the new address, so the person must hear of it where they are."""

import pytest

from portal.models import Notification
from portal.services.users import user_update

pytestmark = pytest.mark.django_db


def test_an_email_change_queues_a_message_to_the_old_and_the_new_address(
    alice, sysadmin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user_update(user=alice, by=sysadmin, changes={"email": "Alice.New@Example.org"})

    sent = Notification.objects.filter(subject__contains="sign-in email address")
    assert sorted(sent.values_list("to_email", flat=True)) == [
        "alice.new@example.org",
        "alice@example.org",
    ]
    # Only the new address is the person's own inbox in the portal; the old one is email only.
    assert sent.get(to_email="alice.new@example.org").recipient == alice
    assert sent.get(to_email="alice@example.org").in_portal is False
    assert sorted(m.to[0] for m in mailoutbox) == ["alice.new@example.org", "alice@example.org"]
    assert "by Sam Sysadmin" in mailoutbox[0].body


def test_other_changes_send_nothing(alice, sysadmin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_update(user=alice, by=sysadmin, changes={"job_title": "Analyst"})
    assert not Notification.objects.exists()
