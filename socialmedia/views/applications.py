"""Applying for a corporate account (any member of staff), revising it when changes were asked
for, the Chief Executive's or a delegate's decision, the approval letter, the applications
waiting for a decision, and a person's own accounts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.lib.sensitive import sensitive_page
from portal.models import OrganisationSettings
from socialmedia.access import (
    get_account_for_applicant,
    get_account_for_decider,
    get_account_for_user,
    is_decider,
)
from socialmedia.forms.applications import ApplicationForm, DecisionForm, team_text
from socialmedia.models import Account, Decision
from socialmedia.services.applications import (
    APPLICATION_FIELDS,
    NOT_REVISABLE,
    OWN_APPLICATION,
    account_application_revise,
    account_apply,
    account_decide,
    applicant_left,
)

QUEUE_PAGE_SIZE = 50
MINE_PAGE_SIZE = 50


def _form_page(
    request: AuthenticatedRequest, form: ApplicationForm, account: Account | None
) -> HttpResponse:
    asked = (
        account.decisions.filter(outcome=Decision.Outcome.CHANGES_ASKED)
        .select_related("decided_by")
        .last()
        if account is not None
        else None
    )
    return render(
        request,
        "socialmedia/applications/form.html",
        {"form": form, "account": account, "asked": asked},
    )


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def apply(request: AuthenticatedRequest) -> HttpResponse:
    website = OrganisationSettings.load().website_url
    form = ApplicationForm(
        request.POST or None, applicant=request.user, initial={"website_link": website}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = account_apply(
                applicant=request.user,
                data=data,
                team=data["team"],
                token=data["submission_token"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("socialmedia:application_sent", pk=account.pk)
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def application_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_applicant(request.user, pk)
    if account.status != Account.Status.CHANGES_ASKED:
        messages.info(request, NOT_REVISABLE)
        return redirect("socialmedia:account", pk=account.pk)
    others = [
        row.user
        for row in account.team.current().select_related("user")
        if row.user_id != account.applicant_id
    ]
    initial = {name: getattr(account, name) for name in APPLICATION_FIELDS}
    form = ApplicationForm(
        request.POST or None,
        applicant=request.user,
        initial={**initial, "team": team_text(others)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_application_revise(
                account=account,
                data=data,
                team=data["team"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("socialmedia:application_sent", pk=account.pk)
    return _form_page(request, form, account)


@require_GET
@sensitive_page
@login_required
def application_sent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """What happens next, once the application (or its revision) is sent."""
    account = get_account_for_applicant(request.user, pk)
    return render(request, "socialmedia/applications/sent.html", {"account": account})


def _decide_page(
    request: AuthenticatedRequest, account: Account, form: DecisionForm
) -> HttpResponse:
    return render(
        request,
        "socialmedia/applications/decide.html",
        {
            "account": account,
            "form": form,
            "team": account.team.current().select_related("user"),
            "decisions": account.decisions.select_related("decided_by"),
            "own": account.applicant_id == request.user.pk,
            "own_message": OWN_APPLICATION,
            "waiting": account.status == Account.Status.APPLIED,
            "applicant_left": (
                "" if account.applicant.is_active else applicant_left(account.applicant)
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@access_required(is_decider, sensitive=True)
def decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_decider(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = account_decide(
                account=account,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{decision.get_outcome_display()}: {account}. The applicant has been told "
                "by email.",
            )
            return redirect("socialmedia:account", pk=account.pk)
    return _decide_page(request, account, form)


@require_GET
@sensitive_page
@login_required
def letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The approval in writing, to print: the organisation, who decided (and whether as the
    Chief Executive's delegate), the account, the decision, the reason, who and when."""
    account = get_account_for_user(request.user, pk)
    approval = (
        account.decisions.filter(outcome=Decision.Outcome.APPROVED)
        .select_related("decided_by")
        .last()
    )
    return render(
        request,
        "socialmedia/applications/letter.html",
        {"account": account, "approval": approval},
    )


@require_GET
@access_required(is_decider, sensitive=True)
def decisions(request: AuthenticatedRequest) -> HttpResponse:
    rows = Account.objects.filter(status=Account.Status.APPLIED).select_related("applicant")
    page = keyset_page(
        rows,
        ordering=("submitted_at", "pk"),
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=QUEUE_PAGE_SIZE,
        name="social-decisions",
    )
    return render(
        request,
        "socialmedia/applications/queue.html",
        {"page": page, "total": rows.count(), "now": timezone.now(), "me": request.user.pk},
    )


@require_GET
@sensitive_page
@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    page = keyset_page(
        Account.objects.of(user).select_related("owner"),
        ordering=("platform", "handle", "pk"),
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=MINE_PAGE_SIZE,
        name="social-mine",
    )
    for account in page.object_list:
        account.next_step = _next_step(account, user.pk)
    return render(request, "socialmedia/applications/mine.html", {"page": page})


def _next_step(account: Account, user_id: int) -> str:
    """What this person must do next about the account, in a few words ("" for nothing)."""
    applicant = account.applicant_id == user_id
    owner = account.owner_id == user_id
    if account.status == Account.Status.CHANGES_ASKED and applicant:
        return "Revise the application and send it again."
    if account.status == Account.Status.APPLIED:
        return "Nothing: the Chief Executive will decide." if applicant else ""
    if account.status == Account.Status.APPROVED and owner:
        return "Open the account, then record it here and register its sign-in details."
    if account.is_running and owner and account.rotation_due:
        return "Change the password and record the new one here."
    if (
        account.is_running
        and owner
        and account.review_due_at
        and (account.review_due_at <= timezone.now())
    ):
        return "Review the account."
    return ""
