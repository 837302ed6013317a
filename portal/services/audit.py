"""Writing the audit trail. Every service that changes state calls `audit_record` inside its own
transaction, so the event and the change commit (or roll back) together."""

from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

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
        ip_address=ip or None,
        prev_hash=previous or GENESIS_HASH,
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def audit_verify(*, chunk_size: int = 2000) -> tuple[int, AuditEvent | None, str]:
    """Walk the chain in order. Returns (events checked, first bad event or None, what is wrong)."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            return (
                checked,
                event,
                "does not follow the event before it (an event is missing or altered)",
            )
        if event.compute_hash() != event.hash:
            return checked, event, "its contents do not match its hash (the row was altered)"
        expected_prev = event.hash
        checked += 1
    return checked, None, ""
