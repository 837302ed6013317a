"""The team of an account (paragraph 23): who has access, who added them and when, who was
taken off and why. Its owner and the deciders change it; the team may look. A leaver whose
account needs a new owner: the Chief Executive names one from the team."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page
from socialmedia.access import get_account_for_decider
from socialmedia.forms.team import OwnerAssignForm, TeamAddForm, TeamRemoveForm
from socialmedia.models import Account
from socialmedia.services.leavers import (
    account_owner_assign,
    needs_new_owner,
    new_owner_candidates,
)
from socialmedia.services.team import (
    TEAM_KEPT,
    may_manage_team,
    team_member_add,
    team_member_remove,
)
from socialmedia.team_access import (
    get_account_for_owner_or_decider,
    get_account_for_team_page,
    get_team_member_for_manager,
)

# The removals the page lists, latest first (the audit trail keeps every one).
REMOVED_SHOWN = 100


def _team_page(
    request: AuthenticatedRequest,
    account: Account,
    *,
    add_form: TeamAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = account.team.select_related("user", "added_by")
    current = list(rows.filter(removed_at__isnull=True).order_by("added_at", "pk"))
    removed = list(
        rows.filter(removed_at__isnull=False)
        .select_related("removed_by")
        .order_by("-removed_at", "-pk")[:REMOVED_SHOWN]
    )
    return render(
        request,
        "socialmedia/team/team.html",
        {
            "account": account,
            "manages": may_manage_team(request.user, account) and account.status in TEAM_KEPT,
            "current": current,
            "removed": removed,
            "removed_more": len(removed) == REMOVED_SHOWN,
            "add_form": add_form or TeamAddForm(),
        },
        status=status,
    )


@require_GET
@sensitive_page
@login_required
def team(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _team_page(request, get_account_for_team_page(request.user, pk))


@sensitive_page
@login_required
@require_POST
def team_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_owner_or_decider(request.user, pk)
    form = TeamAddForm(request.POST)
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            team_member_add(account=account, user=person, by=request.user, ip=client_ip(request))
        except ValidationError as error:
            form.add_error("person", error)
        else:
            messages.success(
                request,
                f"{person.full_name} is on the team. The password must now be changed.",
            )
            return redirect("socialmedia:team", pk=account.pk)
    return _team_page(request, account, add_form=form, status=400)


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def team_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    member = get_team_member_for_manager(request.user, pk)
    form = TeamRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            team_member_remove(
                member=member,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{member.user.full_name} is off the team. A new password is now due.",
            )
            return redirect("socialmedia:team", pk=member.account_id)
    return render(
        request,
        "socialmedia/team/remove.html",
        {"member": member, "account": member.account, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def owner_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_decider(request.user, pk)
    candidates = new_owner_candidates(account)
    form = OwnerAssignForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_owner_assign(
                account=account,
                new_owner=form.cleaned_data["new_owner"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{form.cleaned_data['new_owner'].full_name} now owns the account."
            )
            return redirect("socialmedia:account", pk=account.pk)
    return render(
        request,
        "socialmedia/team/owner_assign.html",
        {
            "account": account,
            "form": form,
            "needs_owner": needs_new_owner(account),
            "has_candidates": candidates.exists(),
        },
        status=400 if form.errors else 200,
    )
