"""Settings for the test suite: the real settings, pointed at PostgreSQL and Redis when reachable.

Under CI=true a missing PostgreSQL or Redis is an error, never a quiet fall-back to SQLite.
Each test session gets its own Celery queue so that concurrent runs on one machine (and their
workers) never take each other's tasks.
"""

import os
import socket
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import environ  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


_env = environ.Env()
_ci = _env.bool("CI", default=False)
_pg_url = _env.str("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal")
_redis_url = _env.str("TEST_REDIS_URL", default="redis://127.0.0.1:6379/0")


def _server_of(url: str, default_port: int) -> tuple[str, int]:
    # Probe the server the URL names, not a fixed address: a URL with another host or port
    # must not be judged by whether something else happens to listen on 127.0.0.1:5432.
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


POSTGRES_AVAILABLE = _reachable(*_server_of(_pg_url, 5432))
REDIS_AVAILABLE = _reachable(*_server_of(_redis_url, 6379))
if _ci and not (POSTGRES_AVAILABLE and REDIS_AVAILABLE):
    missing = [
        f"{name} at {':'.join(map(str, server))}"
        for name, up, server in (
            ("PostgreSQL", POSTGRES_AVAILABLE, _server_of(_pg_url, 5432)),
            ("Redis", REDIS_AVAILABLE, _server_of(_redis_url, 6379)),
        )
        if not up
    ]
    raise ImproperlyConfigured(f"CI=true: the tests need {' and '.join(missing)}.")

os.environ["DATABASE_URL"] = _pg_url if POSTGRES_AVAILABLE else "sqlite:///:memory:"
if REDIS_AVAILABLE:
    os.environ["CELERY_BROKER_URL"] = _redis_url
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", f"portal-test-{uuid.uuid4().hex[:12]}")

from portal.settings import *  # noqa: E402, F403

# A real worker started by a test reads the test database's name from here.
if os.environ.get("PORTAL_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["PORTAL_TEST_DB_NAME"]  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
SITE_URL = "http://testserver"
# Each process its own, so that runs side by side never compare with each other's trail;
# conftest.py removes it after every test.
PORTAL_AUDIT_HEAD_FILE = Path(tempfile.gettempdir()) / f"portal-test-audit-head-{os.getpid()}.json"
