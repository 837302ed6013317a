"""The audit trail in a real browser on a 1366 px screen, the width most of the force's
laptops have: the table fits with no sideways scrolling, whatever an event holds."""

import pytest
from playwright.sync_api import expect

from portal.services.audit import audit_record
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_audit_trail_fits_a_1366_pixel_screen_with_long_details(page, live_server, dpo):
    page.set_viewport_size({"width": 1366, "height": 768})
    person = UserFactory(
        full_name="Alexandra Catherine Featherstonehaugh-Montgomery",
        email="alexandra.catherine.featherstonehaugh-montgomery@northshire-police.example.org",
    )
    long_word = "https://intranet.northshire-police.example.org/" + "very-long-path-" * 12
    audit_record(
        verb="user.imported",
        actor=person,
        obj=person,
        ip="2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        changes={
            "job_title": {"from": "Officer", "to": "Detective Chief Inspector " * 4},
            "source": long_word,
            "departments": [f"DEPARTMENT-{n:04d}" for n in range(40)],
            "note": "x" * 300,
        },
    )
    audit_record(verb="user.signed_in", actor=person, obj=person, changes={"where": long_word})

    sign_in(page, live_server, dpo)
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("cell", name="Person added by the staff import")).to_be_visible()
    assert_accessible(page)
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth,"
        " table: document.querySelector('table').scrollWidth,"
        " box: document.querySelector('table').parentElement.clientWidth})"
    )
    assert widths["page"] <= widths["screen"], widths
    assert widths["table"] <= widths["box"], widths

    # The long list of details opens on request.
    details = page.locator("details").first
    expect(details.get_by_text("DEPARTMENT-0039", exact=False)).to_be_hidden()
    details.locator("summary").click()
    expect(details.get_by_text("DEPARTMENT-0039", exact=False)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= widths["screen"]
