"""Revealing an account's secrets (the Chief Executive and delegates), and the log of every
reveal and refused attempt.

The secrets appear once, in the answer to the POST that asked for them: never stored by the
browser (no-store), shown as text (not inputs, so no password manager offers to save them),
with a Hide button. The views are marked `sensitive_post_parameters` and `sensitive_variables`,
so an error report never carries the person's password, their code or a secret.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.sensitive import sensitive_page
from portal.reauth import (
    reauth_allow_form,
    reauth_by_provider,
    reauth_clear,
    reauth_proof,
    reauth_provider_name,
    reauth_start,
)
from portal.services.second_factor import has_second_factor
from socialmedia.access import acts_as_delegate, get_account_for_decider, is_decider
from socialmedia.forms.credentials import RevealFilterForm, RevealForm
from socialmedia.models import SECRET_LABELS, Account, Credential, Reveal, Storage
from socialmedia.services.reveal import RevealRefused, credential_reveal

PAGE_SIZE = 50


def _purpose(account: Account) -> str:
    return f"social-reveal-{account.pk}"


@require_http_methods(["GET", "POST"])
@sensitive_page
@sensitive_post_parameters()
@sensitive_variables()
@login_required
def reveal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_decider(request.user, pk)
    credential = Credential.objects.filter(account=account).first()
    kept_here = credential is not None and credential.storage == Storage.PORTAL
    by_provider = reauth_by_provider(request)
    proof = reauth_proof(request, purpose=_purpose(account)) if by_provider else None
    form = RevealForm(
        request.POST or None,
        by_provider=by_provider,
        needs_code=has_second_factor(request.user) or not by_provider,
        delegate=acts_as_delegate(request.user),
    )
    status = 200
    if request.method == "POST" and kept_here and form.is_valid():
        data = form.cleaned_data
        try:
            shown = credential_reveal(
                account=account,
                by=request.user,
                reason=data["reason"],
                fields=data["fields_wanted"],
                # None: signed in at the identity provider, whose fresh sign-in stands for it.
                password=None if by_provider else data.get("password", ""),
                proof=proof,
                code=data.get("code", ""),
                break_glass=data.get("break_glass", False),
                ip=client_ip(request),
            )
        except RevealRefused as refusal:
            form.add_error(None, refusal)
        else:
            reauth_clear(request, purpose=_purpose(account))
            return render(
                request,
                "socialmedia/credentials/revealed.html",
                {"account": account, "shown": shown, "reason": data["reason"]},
            )
    if form.is_bound:
        status = 400
    response = render(
        request,
        "socialmedia/credentials/reveal.html",
        {
            "account": account,
            "form": form,
            "kept_here": kept_here,
            "credential": credential,
            "by_provider": by_provider,
            "proof": proof,
            "provider_name": reauth_provider_name() if by_provider else "",
        },
        status=status,
    )
    return reauth_allow_form(response) if by_provider else response


@require_POST
@sensitive_page
@login_required
def reveal_confirm_identity(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Off to the identity provider to sign in again, and back to the reveal page."""
    account = get_account_for_decider(request.user, pk)
    back = reverse("socialmedia:reveal", args=[account.pk])
    if not reauth_by_provider(request):
        return redirect(back)
    return reauth_start(request, purpose=_purpose(account), return_url=back)


@require_GET
@access_required(is_decider, sensitive=True)
def reveals(request: AuthenticatedRequest) -> HttpResponse:
    """Every reveal and refused attempt, newest first, filtered."""
    form = RevealFilterForm(request.GET or None)
    rows = Reveal.objects.select_related("account", "by").order_by("-at", "-pk")
    if form.is_valid():
        rows = form.filter(rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(
        [(k, v) for k, v in request.GET.items() if k != "page" and v and k in form.fields]
    )
    for row in page.object_list:
        row.field_labels = ", ".join(SECRET_LABELS[f] for f in row.fields.split(",") if f)
    context = {"form": form, "page": page, "query": query}
    return render(request, "socialmedia/credentials/reveals.html", context)
