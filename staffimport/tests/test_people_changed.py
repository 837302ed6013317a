"""Once an import's changes are committed, the other apps are told that people joined or
changed (the portal's people-changed hooks), so they need not wait for their next sweep."""

from unittest import mock

import pytest

from portal.models import User
from portal.registry import registry
from staffimport import applying
from staffimport.models import StaffImport
from staffimport.tests.support import apply, csv_bytes, person, preview

pytestmark = pytest.mark.django_db
Status = StaffImport.Status

NEWCOMER = csv_bytes([person("S200", "Nia New", "nia@example.org")])


@pytest.fixture
def told(monkeypatch):
    """The hooks' calls: each records whether the newcomer was there to be seen."""
    calls: list[bool] = []
    monkeypatch.setattr(
        registry,
        "people_changed_hooks",
        [lambda: calls.append(User.objects.filter(staff_number="S200").exists())],
    )
    return calls


def test_other_apps_are_told_once_after_the_import_is_committed(
    policy_admin, told, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_import = apply(preview(NEWCOMER, by=policy_admin), by=policy_admin)
    assert staff_import.status == Status.DONE
    assert told == []  # not before the commit
    for callback in callbacks:
        callback()
    assert told == [True]


def test_a_hook_that_fails_does_not_turn_a_finished_import_into_an_error(
    policy_admin, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down() -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(registry, "people_changed_hooks", [broker_down])
    with django_capture_on_commit_callbacks(execute=True):
        staff_import = apply(preview(NEWCOMER, by=policy_admin), by=policy_admin)
    assert staff_import.status == Status.DONE
    assert User.objects.filter(staff_number="S200").exists()


def test_other_apps_are_told_when_an_import_stops_part_way(
    policy_admin, told, django_capture_on_commit_callbacks
):
    # Batches applied before it stopped are kept, so people may have joined.
    with (
        mock.patch.object(applying.Applier, "run", side_effect=RuntimeError("worker lost")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        staff_import = apply(preview(NEWCOMER, by=policy_admin), by=policy_admin)
    assert staff_import.status == Status.FAILED
    assert len(told) == 1


def test_nobody_is_told_when_nothing_was_applied(
    policy_admin, told, django_capture_on_commit_callbacks
):
    staff_import = preview(NEWCOMER, by=policy_admin)
    User.objects.create(staff_number="S200", email="someone@example.org", full_name="Someone")
    with django_capture_on_commit_callbacks(execute=True):
        staff_import = apply(staff_import, by=policy_admin)
    assert staff_import.status == Status.PREVIEWED
    assert told == []
