"""The owner's periodic review of a running account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page
from socialmedia.access import get_account_for_owner
from socialmedia.forms.reviews import ReviewForm
from socialmedia.models import TeamMember
from socialmedia.services.reviews import REVIEW_OVERDUE_AFTER, account_review, review_standing


def team_url(pk: int) -> str:
    """The page where the owner changes the team, where the team part provides one."""
    try:
        return reverse("socialmedia:team", args=[pk])
    except NoReverseMatch:
        return ""


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_owner(request.user, pk)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_review(
                account=account,
                accurate=form.cleaned_data["accurate"],
                links_back=form.cleaned_data["links_back"],
                team_right=form.cleaned_data["team_right"],
                notes=form.cleaned_data["notes"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you: the account's review is recorded.")
            return redirect("socialmedia:account", pk=account.pk)
    team = (
        TeamMember.objects.current()
        .filter(account=account)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    return render(
        request,
        "socialmedia/reviews/review.html",
        {
            "account": account,
            "form": form,
            "team": list(team),
            "team_url": team_url(account.pk),
            "standing": review_standing(account, timezone.now()),
            "ce_told_after_days": REVIEW_OVERDUE_AFTER.days,
        },
        status=400 if form.errors else 200,
    )
