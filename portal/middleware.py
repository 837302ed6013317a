from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils import timezone

from portal.backends import ADDRESS_PAUSED
from portal.lib.request_size import body_limit_for
from portal.lib.security_log import security_event

SIGNED_IN_AT = "portal_signed_in_at"
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


class ForbiddenLogMiddleware:
    """Logs every refusal (403: a page someone's role does not include, a failed CSRF check)
    as one structured line with the path, the person and their address. Django's own
    "Forbidden" warning names the path alone. After the authentication middleware, so the
    person is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            security_event("page.forbidden", request=request, status=403)
        return response


class RequestSizeLimitMiddleware:
    """Refuses (413, with a page saying why) a request whose Content-Length is over what its
    page accepts (portal.lib.request_size), before the body is read: Django reads it only when
    something asks for request.POST or request.FILES, which the CSRF check does first, in its
    own process_view. So this must come before CsrfViewMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = body_limit_for(view_func)
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0  # Django itself reads an unreadable length as no body at all
        if length <= limit:
            return None
        security_event("request.too_large.refused", request=request, length=length, limit=limit)
        return render(request, "413.html", {"limit": limit}, status=413)


class AddressPauseMiddleware:
    """Answers a sign-in that portal.backends.AddressPauseBackend refused with a page saying
    why and how long to wait (429), instead of the form's "wrong email or password"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pause = getattr(request, ADDRESS_PAUSED, None)
        if pause is None:
            return response
        seconds = pause.seconds_left()
        paused = render(
            request,
            "registration/address_paused.html",
            {"pause": pause, "minutes": -(-seconds // 60)},
            status=429,
        )
        paused["Retry-After"] = str(seconds)
        return paused
