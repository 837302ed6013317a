from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.access import AuthenticatedRequest, get_notification_for_user
from portal.models import Notification
from portal.registry import registry
from portal.services.notifications import notification_mark_read, notifications_mark_all_read


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    # Not request.user.notifications: the related manager would load each row's deferred
    # recipient_id on its own, one query per row.
    rows = Notification.objects.filter(recipient=request.user, in_portal=True).only(
        "id", "subject", "created_at", "read_at", "url"
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "portal/notification_list.html", {"page": page})


@login_required
def notification_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, pk)
    notification_mark_read(notification=notification)
    return render(
        request,
        "portal/notification_detail.html",
        {"notification": notification, "link_label": registry.link_label(notification.url)},
    )


@login_required
@require_POST
def notification_mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("portal:notifications")
