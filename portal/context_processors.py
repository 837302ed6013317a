from typing import Any

from django.http import HttpRequest

from portal.models import OrganisationSettings
from portal.registry import registry


def portal(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the organisation, and the menu this person's roles open."""
    user = request.user
    context: dict[str, Any] = {"org": OrganisationSettings.load()}
    if user.is_authenticated:
        # Entries come from the apps (portal.registry), each shown by its view's access test.
        context["menu"] = registry.menu_for(user)
        context["unread_count"] = user.notifications.filter(
            in_portal=True, read_at__isnull=True
        ).count()
    return context
