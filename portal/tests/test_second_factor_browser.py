"""Two-step sign-in in a real browser, with codes computed by pyotp from the key the page shows
(as the DPO's phone would), and every page checked with axe-core."""

import logging
import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from portal.models import AuditEvent
from portal.roles import Role
from portal.testing.second_factor import leaked
from portal.tests.browser import assert_accessible
from portal.tests.factories import TEST_PASSWORD, UserFactory


def _password_step(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _next_code(key: str, used: set[str]) -> str:
    # A code is accepted once: take the next time step's if this one's has been used.
    totp = pyotp.TOTP(key)
    now = totp.now()
    return now if now not in used else totp.at(time.time() + totp.interval)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dpo_sets_up_signs_in_with_a_code_and_then_with_a_recovery_code(
    page, live_server, caplog
):
    caplog.set_level(logging.DEBUG)
    dpo = UserFactory(full_name="Dana Protection", roles=[Role.DPO], authenticator=False)
    _password_step(page, live_server, dpo)
    page.wait_for_url(f"{live_server.url}/")

    # Without the second step the audit trail (the DPO's page) is not open: it asks for set-up.
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="Set up two-step sign-in", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_text("Cannot scan it? Type this key instead").click()
    key = page.get_by_label("Setup key").inner_text().replace(" ", "")
    first = pyotp.TOTP(key).now()
    page.get_by_label("The 6-digit code your app shows now").fill(first)
    page.get_by_role("button", name="Finish setting up").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert_accessible(page)
    listed = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    codes = listed.all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them safe: continue").click()
    expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()

    page.get_by_role("button", name="Dana Protection").click()
    page.get_by_role("button", name="Sign out").click()

    # Next time: password, then the code from the app.
    _password_step(page, live_server, dpo)
    page.wait_for_url(re.compile(r"/accounts/two-step/code/"))
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    second = _next_code(key, {first})
    page.get_by_label("Code").fill(second)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    page.context.clear_cookies()

    # Phone lost: a recovery code gets in once, and the portal asks to set up again.
    _password_step(page, live_server, dpo)
    page.wait_for_url(re.compile(r"/accounts/two-step/code/"))
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You used a recovery code")).to_be_visible()
    expect(page.get_by_text("9 left")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Set up your authenticator app again", level=1)
    ).to_be_visible()
    assert_accessible(page)

    # Nothing typed or shown at the second step reached a log line (the server runs in this
    # process, so its records are captured here) or the audit trail.
    logged = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)
    logged += "\n".join(repr(row) for row in AuditEvent.objects.values())
    assert "second_factor.succeeded" in logged
    secrets = [key, first, second, *codes, *(code.replace("-", "") for code in codes)]
    assert not leaked(secrets, logged)
