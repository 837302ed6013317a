"""Permission requests acted on twice at the same moment, each on its own connection to the
real database: the same form sent twice at once makes one request; two deciders deciding at
once make one decision."""

import threading
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from portal.models import AuditEvent, Notification
from portal.roles import Role
from socialmedia.events import SocialEvent
from socialmedia.models import Kind, PermissionDecision, PermissionRequest, Subkind
from socialmedia.services.permissions import permission_decide, permission_request
from socialmedia.tests.factories import PermissionRequestFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def _at_once(*calls) -> tuple[list, list[Exception]]:
    """Run each call on its own thread and connection, started together: what each returned,
    and what each raised."""
    results: list = []
    errors: list[Exception] = []
    start = threading.Barrier(len(calls))
    lock = threading.Lock()

    def run(call):
        try:
            start.wait(timeout=30)
            result = call()
            with lock:
                results.append(result)
        except Exception as exc:  # reported to the test; a thread's exception is otherwise lost
            with lock:
                errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_the_same_form_sent_twice_at_once_makes_one_request(alice):
    token = uuid.uuid4()

    def send():
        return permission_request(
            kind=Kind.SPEAKING,
            subkind=Subkind.TALK,
            title="Parish council talk",
            text="A talk on rural crime.",
            token=token,
            by=alice,
        ).pk

    made, errors = _at_once(send, send)

    assert not errors, errors
    assert len(set(made)) == 1
    assert PermissionRequest.objects.count() == 1
    assert AuditEvent.objects.filter(verb=SocialEvent.PERMISSION_REQUESTED).count() == 1


def test_two_deciders_at_once_make_one_decision(alice, chief_executive, ce_delegate):
    request = PermissionRequestFactory(requester=alice)

    def decide(by, outcome, reason=""):
        return lambda: (
            permission_decide(
                request=request, version_number=1, outcome=outcome, reason=reason, by=by
            ).pk
        )

    made, errors = _at_once(
        decide(chief_executive, "approved"),
        decide(ce_delegate, "refused", "Not this year."),
    )

    assert len(made) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert "no longer waiting for a decision" in errors[0].messages[0]
    decision = PermissionDecision.objects.get()
    assert decision.pk == made[0]
    request.refresh_from_db()
    assert request.status == decision.outcome
    assert Notification.objects.filter(dedup_key__startswith="permission-decided:").count() == 1
