from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone

from portal.sessions import SIGNED_IN_AT, session_seen

# Set on the request before the portal itself signs someone out, so the audit trail says why.
LOGOUT_REASON = "portal_logout_reason"


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(seconds // 60, 1)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class SessionLifetimeMiddleware:
    """Ends a session SESSION_ABSOLUTE_SECONDS (12 hours) after sign-in, however active.

    The idle limit (30 minutes) is Django's own: SESSION_COOKIE_AGE with
    SESSION_SAVE_EVERY_REQUEST, checked by the session store on every request. Must sit after
    the authentication and message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            # Set at sign-in (portal/signals.py); a session without it starts counting now.
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                limit = _duration(settings.SESSION_ABSOLUTE_SECONDS)
                setattr(request, LOGOUT_REASON, f"{limit} since sign-in")
                logout(request)
                messages.info(
                    request,
                    f"For your security you are signed out {limit} after signing in. "
                    "Please sign in again.",
                )
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class SessionActivityMiddleware:
    """Keeps each session's "last seen" time and address (the person's "Your sessions" page)
    up to date, writing at most once a minute. Must sit after SessionLifetimeMiddleware, so a
    session it ends is not written to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.session_key:
            session_seen(request, request.user)
        return self.get_response(request)
