"""Two people pressing "Remind now" for the same people at the same moment, each on their own
connection: one email each, never two, and an audit event only for what was sent."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from declarations.services.remind_now import obligation_remind_now, obligations_remind_now
from declarations.tests.factories import CampaignFactory, ObligationFactory, PolicyVersionFactory
from portal.models import AuditEvent, Notification
from portal.roles import Role
from portal.tests.factories import UserFactory

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


def test_two_bulk_sends_and_a_single_one_at_once_remind_each_person_once():
    campaign = CampaignFactory(open=True, versions=[PolicyVersionFactory(published=True)])
    rows = [ObligationFactory(campaign=campaign) for _ in range(20)]
    ids = [row.pk for row in rows]
    first, second = (UserFactory(roles=[Role.POLICY_ADMIN]) for _ in range(2))

    errors = _at_once(
        lambda: obligations_remind_now(campaign=campaign, obligation_ids=ids, by=first),
        lambda: obligations_remind_now(campaign=campaign, obligation_ids=ids[::-1], by=second),
        lambda: obligation_remind_now(obligation=rows[7], by=second),
    )

    # The single send either went first or was refused as already reminded; nothing else fails.
    assert all(isinstance(error, ValidationError) for error in errors), errors
    assert Notification.objects.filter(dedup_key__startswith="decl-remind-now:").count() == 20
    assert AuditEvent.objects.filter(verb="obligation.reminded_now").count() == 20
