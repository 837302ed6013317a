"""Signing in and out, the lockout, password change and password reset by email."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, Notification
from portal.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a different long passphrase 42"


def _sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def _events(verb):
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


# Signing in and out


def test_signing_in_lands_on_the_dashboard_and_is_recorded_with_the_address(client, alice):
    response = _sign_in(client, "alice@example.org", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).status_code == 200
    (event,) = _events("user.signed_in")
    assert (event.actor, event.object_id, event.ip_address) == (alice, str(alice.pk), "10.1.2.3")


def test_the_email_address_is_matched_whatever_its_case(client, alice):
    response = _sign_in(client, "  ALICE@Example.ORG ")
    assert response.status_code == 302
    assert response.wsgi_request.user == alice


def test_a_new_session_key_is_issued_at_sign_in(client, alice):
    client.get(reverse("login"))
    before = client.session.session_key
    _sign_in(client, "alice@example.org")
    assert client.session.session_key != before


def test_a_wrong_password_says_so_and_records_the_attempt_but_never_the_password(client, alice):
    response = _sign_in(client, "alice@example.org", "wrong-password-typed")
    assert response.status_code == 200
    assert "correct email address and password" in response.text
    assert 'value="alice@example.org"' in response.text  # what was typed is kept
    (event,) = _events("user.sign_in_failed")
    assert (event.actor, event.object_id) == (None, str(alice.pk))
    assert "wrong-password-typed" not in str(event.changes) + event.object_repr


def test_a_failed_attempt_on_no_account_does_not_record_what_was_typed(client, alice):
    # People type their password into the email box; it must not land in the trail.
    _sign_in(client, "MySecretPassword1", "whatever")
    (event,) = _events("user.sign_in_failed")
    assert event.object_id == ""
    assert "MySecretPassword1" not in str(event.changes) + event.object_repr
    assert event.changes["account"].startswith("no account")


def test_an_address_longer_than_any_account_is_refused_with_the_form(client, alice):
    response = _sign_in(client, "a" * 250 + "@example.org")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


def test_an_inactive_person_cannot_sign_in(client, alice):
    alice.is_active = False
    alice.save()
    assert _sign_in(client, "alice@example.org").status_code == 200
    assert not _events("user.signed_in")


def test_signing_out_is_a_post_that_ends_the_session_and_is_recorded(client, alice):
    _sign_in(client, "alice@example.org")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 302
    (event,) = _events("user.signed_out")
    assert event.actor == alice


# The lockout


def _fail(client, email, times, **extra):
    for _ in range(times):
        _sign_in(client, email, "not-the-password", **extra)


def test_five_failures_lock_the_account_from_that_address_even_with_the_right_password(
    client, alice, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    _fail(client, "alice@example.org", 4)
    assert _sign_in(client, "alice@example.org", "not-the-password").status_code == 429
    response = _sign_in(client, "alice@example.org")
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "_auth_user_id" not in client.session
    assert _events("user.sign_in_failed")[-1].changes["locked_out"] is True


def test_changing_the_case_of_the_email_does_not_get_fresh_attempts(client, alice):
    for email in ("alice@example.org", "Alice@example.org", "ALICE@example.org"):
        _fail(client, email, 2)
    assert _sign_in(client, "aLiCe@example.org").status_code == 429


def test_a_forged_forwarded_for_header_does_not_get_fresh_attempts(client, alice):
    for n in range(6):
        _sign_in(client, "alice@example.org", "nope", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert _sign_in(client, "alice@example.org").status_code == 429


def test_the_lockout_is_by_person_and_address_so_colleagues_and_other_desks_are_unaffected(
    client, alice, bob
):
    _fail(client, "alice@example.org", 5)
    assert _sign_in(client, "bob@example.org").status_code == 302  # same address, other person
    client.post(reverse("logout"))
    assert _sign_in(client, "alice@example.org", REMOTE_ADDR="10.9.9.9").status_code == 302


def test_the_lockout_lifts_after_the_cool_off(client, alice, settings):
    _fail(client, "alice@example.org", 5)
    assert _sign_in(client, "alice@example.org").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=5)
    )
    assert _sign_in(client, "alice@example.org").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, alice):
    _fail(client, "alice@example.org", 4)
    assert _sign_in(client, "alice@example.org").status_code == 302
    client.post(reverse("logout"))
    _fail(client, "alice@example.org", 4)
    assert _sign_in(client, "alice@example.org").status_code == 302


# Changing a password


def test_changing_the_password_keeps_this_session_ends_others_and_emails_the_person(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    other_device = Client()
    _sign_in(other_device, "alice@example.org")
    _sign_in(client, "alice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_change"),
            {
                "old_password": TEST_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert other_device.get(reverse("portal:dashboard")).status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    (event,) = _events("user.password_changed")
    assert event.actor == alice
    assert NEW_PASSWORD not in str(event.changes)
    assert [m.subject for m in mailoutbox] == [
        "Your Organisation compliance portal password was changed"
    ]
    assert NEW_PASSWORD not in mailoutbox[0].body


def test_a_weak_or_mistyped_new_password_is_refused_with_the_reason(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.text
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "old password was entered incorrectly" in response.text
    alice.refresh_from_db()
    assert alice.check_password(TEST_PASSWORD)
    assert not _events("user.password_changed")


def test_the_password_change_page_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Resetting a forgotten password


def _reset_link(body: str) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", body).group(1)


def test_a_password_reset_goes_by_email_through_the_outbox_and_the_link_works_once(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "Alice@Example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")

    row = Notification.objects.get(dedup_key__startswith="password-reset:")
    assert (row.recipient, row.in_portal, row.status) == (alice, False, "sent")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Reset your Organisation compliance portal password"
    link = _reset_link(mailoutbox[0].body)
    assert _events("user.password_reset_requested")[0].object_id == str(alice.pk)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert _events("user.password_reset")[0].actor == alice
    assert mailoutbox[-1].subject.endswith("password was reset")

    again = client.get(link, follow=True)
    assert "This link has expired" in again.text
    assert _sign_in(client, "alice@example.org", NEW_PASSWORD).status_code == 302
    # The link is a key: it is never listed on the person's notifications page.
    listing = client.get(reverse("portal:notifications")).text
    assert "password was reset" in listing
    assert "Reset your" not in listing


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_a_double_submitted_reset_form_sends_one_email(
    client, alice, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from types import SimpleNamespace

    from portal.views import accounts

    same_minute = timezone.now().replace(second=10)
    monkeypatch.setattr(accounts, "timezone", SimpleNamespace(now=lambda: same_minute))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "alice@example.org"})
        client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert len(mailoutbox) == 1
    assert Notification.objects.count() == 1
    assert len(_events("user.password_reset_requested")) == 1

    a_minute_later = same_minute + timedelta(minutes=1)
    monkeypatch.setattr(accounts, "timezone", SimpleNamespace(now=lambda: a_minute_later))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert len(mailoutbox) == 2


def test_a_tampered_reset_link_is_refused(client, alice):
    response = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-def"}),
        follow=True,
    )
    assert "This link has expired" in response.text


def test_the_password_service_takes_the_person_and_the_new_password_not_a_form(alice):
    from portal.services.accounts import user_password_set

    user_password_set(user=alice, password=NEW_PASSWORD, ip="10.0.0.1", reset=False)
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert _events("user.password_changed")[0].ip_address == "10.0.0.1"


def test_a_password_the_person_chose_is_recorded_as_their_own(client, alice):
    client.force_login(alice)
    client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    alice.refresh_from_db()
    assert alice.password_set_by == alice
    assert alice.password_set_at is not None
    assert not alice.password_set_by_someone_else


def test_the_locked_out_page_gives_the_wait_in_words(client, alice, settings):
    _fail(client, "alice@example.org", 5)
    response = _sign_in(client, "alice@example.org")
    assert response.status_code == 429
    assert "wait 15 minutes and try again" in response.text
    assert "0:15:00" not in response.text


def test_after_a_lock_out_a_reset_through_the_emailed_link_lets_the_person_in_at_once(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    _fail(client, "alice@example.org", 5)
    assert _sign_in(client, "alice@example.org").status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "alice@example.org"})
    form_page = client.get(_reset_link(mailoutbox[0].body), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert _events("user.password_reset")[0].changes == {"sign_in_unlocked": True}
    alice.refresh_from_db()
    assert alice.password_set_by == alice
    assert _sign_in(client, "alice@example.org", NEW_PASSWORD).status_code == 302


def test_unlocking_someones_sign_in_clears_every_address_and_is_recorded(client, alice, sysadmin):
    from portal.services.accounts import user_sign_in_unlock

    _fail(client, "alice@example.org", 5, REMOTE_ADDR="10.0.0.1")
    _fail(client, "alice@example.org", 5, REMOTE_ADDR="10.0.0.2")
    assert user_sign_in_unlock(user=alice, by=sysadmin, reason="Rang the helpdesk", ip=None)
    assert not AccessAttempt.objects.filter(username="alice@example.org").exists()
    event = _events("user.sign_in_unlocked")[0]
    assert (event.actor, event.changes) == (
        sysadmin,
        {"reason": "Rang the helpdesk", "places_cleared": 2},
    )
    assert _sign_in(client, "alice@example.org", REMOTE_ADDR="10.0.0.1").status_code == 302
    # Nothing left to clear: nothing recorded.
    assert not user_sign_in_unlock(user=alice, by=sysadmin, reason="Again", ip=None)
    with pytest.raises(ValueError, match="A reason is required to unlock someone's sign-in."):
        user_sign_in_unlock(user=alice, by=sysadmin, reason=" ", ip=None)


def test_a_second_reset_request_within_the_minute_is_told_the_first_link_is_on_its_way(
    client, alice, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from types import SimpleNamespace

    from portal.views import accounts

    same_minute = timezone.now().replace(second=10)
    monkeypatch.setattr(accounts, "timezone", SimpleNamespace(now=lambda: same_minute))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("password_reset"), {"email": "alice@example.org"}, follow=True)
        second = client.post(reverse("password_reset"), {"email": "Alice@example.org"}, follow=True)
    assert "have not sent another" not in first.text
    assert "have not sent another" in second.text
    assert len(mailoutbox) == 1
    # Said the same for an address with no account: the page reveals nothing about who has one.
    client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    again = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "have not sent another" in again.text
    # A different address is a new request.
    other = client.post(reverse("password_reset"), {"email": "bob@example.org"}, follow=True)
    assert "have not sent another" not in other.text
