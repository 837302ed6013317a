"""A hold placed while the clear-down sweep works on the same group, on two real connections:
the hold waits for the group before writing anything, so it either withdraws the period the
sweep's batch has just committed, or the sweep (SKIP LOCKED) passes the group over."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from groups.models import ChatGroup, ClearDownCycle, Hold
from groups.services.holds import hold_place
from groups.tests.factories import ChatGroupFactory, ClearDownCycleFactory, ClearDownPromptFactory
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10  # seconds: far longer than any step here takes


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def _tables_written_by(pid: int) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'",
            [pid],
        )
        return {name for (name,) in cursor.fetchall()}


def test_a_hold_waits_for_the_sweeps_batch_writing_nothing_then_withdraws_its_period(dpo, alice):
    group = ChatGroupFactory(approved=True, members=[alice])
    locked, release, placer_pid = threading.Event(), threading.Event(), []
    outcome: dict = {}

    def sweep_batch() -> None:
        # What a batch of the sweep does: lock the group, open its period, prompt, commit.
        try:
            with transaction.atomic():
                ChatGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
                cycle = ClearDownCycleFactory(group=group)
                ClearDownPromptFactory(cycle=cycle, user=alice)
                locked.set()
                release.wait(WAIT)
        finally:
            connection.close()

    def place() -> None:
        try:
            placer_pid.append(_backend_pid())
            outcome["hold"] = hold_place(
                kind=Hold.Kind.FOI,
                reference="FOI-2026-0451",
                request_received_on=timezone.localdate(),
                groups=[group],
                by=dpo,
            )
        except Exception as exc:  # reported by the assertions below
            outcome["error"] = exc
        finally:
            connection.close()

    sweeper = threading.Thread(target=sweep_batch)
    sweeper.start()
    assert locked.wait(WAIT)
    placer = threading.Thread(target=place)
    placer.start()
    try:
        deadline = time.monotonic() + WAIT
        while not (placer_pid and _waiting_on_a_lock(placer_pid[0])):
            assert placer.is_alive(), outcome
            assert time.monotonic() < deadline, "hold_place never waited for the group"
            time.sleep(0.02)
        # Blocked on the group before writing its hold, its notices or an audit event.
        written = _tables_written_by(placer_pid[0])
        assert not written & {Hold._meta.db_table, AuditEvent._meta.db_table}, written
        assert not Hold.objects.exists()
    finally:
        release.set()
        sweeper.join(WAIT)
        placer.join(WAIT)

    assert "error" not in outcome, outcome
    cycle = ClearDownCycle.objects.get(group=group)
    assert cycle.hold == outcome["hold"]
    assert cycle.withdrawn_at is not None
