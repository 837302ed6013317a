"""A real Celery worker, against real Redis and the test database, delivers an outbox email
exactly once even when its delivery task is sent twice, and runs the retention sweep."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal.celery import app as celery_app
from portal.models import AuditEvent, Notification
from portal.services.audit import audit_verify
from portal.services.notifications import notification_queue
from portal.tasks import notification_deliver_task, retention_dispose_task

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _require_services():
    missing = [
        name
        for name, up in (
            ("Redis", settings.REDIS_AVAILABLE),
            ("PostgreSQL", connection.vendor == "postgresql"),
        )
        if not up
    ]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not reachable on 127.0.0.1"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true: {reason}; the worker test must run.")
    pytest.skip(reason)


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def worker(transactional_db, mail_dir, tmp_path):
    """A worker process on this test session's own queue, writing emails to files."""
    _require_services()
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings_test",
        "PORTAL_TEST_DB_NAME": connection.settings_dict["NAME"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # Four slashes: django-environ reads the path after the third as absolute.
        "EMAIL_URL": f"filemail:///{mail_dir}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
            "-Q",
            queue,
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # In this process tasks must go to the broker, not run inline; set and restore by hand
    # (monkeypatch's undo runs too late for Celery's cached configuration).
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        # Leave nothing on the queue for a later test.
        celery_app.control.purge()


def _wait_until(condition, worker, tmp_path, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    log = (tmp_path / "worker.log").read_text()[-3000:]
    pytest.fail(f"The worker did not get there in time (exit code {worker.poll()}).\n{log}")


def _emails_written(mail_dir: Path) -> list[str]:
    subjects = []
    for path in sorted(mail_dir.iterdir()):
        subjects += [
            line.removeprefix("Subject: ")
            for line in path.read_text().splitlines()
            if line.startswith("Subject: ")
        ]
    return subjects


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
