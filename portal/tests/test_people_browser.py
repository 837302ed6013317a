"""The system administrator's People journey in a real browser, each page checked with axe-core:
find a person, give them a role with a reason, then take it away after confirming."""

import pytest
from playwright.sync_api import expect

from portal.models import AuditEvent, User
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_system_administrator_finds_a_person_and_gives_and_removes_a_role(
    page, live_server, sysadmin, alice
):
    sign_in(page, live_server, sysadmin)
    page.goto(f"{live_server.url}/people/")
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Search by name, email or staff number").fill("alice")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").first).to_contain_text("contains “alice”")
    page.get_by_role("link", name="Alice Staff").click()
    expect(page.get_by_role("heading", name="Alice Staff", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Bob Manager")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Give a role").click()
    page.get_by_label("Role").select_option(label=Role.HELPDESK.value)
    page.get_by_role("button", name="Give the role").click()
    expect(page.get_by_text("Give a reason")).to_be_visible()  # nothing given: asked again
    assert_accessible(page)
    page.get_by_label("Reason").fill("Joined the helpdesk rota")
    page.get_by_role("button", name="Give the role").click()
    expect(page.get_by_text("Alice Staff now has the role IT helpdesk.")).to_be_visible()

    page.get_by_role("link", name="Take away the role IT helpdesk").click()
    expect(page.get_by_role("heading", name="Take away the role IT helpdesk")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reason").fill("Left the rota")
    page.get_by_role("button", name="Take the role away").click()
    expect(page.get_by_text("no longer has the role IT helpdesk")).to_be_visible()
    assert_accessible(page)
    assert [e.verb for e in AuditEvent.objects.filter(verb__startswith="user.role_")] == [
        "user.role_removed",
        "user.role_granted",
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_system_administrator_pages_through_a_search_and_back(page, live_server, sysadmin):
    User.objects.bulk_create(
        User(email=f"pat{n}@example.org", full_name=f"Pat Same {n:02d}", password="!")
        for n in range(55)
    )
    sign_in(page, live_server, sysadmin)
    page.goto(f"{live_server.url}/people/?q=pat+same")
    expect(page.get_by_role("link", name="Pat Same 00")).to_be_visible()
    expect(page.get_by_role("link", name="Previous")).to_have_count(0)
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_role("link", name="Pat Same 54")).to_be_visible()
    expect(page.get_by_role("link", name="Pat Same 00")).to_have_count(0)
    expect(page.get_by_label("Search by name, email or staff number")).to_have_value("pat same")
    assert_accessible(page)
    page.get_by_role("link", name="Previous").click()
    expect(page.get_by_role("link", name="Pat Same 49")).to_be_visible()
    expect(page.get_by_role("link", name="Next")).to_be_visible()
    page.get_by_role("link", name="Next").click()
    page.get_by_role("link", name="First").click()
    expect(page.get_by_role("link", name="Pat Same 00")).to_be_visible()
    assert "q=pat+same" in page.url
