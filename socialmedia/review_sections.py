"""The account page's review sections (socialmedia/sections.py): "Review due" at the top for
the owner, and the history of reviews below for everyone who may see the account."""

from typing import Any

from django.utils import timezone

from portal.access import AuthenticatedRequest
from socialmedia.access import owns
from socialmedia.models import Account
from socialmedia.services.reviews import REVIEW_OVERDUE_AFTER, review_is_due, review_standing

# The latest reviews shown on the page; the count says how many there are in all.
REVIEWS_SHOWN = 10


def review_due_section(
    request: AuthenticatedRequest, account: Account
) -> tuple[str, dict[str, Any]] | None:
    """No query: what it needs is on the account."""
    now = timezone.now()
    if not owns(request.user, account) or not review_is_due(account, now):
        return None
    assert account.review_due_at is not None  # review_is_due checked it
    return (
        "socialmedia/reviews/_due_section.html",
        {
            "due_at": account.review_due_at,
            "standing": review_standing(account, now),
            "ce_told_after_days": REVIEW_OVERDUE_AFTER.days,
        },
    )


def reviews_section(
    request: AuthenticatedRequest, account: Account
) -> tuple[str, dict[str, Any]] | None:
    """Two queries, however many reviews: the count and the latest few."""
    if account.opened_at is None:
        return None  # an application has nothing to review yet
    reviews = account.reviews.select_related("reviewed_by")
    return (
        "socialmedia/reviews/_reviews_section.html",
        {
            "reviews": list(reviews[:REVIEWS_SHOWN]),
            "count": reviews.count(),
            "is_owner": owns(request.user, account),
            "running": account.is_running,
        },
    )
