"""The social media panel on everyone's dashboard: applying for a corporate account, a link to
the person's own accounts when they have any, and for the Chief Executive and delegates how
many applications wait for a decision. Two queries (one more for a decider)."""

from portal.access import AuthenticatedRequest
from portal.registry import Fragment
from socialmedia.access import is_decider
from socialmedia.models import Account


def social_media_panel(request: AuthenticatedRequest) -> Fragment:
    user = request.user
    waiting = None
    if is_decider(user):
        waiting = Account.objects.filter(status=Account.Status.APPLIED).count()
    return "socialmedia/applications/_dashboard_panel.html", {
        "has_accounts": Account.objects.of(user).exists(),
        "waiting": waiting,
    }
