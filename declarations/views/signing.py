"""Signing (the person themselves only), receipts and the person's own declarations."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from declarations.access import get_declaration_for_user, get_obligation_for_user
from declarations.forms import SignForm
from declarations.models import Campaign, Obligation
from declarations.selectors import check_state, extra_statements_for
from declarations.services.reading import HEARTBEAT_SECONDS, reading_heartbeat, reading_open
from declarations.services.signing import SignatureRefused, declaration_sign
from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page
from portal.reauth import (
    reauth_allow_form,
    reauth_by_provider,
    reauth_clear,
    reauth_proof,
    reauth_provider_name,
    reauth_start,
)


def _purpose(obligation: Obligation) -> str:
    return f"declaration-sign-{obligation.pk}"


@login_required
def my_declarations(request: AuthenticatedRequest) -> HttpResponse:
    to_sign = (
        Obligation.objects.filter(
            user=request.user,
            campaign__status=Campaign.Status.OPEN,
            # Paused and exempt people may still sign if they wish; the page says they are.
            status__in=Obligation.SIGNABLE,
        )
        .select_related("campaign")
        .order_by("due_at")
    )
    signed = request.user.declarations.select_related("campaign").order_by("-signed_at")
    page = Paginator(signed, 25).get_page(request.GET.get("page"))
    return render(request, "declarations/my_declarations.html", {"to_sign": to_sign, "page": page})


@login_required
def sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    # Someone else's obligation is a 404, whatever roles the visitor holds.
    obligation = get_obligation_for_user(request.user, pk)
    if obligation.status == Obligation.Status.SIGNED:
        messages.info(request, "You have already signed this declaration.")
        return redirect("declarations:receipt", pk=obligation.declaration.pk)
    campaign = obligation.campaign
    can_sign = obligation.can_still_sign
    # Signed in through the identity provider: no portal password to re-enter, so they sign in
    # there again just before signing.
    by_provider = reauth_by_provider(request)
    proof = reauth_proof(request, purpose=_purpose(obligation)) if by_provider else None
    versions = list(campaign.versions.select_related("policy").order_by("policy__title"))
    check = check_state(obligation)
    readings = {}
    if can_sign and request.method == "GET":
        # Opening the page opens every policy on it: the first time is the evidence.
        records = reading_open(
            obligation=obligation, versions=versions, by=request.user, ip=client_ip(request)
        )
        readings = {r.version_id: r for r in records}
    form = SignForm(request.POST or None, password=not by_provider, versions=versions)
    if request.method == "POST" and can_sign and form.is_valid():
        if by_provider and proof is None:
            form.add_error(None, "First confirm who you are (the button above), then sign.")
        else:
            try:
                declaration = declaration_sign(
                    obligation=obligation,
                    by=request.user,
                    typed_name=form.cleaned_data["typed_name"],
                    read=form.read_version_ids(),
                    password=form.cleaned_data.get("password"),
                    proof=proof,
                    ip=client_ip(request),
                    user_agent=request.headers.get("user-agent", ""),
                )
            except SignatureRefused as error:
                form.add_error(None, error)
            else:
                reauth_clear(request, purpose=_purpose(obligation))
                return redirect("declarations:receipt", pk=declaration.pk)
    response = render(
        request,
        "declarations/sign.html",
        {
            "obligation": obligation,
            "campaign": campaign,
            "versions": versions,
            "extra_statements": extra_statements_for(campaign, request.user),
            "form": form,
            "can_sign": can_sign,
            "check": check,
            # The sign form (and its ticks) once the check, if any, is passed.
            "sign_now": can_sign and not check.blocks_signing,
            "sections": [(v, readings.get(v.pk)) for v in versions],
            "heartbeat_seconds": HEARTBEAT_SECONDS,
            "by_provider": by_provider,
            "proof": proof,
            "provider_name": reauth_provider_name() if by_provider else "",
        },
        status=400 if form.is_bound and form.errors else 200,
    )
    # Its "Confirm who I am" button's form leads on to the provider.
    return reauth_allow_form(response) if by_provider else response


@require_POST
@login_required
def confirm_identity(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Off to the identity provider to sign in again, and back to the signing page."""
    obligation = get_obligation_for_user(request.user, pk)
    back = reverse("declarations:sign", args=[obligation.pk]) + "#sign"
    if not reauth_by_provider(request):
        return redirect(back)
    return reauth_start(request, purpose=_purpose(obligation), return_url=back)


@require_POST
@login_required
def reading_heartbeat_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The signing page's script: seconds each policy's text was on screen since its last beat,
    as `v<version id>=<seconds>`, and `t<version id>=1` when "I have read" was ticked (a form,
    so the CSRF token travels with it)."""
    obligation = get_obligation_for_user(request.user, pk)
    seconds: dict[int, int] = {}
    ticked: set[int] = set()
    for key in request.POST:
        value = request.POST.get(key, "")
        field = re.fullmatch(r"([vt])(\d{1,9})", key, re.ASCII)
        if field and field.group(1) == "v" and re.fullmatch(r"\d{1,5}", value, re.ASCII):
            seconds[int(field.group(2))] = int(value)
        elif field and field.group(1) == "t" and value == "1":
            ticked.add(int(field.group(2)))
    if not (seconds or ticked) or len(seconds) + len(ticked) > 100:
        return HttpResponseBadRequest("Send the seconds each policy was on screen.")
    reading_heartbeat(obligation=obligation, by=request.user, seconds=seconds, ticked=ticked)
    return HttpResponse(status=204)


@sensitive_page
@login_required
def receipt(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    declaration = get_declaration_for_user(request.user, pk)
    return render(request, "declarations/receipt.html", {"declaration": declaration})


@sensitive_page
@login_required
def record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The printable record: everything the declaration holds, as evidence."""
    declaration = get_declaration_for_user(request.user, pk)
    return render(request, "declarations/record.html", {"declaration": declaration})
