"""The embedded SQLite default is set up for the web server and the worker writing at once
(`make run`); PostgreSQL is left as it is. Each reads the settings in a fresh process, since the
database URL is read once, at start."""

import json
import os
import subprocess
import sys

from django.conf import settings

_PROBE = """
import json
import django

django.setup()
from django.conf import settings
from django.db import connection

found = {"options": settings.DATABASES["default"].get("OPTIONS", {}), "journal_mode": None}
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        found["journal_mode"] = cursor.fetchone()[0]
print(json.dumps(found))
"""


def _probe(database_url: str, tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="1",
        DATABASE_URL=database_url,
        PORTAL_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_sqlite_waits_for_the_lock_in_wal_mode_and_takes_it_up_front(tmp_path):
    probe = _probe(f"sqlite:///{tmp_path / 'portal.sqlite3'}", tmp_path)
    options = probe["options"]
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    # The pragma really reached the file: a connection opened through Django reports WAL.
    assert probe["journal_mode"] == "wal"


def test_postgresql_gets_none_of_the_sqlite_options(tmp_path):
    # The probe opens no connection for PostgreSQL: it reads the settings only.
    probe = _probe("postgres://portal@127.0.0.1:5432/portal", tmp_path)
    assert not {"init_command", "transaction_mode", "timeout"} & set(probe["options"])
