import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from portal.models import AuditEvent
from portal.services.audit import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _three_events(actor):
    for verb in ("user.imported", "declaration.signed", "incident.reported"):
        audit_record(verb=verb, actor=actor, obj=actor, changes={"n": 1}, ip="10.0.0.1")


def test_a_clean_chain_verifies(alice, capsys):
    _three_events(alice)
    assert audit_verify()[:2] == (3, None)
    call_command("verify_audit")
    assert "3 events verified" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_update_or_delete_an_event(alice):
    _three_events(alice)
    for sql in ("UPDATE portal_auditevent SET verb = 'x'", "DELETE FROM portal_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.count() == 3


def test_a_tampered_row_is_reported_as_the_first_broken_link(alice):
    _three_events(alice)
    middle = AuditEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only a superuser can step round the trigger, as an attacker with the keys might.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE portal_auditevent SET changes = %s WHERE id = %s", ['{"n": 2}', middle.pk]
        )
    checked, bad, problem = audit_verify()
    assert (checked, bad.pk) == (1, middle.pk)
    assert "altered" in problem
    with pytest.raises(CommandError, match=f"broken at event {middle.pk}"):
        call_command("verify_audit")


def test_the_model_refuses_edits_and_deletes(alice):
    _three_events(alice)
    event = AuditEvent.objects.first()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
