from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest

from portal.models import OrganisationSettings, User
from portal.registry import registry


def _layout_counts(user: User) -> int:
    """The layout's own figure, the unread notifications, read together with whether the
    person has reports (which the menu's "My team" asks) in one query, not two."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            unread=Count(
                "notifications",
                filter=Q(notifications__in_portal=True, notifications__read_at__isnull=True),
            ),
            has_reports=Exists(User.objects.filter(line_manager=OuterRef("pk"), is_active=True)),
        )
        .values("unread", "has_reports")
        .get()
    )
    # Fills the cached property the menu's access tests read (portal.models.User); set through
    # the request's lazy user, which passes it on to the person it wraps.
    user.is_line_manager = row["has_reports"]
    return row["unread"]


def portal(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the organisation, and the menu this person's roles open."""
    user = request.user
    context: dict[str, Any] = {"org": OrganisationSettings.load()}
    if user.is_authenticated:
        context["unread_count"] = _layout_counts(user)
        # Entries come from the apps (portal.registry), each shown by its view's access test.
        context["menu"] = registry.menu_for(user)
    return context
