"""Each signed-in session is recorded (when, where, on what), and can be ended: by the person,
by a system administrator, and whenever an administrator sets their password or they leave.
An ended session is dead: its old cookie opens nothing."""

import getpass
import json
import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.lib.devices import device_description
from portal.models import AuditEvent, UserSession
from portal.registry import registry
from portal.services.accounts import user_password_set
from portal.services.second_factor import has_second_factor
from portal.services.sessions import sessions_clear_expired, user_sessions_end
from portal.services.users import user_deactivate
from portal.sessions import SEEN_AT
from portal.testing.second_factor import authenticator_for, totp_code
from portal.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _sign_in(user, *, agent=CHROME_WINDOWS, ip="10.1.2.3", password=TEST_PASSWORD) -> Client:
    """A browser of its own, signed in through the real form."""
    browser = Client(headers={"user-agent": agent}, REMOTE_ADDR=ip)
    response = browser.post(reverse("login"), {"username": user.email, "password": password})
    assert response.status_code == 302, "the sign-in should have worked"
    if has_second_factor(user):
        # The second step too, with the code their phone would show.
        code = totp_code(authenticator_for(user))
        assert browser.post(reverse("second_factor_verify"), {"code": code}).status_code == 302
    return browser


def _is_signed_out(browser: Client) -> bool:
    response = browser.get(reverse("portal:dashboard"))
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def _key(browser: Client) -> str:
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def _assert_no_key_in_the_audit_trail(keys):
    for event in AuditEvent.objects.all():
        text = json.dumps(
            [event.changes, event.object_repr, event.object_id, event.actor_label], default=str
        )
        for key in keys:
            assert key not in text, f"a session key is in the audit event {event.verb}"


# Recording


def test_signing_in_records_when_where_and_on_what(alice):
    browser = _sign_in(alice, ip="10.1.2.3")
    record = UserSession.objects.get(user=alice)
    assert record.session_id == _key(browser)
    assert record.device == "Chrome on Windows"
    assert record.ip_address == "10.1.2.3"
    assert abs(record.signed_in_at - timezone.now()) < timedelta(seconds=10)
    assert record.last_seen_at == record.signed_in_at or record.last_seen_at >= record.signed_in_at


def test_last_seen_is_written_at_most_once_a_minute(alice, django_assert_num_queries):
    browser = _sign_in(alice)
    url = reverse("portal:notifications")
    browser.get(url)
    with CaptureQueriesContext(connection) as fresh:
        browser.get(url)
    assert not [q for q in fresh.captured_queries if "portal_usersession" in q["sql"]]
    # Counted now: captured_queries reads the connection's log, which each request clears.
    page_queries = len(fresh.captured_queries)
    # A minute later, the record's UPDATE, and the session saved to push the idle limit on
    # (a savepoint, its UPDATE and the release): four more, and the record moves on.
    session = browser.session
    session[SEEN_AT] = (timezone.now() - timedelta(seconds=61)).timestamp()
    session.save()
    UserSession.objects.update(last_seen_at=timezone.now() - timedelta(minutes=1))
    with django_assert_num_queries(page_queries + 4):
        browser.get(url, REMOTE_ADDR="10.9.9.9")
    record = UserSession.objects.get(user=alice)
    assert timezone.now() - record.last_seen_at < timedelta(seconds=10)
    assert record.ip_address == "10.9.9.9"
    # And the next page within the minute writes nothing again.
    with django_assert_num_queries(page_queries):
        browser.get(url)


def test_a_session_without_a_record_gets_one_on_its_next_minute(alice):
    browser = _sign_in(alice)
    UserSession.objects.all().delete()
    session = browser.session
    session[SEEN_AT] = 0
    session.save()
    assert browser.get(reverse("portal:dashboard")).status_code == 200
    assert UserSession.objects.get(user=alice).session_id == _key(browser)


def test_signing_out_removes_the_record_with_the_session(alice):
    browser = _sign_in(alice)
    browser.post(reverse("logout"))
    assert not UserSession.objects.exists()


def test_the_sweep_deletes_expired_sessions_and_their_records(alice):
    stale, fresh = _sign_in(alice), _sign_in(alice)
    Session.objects.filter(pk=_key(stale)).update(expire_date=timezone.now() - timedelta(1))
    assert sessions_clear_expired() == 1
    assert list(UserSession.objects.values_list("session_id", flat=True)) == [_key(fresh)]
    assert sessions_clear_expired() == 0


@pytest.mark.parametrize(
    ("agent", "described"),
    [
        (CHROME_WINDOWS, "Chrome on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on Mac",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64)", "A browser on Linux"),
        ("", "Unknown browser"),
        ("curl/8.5.0", "Unknown browser"),
    ],
)
def test_the_device_is_described_in_a_few_words(agent, described):
    assert device_description(agent) == described


# Ending sessions


def test_signing_out_of_other_sessions_keeps_this_one_and_kills_the_old_cookies(alice):
    here, phone, laptop = _sign_in(alice), _sign_in(alice, agent=SAFARI_IPHONE), _sign_in(alice)
    keys = [_key(here), _key(phone), _key(laptop)]

    ended = user_sessions_end(alice, by=alice, reason="", keep_session_key=_key(here))

    assert ended == 2
    assert _is_signed_out(phone)
    assert _is_signed_out(laptop)
    assert not _is_signed_out(here)
    assert list(UserSession.objects.values_list("session_id", flat=True)) == [_key(here)]
    event = AuditEvent.objects.get(verb="user.sessions_ended_others")
    assert (event.actor, event.changes) == (alice, {"sessions_ended": 2})
    _assert_no_key_in_the_audit_trail(keys)


