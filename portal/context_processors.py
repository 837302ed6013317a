from portal.models import OrganisationSettings
from portal.roles import AUDIT_READERS, Role


def portal(request):
    """What every page needs: the organisation, and what the person's roles let them reach."""
    user = request.user
    context = {"org": OrganisationSettings.load()}
    if user.is_authenticated:
        context["nav"] = {
            "policy_admin": user.has_role(Role.POLICY_ADMIN),
            "audit": user.has_role(*AUDIT_READERS),
            "sysadmin": user.has_role(Role.SYSADMIN),
            "line_manager": user.is_line_manager,
        }
        context["unread_count"] = user.notifications.filter(
            in_portal=True, read_at__isnull=True
        ).count()
    return context
