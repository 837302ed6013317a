from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from declarations.dashboard import declarations_panel

# Each app contributes one panel: a function of the request returning (template, context),
# or None when it has nothing to show this person. Listed here, in the order they appear.
PANELS = [declarations_panel]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    panels = [panel for panel in (build(request) for build in PANELS) if panel is not None]
    recent = request.user.notifications.filter(in_portal=True)[:5]
    return render(request, "portal/dashboard.html", {"panels": panels, "recent": recent})
