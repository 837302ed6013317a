"""In a real browser: a person signed in on two browsers signs the other one out from "Your
sessions", and the other browser finds itself at the sign-in page. No session key reaches the
logs on the way."""

import logging

import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect

from portal.models import AuditEvent
from portal.tests.browser import assert_accessible, sign_in

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _session_key(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_signs_their_other_browser_out_from_your_sessions(
    browser: Browser, live_server, alice, caplog
):
    caplog.set_level(logging.DEBUG)
    office = browser.new_context()
    home = browser.new_context(user_agent=FIREFOX_WINDOWS)
    try:
        here, there = office.new_page(), home.new_page()
        sign_in(there, live_server, alice)
        sign_in(here, live_server, alice)
        keys = [_session_key(office), _session_key(home)]

        here.get_by_role("button", name="Alice Staff").click()
        here.get_by_role("link", name="Your sessions").click()
        expect(here.get_by_role("heading", name="Your sessions", level=1)).to_be_visible()
        rows = here.get_by_role("row")
        expect(rows).to_have_count(3)  # the heading row and two sessions
        expect(here.get_by_role("row", name="Firefox on Windows")).to_be_visible()
        expect(here.get_by_role("row", name="This session")).to_contain_text("Chrome on Linux")
        assert_accessible(here)

        here.get_by_role("button", name="Sign out of every other session").click()
        expect(here.get_by_role("status")).to_have_text(
            "Signed out of 1 other session. You are still signed in here."
        )
        expect(here.get_by_role("row")).to_have_count(2)
        expect(here.get_by_text("You are not signed in anywhere else.")).to_be_visible()
        assert_accessible(here)

        there.goto(f"{live_server.url}/notifications/")
        expect(there.get_by_role("heading", name="Sign in")).to_be_visible()
        assert there.url.startswith(f"{live_server.url}/accounts/login/")

        here.goto(f"{live_server.url}/notifications/")
        expect(here.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    finally:
        office.close()
        home.close()

    assert AuditEvent.objects.filter(verb="user.sessions_ended_others", actor=alice).count() == 1
    for key in keys:
        assert key not in caplog.text
        for event in AuditEvent.objects.all():
            assert key not in str(event.changes) + event.object_repr
