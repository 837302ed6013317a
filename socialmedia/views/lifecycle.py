"""An account's life: its owner records a new name, hands it over or closes it; the person it
is offered to answers; the Chief Executive (or a delegate) suspends it, lifts a suspension or
orders it closed (paragraphs 20, 22 and 23). Each form posts to its own address."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page
from socialmedia.access import get_account_for_decider, get_account_for_owner
from socialmedia.forms.lifecycle import (
    CloseForm,
    HandOverAnswerForm,
    HandOverForm,
    OrderForm,
    RenameForm,
)
from socialmedia.models import Account
from socialmedia.services.lifecycle import (
    account_close,
    account_order_closure,
    account_reinstate,
    account_rename,
    account_suspend,
    handover_answer,
    handover_candidates,
    handover_propose,
    handover_withdraw,
    open_closure_order,
    open_handover,
)
from socialmedia.team_access import get_account_for_owner_or_decider, get_handover_for_answer


def _form_page(
    request: AuthenticatedRequest, template: str, account: Account, form: forms.Form, **extra
) -> HttpResponse:
    return render(
        request,
        template,
        {"account": account, "form": form, **extra},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def rename(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_owner(request.user, pk)
    initial = {"name": account.name, "handle": account.handle}
    form = RenameForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            account_rename(
                account=account, by=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Recorded. The Chief Executive has been told.")
            return redirect("socialmedia:account", pk=account.pk)
    return _form_page(request, "socialmedia/lifecycle/rename.html", account, form)


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def handover(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_owner(request.user, pk)
    candidates = handover_candidates(account)
    form = HandOverForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            offered = handover_propose(
                account=account,
                to_owner=form.cleaned_data["to_owner"],
                note=form.cleaned_data["note"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Offered to {offered.to_owner.full_name}. The account is theirs when they "
                "accept; the Chief Executive has been told.",
            )
            return redirect("socialmedia:account", pk=account.pk)
    return _form_page(
        request,
        "socialmedia/lifecycle/handover.html",
        account,
        form,
        waiting=open_handover(account),
        has_candidates=candidates.exists(),
    )


@sensitive_page
@login_required
@require_POST
def handover_answer_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = get_handover_for_answer(request.user, pk)
    form = HandOverAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to accept or to decline the hand-over.")
        return redirect("socialmedia:account", pk=pk)
    accept = form.cleaned_data["answer"] == "accept"
    try:
        handover_answer(handover=offer, accept=accept, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "You now own the account. The Chief Executive has been told."
            if accept
            else f"Declined. {offer.from_owner.full_name} has been told.",
        )
    return redirect("socialmedia:account", pk=pk)


@sensitive_page
@login_required
@require_POST
def handover_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_owner(request.user, pk)
    offer = open_handover(account)
    if offer is None:
        messages.error(request, "No hand-over of this account is waiting.")
    else:
        try:
            handover_withdraw(handover=offer, by=request.user, ip=client_ip(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                "The hand-over is withdrawn: you still own the account. "
                f"{offer.to_owner.full_name} has been told.",
            )
    return redirect("socialmedia:account", pk=account.pk)


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_owner_or_decider(request.user, pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_close(
                account=account, by=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The account is closed. The Chief Executive has been told.")
            return redirect("socialmedia:account", pk=account.pk)
    return _form_page(
        request,
        "socialmedia/lifecycle/close.html",
        account,
        form,
        order=open_closure_order(account),
    )


def _order_view(
    service: Callable[..., object], template: str, done: str
) -> Callable[[AuthenticatedRequest, int], HttpResponse]:
    """A Chief Executive's order: a reason, sent to the owner (to the Chief Executive when the
    owner has left)."""

    @require_http_methods(["GET", "POST"])
    @sensitive_page
    @login_required
    def view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        account = get_account_for_decider(request.user, pk)
        form = OrderForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                service(
                    account=account,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    ip=client_ip(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{done} {_who_was_told(account)}")
                return redirect("socialmedia:account", pk=account.pk)
        return _form_page(request, template, account, form)

    return view


def _who_was_told(account: Account) -> str:
    if account.owner.is_active:
        return "The owner has been sent the reason."
    return (
        f"{account.owner.full_name}, its owner, has left the organisation, so the Chief "
        "Executive has been sent the reason instead: name a new owner from the team."
    )


suspend = _order_view(
    account_suspend, "socialmedia/lifecycle/suspend.html", "The account is suspended."
)
reinstate = _order_view(
    account_reinstate, "socialmedia/lifecycle/reinstate.html", "The suspension is lifted."
)
order_closure = _order_view(
    account_order_closure,
    "socialmedia/lifecycle/order_closure.html",
    "The account is ordered closed.",
)
