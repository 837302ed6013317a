import re

import pytest
from playwright.sync_api import expect

from portal.models import User
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import UserFactory
from staffimport.models import StaffImport
from staffimport.tests.support import csv_bytes, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_policy_administrator_checks_and_applies_a_staff_file(
    page, live_server, policy_admin, tmp_path
):
    UserFactory(staff_number="S100", full_name="Olive Oldname", email="olive@example.org")
    UserFactory(staff_number="S101", full_name="Len Leaver", email="len@example.org")
    good = tmp_path / "hr-export.csv"
    good.write_bytes(
        csv_bytes(
            [
                person("S100", "Olive Newname", "olive@example.org"),
                person("S200", "Nia New", "nia@example.org", line_manager_staff_number="S100"),
                # Reports to someone leaving in the same file: worth checking, not a problem.
                person("S201", "Ned New", "ned@example.org", line_manager_staff_number="S101"),
                person("S101", "Len Leaver", "len@example.org", active="no"),
                person("S300", "Gus Gone", "gus@example.org", active="no"),
            ],
            header=["staff_number", "full_name", "email", "line_manager_staff_number", "active"],
        )
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([person("S300", "Bo", "bo@")]))

    sign_in(page, live_server, policy_admin)
    page.get_by_role("button", name="Policy administration").click()
    page.get_by_role("link", name="Staff import").click()
    expect(page.get_by_role("heading", name="Staff import", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Import a staff file").first.click()
    expect(page.get_by_role("heading", name="Import staff from an HR file")).to_be_visible()
    assert_accessible(page)

    # A file with a bad row: every problem, nothing changed, no way to apply.
    page.get_by_label("HR file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Check this file").click()
    expect(page.get_by_role("heading", name=re.compile("problem found"))).to_be_visible()
    expect(page.get_by_role("cell", name="'bo@' is not an email address.")).to_be_visible()
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="upload it again").click()
    page.get_by_label("HR file (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Check this file").click()
    expect(page.get_by_role("heading", name="What this file would change")).to_be_visible()
    expect(page.get_by_text("Olive Oldname → Olive Newname")).to_be_visible()
    expect(page.get_by_role("heading", name="Worth checking (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="People to deactivate (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Rows left as they are (1)")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(staff_number="S200").exists()

    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Applied: 2 added, 1 updated, 1 deactivated.")).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(staff_number="S200").line_manager.full_name == "Olive Newname"

    page.get_by_role("button", name="Policy administration").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff import").click()
    expect(page.get_by_role("cell", name="2 added, 1 updated, 1 deactivated")).to_be_visible()
    assert_accessible(page)


def test_the_progress_bar_follows_an_import_running_in_the_background(
    page, live_server, policy_admin
):
    running = StaffImport.objects.create(
        file_name="big.csv",
        stored_file="staff-imports/test/big.csv",
        sha256="a" * 64,
        status=StaffImport.Status.APPLYING,
        stage="Applying the changes",
        total_rows=4000,
        processed_rows=1000,
        counts={"created": 0, "updated": 0, "deactivated": 0},
    )
    sign_in(page, live_server, policy_admin)
    page.goto(f"{live_server.url}/staff/import/{running.pk}/")
    bar = page.get_by_role("progressbar", name="How far the import has got")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "25")
    assert_accessible(page)

    StaffImport.objects.filter(pk=running.pk).update(processed_rows=3000)
    expect(bar).to_have_attribute("aria-valuenow", "75", timeout=6000)
    expect(page.get_by_text("3,000 of 4,000 rows (75%)")).to_be_visible()

    StaffImport.objects.filter(pk=running.pk).update(
        status=StaffImport.Status.DONE,
        processed_rows=4000,
        counts={"created": 4000, "updated": 0, "deactivated": 0},
    )
    # Finished: the script reloads the page, which shows the result.
    expect(page.get_by_role("heading", name="Applied")).to_be_visible(timeout=6000)
    assert_accessible(page)


def test_a_system_administrator_approves_a_change_the_import_held(
    page, live_server, policy_admin, sysadmin
):
    from staffimport.models import HeldChange
    from staffimport.tests.support import apply, preview

    dpo = UserFactory(
        staff_number="S700",
        full_name="Dana Protection",
        email="dana@example.org",
        roles=[Role.DPO],
    )
    data = csv_bytes(
        [person("S700", "Dana Protection", "dana.new@example.org")],
        header=["staff_number", "full_name", "email"],
    )
    apply(preview(data, by=policy_admin), by=policy_admin)

    sign_in(page, live_server, sysadmin)
    page.goto(f"{live_server.url}/staff/import/held/")
    expect(page.get_by_role("heading", name="Staff changes to approve")).to_be_visible()
    expect(page.get_by_text("dana@example.org → dana.new@example.org")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve and apply").click()
    expect(page.get_by_text("Approved and applied for Dana Protection.")).to_be_visible()
    assert_accessible(page)
    dpo.refresh_from_db()
    assert dpo.email == "dana.new@example.org"
    assert HeldChange.objects.get().status == HeldChange.Status.APPROVED
