"""verify_audit names each kind of tampering by someone with the database's owner rights but not
the key: the triggers are stepped round here exactly as such a person could (replication mode,
superuser only), and rows are added with plain INSERT, which the portal's own role may do."""

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from portal.lib.audit_seal import canonical, current_key_id
from portal.models import AuditEvent
from portal.services.audit import audit_record

pytestmark = pytest.mark.django_db


def _record(n: int) -> list[AuditEvent]:
    for i in range(n):
        audit_record(verb="user.signed_in", changes={"n": i}, ip="10.0.0.1")
    return list(AuditEvent.objects.order_by("id"))


def _as_owner(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def _unkeyed(**fields) -> AuditEvent:
    """An event as someone without the key would make it: correct in form, hashed in the open."""
    event = AuditEvent(actor_label="system", verb="user.signed_in", key_id=current_key_id())
    for name, value in fields.items():
        setattr(event, name, value)
    event.hash = hashlib.sha256(canonical(event)).hexdigest()
    AuditEvent.objects.bulk_create([event])
    return event


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _broken(kind: str, at: int | None = None) -> str:
    expected = f"broken at event {at} .*: {kind}: " if at is not None else f"{kind}: "
    with pytest.raises(CommandError, match=f"Audit trail {expected}") as error:
        _verify()
    return str(error.value)


def test_a_clean_chain_verifies_and_its_head_is_kept_outside_the_database():
    events = _record(3)
    assert "3 events verified" in _verify()
    head = json.loads(settings.PORTAL_AUDIT_HEAD_FILE.read_text())
    assert head == {"last_id": events[-1].pk, "count": 3, "hash": events[-1].hash}
    _record(1)
    assert "4 events verified" in _verify()
    assert json.loads(settings.PORTAL_AUDIT_HEAD_FILE.read_text())["count"] == 4


def test_an_edited_row_is_named_edited():
    first, middle, last = _record(3)
    _as_owner("UPDATE portal_auditevent SET verb = 'user.signed_out' WHERE id = %s", [middle.pk])
    assert "1 earlier events verified" in _broken("edited", at=middle.pk)


def test_a_deleted_row_is_named_deleted_at_the_event_after_it():
    first, middle, last = _record(3)
    _as_owner("DELETE FROM portal_auditevent WHERE id = %s", [middle.pk])
    _broken("deleted", at=last.pk)


def test_a_row_slipped_into_a_gap_between_two_events_is_named_inserted():
    before = audit_record(verb="user.signed_in")
    savepoint = transaction.savepoint()
    audit_record(verb="user.signed_in")
    transaction.savepoint_rollback(savepoint)  # its id stays unused: a gap between two events
    after = audit_record(verb="user.signed_in")
    gap = before.pk + 1
    assert after.pk > gap
    _unkeyed(id=gap, at=before.at, prev_hash=before.hash)
    _broken("inserted", at=gap)


def test_two_rows_swapped_are_named_reordered():
    first, second, third, fourth = _record(4)
    _as_owner("UPDATE portal_auditevent SET id = -1 WHERE id = %s", [second.pk])
    _as_owner("UPDATE portal_auditevent SET id = %s WHERE id = %s", [second.pk, third.pk])
    _as_owner("UPDATE portal_auditevent SET id = %s WHERE id = -1", [third.pk])
    _broken("reordered", at=second.pk)


def test_the_newest_rows_removed_after_a_clean_check_are_named_truncated():
    events = _record(5)
    _verify()
    _as_owner("DELETE FROM portal_auditevent WHERE id >= %s", [events[3].pk])
    assert AuditEvent.objects.count() == 3
    message = _broken("truncated")
    assert "holds 3 events, 2 fewer than the last clean check saw" in message


def test_an_emptied_table_written_again_is_named_truncated():
    events = _record(3)
    _verify()
    _as_owner("TRUNCATE portal_auditevent")
    _record(4)
    message = _broken("truncated")
    assert f"event {events[-1].pk}, the newest the last clean check saw, is gone" in message


def test_a_back_dated_event_appended_without_the_key_is_named_forged():
    *_, last = _record(3)
    forged = _unkeyed(at=last.at - timedelta(days=30), prev_hash=last.hash)
    _broken("forged", at=forged.pk)


def test_a_forged_event_stays_forged_after_the_portal_appends_after_it():
    *_, last = _record(2)
    forged = _unkeyed(at=last.at - timedelta(days=1), prev_hash=last.hash)
    _record(1)  # the portal chains onto whatever is newest
    _broken("forged", at=forged.pk)


def test_the_trail_rewritten_from_one_event_on_without_the_key_is_named_forged():
    first, second, third = _record(3)
    prev = first.hash
    for event in (second, third):
        event.verb, event.prev_hash = "user.signed_out", prev
        event.hash = hashlib.sha256(canonical(event)).hexdigest()
        _as_owner(
            "UPDATE portal_auditevent SET verb = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.verb, event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    _broken("forged", at=second.pk)


def test_a_head_file_that_is_not_one_is_reported_and_left_as_it_is():
    _record(2)
    settings.PORTAL_AUDIT_HEAD_FILE.write_text("not json")
    with pytest.raises(CommandError, match="head file .* cannot be read"):
        _verify()
    assert settings.PORTAL_AUDIT_HEAD_FILE.read_text() == "not json"
