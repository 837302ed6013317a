"""Writing the audit trail. Every service that changes state calls `audit_record` inside its own
transaction, so the event and the change commit (or roll back) together."""

import ipaddress
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from portal.models import AuditEvent

GENESIS_HASH = "0" * 64
# Any constant will do: it names the one lock that serialises appends to the chain.
_CHAIN_LOCK_ID = 7_301_842


def _lock_chain() -> None:
    # Two transactions appending at once would both chain to the same previous event.
    # On PostgreSQL an advisory lock held to the end of the transaction serialises them;
    # SQLite already allows only one writer at a time.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


def _normalise_ip(ip: str | None) -> str | None:
    # The hash must be of the address as the database will hold it: PostgreSQL rewrites
    # "2001:0DB8::0001" as "2001:db8::1", which would otherwise read back as tampering.
    if not ip:
        return None
    address = ipaddress.ip_address(ip.strip())
    return clean_ipv6_address(str(address)) if address.version == 6 else str(address)


@transaction.atomic
def audit_record(
    *,
    verb: str,
    actor=None,
    obj: Model | None = None,
    changes: dict[str, Any] | None = None,
    ip: str | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event to the chain. `verb` reads like `user.imported` or `declaration.signed`."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    _lock_chain()
    previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(f"{actor.full_name} <{actor.email}>" if actor is not None else "system")[:300],
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes=changes or {},
        ip_address=_normalise_ip(ip),
        prev_hash=previous or GENESIS_HASH,
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def audit_verify(*, chunk_size: int = 2000) -> tuple[int, AuditEvent | None, str]:
    """Walk the chain in order. Returns (events checked, first bad event or None, what is wrong).

    The chain proves nothing is missing or altered between its first and last event; removing
    the newest events leaves a shorter chain that still verifies, which is why the trail is
    also protected by the database (no UPDATE or DELETE) and by backups.
    """
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            if not AuditEvent.objects.filter(hash=event.prev_hash).exists():
                problem = "the event recorded before it is missing (a row was deleted or rewritten)"
            else:
                problem = "it does not follow the event before it (rows were reordered)"
            return checked, event, problem
        if event.compute_hash() != event.hash:
            return checked, event, "its contents do not match its hash (the row was altered)"
        expected_prev = event.hash
        checked += 1
    return checked, None, ""
