from declarations.models import Campaign, Obligation
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
