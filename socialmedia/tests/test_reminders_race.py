"""Two reminder sweeps at the same moment, each on its own connection: every reminder is sent
once. With the advisory lock the second stands aside; without it (each step called directly, as
if the lock were lost) the locked batches and the ledger's unique rows still send each once."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection

from portal.models import AuditEvent, Notification, OrganisationSettings
from socialmedia.events import SocialEvent
from socialmedia.models import Reminder
from socialmedia.services.reminders import (
    RemindersResult,
    chief_executive_recipients,
    reviews_overdue_tell,
    reviews_remind,
    rotations_remind,
    social_media_sweep,
)
from socialmedia.tests.reminder_scenes import DAY, NOW, review_due, rotation_due

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def _at_once(*calls) -> list[Exception]:
    """Run each call on its own thread and connection, started together."""
    errors: list[Exception] = []
    start = threading.Barrier(len(calls))

    def run(call):
        try:
            start.wait()
            call()
        except Exception as exc:  # reported to the test; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _scene(count: int, owner) -> None:
    for _ in range(count):
        rotation_due(since=7 * DAY, applicant=owner)
        review_due(ago=15 * DAY, applicant=owner)


def _assert_each_once(count: int) -> None:
    # A rotation reminder, a review due and a review overdue for each pair of accounts.
    assert Reminder.objects.count() == 3 * count
    # Owner and Chief Executive for each rotation; the owner, then the Chief Executive, for
    # each review.
    assert Notification.objects.count() == 4 * count
    keys = list(Notification.objects.values_list("dedup_key", flat=True))
    assert len(keys) == len(set(keys))


def test_two_sweeps_at_once_send_each_reminder_once(alice, chief_executive):
    _scene(30, alice)

    errors = _at_once(
        lambda: social_media_sweep(now=NOW),
        lambda: social_media_sweep(now=NOW + timedelta(seconds=1)),
    )

    assert not errors, errors
    _assert_each_once(30)


def test_without_the_lock_the_steps_racing_still_send_each_reminder_once(alice, chief_executive):
    _scene(30, alice)
    every = timedelta(days=OrganisationSettings.load().social_rotation_reminder_days)

    def steps(batch_size: int):
        def run():
            executives = chief_executive_recipients()
            result = RemindersResult()
            rotations_remind(
                now=NOW, every=every, executives=executives, result=result, batch_size=batch_size
            )
            reviews_remind(now=NOW, result=result, batch_size=batch_size)
            reviews_overdue_tell(
                now=NOW, executives=executives, result=result, batch_size=batch_size
            )

        return run

    # Small batches, so the three interleave batch by batch.
    errors = _at_once(steps(3), steps(4), steps(5))

    assert not errors, errors
    _assert_each_once(30)
    # The audit events count only what their own batches sent.
    events = AuditEvent.objects.filter(verb=SocialEvent.REMINDERS_SENT)
    assert sum(event.changes["reminders"] for event in events) == 3 * 30
    assert sum(event.changes["emails"] for event in events) == 4 * 30
