"""Sealing audit events with a key that is never in the database.

Each event's hash is an HMAC-SHA-256 of its contents (and of the hash before it) under a key from
`PORTAL_AUDIT_KEYS`: entries "id:base64key", newest first. New events are sealed with the first
key and store its id, so a key can be rotated: put the new one first and keep the old ones for as
long as events sealed with them must verify. Someone who can write to the database but does not
hold a key cannot make a hash that verifies.

Events written before keys were adopted have an empty key id and a plain SHA-256 hash (`LEGACY`):
they cannot be re-sealed (the table refuses UPDATE), so they are verified as they were written,
and the keyed event after them vouches for them by naming the last one's hash.
"""

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder

LEGACY = ""
# What the first event names as the event before it.
GENESIS_HASH = "0" * 64
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
MIN_KEY_BYTES = 32


def parse_keys(entries: Iterable[str]) -> dict[str, bytes]:
    """The keys by id, newest first. Errors name the key id, never the key."""
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, sep, encoded = entry.strip().partition(":")
        if not sep or not KEY_ID.fullmatch(key_id):
            raise ValueError("each entry must be 'id:base64key', the id 1-16 letters or digits")
        if key_id in keys:
            raise ValueError(f"key id {key_id!r} is listed twice")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ValueError(f"key {key_id!r} is not base64") from None
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"key {key_id!r} is shorter than {MIN_KEY_BYTES} bytes")
        keys[key_id] = key
    return keys


@lru_cache(maxsize=4)
def _parsed(entries: tuple[str, ...]) -> dict[str, bytes]:
    return parse_keys(entries)


def audit_keys() -> dict[str, bytes]:
    # Keyed on the setting's value, so a test that overrides it gets its own keys.
    return _parsed(tuple(settings.PORTAL_AUDIT_KEYS))


def current_key_id() -> str:
    keys = audit_keys()
    if not keys:
        raise ImproperlyConfigured("PORTAL_AUDIT_KEYS is empty: audit events cannot be sealed.")
    return next(iter(keys))


def canonical(event: Any) -> bytes:
    """What the seal covers: every field of the event and the hash before it."""
    payload = {
        "prev": event.prev_hash,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        # Round-trip through JSON so the seal is of what the database holds.
        "changes": json.loads(json.dumps(event.changes, cls=DjangoJSONEncoder)),
        "ip": event.ip_address,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


class UnknownAuditKey(LookupError):
    pass


def seal(event: Any) -> str:
    """The hash `event` should carry under the key its `key_id` names (plain SHA-256 for a
    legacy event). Raises UnknownAuditKey when no configured key has that id."""
    data = canonical(event)
    if event.key_id == LEGACY:
        return hashlib.sha256(data).hexdigest()
    key = audit_keys().get(event.key_id)
    if key is None:
        raise UnknownAuditKey(event.key_id)
    return hmac.new(key, data, hashlib.sha256).hexdigest()
