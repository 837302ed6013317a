"""The "Your sessions" page, and signing someone out from their page on People: who may, what
it says, and that it costs the same number of queries however many sessions there are."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.models import AuditEvent, UserSession
from portal.tests.factories import TEST_PASSWORD
from portal.tests.test_session_records import SAFARI_IPHONE, _is_signed_out, _key, _sign_in

pytestmark = pytest.mark.django_db


def test_the_account_menu_links_to_your_sessions(alice):
    page = _sign_in(alice).get(reverse("portal:dashboard")).text
    assert f'href="{reverse("sessions")}">Your sessions</a>' in page


def test_the_page_lists_each_session_and_marks_this_one(alice, bob):
    here = _sign_in(alice, ip="10.1.2.3")
    phone = _sign_in(alice, agent=SAFARI_IPHONE, ip="10.4.5.6")
    _sign_in(bob, ip="10.7.7.7")
    page = here.get(reverse("sessions")).text
    assert "Chrome on Windows" in page
    assert "10.1.2.3" in page
    assert "Safari on iPhone" in page
    assert "10.4.5.6" in page
    assert "10.7.7.7" not in page  # bob's
    assert page.count("This session") == 1
    assert "Sign out of every other session" in page
    for key in (_key(here), _key(phone)):
        assert key not in page


def test_alone_there_is_no_other_session_to_sign_out_of(alice):
    page = _sign_in(alice).get(reverse("sessions")).text
    assert "You are not signed in anywhere else." in page
    assert reverse("sessions_end_others") not in page


def test_signing_out_of_the_others_from_the_page(alice):
    here, other = _sign_in(alice), _sign_in(alice, agent=SAFARI_IPHONE)
    response = here.post(reverse("sessions_end_others"), follow=True)
    assert "Signed out of 1 other session. You are still signed in here." in response.text
    assert _is_signed_out(other)
    assert not _is_signed_out(here)
    assert AuditEvent.objects.filter(verb="user.sessions_ended_others", actor=alice).count() == 1


def test_signing_out_everywhere_from_the_page_ends_this_session_too(alice):
    here, other = _sign_in(alice), _sign_in(alice, agent=SAFARI_IPHONE)
    response = here.post(reverse("sessions_end_all"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "You have signed out everywhere, here too." in response.text
    assert _is_signed_out(here)
    assert _is_signed_out(other)
    assert not UserSession.objects.exists()
    event = AuditEvent.objects.get(verb="user.sessions_ended")
    assert (event.actor, event.changes) == (alice, {"sessions_ended": 2})


def test_the_sign_out_buttons_need_a_post_with_the_csrf_token(alice):
    other = _sign_in(alice)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    for name in ("sessions_end_others", "sessions_end_all"):
        assert browser.post(reverse(name)).status_code == 403
        assert browser.get(reverse(name)).status_code == 405
    assert not _is_signed_out(other)
    assert not AuditEvent.objects.filter(verb__startswith="user.sessions_ended").exists()


def test_the_page_runs_the_same_number_of_queries_for_one_session_or_many(
    alice, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    here = _sign_in(alice)
    url = reverse("sessions")
    here.get(url)
    with CaptureQueriesContext(connection) as one:
        here.get(url)
    # Counted now: captured_queries reads the connection's log, which each request clears.
    expected = len(one.captured_queries)
    for _ in range(15):
        _sign_in(alice, agent=SAFARI_IPHONE)
    with django_assert_num_queries(expected):
        page = here.get(url).text
    assert page.count("Safari on iPhone") == 15


# A system administrator, on a person's page


def test_a_persons_page_shows_where_they_are_signed_in_and_signs_them_out(alice, sysadmin):
    browsers = [_sign_in(alice), _sign_in(alice, agent=SAFARI_IPHONE)]
    admin = _sign_in(sysadmin)
    url = reverse("portal:person_sessions_end", args=[alice.pk])
    page = admin.get(reverse("portal:person", args=[alice.pk])).text
    assert "Signed in now in 2 places." in page
    assert f'href="{url}"' in page

    confirm = admin.get(url)
    assert "Sign Alice Staff out everywhere" in confirm.text
    refused = admin.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert not any(_is_signed_out(b) for b in browsers)

    done = admin.post(url, {"reason": "Phone reported stolen"}, follow=True)
    assert "Alice Staff has been signed out everywhere (2 sessions)." in done.text
    assert "Not signed in anywhere now." in done.text
    assert all(_is_signed_out(b) for b in browsers)
    event = AuditEvent.objects.get(verb="user.sessions_ended_by_admin")
    assert (event.actor, event.object_id) == (sysadmin, str(alice.pk))
    assert event.changes == {"sessions_ended": 2, "reason": "Phone reported stolen"}


def test_nobody_signed_in_means_nothing_to_do(client, alice, sysadmin):
    client.force_login(sysadmin)
    response = client.get(reverse("portal:person_sessions_end", args=[alice.pk]), follow=True)
    assert "Alice Staff is not signed in anywhere: nothing to do." in response.text


def test_an_administrator_uses_their_own_page_for_their_own_sessions(sysadmin):
    here, other = _sign_in(sysadmin), _sign_in(sysadmin, agent=SAFARI_IPHONE)
    page = here.get(reverse("portal:person", args=[sysadmin.pk])).text
    assert reverse("portal:person_sessions_end", args=[sysadmin.pk]) not in page
    assert f'href="{reverse("sessions")}">your sessions</a>' in page
    url = reverse("portal:person_sessions_end", args=[sysadmin.pk])
    response = here.post(url, {"reason": "Tidying up"})
    assert response.status_code == 302
    assert response.url == reverse("sessions")
    assert not _is_signed_out(other)
    assert not _is_signed_out(here)
    assert not AuditEvent.objects.filter(verb__startswith="user.sessions_ended").exists()


def test_the_test_sessions_really_are_in_the_database_store():
    # user_sessions_end deletes rows of Django's database session store; with a cookie or
    # cache store, it would end nothing.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert TEST_PASSWORD  # the helpers above sign in with it
