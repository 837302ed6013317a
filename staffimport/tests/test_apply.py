from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal.lib.uktime import long_date
from portal.models import AuditEvent, User
from portal.tests.factories import UserFactory
from staffimport import applying
from staffimport import services as service
from staffimport.models import StaffImport
from staffimport.services import ApplyRefused, staff_import_request_apply
from staffimport.tests.support import apply, csv_bytes, person, preview, verbs

pytestmark = pytest.mark.django_db
Status = StaffImport.Status


@pytest.fixture
def clerk(department):
    return UserFactory(
        staff_number="S100",
        full_name="Olive Oldname",
        email="olive@example.org",
        job_title="Clerk",
        department=department,
    )


def test_leavers_are_deactivated_through_user_deactivate(policy_admin, alice, bob, clerk):
    past = timezone.localdate() - timedelta(days=3)
    future = timezone.localdate() + timedelta(days=30)
    hand_made = UserFactory(staff_number="", email="hand@example.org")
    data = csv_bytes(
        [
            person(alice.staff_number, alice.full_name, alice.email, active="no"),
            person(bob.staff_number, bob.full_name, bob.email, leave_date=past.isoformat()),
            person("S100", clerk.full_name, clerk.email, leave_date=f"{future:%d/%m/%Y}"),
            person(policy_admin.staff_number, policy_admin.full_name, policy_admin.email),
        ]
    )
    missing = UserFactory(staff_number="S900", full_name="Mia Missing")
    with mock.patch.object(applying, "user_deactivate", wraps=applying.user_deactivate) as spy:
        staff_import = apply(
            preview(data, by=policy_admin, deactivate_missing=True), by=policy_admin
        )

    assert staff_import.status == Status.DONE, staff_import.error
    assert {call.kwargs["user"].pk for call in spy.call_args_list} == {alice.pk, bob.pk, missing.pk}
    for who in (alice, bob, missing, clerk, hand_made):
        who.refresh_from_db()
    assert not alice.is_active
    assert alice.leave_date == timezone.localdate()
    assert not bob.is_active
    assert bob.leave_date == past
    assert not missing.is_active
    # A leave date still to come is recorded; they stay until then.
    assert clerk.is_active
    assert clerk.leave_date == future
    # Accounts HR does not hold (no staff number) are never "missing".
    assert hand_made.is_active
    reasons = dict(
        AuditEvent.objects.filter(verb="user.deactivated").values_list("object_id", "changes")
    )
    assert reasons[str(bob.pk)]["reason"].startswith(
        f"Their leave date, {long_date(past)}, has passed"
    )
    assert reasons[str(missing.pk)]["reason"].startswith("Not in the HR file")
    assert staff_import.counts["deactivated"] == 3


def test_without_the_option_people_missing_from_the_file_are_left_alone(policy_admin, alice):
    data = csv_bytes([person("S200", "Nia New", "nia@example.org")])
    staff_import = apply(preview(data, by=policy_admin), by=policy_admin)
    alice.refresh_from_db()
    assert alice.is_active
    assert staff_import.counts["deactivated"] == 0


def test_a_new_person_marked_as_left_is_not_added_and_a_leaver_is_not_brought_back(
    policy_admin, clerk
):
    clerk.is_active = False
    clerk.save()
    data = csv_bytes(
        [
            person("S200", "Long Gone", "gone@example.org", active="no"),
            person("S100", "Olive Oldname", "olive@example.org", active="yes"),
        ]
    )
    staff_import = apply(preview(data, by=policy_admin), by=policy_admin)
    assert staff_import.status == Status.DONE
    assert not User.objects.filter(staff_number="S200").exists()
    clerk.refresh_from_db()
    assert not clerk.is_active
    reasons = [s["reason"] for s in staff_import.preview["skipped"]]
    assert reasons[0].startswith("Not added")
    assert reasons[1].startswith("Stays inactive")


def test_apply_refuses_a_file_other_than_the_one_previewed(policy_admin):
    staff_import = preview(csv_bytes([person("S200", "Nia", "nia@example.org")]), by=policy_admin)
    with pytest.raises(ApplyRefused, match="not the file that was previewed"):
        staff_import_request_apply(staff_import=staff_import, by=policy_admin, sha256="0" * 64)
    staff_import.refresh_from_db()
    assert staff_import.status == Status.PREVIEWED
    assert not User.objects.filter(staff_number="S200").exists()


