"""The second step of signing in: setting up an authenticator app, using it (or a recovery code)
at sign-in, and making new recovery codes."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from portal.access import AuthenticatedRequest, client_ip
from portal.forms.second_factor import AppCodeForm, SecondStepForm
from portal.lib.next_url import safe_next, with_next
from portal.lib.uktime import clock
from portal.middleware import SECOND_FACTOR_PENDING
from portal.services.second_factor import (
    Outcome,
    SecondFactorRefused,
    app_device,
    app_device_confirm,
    app_device_pending,
    recovery_codes_left,
    recovery_codes_replace,
    second_factor_verify,
)
from portal.sessions import session_record


def _next_url(request: HttpRequest) -> str:
    """The page the person was on their way to, if it is one of the portal's own."""
    return safe_next(request) or reverse(settings.LOGIN_REDIRECT_URL)


def _verified(request: AuthenticatedRequest, device) -> None:
    otp_login(request, device)
    request.session.pop(SECOND_FACTOR_PENDING, None)
    # A session that has just gained what the second step allows gets a new key, as at sign-in;
    # the old key's record goes with it, so the session is recorded again under the new one.
    request.session.cycle_key()
    session_record(request, request.user)


@login_required
def overview(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "registration/second_factor_overview.html",
        {
            "device": app_device(user),
            "codes_left": recovery_codes_left(user),
            "required": user.needs_second_factor,
            "verified": user.is_verified(),
        },
    )


def _qr_data_uri(config_url: str) -> str:
    # Drawn here, as an SVG in the page: the secret never goes to a QR-code service.
    return segno.make(config_url, error="m").svg_data_uri(scale=5, border=2)


@login_required
def setup(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if app_device(user) is not None and not user.is_verified():
        # Replacing an authenticator needs the current one (or a recovery code) first: a
        # password alone must not let someone swap in their own phone.
        messages.info(request, "Enter a code from your current authenticator app first.")
        return redirect(with_next("second_factor_verify", reverse("second_factor_setup")))
    device = app_device_pending(user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = app_device_confirm(
                user=user, device=device, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except SecondFactorRefused as refused:
            messages.info(request, str(refused))
            return redirect("second_factor_setup")
        if codes is not None:
            device.refresh_from_db()
            _verified(request, device)
            return render(
                request,
                "registration/second_factor_codes.html",
                {"codes": codes, "first_time": True, "next": _next_url(request)},
            )
        form.add_error(
            "code",
            "That code did not match. Enter the code the app shows now (it changes every 30 "
            "seconds); if it still fails, check that the time on your phone is set "
            "automatically.",
        )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "replacing": app_device(user) is not None,
            "required": user.needs_second_factor,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=400 if form.errors else 200,
    )


@login_required
def verify(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if app_device(user) is None:
        return redirect(with_next("second_factor_setup", _next_url(request)))
    form = SecondStepForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        result = second_factor_verify(user=user, code=code, ip=client_ip(request))
        if result.ok:
            _verified(request, result.device)
            if result.outcome is Outcome.RECOVERY_CODE:
                messages.warning(
                    request,
                    f"You used a recovery code: it will not work again, and you have "
                    f"{result.recovery_codes_left} left. If you have lost your phone or changed "
                    "it, set up your authenticator app again now.",
                )
                return redirect(with_next("second_factor_setup", _next_url(request)))
            return redirect(_next_url(request))
        if result.outcome is Outcome.PAUSED:
            assert result.paused_until is not None
            status = 429
            until = clock(result.paused_until)
            form.add_error(
                None,
                f"Too many wrong codes. Two-step sign-in is paused until {until}. If you did "
                "not type them, call the IT helpdesk: someone may know your password.",
            )
        else:
            status = 400
            form.add_error(
                "code",
                "That code is not right. Enter the code your app shows now, or an unused "
                f"recovery code. {result.attempts_left} more "
                f"{'try' if result.attempts_left == 1 else 'tries'} before two-step sign-in is "
                "paused for a while.",
            )
    elif form.errors:
        status = 400
    return render(
        request,
        "registration/second_factor_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


@require_POST
@login_required
def recovery_codes_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not user.is_verified():
        return redirect(with_next("second_factor_verify", reverse("second_factor")))
    try:
        codes = recovery_codes_replace(user=user, ip=client_ip(request))
    except SecondFactorRefused as refused:
        messages.info(request, str(refused))
        return redirect("second_factor")
    return render(
        request,
        "registration/second_factor_codes.html",
        {"codes": codes, "first_time": False, "next": reverse("second_factor")},
    )
