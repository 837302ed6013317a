"""The audit chain is sealed with keys from the settings, which can be rotated; events from before
keys were adopted keep their plain hashes and still verify, but only where they can be genuine."""

import base64
import importlib
import secrets
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from portal.lib.audit_seal import LEGACY, parse_keys, seal
from portal.models import AuditEvent
from portal.services.audit import GENESIS_HASH, audit_record
from portal.services.audit_check import Tamper, audit_check

pytestmark = pytest.mark.django_db


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def _legacy(n: int) -> list[AuditEvent]:
    """Events as the portal wrote them before keys: plain SHA-256, no key id."""
    prev, events = GENESIS_HASH, []
    for i in range(n):
        event = AuditEvent(
            at=timezone.now(), actor_label="system", verb="user.signed_in", changes={"n": i}
        )
        event.prev_hash, event.key_id = prev, LEGACY
        event.hash = prev = seal(event)
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    return events


def test_each_event_is_sealed_with_the_newest_key_and_names_it(settings):
    settings.PORTAL_AUDIT_KEYS = [_key("k2"), _key("k1")]
    event = audit_record(verb="user.signed_in")
    assert event.key_id == "k2"
    assert len(event.hash) == 64


def test_events_sealed_with_an_older_key_verify_after_a_new_key_is_put_first(settings):
    old = _key("2024")
    settings.PORTAL_AUDIT_KEYS = [old]
    audit_record(verb="user.signed_in")
    settings.PORTAL_AUDIT_KEYS = [_key("2025"), old]
    audit_record(verb="user.signed_out")
    assert list(AuditEvent.objects.order_by("id").values_list("key_id", flat=True)) == [
        "2024",
        "2025",
    ]
    result = audit_check()
    assert (result.checked, result.tamper) == (2, None)


def test_an_event_whose_key_was_removed_from_the_settings_does_not_verify(settings):
    settings.PORTAL_AUDIT_KEYS = [_key("old")]
    event = audit_record(verb="user.signed_in")
    settings.PORTAL_AUDIT_KEYS = [_key("new")]
    result = audit_check()
    assert (result.bad, result.tamper) == (event, Tamper.FORGED)
    assert "names key 'old', which PORTAL_AUDIT_KEYS does not hold" in result.problem


def test_a_chain_sealed_with_someone_elses_key_does_not_verify(settings):
    settings.PORTAL_AUDIT_KEYS = [_key("k1")]
    audit_record(verb="user.signed_in")
    settings.PORTAL_AUDIT_KEYS = [_key("k1")]  # the same id, another key
    assert audit_check().tamper is Tamper.FORGED


def test_events_from_before_keys_verify_by_plain_hash_and_are_counted():
    _legacy(2)
    audit_record(verb="user.signed_in")
    result = audit_check()
    assert (result.checked, result.legacy, result.tamper) == (3, 2, None)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "3 events verified (2 of them from before keys were adopted" in out.getvalue()


def test_the_migration_seals_the_existing_trail_with_one_keyed_event_after_it():
    legacy = _legacy(3)
    migration = importlib.import_module("portal.migrations.0008_auditevent_key_id")
    with connection.schema_editor() as editor:
        migration.seal_from_here(apps, editor)
    keyed = AuditEvent.objects.order_by("id").last()
    assert (keyed.verb, keyed.prev_hash, keyed.changes) == (
        "audit.keyed",
        legacy[-1].hash,
        {"events_sealed_without_a_key": 3},
    )
    assert keyed.key_id != LEGACY
    result = audit_check()
    assert (result.checked, result.legacy, result.tamper) == (4, 3, None)


def test_the_migration_adds_nothing_to_an_empty_trail():
    migration = importlib.import_module("portal.migrations.0008_auditevent_key_id")
    with connection.schema_editor() as editor:
        migration.seal_from_here(apps, editor)
    assert not AuditEvent.objects.exists()


def test_unkeyed_events_with_no_keyed_event_after_them_are_forged():
    # Otherwise whoever can write could replace the whole trail with plain hashes.
    *_, last = _legacy(2)
    result = audit_check()
    assert (result.bad, result.tamper) == (last, Tamper.FORGED)
    assert "no keyed event follows" in result.problem


def test_an_unkeyed_event_after_keyed_sealing_began_is_forged():
    first = audit_record(verb="user.signed_in")
    event = AuditEvent(at=timezone.now(), actor_label="system", verb="user.signed_out")
    event.prev_hash, event.key_id = first.hash, LEGACY
    event.hash = seal(event)
    AuditEvent.objects.bulk_create([event])
    audit_record(verb="user.signed_in")
    result = audit_check()
    assert (result.bad, result.tamper) == (event, Tamper.FORGED)
    assert "after keyed sealing began" in result.problem


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ("no-separator", "'id:base64key'"),
        ("bad id!:" + base64.b64encode(b"x" * 32).decode(), "'id:base64key'"),
        ("k1:not base64 at all", "'k1' is not base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "'k1' is shorter than 32 bytes"),
    ],
)
def test_a_bad_key_is_refused_without_printing_it(entry, why):
    with pytest.raises(ValueError, match=why) as error:
        parse_keys([entry])
    secret = entry.partition(":")[2]
    assert not secret or secret not in str(error.value)


def test_a_key_id_listed_twice_is_refused():
    with pytest.raises(ValueError, match="'k1' is listed twice"):
        parse_keys([_key("k1"), _key("k1")])
