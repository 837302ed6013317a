"""Security events as structured log lines: one JSON object a line, on the logger
"portal.security", for whoever watches the logs (a SIEM, the IT team).

    security_event("sign_in.failed", request=request, account_id=42, locked_out=False)

logs {"event": "sign_in.failed", "at": ..., "ip": ..., "method": "POST", "path": ...,
"account_id": 42, "locked_out": false}. The audit trail is the record of what happened; this is
the alarm, so it also carries what the trail leaves out (every refused page).

A log is read by more people, and kept in more places, than the portal's own records: no field
may carry a password, code, token, secret or session key. A field whose name says it could
(`password`, `recovery_code`, `session_key`, `api_token`…) is dropped, and only its name is
noted, so a careless call leaks nothing. Values are passed by the caller: never pass what a
person typed into a sign-in box (they sometimes type their password there), only ids.
"""

import json
import logging
import re
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from portal.access import client_ip

log = logging.getLogger("portal.security")

# A field is dropped when any word of its name is one of these (words split on _ - and case).
FORBIDDEN_WORDS = frozenset(
    {
        "authorization",
        "code",
        "codes",
        "cookie",
        "credential",
        "credentials",
        "csrf",
        "key",
        "otp",
        "passcode",
        "passphrase",
        "password",
        "passwd",
        "pin",
        "pwd",
        "secret",
        "session",
        "sessionid",
        "token",
        "totp",
    }
)
# ...or when it contains one of these anywhere ("newpassword", "csrftoken").
FORBIDDEN_PARTS = ("password", "secret", "token", "session")
# Events that are refusals or failures are warnings, so an alert can watch that level alone.
_WARNING_ENDINGS = (".failed", ".locked_out", ".refused", ".forbidden")
_MAX_TEXT = 300


def is_forbidden_field(name: str) -> bool:
    lowered = name.lower()
    words = set(re.split(r"[^a-z0-9]+", lowered))
    return bool(words & FORBIDDEN_WORDS) or any(part in lowered for part in FORBIDDEN_PARTS)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)[:_MAX_TEXT]


def security_event(
    event: str, *, request: HttpRequest | None = None, user: Any = None, **fields: Any
) -> dict[str, Any]:
    """Log one security event as a JSON line and return what was logged.

    `request` adds the client's address, the method and the path; `user` (or the request's
    signed-in person) adds `user_id`. Other fields are logged as given, except any whose name
    suggests a secret (see FORBIDDEN_WORDS), which is dropped and named in `dropped`.
    """
    line: dict[str, Any] = {"event": event, "at": timezone.now().isoformat()}
    if request is not None:
        line.update(ip=client_ip(request), method=request.method, path=request.path[:_MAX_TEXT])
        if user is None and getattr(request, "user", None) is not None:
            user = request.user if request.user.is_authenticated else None
    if user is not None:
        line["user_id"] = getattr(user, "pk", user)
    dropped = sorted(name for name in fields if is_forbidden_field(name))
    for name, value in fields.items():
        if name not in dropped and name not in line:
            line[name] = _plain(value)
    if dropped:
        line["dropped"] = dropped
    level = logging.WARNING if event.endswith(_WARNING_ENDINGS) else logging.INFO
    log.log(level, json.dumps(line, sort_keys=True), extra={"security_event": line})
    return line
