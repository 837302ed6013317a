"""Where a person is signed in: a record of each session, and ending sessions.

A session is Django's own row in the database session store (SESSION_ENGINE's default, which
this relies on); its record (portal.models.UserSession) says when, where and on what. Ending a
session deletes that row, so its cookie opens nothing any more. No session key is ever written
to the audit trail or a log: events say how many sessions ended, never which.
"""

from datetime import datetime

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from portal.events import PortalEvent
from portal.models import User, UserSession
from portal.services.audit import audit_record

# Expired sessions are deleted this many at a time, so the sweep's memory stays flat however
# many there are (deleting a session row also deletes its record, which Django does in memory).
_SWEEP_BATCH = 1000


# Recording a session is bookkeeping, not an audit event: the sign-in itself is recorded by
# user_signed_in, and a "last seen" time is not evidence of anything.
@transaction.atomic
def user_session_start(
    *,
    user: User,
    session_key: str,
    ip: str | None,
    device: str,
    signed_in_at: datetime | None = None,
) -> UserSession:
    """Record the session `session_key` (already saved in the session store) as `user`'s."""
    now = timezone.now()
    record, _ = UserSession.objects.update_or_create(
        session_id=session_key,
        defaults={
            "user": user,
            "signed_in_at": signed_in_at or now,
            "last_seen_at": now,
            "ip_address": ip,
            "device": device[:100],
        },
    )
    return record


def user_session_seen(
    *,
    user: User,
    session_key: str,
    ip: str | None,
    device: str,
    signed_in_at: datetime,
) -> None:
    """Note that the session was used just now, from `ip`. One UPDATE; a session with no
    record yet (one that began before records were kept) gets one."""
    updated = UserSession.objects.filter(session_id=session_key, user=user).update(
        last_seen_at=timezone.now(), ip_address=ip
    )
    if not updated:
        user_session_start(
            user=user, session_key=session_key, ip=ip, device=device, signed_in_at=signed_in_at
        )


@transaction.atomic
def user_sessions_end(
    user: User,
    *,
    by: User | None,
    reason: str,
    keep_session_key: str | None = None,
    ip: str | None = None,
) -> int:
    """Sign `user` out everywhere, or everywhere but `keep_session_key` (the session asking).

    `by` is who ends them: the person themself, an administrator (a reason is then required),
    or None for the portal (a leaver's deactivation by the nightly sweep). One audit event
    says how many sessions ended and why. Returns that number; if none was active, nothing is
    recorded.
    """
    reason = reason.strip()
    by_someone_else = by is not None and by.pk != user.pk
    if by_someone_else and not reason:
        raise ValueError("A reason is required to sign someone else out.")
    records = UserSession.objects.filter(user=user)
    if keep_session_key:
        records = records.exclude(session_id=keep_session_key)
    ending = list(records.values_list("session_id", flat=True))
    active = records.active().count() if ending else 0
    if ending:
        # The record goes with its session row (on_delete=CASCADE).
        Session.objects.filter(session_key__in=ending).delete()
    if not active:
        return 0
    if by is None:
        verb = PortalEvent.USER_SESSIONS_ENDED_BY_PORTAL
    elif by_someone_else:
        verb = PortalEvent.USER_SESSIONS_ENDED_BY_ADMIN
    elif keep_session_key:
        verb = PortalEvent.USER_SESSIONS_ENDED_OTHERS
    else:
        verb = PortalEvent.USER_SESSIONS_ENDED
    changes: dict[str, object] = {"sessions_ended": active}
    if reason:
        changes["reason"] = reason
    audit_record(verb=verb, actor=by, obj=user, changes=changes, ip=ip)
    return active


def sessions_clear_expired() -> int:
    """Delete sessions past their idle limit, and their records (what Django's clearsessions
    does, in batches). Safe to run at any time and twice. Returns how many went."""
    now = timezone.now()
    cleared = 0
    while True:
        keys = list(
            Session.objects.filter(expire_date__lt=now).values_list("session_key", flat=True)[
                :_SWEEP_BATCH
            ]
        )
        if not keys:
            return cleared
        with transaction.atomic():
            _, per_model = Session.objects.filter(session_key__in=keys).delete()
        cleared += per_model.get(Session._meta.label, 0)