def test_apply_refuses_a_stored_file_that_was_altered(policy_admin):
    staff_import = preview(csv_bytes([person("S200", "Nia", "nia@example.org")]), by=policy_admin)
    with open(staff_import.stored_file.path, "ab") as stored:
        stored.write(b"S201,Sneaky,sneaky@example.org,,,,,,,,,\r\n")
    staff_import = apply(staff_import, by=policy_admin)
    assert staff_import.status == Status.FAILED
    assert "changed since it was previewed" in staff_import.error
    assert not User.objects.filter(staff_number__in=["S200", "S201"]).exists()


def test_nothing_is_applied_if_people_changed_after_the_preview(policy_admin, clerk):
    data = csv_bytes(
        [person("S100", "Olive Newname", "olive@example.org")],
        header=["staff_number", "full_name", "email"],
    )
    staff_import = preview(data, by=policy_admin)
    User.objects.filter(pk=clerk.pk).update(full_name="Someone Else")
    staff_import = apply(staff_import, by=policy_admin)
    assert staff_import.status == Status.PREVIEWED
    assert "Nothing was applied" in staff_import.preview["notice"]
    assert staff_import.preview["updates"][0]["changes"] == [
        ["Name", "Someone Else", "Olive Newname"]
    ]
    clerk.refresh_from_db()
    assert clerk.full_name == "Someone Else"
    # Checked again, it can now be applied.
    staff_import = apply(staff_import, by=policy_admin)
    assert staff_import.status == Status.DONE


def test_a_large_file_is_checked_and_applied_by_the_celery_task(
    policy_admin, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "INLINE_MAX_ROWS", 5)
    rows = [person("S1000", "Top Boss", "boss@example.org")]
    rows += [
        person(
            f"S{1000 + i}",
            f"Person {i}",
            f"p{i}@example.org",
            line_manager_staff_number=f"S{1000 + (i - 1) // 3}",
        )
        for i in range(1, 12)
    ]
    with django_capture_on_commit_callbacks() as queued:
        staff_import = preview(csv_bytes(rows[::-1]), by=policy_admin)
    # Not checked in the request: a task is queued for after the commit.
    assert staff_import.status == Status.VALIDATING
    assert len(queued) == 1
    queued[0]()  # the worker picks it up (Celery runs eagerly in tests)
    staff_import.refresh_from_db()
    assert staff_import.status == Status.PREVIEWED
    assert (staff_import.processed_rows, staff_import.total_rows) == (12, 12)
    with django_capture_on_commit_callbacks(execute=True):
        staff_import_request_apply(
            staff_import=staff_import, by=policy_admin, sha256=staff_import.sha256
        )
    staff_import.refresh_from_db()
    assert staff_import.status == Status.DONE
    assert staff_import.counts["created"] == 12
    assert User.objects.get(staff_number="S1011").line_manager.staff_number == "S1003"
    assert staff_import.started_at
    assert staff_import.finished_at


def test_the_apply_task_run_twice_applies_once(policy_admin):
    staff_import = preview(csv_bytes([person("S200", "Nia", "nia@example.org")]), by=policy_admin)
    StaffImport.objects.filter(pk=staff_import.pk).update(status=Status.APPLYING)
    service.staff_import_apply(staff_import_id=staff_import.pk)
    service.staff_import_apply(staff_import_id=staff_import.pk)
    assert verbs().count("user.imported") == 1
    assert verbs().count("staff_import.applied") == 1


def test_only_one_import_is_applied_at_a_time(policy_admin):
    first = preview(csv_bytes([person("S200", "Nia", "nia@example.org")]), by=policy_admin)
    second = preview(csv_bytes([person("S201", "Ned", "ned@example.org")]), by=policy_admin)
    StaffImport.objects.filter(pk=first.pk).update(
        status=Status.APPLYING, progress_at=timezone.now()
    )
    with pytest.raises(ApplyRefused, match="Another staff import is being applied"):
        staff_import_request_apply(staff_import=second, by=policy_admin, sha256=second.sha256)
    # One that has been silent for longer than a task may run has lost its worker.
    StaffImport.objects.filter(pk=first.pk).update(
        progress_at=timezone.now() - service.STALE_AFTER - timedelta(minutes=1)
    )
    assert apply(second, by=policy_admin).status == Status.DONE
