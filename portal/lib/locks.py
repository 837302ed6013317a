"""PostgreSQL advisory locks, each named by the code that takes it.

An advisory lock is one number shared by the whole database: two features using the same number
would silently serialise (or skip) each other's work. So every number is worked out here, in one
place, from the lock's name ("<app>.<what>"): an app names its own lock where it uses it, with no
shared list in the portal to edit. 64 bits of a digest make two names sharing a number
vanishingly unlikely; should it happen among the locks one process declares, the second is
refused when it is declared.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from django.db import connection


class AdvisoryLock:
    _taken: ClassVar[dict[int, str]] = {}

    def __init__(self, name: str) -> None:
        # 64 bits of the name's digest, as PostgreSQL's signed bigint lock key.
        self.id = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        if self._taken.setdefault(self.id, name) != name:
            raise ValueError(f"Lock {name!r} would share its number with {self._taken[self.id]!r}.")
        self.name = name

    def __repr__(self) -> str:
        return f"AdvisoryLock({self.name!r})"


# Serialises appends to the audit trail's hash chain (held to the end of a transaction).
AUDIT_CHAIN = AdvisoryLock("portal.audit_chain")


@contextmanager
def single_run(lock: AdvisoryLock) -> Iterator[bool]:
    """Yield whether this process got `lock` (False: another holder is at work). Released on
    leaving. Elsewhere than PostgreSQL it always yields True: callers must be safe without it
    (their claims are), the lock only spares two runs doing the same work at once."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock.id])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock.id])


def lock_for_transaction(lock: AdvisoryLock) -> None:
    """Wait for `lock` and hold it until the current transaction ends (PostgreSQL). SQLite
    already allows one writer at a time, so there it does nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock.id])
