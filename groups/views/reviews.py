"""The admin's periodic review of an approved group."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from groups.access import get_group_for_admin
from groups.forms.members import ReviewForm
from groups.services.reviews import REVIEW_OVERDUE_AFTER, chat_group_review
from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page


def _close_url(pk: int) -> str:
    """The close action, where the registration part provides one."""
    try:
        return reverse("groups:close", args=[pk])
    except NoReverseMatch:
        return ""


# Sensitive: it names who reviewed the group before.
@sensitive_page
@login_required
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_admin(request.user, pk)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            chat_group_review(
                group=group,
                by=request.user,
                purpose_holds=form.cleaned_data["purpose_holds"],
                membership_right=form.cleaned_data["membership_right"],
                notes=form.cleaned_data["notes"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you: the group's review is recorded.")
            return redirect("groups:group", pk=group.pk)
    now = timezone.now()
    return render(
        request,
        "groups/members/review.html",
        {
            "group": group,
            "form": form,
            "close_url": _close_url(group.pk),
            "overdue": group.review_due_at is not None and group.review_due_at <= now,
            "dpo_told_after_days": REVIEW_OVERDUE_AFTER.days,
            "reviews": list(group.reviews.select_related("reviewed_by")[:10]),
        },
        status=400 if form.errors else 200,
    )
