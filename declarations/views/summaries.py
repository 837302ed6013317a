"""Who receives a campaign's weekly summary for leaders (policy administrators only)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from declarations.access import get_campaign_for_admin, is_policy_admin
from declarations.forms import SummaryRecipientsForm
from declarations.services.summaries import campaign_summary_recipients_set
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.models import User

# How many people the "find someone" search lists: enough to pick from, never the whole force.
FOUND = 10


def _find(query: str) -> list[User]:
    """Active people whose name or email contains what was typed (at least two letters)."""
    if len(query) < 2:
        return []
    matches = User.objects.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return list(
        matches.filter(is_active=True)
        .select_related("department")
        .order_by("full_name", "pk")[:FOUND]
    )


# Sensitive: its search lists anyone's name, job title, department and email.
@access_required(is_policy_admin, sensitive=True)
def campaign_summary_recipients(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    current = list(campaign.summary_recipients.order_by("full_name", "pk"))
    form = SummaryRecipientsForm(
        request.POST if request.method == "POST" else None,
        initial={"recipients": "\n".join(person.email for person in current)},
    )
    if form.is_bound and form.is_valid():
        try:
            campaign_summary_recipients_set(
                campaign=campaign,
                recipients=form.cleaned_data["recipients"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            chosen = len(form.cleaned_data["recipients"])
            messages.success(
                request,
                f"The weekly summary goes to {chosen} {'person' if chosen == 1 else 'people'}."
                if chosen
                else "Nobody receives the weekly summary now.",
            )
            return redirect("declarations:campaign", pk=campaign.pk)
    # PostgreSQL refuses a NUL in text; nobody's name has one.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    return render(
        request,
        "declarations/admin/campaign_summary.html",
        {
            "campaign": campaign,
            "form": form,
            "query": query,
            "found": _find(query),
        },
    )
