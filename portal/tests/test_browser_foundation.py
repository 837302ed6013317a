"""The foundation in a real browser: sign in, the dashboard, read a notification, sign out.
Every page visited is checked with axe-core (WCAG 2.2 AA; serious or critical fails)."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import Notification
from portal.tests.browser import assert_accessible, sign_in


def _notify(user, n, subject, body):
    return Notification.objects.create(
        dedup_key=f"browser:{n}",
        recipient=user,
        to_email=user.email,
        subject=subject,
        body_text=body,
        url="/",
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_signs_in_reads_a_notification_and_signs_out(page, live_server, alice):
    _notify(alice, 1, "Annual declaration now open", "Please read and sign by Friday.")
    _notify(alice, 2, "Your password was changed", "If this was not you, call the helpdesk.")

    sign_in(page, live_server, alice)
    expect(page.get_by_role("heading", name="My compliance", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Recent notifications")).to_be_visible()
    assert_accessible(page)

    menu = page.get_by_role("navigation", name="Main")
    notifications_link = menu.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(notifications_link).to_have_text(re.compile(r"Notifications\s*2 unread"))
    notifications_link.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Annual declaration now open").click()
    expect(page.get_by_role("heading", name="Annual declaration now open")).to_be_visible()
    expect(page.get_by_text("Please read and sign by Friday.")).to_be_visible()
    expect(notifications_link).to_have_text(re.compile(r"Notifications\s*1 unread"))
    assert_accessible(page)

    page.get_by_role("link", name="Notifications", exact=True).first.click()
    expect(page.get_by_text("unread")).to_have_count(2)  # the badge and the one still unread
    assert_accessible(page)

    page.get_by_role("button", name="Alice Staff").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
