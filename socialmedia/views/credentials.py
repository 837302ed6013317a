"""The owner's pages of the credential register: recording that an approved account is open
(with its credentials), changing the credential details, and recording a new password. The
Chief Executive and delegates may change details and record a password too.

Every one is marked `sensitive_post_parameters` and `sensitive_variables`: an error report on
one of them shows stars where the secrets were.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page
from portal.models import User
from socialmedia.access import get_account_for_owner, get_account_for_user, is_decider, owns
from socialmedia.forms.credentials import (
    CredentialEditForm,
    OpenForm,
    PasswordChangeForm,
    typed_secrets,
)
from socialmedia.models import Account, Credential
from socialmedia.services.credentials import (
    SamePassword,
    account_open,
    credential_password_change,
    credential_update,
    password_just_recorded,
)

_FORM_METHODS = require_http_methods(["GET", "POST"])


def _for_owner_or_decider(user: User, pk: int) -> tuple[Account, Credential]:
    """An open account with credentials, for its owner and the deciders; the team and the
    applicant: 403; anyone else: 404."""
    account = get_account_for_user(user, pk)
    if not (owns(user, account) or is_decider(user)):
        raise PermissionDenied
    credential = Credential.objects.filter(account=account).first()
    if credential is None or not account.is_running:
        raise PermissionDenied
    credential.account = account  # the one just read, locked to what the person may see
    return account, credential


def _form_page(
    request: AuthenticatedRequest, template: str, context: dict, *, bound: bool
) -> HttpResponse:
    return render(request, template, context, status=400 if bound else 200)


@sensitive_variables()
def _carry_out(
    request: AuthenticatedRequest,
    form: forms.Form,
    service: Callable[..., object],
    *,
    said: str,
    account: Account,
    **arguments: Any,
) -> HttpResponse | None:
    """`service` for `account` with `arguments`, by the person asking: the account page saying
    `said`, or None with the refusal on `form`. Sensitive like the views: the arguments carry
    the secrets typed."""
    try:
        service(account=account, **arguments, by=request.user, ip=client_ip(request))
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return None
    messages.success(request, said)
    return redirect("socialmedia:account", pk=account.pk)


@_FORM_METHODS
@sensitive_page
@sensitive_post_parameters()
@sensitive_variables()
@login_required
def account_open_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_owner(request.user, pk)
    if account.status != Account.Status.APPROVED:
        raise PermissionDenied
    form = OpenForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _carry_out(
            request,
            form,
            account_open,
            said="The account is open and its credentials are registered.",
            account=account,
            handle=data["handle"],
            url=data["url"],
            storage=data["storage"],
            secrets=typed_secrets(form),
            password_manager_reference=data["password_manager_reference"],
            mfa_method=data["mfa_method"],
        )
        if done:
            return done
    return _form_page(
        request,
        "socialmedia/credentials/open.html",
        {"account": account, "form": form},
        bound=form.is_bound,
    )


@_FORM_METHODS
@sensitive_page
@sensitive_post_parameters()
@sensitive_variables()
@login_required
def credentials_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account, credential = _for_owner_or_decider(request.user, pk)
    form = CredentialEditForm(request.POST or None, credential=credential)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _carry_out(
            request,
            form,
            credential_update,
            said="Credential details changed. The Chief Executive is told.",
            account=account,
            storage=data["storage"],
            mfa_method=data["mfa_method"],
            password_manager_reference=data["password_manager_reference"],
            secrets=typed_secrets(form),
            clear=form.cleared(),
        )
        if done:
            return done
    return _form_page(
        request,
        "socialmedia/credentials/edit.html",
        {"account": account, "credential": credential, "form": form},
        bound=form.is_bound,
    )


@_FORM_METHODS
@sensitive_page
@sensitive_post_parameters()
@sensitive_variables()
@login_required
def password_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account, credential = _for_owner_or_decider(request.user, pk)
    form = PasswordChangeForm(request.POST or None, credential=credential)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            credential_password_change(
                account=account,
                password=data.get("password", ""),
                why=data["why"],
                changed_in_manager=data.get("changed_in_manager", False),
                by=request.user,
                ip=client_ip(request),
            )
            done = True
        except ValidationError as refusal:
            # The same form sent twice (a double click): the first did it; answer as it did.
            done = isinstance(refusal, SamePassword) and password_just_recorded(
                account=account, by=request.user
            )
            if not done:
                form.add_error(None, refusal)
        if done:
            messages.success(request, "New password recorded. The Chief Executive is told.")
            return redirect("socialmedia:account", pk=account.pk)
    return _form_page(
        request,
        "socialmedia/credentials/password_change.html",
        {"account": account, "credential": credential, "form": form},
        bound=form.is_bound,
    )
