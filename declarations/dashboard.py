from declarations.access import is_policy_admin
from declarations.models import Campaign, Obligation
from declarations.selectors import versions_awaiting_approval_by
from portal.access import AuthenticatedRequest


def declarations_panel(request: AuthenticatedRequest) -> tuple[str, dict] | None:
    """The "declarations to sign" panel on the dashboard: what the person still has to sign
    and by when. None (no panel) when nothing is due. One query."""
    obligations = list(
        Obligation.objects.filter(
            user_id=request.user.pk,
            status=Obligation.Status.PENDING,
            campaign__status=Campaign.Status.OPEN,
        )
        .select_related("campaign")
        .order_by("due_at", "pk")
    )
    if not obligations:
        return None
    return "declarations/_dashboard_panel.html", {"obligations": obligations}


def approvals_panel(request: AuthenticatedRequest) -> tuple[str, dict] | None:
    """For a policy administrator, the policy versions waiting for their approval (none they
    drafted, asked about or changed). None (no panel) when there are none. Two queries."""
    if not is_policy_admin(request.user):
        return None
    versions = versions_awaiting_approval_by(request.user)
    if not versions:
        return None
    return "declarations/_approvals_panel.html", {"versions": versions}
