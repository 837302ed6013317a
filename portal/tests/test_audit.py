import threading
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, close_old_connections, connection, transaction

from portal.models import AuditEvent
from portal.services.audit import (
    GENESIS_HASH,
    AuditDraft,
    audit_record,
    audit_record_many,
    audit_verify,
)

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger and the lock are PostgreSQL's"
)


def _three_events(actor):
    for verb in ("user.imported", "declaration.signed", "incident.reported"):
        audit_record(verb=verb, actor=actor, obj=actor, changes={"n": 1}, ip="10.0.0.1")


def _as_superuser_bypassing_the_trigger(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only a superuser can step round the trigger, as an attacker with the keys might.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_a_clean_chain_verifies(alice, capsys):
    _three_events(alice)
    assert audit_verify()[:2] == (3, None)
    call_command("verify_audit")
    assert "3 events verified" in capsys.readouterr().out


def test_an_empty_trail_verifies(capsys):
    assert audit_verify() == (0, None, "")
    call_command("verify_audit")
    assert "0 events verified" in capsys.readouterr().out


def test_each_event_records_who_what_where_and_links_to_the_one_before(alice):
    first = audit_record(verb="user.imported", actor=alice, obj=alice, ip="10.0.0.1")
    second = audit_record(verb="user.deactivated", actor=None, changes={"reason": "left"})
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.actor_label == "Alice Staff <alice@example.org>"
    assert (first.object_type, first.object_id) == ("portal.user", str(alice.pk))
    assert second.actor_label == "system"
    assert second.ip_address is None


def test_an_ipv6_address_is_stored_as_the_database_writes_it_so_the_chain_still_verifies(alice):
    audit_record(verb="user.signed_in", actor=alice, ip="2001:0DB8:0000::0001")
    audit_record(verb="user.signed_in", actor=alice, ip="::FFFF:10.0.0.1")
    assert list(AuditEvent.objects.order_by("id").values_list("ip_address", flat=True)) == [
        "2001:db8::1",
        "::ffff:10.0.0.1",
    ]
    assert audit_verify()[1] is None


def test_an_address_that_is_not_one_is_refused_not_stored(alice):
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 address"):
        audit_record(verb="user.signed_in", actor=alice, ip="not an address")
    assert not AuditEvent.objects.exists()


@on_postgres
def test_the_database_refuses_to_update_or_delete_an_event(alice):
    _three_events(alice)
    for sql in ("UPDATE portal_auditevent SET verb = 'x'", "DELETE FROM portal_auditevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.count() == 3
    assert audit_verify()[1] is None


@on_postgres
def test_the_database_refuses_to_truncate_the_trail(alice):
    _three_events(alice)
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE portal_auditevent")
    assert AuditEvent.objects.count() == 3


def test_a_tampered_row_is_reported_as_the_first_broken_link(alice):
    _three_events(alice)
    middle = AuditEvent.objects.order_by("id")[1]
    _as_superuser_bypassing_the_trigger(
        "UPDATE portal_auditevent SET changes = %s WHERE id = %s", ['{"n": 2}', middle.pk]
    )
    checked, bad, problem = audit_verify()
    assert (checked, bad.pk) == (1, middle.pk)
    assert "altered" in problem
    with pytest.raises(CommandError, match=f"broken at event {middle.pk}.*1 earlier events"):
        call_command("verify_audit")


def test_a_deleted_row_is_reported_at_the_event_that_followed_it(alice):
    _three_events(alice)
    first, middle, last = AuditEvent.objects.order_by("id")
    _as_superuser_bypassing_the_trigger("DELETE FROM portal_auditevent WHERE id = %s", [middle.pk])
    checked, bad, problem = audit_verify()
    assert (checked, bad.pk) == (1, last.pk)
    assert "missing" in problem
    with pytest.raises(CommandError, match=f"broken at event {last.pk}.*missing"):
        call_command("verify_audit")


def test_a_row_rewritten_with_a_fresh_hash_is_still_caught_by_the_next_link(alice):
    _three_events(alice)
    middle = AuditEvent.objects.order_by("id")[1]
    middle.verb = "nothing.happened"
    _as_superuser_bypassing_the_trigger(
        "UPDATE portal_auditevent SET verb = %s, hash = %s WHERE id = %s",
        [middle.verb, middle.compute_hash(), middle.pk],
    )
    checked, bad, _ = audit_verify()
    assert checked == 2
    assert bad.pk == AuditEvent.objects.order_by("id")[2].pk


def test_events_appended_in_bulk_continue_the_chain_in_order(alice, bob):
    audit_record(verb="user.created", actor=alice, obj=alice)
    drafts = [
        AuditDraft(verb="user.imported", actor=alice, obj=bob, changes={"n": n}) for n in range(5)
    ]

    assert audit_record_many(drafts=drafts, batch_size=2) == 5

    events = list(AuditEvent.objects.order_by("id"))
    assert [e.changes.get("n") for e in events[1:]] == [0, 1, 2, 3, 4]
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))
    assert audit_verify()[:2] == (6, None)


def test_bulk_appending_runs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    drafts = [AuditDraft(verb="user.imported", actor=alice, obj=alice) for _ in range(300)]
    # The lock, the last hash, one INSERT per 1,000 events, and the savepoint around them.
    with django_assert_max_num_queries(5):
        audit_record_many(drafts=drafts)


def test_the_model_refuses_edits_and_deletes(alice):
    _three_events(alice)
    event = AuditEvent.objects.first()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(verb="x")


def test_an_event_rolls_back_with_the_change_that_caused_it(alice):
    def change_that_fails():
        with transaction.atomic():
            audit_record(verb="user.imported", actor=alice, obj=alice)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="the change failed"):
        change_that_fails()
    assert not AuditEvent.objects.exists()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_events_written_at_the_same_time_from_two_connections_form_one_unbroken_chain():
    errors = []

    def write(label):
        try:
            for n in range(15):
                audit_record(verb=f"test.{label}", changes={"n": n})
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(label,)) for label in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert audit_verify() == (30, None, "")
    assert AuditEvent.objects.values("prev_hash").distinct().count() == 30
