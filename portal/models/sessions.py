from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone


class UserSessionQuerySet(models.QuerySet["UserSession"]):
    def active(self, now: datetime | None = None) -> "UserSessionQuerySet":
        """Sessions still able to open a page: within the idle limit (Django's own expiry on
        the session row) and the limit since sign-in (portal.middleware)."""
        now = now or timezone.now()
        return self.filter(
            session__expire_date__gt=now,
            signed_in_at__gt=now - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS),
        )


class UserSession(models.Model):
    """One place a person is signed in, for their "Your sessions" page: when, where, on what.

    Tied to Django's own session row (the database session store), so whatever ends that row
    (signing out, the 12-hour limit, the expiry sweep, being signed out from elsewhere) removes
    this too, and a record never outlives its session. The session's key is that row's own
    key, held only so the session can be ended: it is never shown, logged or audited, and
    pages name a session by this record's id.
    """

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="record")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions"
    )
    signed_in_at = models.DateTimeField()
    # Written at most once a minute (portal.middleware.SessionActivityMiddleware), not on
    # every page.
    last_seen_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    device = models.CharField(max_length=100, blank=True)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "signed_in_at"])]

    def __str__(self) -> str:
        # Never the key: this may end up in a log line or an error report.
        return f"Session {self.pk} of user {self.user_id}"
