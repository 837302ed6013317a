"""HR's staff files are disposed of when their retention period is up: the file leaves the disk,
what it held leaves the database, and a tombstone stays for the audit trail's events to point
at. Nothing under a hold, and nothing still waiting for a decision, is touched."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, OrganisationSettings
from portal.roles import Role
from portal.services.audit import audit_verify
from portal.services.holds import legal_hold_place
from portal.services.retention import retention_dispose
from portal.tests.factories import UserFactory
from staffimport.models import HeldChange, StaffImport
from staffimport.retention import KEY
from staffimport.services import ApplyRefused, staff_import_request_apply
from staffimport.tests.support import apply, csv_bytes, person, preview

pytestmark = pytest.mark.django_db
PEOPLE = [
    ("S100", "Zara Example", "zara.example@example.org"),
    ("S101", "Yusuf Sample", "yusuf.sample@example.org"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _import(policy_admin, *, age_days: int, applied: bool = True) -> StaffImport:
    staff_import = preview(csv_bytes([person(*p) for p in PEOPLE]), by=policy_admin)
    assert staff_import.status == StaffImport.Status.PREVIEWED, staff_import.problems
    if applied:
        staff_import = apply(staff_import, by=policy_admin)
    when = timezone.now() - timedelta(days=age_days)
    StaffImport.objects.filter(pk=staff_import.pk).update(created_at=when, progress_at=when)
    staff_import.refresh_from_db()
    return staff_import


def _path(staff_import: StaffImport) -> Path:
    return Path(staff_import.stored_file.path)


SEVEN_YEARS = 7 * 366


def test_an_import_past_its_period_loses_its_file_and_what_it_held_but_keeps_a_tombstone(
    policy_admin,
):
    old = _import(policy_admin, age_days=SEVEN_YEARS)
    path = _path(old)
    assert path.exists()

    assert retention_dispose() == 1

    assert not path.exists()
    old.refresh_from_db()
    assert old.disposed_at is not None
    assert (old.stored_file.name, old.file_name, old.preview, old.problems) == ("", "", {}, [])
    # The tombstone: what the audit trail's events about it still need.
    assert old.status == StaffImport.Status.DONE
    assert old.counts["created"] == 2
    assert len(old.sha256) == 64
    assert old.uploaded_by == policy_admin


def test_an_import_inside_its_period_is_kept_whole(policy_admin):
    recent = _import(policy_admin, age_days=5 * 365)
    assert retention_dispose() == 0
    recent.refresh_from_db()
    assert recent.disposed_at is None
    assert _path(recent).exists()
    assert recent.preview


def test_an_import_under_a_hold_is_kept_and_the_sweep_says_why(policy_admin, dpo):
    held = _import(policy_admin, age_days=SEVEN_YEARS)
    legal_hold_place(record_type=KEY, object_id=str(held.pk), reason="SAR-2026-31", by=dpo)

    assert retention_dispose() == 0

    held.refresh_from_db()
    assert held.disposed_at is None
    assert _path(held).exists()
    [kept] = AuditEvent.objects.filter(verb="retention.kept_under_hold")
    assert kept.changes["record_type"] == KEY
    assert kept.changes["count"] == 1
    assert "SAR-2026-31" in kept.changes["held_by"][0]


def test_an_import_with_a_change_still_waiting_for_approval_is_kept(policy_admin):
    privileged = UserFactory(
        staff_number="S900",
        full_name="Pat Privileged",
        email="pat@example.org",
        roles=[Role.SYSADMIN],
    )
    staff_import = preview(
        csv_bytes([person("S900", "Pat Privileged", "pat.new@example.org")]), by=policy_admin
    )
    staff_import = apply(staff_import, by=policy_admin)
    assert HeldChange.objects.filter(user=privileged, status="waiting").exists()
    old = timezone.now() - timedelta(days=SEVEN_YEARS)
    StaffImport.objects.filter(pk=staff_import.pk).update(created_at=old, progress_at=old)

    assert retention_dispose() == 0
    assert HeldChange.objects.filter(staff_import=staff_import).count() == 1

    HeldChange.objects.filter(staff_import=staff_import).update(
        status="refused", decided_at=timezone.now()
    )
    assert retention_dispose() == 1
    # The decided change held an old and a new sign-in address: it goes with the file.
    assert not HeldChange.objects.filter(staff_import=staff_import).exists()


def test_the_disposal_event_names_nobody_in_the_file_nor_who_uploaded_it(policy_admin):
    _import(policy_admin, age_days=SEVEN_YEARS)
    retention_dispose()
    [event] = AuditEvent.objects.filter(verb="retention.disposed")
    text = str((event.changes, event.object_repr, event.object_id, event.actor_label))
    for _number, name, email in [*PEOPLE, ("", policy_admin.full_name, policy_admin.email)]:
        assert name not in text
        assert email not in text
    assert "hr-export" not in text  # nor the file's name
    assert event.changes["count"] == 1
    assert event.changes["kept_for"] == "6 years"
    assert event.object_repr == "Staff import files from HR, and what they held"


def test_running_twice_disposes_of_nothing_the_second_time_and_the_trail_verifies(
    policy_admin,
):
    _import(policy_admin, age_days=SEVEN_YEARS)
    assert retention_dispose() == 1
    assert retention_dispose() == 0
    assert AuditEvent.objects.filter(verb="retention.disposed").count() == 1
    checked, bad, problem = audit_verify()
    assert (bad, problem) == (None, "")
    assert checked == AuditEvent.objects.count()


def test_a_shorter_period_set_by_the_organisation_is_the_one_used(policy_admin):
    staff_import = _import(policy_admin, age_days=400)
    assert retention_dispose() == 0
    OrganisationSettings.objects.update_or_create(pk=1, defaults={"retention_months": {KEY: 12}})
    assert retention_dispose() == 1
    staff_import.refresh_from_db()
    assert staff_import.disposed_at is not None


def _count_disposal(policy_admin, imports: int) -> int:
    for _ in range(imports):
        _import(policy_admin, age_days=SEVEN_YEARS, applied=False)
    with CaptureQueriesContext(connection) as queries:
        assert retention_dispose() == imports
    return len(queries)


def test_a_batch_of_many_imports_takes_as_many_queries_as_a_batch_of_one(
    policy_admin, django_assert_num_queries
):
    OrganisationSettings.load()
    one = _count_disposal(policy_admin, 1)
    for _ in range(15):
        _import(policy_admin, age_days=SEVEN_YEARS, applied=False)
    with django_assert_num_queries(one):
        assert retention_dispose() == 15


def test_a_disposed_import_says_so_and_can_no_longer_be_applied(client, policy_admin):
    staff_import = _import(policy_admin, age_days=SEVEN_YEARS, applied=False)
    retention_dispose()
    staff_import.refresh_from_db()

    client.force_login(policy_admin)
    page = client.get(reverse("staffimport:detail", args=[staff_import.pk]))
    assert "The file has been disposed of" in page.text
    assert "Zara Example" not in page.text
    listing = client.get(reverse("staffimport:imports"))
    assert f"Import {staff_import.pk} (file disposed of)" in listing.text
    with pytest.raises(ApplyRefused):
        staff_import_request_apply(
            staff_import=staff_import, by=policy_admin, sha256=staff_import.sha256
        )
