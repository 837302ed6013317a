"""Checking the audit trail: walk the chain, name the first thing wrong, and compare with the head
the last clean check saw (kept in a file, outside the database, so that removing the newest rows
or emptying the table shows). `manage.py verify_audit` describes each kind of tampering."""

import hmac
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from portal.lib.audit_seal import GENESIS_HASH, LEGACY, UnknownAuditKey, seal
from portal.models import AuditEvent


class Tamper(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    FORGED = "forged"


@dataclass(frozen=True)
class AuditHead:
    """The newest event a clean check saw, and how many events the trail held then."""

    last_id: int
    count: int
    hash: str


@dataclass
class AuditCheck:
    checked: int = 0  # events verified before the first problem (all of them when clean)
    legacy: int = 0  # of those, sealed before keys were adopted
    bad: AuditEvent | None = None  # None when clean, and when the trail was truncated
    tamper: Tamper | None = None
    problem: str = ""
    head: AuditHead | None = None  # what the next check compares with; only when clean


def _with_next(events: Iterable[AuditEvent]) -> Iterator[tuple[AuditEvent, AuditEvent | None]]:
    it = iter(events)
    current = next(it, None)
    while current is not None:
        following = next(it, None)
        yield current, following
        current = following


def _scheme_problem(event: AuditEvent, *, keyed_seen: bool, newest: bool) -> str:
    """Why this event's kind of seal cannot be genuine here, or "" if it could be."""
    if event.key_id == LEGACY and keyed_seen:
        return "it is sealed the old way, without a key, after keyed sealing began"
    if event.key_id == LEGACY and newest:
        return "it is sealed the old way, without a key, and no keyed event follows to vouch for it"
    return ""


def _seal_matches(event: AuditEvent) -> bool:
    return hmac.compare_digest(seal(event), event.hash)


def _broken_seal(
    event: AuditEvent,
    *,
    before: AuditEvent | None,
    after: AuditEvent | None,
    head: AuditHead | None,
) -> tuple[Tamper, str]:
    if after is not None and after.prev_hash == event.prev_hash:
        return Tamper.INSERTED, "it sits between two events that name each other"
    back_dated = before is not None and event.at < before.at
    # Its hash is the one sealed if a sound event after it names it, or the last check saw it.
    if after is not None:
        vouched = after.prev_hash == event.hash and _sealed_quietly(after)
    else:
        vouched = head is not None and head.hash == event.hash
    if vouched and not back_dated:
        return Tamper.EDITED, "its contents do not match its seal (the row was altered)"
    return Tamper.FORGED, "its hash does not verify with its key (it was made without the key)"


def _sealed_quietly(event: AuditEvent) -> bool:
    try:
        return _seal_matches(event)
    except UnknownAuditKey:
        return False


Found = tuple[AuditEvent, Tamper, str]


def _broken_link(
    event: AuditEvent, *, before: AuditEvent | None, after: AuditEvent | None
) -> Found:
    expected = before.hash if before is not None else GENESIS_HASH
    if before is not None and event.prev_hash == before.prev_hash:
        return before, Tamper.INSERTED, "it sits between two events that name each other"
    if AuditEvent.objects.filter(hash=event.prev_hash).exists():
        return event, Tamper.REORDERED, "it does not follow the event before it (rows were moved)"
    if after is not None and after.prev_hash == expected:
        return event, Tamper.INSERTED, "it sits between two events that name each other"
    return (
        event,
        Tamper.DELETED,
        "the event recorded before it is missing (a row was deleted or rewritten)",
    )


def _problem(
    event: AuditEvent,
    *,
    before: AuditEvent | None,
    after: AuditEvent | None,
    keyed_seen: bool,
    head: AuditHead | None,
) -> Found | None:
    """(the bad event, the kind, why) for the first thing wrong at `event`, or None."""
    expected = before.hash if before is not None else GENESIS_HASH
    if event.prev_hash != expected:
        return _broken_link(event, before=before, after=after)
    scheme = _scheme_problem(event, keyed_seen=keyed_seen, newest=after is None)
    if scheme:
        return event, Tamper.FORGED, scheme
    try:
        if _seal_matches(event):
            return None
    except UnknownAuditKey:
        return (
            event,
            Tamper.FORGED,
            f"it names key {event.key_id!r}, which PORTAL_AUDIT_KEYS does not hold "
            "(the key was removed from the settings, or the row was forged)",
        )
    return (event, *_broken_seal(event, before=before, after=after, head=head))


def _truncation(result: AuditCheck, head: AuditHead) -> str:
    if result.checked < head.count:
        return (
            f"the trail holds {result.checked} events, {head.count - result.checked} fewer than "
            f"the last clean check saw"
        )
    if head.count and not AuditEvent.objects.filter(pk=head.last_id, hash=head.hash).exists():
        return (
            f"event {head.last_id}, the newest the last clean check saw, is gone "
            "(the newest events were removed, or the table emptied and written again)"
        )
    return ""


def audit_check(*, last_head: AuditHead | None = None, chunk_size: int = 2000) -> AuditCheck:
    """Walk the chain in order and return what was verified and the first problem, if any."""
    result = AuditCheck()
    before: AuditEvent | None = None
    keyed_seen = False
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size)
    for event, after in _with_next(events):
        found = _problem(event, before=before, after=after, keyed_seen=keyed_seen, head=last_head)
        if found is not None:
            result.bad, result.tamper, result.problem = found
            # An event found inserted before this one had been counted as verified.
            result.checked -= result.bad is before
            return result
        result.checked += 1
        result.legacy += event.key_id == LEGACY
        keyed_seen = keyed_seen or event.key_id != LEGACY
        before = event
    if last_head is not None and (truncated := _truncation(result, last_head)):
        result.tamper, result.problem = Tamper.TRUNCATED, truncated
        return result
    result.head = (
        AuditHead(before.pk, result.checked, before.hash)
        if before
        else AuditHead(0, 0, GENESIS_HASH)
    )
    return result


def read_head(path: Path) -> AuditHead | None:
    """The head the last clean check wrote, or None before the first. Raises ValueError for a
    file that is not one."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from None
    try:
        return AuditHead(int(data["last_id"]), int(data["count"]), str(data["hash"]))
    except (KeyError, TypeError, ValueError):
        raise ValueError("it does not hold last_id, count and hash") from None


def write_head(path: Path, head: AuditHead) -> None:
    # Written beside and renamed over, so a crash never leaves half a file to be read as tampering.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(asdict(head), indent=2) + "\n")
    os.replace(partial, path)