def test_an_administrator_signs_someone_out_everywhere_with_a_reason(alice, sysadmin):
    browsers = [_sign_in(alice), _sign_in(alice)]
    with pytest.raises(ValueError, match="reason"):
        user_sessions_end(alice, by=sysadmin, reason="  ")
    assert not any(_is_signed_out(b) for b in browsers)

    assert user_sessions_end(alice, by=sysadmin, reason="Laptop stolen") == 2

    assert all(_is_signed_out(b) for b in browsers)
    event = AuditEvent.objects.get(verb="user.sessions_ended_by_admin")
    assert (event.actor, event.object_id) == (sysadmin, str(alice.pk))
    assert event.changes == {"sessions_ended": 2, "reason": "Laptop stolen"}
    assert registry.verb_label(event.verb) == "Signed out everywhere by an administrator"


def test_ending_sessions_when_there_are_none_records_nothing(alice, sysadmin, bob):
    _sign_in(bob)
    assert user_sessions_end(alice, by=sysadmin, reason="Just in case") == 0
    assert not AuditEvent.objects.filter(verb__startswith="user.sessions_ended").exists()
    assert UserSession.objects.filter(user=bob).exists()


def test_expired_sessions_are_cleared_but_not_counted(alice, sysadmin):
    live, stale = _sign_in(alice), _sign_in(alice)
    Session.objects.filter(pk=_key(stale)).update(expire_date=timezone.now() - timedelta(1))
    assert user_sessions_end(alice, by=sysadmin, reason="Check") == 1
    assert not UserSession.objects.exists()
    assert _is_signed_out(live)


def test_a_password_set_by_an_administrator_signs_them_out_everywhere(alice, sysadmin):
    browsers = [_sign_in(alice), _sign_in(alice, agent=SAFARI_IPHONE)]
    user_password_set(user=alice, password="Harbour-lights-2031", ip=None, by=sysadmin)
    assert all(_is_signed_out(b) for b in browsers)
    assert not UserSession.objects.exists()
    event = AuditEvent.objects.get(verb="user.sessions_ended_by_admin")
    assert event.changes == {"sessions_ended": 2, "reason": "Password set by an administrator"}


def test_the_changepassword_command_signs_them_out_everywhere(monkeypatch, alice, sysadmin):
    browser = _sign_in(alice)
    typed = iter(["Harbour-lights-2031", "Harbour-lights-2031"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    call_command("changepassword", alice.email, by=sysadmin.email, stdout=StringIO())
    assert _is_signed_out(browser)
    assert AuditEvent.objects.filter(verb="user.sessions_ended_by_admin").count() == 1


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(alice):
    here, elsewhere = _sign_in(alice), _sign_in(alice, agent=SAFARI_IPHONE)
    signed_in_at = UserSession.objects.get(session_id=_key(here)).signed_in_at
    new = "Harbour-lights-2031"
    response = here.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert not _is_signed_out(here)
    assert _is_signed_out(elsewhere)
    # The records agree: one session, this one (under its new key), signed in when it was.
    record = UserSession.objects.get()
    assert record.session_id == _key(here)
    assert record.signed_in_at == signed_in_at
    assert record.device == "Chrome on Windows"
    event = AuditEvent.objects.get(verb="user.sessions_ended_others")
    assert event.changes == {"sessions_ended": 1, "reason": "Changed their password"}


def test_deactivating_someone_signs_them_out_everywhere_in_the_same_transaction(alice, sysadmin):
    browser = _sign_in(alice)
    user_deactivate(user=alice, by=sysadmin, reason="Left the force")
    assert not UserSession.objects.exists()
    assert not Session.objects.filter(pk=_key(browser)).exists()
    assert _is_signed_out(browser)
    event = AuditEvent.objects.get(verb="user.sessions_ended_by_admin")
    assert event.changes["reason"] == "Person deactivated (can no longer sign in)"


def test_the_leavers_sweep_signs_leavers_out_as_the_portal(alice):
    browser = _sign_in(alice)
    user_deactivate(user=alice, by=None, reason="Leave date passed")
    assert _is_signed_out(browser)
    event = AuditEvent.objects.get(verb="user.sessions_ended_by_portal")
    assert event.actor is None
    assert event.changes["sessions_ended"] == 1


def test_no_session_key_reaches_the_logs_or_the_audit_trail(caplog, alice, sysadmin):
    caplog.set_level(logging.DEBUG)
    here, other = _sign_in(alice), _sign_in(alice)
    keys = [_key(here), _key(other)]
    here.get(reverse("sessions"))
    here.post(reverse("sessions_end_others"))
    new = "Harbour-lights-2031"
    here.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    keys.append(_key(here))
    here.post(reverse("sessions_end_all"))
    keys.append(_key(_sign_in(alice, agent=SAFARI_IPHONE, password=new)))
    user_password_set(user=alice, password="Another-harbour-2032", ip=None, by=sysadmin)
    assert AuditEvent.objects.filter(verb__startswith="user.sessions_ended").count() >= 2
    for key in keys:
        assert key not in caplog.text
    _assert_no_key_in_the_audit_trail(keys)
