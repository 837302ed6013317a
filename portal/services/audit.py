"""Writing the audit trail. Every service that changes state calls `audit_record` inside its own
transaction, so the event and the change commit (or roll back) together."""

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from portal.lib.audit_seal import GENESIS_HASH, current_key_id
from portal.lib.locks import AUDIT_CHAIN, lock_for_transaction
from portal.models import AuditEvent
from portal.services.audit_check import audit_check


def _lock_chain() -> None:
    # Two transactions appending at once would both chain to the same previous event;
    # a lock held to the end of the transaction serialises them.
    lock_for_transaction(AUDIT_CHAIN)


def _normalise_ip(ip: str | None) -> str | None:
    # The hash must be of the address as the database will hold it: PostgreSQL rewrites
    # "2001:0DB8::0001" as "2001:db8::1", which would otherwise read back as tampering.
    if not ip:
        return None
    address = ipaddress.ip_address(ip.strip())
    return clean_ipv6_address(str(address)) if address.version == 6 else str(address)


@dataclass
class AuditDraft:
    """One event for `audit_record_many`: the same fields as `audit_record` takes."""

    verb: str
    actor: Any = None
    obj: Model | None = None
    changes: dict[str, Any] | None = None
    ip: str | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""


def _event(draft: AuditDraft, *, at, prev_hash: str, key_id: str) -> AuditEvent:
    object_type, object_id, object_repr = draft.object_type, draft.object_id, draft.object_repr
    if draft.obj is not None:
        object_type = object_type or draft.obj._meta.label_lower
        object_id = object_id or str(draft.obj.pk)
        object_repr = object_repr or str(draft.obj)
    actor = draft.actor
    event = AuditEvent(
        at=at,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(f"{actor.full_name} <{actor.email}>" if actor is not None else "system")[:300],
        verb=draft.verb,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes=draft.changes or {},
        ip_address=_normalise_ip(draft.ip),
        prev_hash=prev_hash,
        key_id=key_id,
    )
    event.hash = event.compute_hash()
    return event


def _last_hash() -> str:
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH


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
    draft = AuditDraft(verb, actor, obj, changes, ip, object_type, object_id, object_repr)
    _lock_chain()
    event = _event(draft, at=timezone.now(), prev_hash=_last_hash(), key_id=current_key_id())
    event.save()
    return event


@transaction.atomic
def audit_record_many(*, drafts: Iterable[AuditDraft], batch_size: int = 1000) -> int:
    """Append many events (one per person in an import) under one lock: one read of the last
    hash and one INSERT per batch, instead of three round trips per event. Returns the count.

    The lock is held to the end of the transaction, so nothing else can append between the
    batches, and ids rise in the order the chain is built, which is the order verify walks."""
    _lock_chain()
    prev_hash = _last_hash()
    at = timezone.now()
    key_id = current_key_id()
    batch: list[AuditEvent] = []
    count = 0
    for draft in drafts:
        event = _event(draft, at=at, prev_hash=prev_hash, key_id=key_id)
        prev_hash = event.hash
        batch.append(event)
        if len(batch) >= batch_size:
            AuditEvent.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        AuditEvent.objects.bulk_create(batch)
        count += len(batch)
    return count


def audit_verify(*, chunk_size: int = 2000) -> tuple[int, AuditEvent | None, str]:
    """Walk the chain in order. Returns (events checked, first bad event or None, what is wrong,
    starting with the kind of tampering). `audit_check` says more, and compares with the head
    of the last check, which this does not."""
    result = audit_check(chunk_size=chunk_size)
    problem = f"{result.tamper}: {result.problem}" if result.tamper else ""
    return result.checked, result.bad, problem
