from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from portal.access import AuthenticatedRequest
from portal.registry import registry


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    # Each app registers its panel (portal.registry); a panel with nothing for this person
    # is left out.
    panels = registry.build(registry.panels, request)
    recent = request.user.notifications.filter(in_portal=True)[:5]
    return render(request, "portal/dashboard.html", {"panels": panels, "recent": recent})
