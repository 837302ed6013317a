"""Shared set-up for the benchmarks (see bench/__init__.py)."""

import os
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"


def _fresh_postgres(url: str, name: str) -> str | None:
    """Drop and create `<db>_<name>`; return its URL, or None if PostgreSQL does not answer."""
    import psycopg2
    from psycopg2 import sql

    parts = urlparse(url)
    database = f"{parts.path.lstrip('/') or 'portal_bench'}_{name}"
    try:
        admin = psycopg2.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
        )
    except psycopg2.OperationalError as exc:
        print(f"PostgreSQL not reachable ({str(exc).strip()}); using SQLite instead.")
        return None
    admin.autocommit = True
    with admin.cursor() as cursor:
        # A fresh database each run: audit rows cannot be deleted, and old rows would skew times.
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    admin.close()
    return urlunparse(parts._replace(path=f"/{database}"))


def bench_setup(name: str) -> None:
    """Give this benchmark a fresh, migrated database and set Django up."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ.setdefault("DEBUG", "1")
    # Tasks queued after commit go to memory and are dropped: we time the portal, not a worker.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    url = _fresh_postgres(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL), name)
    if url is None:
        path = ROOT / "var" / f"bench-{name}.sqlite3"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    # A fresh trail each run: verify_audit must not compare it with the head of an earlier one.
    head = ROOT / "var" / f"bench-{name}-audit-head.json"
    head.unlink(missing_ok=True)
    os.environ["PORTAL_AUDIT_HEAD_FILE"] = str(head)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # DEBUG keeps every query's SQL in memory (bulk inserts of rendered emails are large), which
    # would hide whether the code itself runs in constant memory. Production runs without it.
    settings.DEBUG = False
    from django.db import connection

    with timed("migrate a fresh database"):
        call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")


@contextmanager
def timed(label: str, count: int | None = None, unit: str = "") -> Iterator[None]:
    """Print how long the block took, and the rate when `count` things were done in it."""
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    rate = f"  ({count / elapsed:,.0f} {unit or 'items'}/s)" if count and elapsed > 0 else ""
    amount = f"{count:,} {unit} " if count else ""
    print(f"  {label}: {amount}in {elapsed:.2f} s{rate}", flush=True)


def bulk_insert(model, count: int, make: Callable[[int], object], chunk: int = 5000) -> None:
    """Insert `count` rows made by `make(i)`, a chunk at a time. (bulk_create turns whatever it
    is given into one list, so one call with 250,000 rows would measure the set-up's memory.)"""
    for start in range(0, count, chunk):
        model.objects.bulk_create([make(i) for i in range(start, min(start + chunk, count))])


def peak_memory_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
