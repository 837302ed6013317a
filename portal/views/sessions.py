"""A person's own sessions: where they are signed in, and signing out of the others or of
everywhere. Only ever the person's own: nothing here takes an id from the address."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.access import AuthenticatedRequest, client_ip
from portal.models import UserSession
from portal.services.sessions import user_sessions_end

# More than anyone has in a day; the page stays one query whatever happened to the account.
SHOWN = 100


@login_required
def session_list(request: AuthenticatedRequest) -> HttpResponse:
    sessions = list(
        UserSession.objects.filter(user=request.user)
        .active()
        .only("id", "session_id", "signed_in_at", "last_seen_at", "ip_address", "device")
        .order_by("-last_seen_at", "-pk")[:SHOWN]
    )
    # Which row is this session, worked out here so the page never needs the key itself.
    current = next((s.pk for s in sessions if s.session_id == request.session.session_key), None)
    return render(
        request,
        "portal/sessions.html",
        {
            "sessions": sessions,
            "current": current,
            "others": sum(1 for s in sessions if s.pk != current),
        },
    )


@login_required
@require_POST
def sessions_end_others(request: AuthenticatedRequest) -> HttpResponse:
    ended = user_sessions_end(
        request.user,
        by=request.user,
        reason="",
        keep_session_key=request.session.session_key,
        ip=client_ip(request),
    )
    if ended:
        messages.success(
            request,
            f"Signed out of {ended} other session{'s' if ended != 1 else ''}. "
            "You are still signed in here.",
        )
    else:
        messages.info(request, "You were not signed in anywhere else.")
    return redirect("sessions")


@login_required
@require_POST
def sessions_end_all(request: AuthenticatedRequest) -> HttpResponse:
    user_sessions_end(request.user, by=request.user, reason="", ip=client_ip(request))
    # This session's row has gone with the rest; logout() clears what the request holds.
    logout(request)
    messages.success(request, "You have signed out everywhere, here too.")
    return redirect(settings.LOGOUT_REDIRECT_URL)
