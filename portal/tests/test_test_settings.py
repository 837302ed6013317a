"""The suite runs against PostgreSQL and Redis; under CI=true their absence fails the run
instead of quietly testing on SQLite."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

_PRINT_ENGINE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'])"
)


def _settings_process(**env):
    full = {k: v for k, v in os.environ.items() if k not in ("CI", "DATABASE_URL")}
    full.update(env, DJANGO_SETTINGS_MODULE="portal.settings_test")
    return subprocess.run(
        [sys.executable, "-c", _PRINT_ENGINE],
        cwd=settings.BASE_DIR,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_whenever_it_is_reachable():
    if os.environ.get("CI", "").lower() == "true":
        assert settings.POSTGRES_AVAILABLE
        assert settings.REDIS_AVAILABLE
    if settings.POSTGRES_AVAILABLE:
        assert connection.vendor == "postgresql"


def test_under_ci_an_unreachable_database_fails_the_run():
    result = _settings_process(CI="true", TEST_DATABASE_URL="postgres://postgres@127.0.0.1:9/x")
    assert result.returncode != 0
    assert "CI=true: the tests need PostgreSQL at 127.0.0.1:9" in result.stderr


def test_under_ci_an_unreachable_redis_fails_the_run():
    result = _settings_process(CI="true", TEST_REDIS_URL="redis://127.0.0.1:9/0")
    assert result.returncode != 0
    assert "Redis at 127.0.0.1:9" in result.stderr


def test_outside_ci_an_unreachable_database_falls_back_to_sqlite():
    result = _settings_process(TEST_DATABASE_URL="postgres://postgres@127.0.0.1:9/x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
