"""PostgreSQL advisory locks, and every lock id the portal uses.

An advisory lock id is one number shared by the whole database: two features choosing the same
number would silently serialise (or skip) each other's work. So each id is allocated here, in
one list, and nowhere else; a new sweep adds its line below.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum, unique

from django.db import connection


@unique  # two names with one id would be one lock: refused at import
class Lock(IntEnum):
    # Serialises appends to the audit trail's hash chain (held to the end of a transaction).
    AUDIT_CHAIN = 7_301_842
    # Keeps two declaration sweeps from running at once (held for the sweep).
    DECLARATIONS_SWEEP = 7_301_843


@contextmanager
def single_run(lock: Lock) -> Iterator[bool]:
    """Yield whether this process got `lock` (False: another holder is at work). Released on
    leaving. Elsewhere than PostgreSQL it always yields True: callers must be safe without it
    (their claims are), the lock only spares two runs doing the same work at once."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [int(lock)])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [int(lock)])


def lock_for_transaction(lock: Lock) -> None:
    """Wait for `lock` and hold it until the current transaction ends (PostgreSQL). SQLite
    already allows one writer at a time, so there it does nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(lock)])
