from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from portal.backends import ADDRESS_PAUSED
from portal.lib.next_url import with_next
from portal.lib.request_size import body_limit_for
from portal.lib.security_log import security_event
from portal.roles import SECOND_FACTOR_ROLES
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


# In the session from sign-in until the second step is done, for someone who has set one up.
SECOND_FACTOR_PENDING = "portal_second_factor_pending"
# In the session when something other than the portal's own code did the second step: the
# value says what ("identity provider": its multi-factor sign-in, portal/oidc/views.py).
SECOND_STEP_BY = "portal_second_step_by"
BY_IDENTITY_PROVIDER = "identity provider"
# The pages someone waiting at the second step may still reach.
_SECOND_STEP_PAGES = frozenset({"second_factor_verify", "logout"})


def second_step_url(request, user) -> str:
    """Where to send someone whose page needs the second step: the code, if they have set one
    up, else setting one up; either returns to the page they asked for."""
    pending = request.session.get(SECOND_FACTOR_PENDING)
    name = "second_factor_verify" if pending else "second_factor_setup"
    return with_next(name, request.get_full_path())


def _verified_by_provider(user):
    # django-otp has set is_verified on the user (by its own session key); this overrides it.
    if user.is_authenticated:
        user.is_verified = lambda: True
    return user


class SecondFactorMiddleware:
    """Holds back what needs the second step of sign-in until it is done. Must sit after
    django-otp's OTPMiddleware and the session lifetime middleware.

    - Someone who has set up a second factor reaches only that step (and signing out) until
      they have used it: once it exists, a password alone opens nothing.
    - Someone whose roles need one (portal.roles.SECOND_FACTOR_ROLES, or Django admin access)
      acts as ordinary staff until they have used it: their roles are withheld for the request,
      so every access test refuses the privileged pages, and such a refusal sends them to set up
      or use their second factor instead of a 403 or 404. Ordinary pages still work.
    - A session whose second step the identity provider did (SECOND_STEP_BY), while the
      organisation lets it (OIDC_MFA_SATISFIES_SECOND_FACTOR), is verified: `is_verified()`
      answers True for the request, so the admin site and every page asking agree.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.OIDC_MFA_SATISFIES_SECOND_FACTOR
            and request.session.get(SECOND_STEP_BY) == BY_IDENTITY_PROVIDER
        ):
            request.user = SimpleLazyObject(partial(_verified_by_provider, request.user))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        held = request.session.get(SECOND_FACTOR_PENDING)
        if held and request.resolver_match.url_name not in _SECOND_STEP_PAGES:
            return redirect(second_step_url(request, user))
        if user.needs_second_factor:
            user.roles_withheld = SECOND_FACTOR_ROLES
        return None

    def process_exception(self, request, exception):
        user = getattr(request, "user", None)
        if (
            isinstance(exception, PermissionDenied | Http404)
            and user is not None
            and user.is_authenticated
            and user.roles_withheld
        ):
            messages.info(request, "That page needs two-step sign-in, because of your role.")
            return redirect(second_step_url(request, user))
        return None


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


class NulHeaderMiddleware:
    """Refuses (400) a request with a NUL character in a header. PostgreSQL cannot store one in
    text, and headers are stored: the browser (user agent) on session records, signatures and
    django-axes' sign-in attempts, where it was a server error. gunicorn refuses such a header
    itself; the development server and other servers pass it on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, value in request.META.items():
            if name.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                return HttpResponseBadRequest("The request could not be read.")
        return self.get_response(request)


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
