"""Two clock sweeps at the same moment, each on its own connection: every alert is sent once.
With the advisory lock the second stands aside; without it (each step called directly, as if
the lock were lost) the locked batches and the ledger's unique keys still send each once."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection

from incidents.models import Alert
from incidents.services.clocks import (
    ClocksResult,
    actions_remind,
    data_protection_officers,
    ico_clocks_alert,
    incident_clocks_sweep,
    untriaged_remind,
)
from incidents.tests.clock_scenes import HOURS, NOW, action, breach, waiting
from portal.models import AuditEvent, Notification, OrganisationSettings

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def _at_once(*calls) -> list[Exception]:
    """Run each call on its own thread and connection, started together."""
    errors: list[Exception] = []
    start = threading.Barrier(len(calls))

    def run(call):
        try:
            start.wait()
            call()
        except Exception as exc:  # reported to the test; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _scene(count: int) -> None:
    for _ in range(count):
        breach(left=5 * HOURS)
        waiting(since=5 * HOURS)
        action(due=HOURS)


def _assert_each_once(count: int, officers: int) -> None:
    assert Alert.objects.count() == 3 * count
    # Two officers for each breach and each waiting report, the owner for each action.
    assert Notification.objects.count() == count * (2 * officers + 1)
    keys = list(Notification.objects.values_list("dedup_key", flat=True))
    assert len(keys) == len(set(keys))


def test_two_sweeps_at_once_send_each_alert_once(dpo, deputy_dpo):
    _scene(30)

    errors = _at_once(
        lambda: incident_clocks_sweep(now=NOW),
        lambda: incident_clocks_sweep(now=NOW + timedelta(seconds=1)),
    )

    assert not errors, errors
    _assert_each_once(30, officers=2)


def test_without_the_lock_the_steps_racing_still_send_each_alert_once(dpo, deputy_dpo):
    _scene(30)
    org = OrganisationSettings.load()

    def steps(batch_size: int):
        def run():
            officers = data_protection_officers()
            result = ClocksResult()
            untriaged_remind(
                now=NOW,
                after=timedelta(hours=org.incident_triage_reminder_hours),
                officers=officers,
                result=result,
                batch_size=batch_size,
            )
            ico_clocks_alert(
                now=NOW,
                points=org.ico_alert_points,
                officers=officers,
                result=result,
                batch_size=batch_size,
            )
            actions_remind(now=NOW, officers=officers, result=result, batch_size=batch_size)

        return run

    # Small batches, so the two interleave batch by batch.
    errors = _at_once(steps(3), steps(4), steps(5))

    assert not errors, errors
    _assert_each_once(30, officers=2)
    # Each audit event names only alerts its own batch sent.
    named = [
        key
        for event in AuditEvent.objects.filter(verb__startswith="incident.")
        for key in event.changes["alerts"]
    ]
    assert sorted(named) == sorted(Alert.objects.values_list("key", flat=True))
