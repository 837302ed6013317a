"""Helpers for browser tests: sign in through the real form, and check a page with axe-core."""

from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

from portal.testing.second_factor import authenticator_for, totp_code
from portal.tests.factories import TEST_PASSWORD

AXE_SOURCE = (Path(settings.BASE_DIR) / "static/vendor/axe-core/axe.min.js").read_text()
# Public sector bodies must meet WCAG 2.2 AA; these impacts fail a test.
FAILING_IMPACTS = {"serious", "critical"}


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now and fail on any serious or critical violation.

    Evaluated through the DevTools protocol, so the page's CSP (no inline script) still holds.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    bad = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    detail = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )
    assert not bad, f"Accessibility violations on {page.url}:\n{detail}"


def sign_in(page: Page, live_server, user, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-step/code/" in page.url:
        # Their authenticator (see portal.testing.second_factor): the phone's code, computed.
        page.get_by_label("Code").fill(totp_code(authenticator_for(user)))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
