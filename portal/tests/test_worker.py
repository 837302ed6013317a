"""A real Celery worker, against real Redis and the test database, delivers an outbox email
exactly once even when its delivery task is sent twice, and runs the retention sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import AuditEvent, Notification
from portal.services.audit import audit_verify
from portal.services.notifications import notification_queue
from portal.tasks import notification_deliver_task, retention_dispose_task
from portal.testing.worker import emails_written as _emails_written
from portal.testing.worker import wait_until as _wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_delivers_an_outbox_email_once_even_when_the_task_is_sent_twice(
    worker, mail_dir, tmp_path, alice
):
    # Committed (a transactional test), so the after-commit delivery task goes to Redis.
    row = notification_queue(
        to=alice,
        template="portal.password_changed",
        dedup_key="worker:once",
        context={"reset": True},
    )
    notification_deliver_task.delay(row.pk)  # the same delivery sent a second time

    # Sent after both: on one queue and one solo worker, when it is done so are they.
    marker = notification_queue(
        to=alice, template="portal.password_changed", dedup_key="worker:marker", context={}
    )
    _wait_until(
        lambda: Notification.objects.filter(pk=marker.pk, status=Notification.Status.SENT).exists(),
        worker,
        tmp_path,
    )

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1
    subjects = _emails_written(mail_dir)
    assert len(subjects) == 2, subjects
    assert subjects.count(row.subject) == 1
    # And the delivery really did run twice for it: once sending, once finding it claimed.
    log = (tmp_path / "worker.log").read_text()
    outcomes = [
        line.rsplit(": ", 1)[-1]
        for line in log.splitlines()
        if "portal.tasks.notification_deliver_task[" in line and "succeeded" in line
    ]
    assert sorted(outcomes) == ["False", "True", "True"], log[-3000:]


def test_a_real_worker_runs_the_retention_sweep_and_the_trail_still_verifies(
    worker, tmp_path, alice
):
    old, recent = (
        Notification.objects.create(
            dedup_key=f"worker:retention:{n}",
            recipient=alice,
            to_email=alice.email,
            subject="Old news",
            body_text=".",
            status=Notification.Status.SENT,
        )
        for n in range(2)
    )
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=7 * 366)
    )
    # Sent twice, as a beat restarted mid-day might: the second run finds nothing to do.
    retention_dispose_task.delay()
    retention_dispose_task.delay()
    _wait_until(
        lambda: AuditEvent.objects.filter(verb="retention.disposed").exists(),
        worker,
        tmp_path,
    )
    marker = notification_queue(
        to=alice, template="portal.password_changed", dedup_key="worker:marker", context={}
    )
    _wait_until(
        lambda: Notification.objects.filter(pk=marker.pk, status=Notification.Status.SENT).exists(),
        worker,
        tmp_path,
    )

    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=recent.pk).exists()
    [event] = AuditEvent.objects.filter(verb="retention.disposed")
    assert event.changes["count"] == 1
    assert alice.email not in str(event.changes)
    checked, bad, problem = audit_verify()
    assert (bad, problem) == (None, "")
