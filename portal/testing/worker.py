"""A real Celery worker for integration tests, against real Redis and the test database.

Its fixtures (`worker`, `mail_dir`) are loaded for every test by the root conftest.py.
Mark the tests `django_db(transaction=True)`, so the worker sees committed rows.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app


def require_services() -> None:
    """Skip (or, under CI, fail) when Redis or PostgreSQL is not there."""
    missing = [
        name
        for name, up in (
            ("Redis", getattr(settings, "REDIS_AVAILABLE", False)),
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


def start_worker(mail_dir: Path, log_path: Path) -> subprocess.Popen:
    """A worker process on this test session's own queue, writing emails to files."""
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
    log = log_path.open("a")
    try:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
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
    finally:
        log.close()  # the child keeps its own copy of the file


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def worker(transactional_db, mail_dir, tmp_path):
    """A worker process on this test session's own queue, writing emails to files. The test
    may kill it and start another with `start_worker(mail_dir, tmp_path / "worker.log")`."""
    require_services()
    process = start_worker(mail_dir, tmp_path / "worker.log")
    # In this process tasks must go to the broker, not run inline; set and restore by hand
    # (monkeypatch's undo runs too late for Celery's cached configuration).
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        stop_worker(process)
        # Leave nothing on the queue for a later test.
        celery_app.control.purge()


def wait_until(condition, worker, tmp_path, timeout=60.0) -> None:
    """Wait for `condition()`; fail with the end of the worker's log if it never comes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    log = (tmp_path / "worker.log").read_text()[-3000:]
    pytest.fail(f"The worker did not get there in time (exit code {worker.poll()}).\n{log}")


def emails_written(mail_dir: Path) -> list[str]:
    """The subject of every email the worker wrote, in file order."""
    subjects = []
    for path in sorted(mail_dir.iterdir()):
        subjects += [
            line.removeprefix("Subject: ")
            for line in path.read_text().splitlines()
            if line.startswith("Subject: ")
        ]
    return subjects
