from datetime import date, timedelta

import pytest

from portal.models import AuditEvent
from portal.services.users import users_deactivate_leavers
from portal.tasks import users_deactivate_leavers_task
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def test_people_whose_leave_date_has_passed_are_deactivated_once(alice, bob):
    alice.leave_date = TODAY - timedelta(days=1)
    alice.save()
    bob.leave_date = TODAY  # still working today
    bob.save()

    assert users_deactivate_leavers(today=TODAY) == 1
    assert users_deactivate_leavers(today=TODAY) == 0

    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (alice.is_active, bob.is_active) == (False, True)
    event = AuditEvent.objects.get(verb="user.deactivated")
    assert event.object_id == str(alice.pk)
    assert event.actor is None
    assert event.changes == {"reason": "Leave date passed", "leave_date": "2026-11-22"}


def test_a_sweep_that_was_down_catches_up_on_everyone_who_left_meanwhile():
    for days in (1, 5, 30):
        UserFactory(leave_date=TODAY - timedelta(days=days))
    UserFactory(leave_date=None)
    assert users_deactivate_leavers(today=TODAY) == 3


def test_the_beat_task_runs_the_sweep(alice):
    alice.leave_date = date(2000, 1, 1)
    alice.save()
    assert users_deactivate_leavers_task() == 1
