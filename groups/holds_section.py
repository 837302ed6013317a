"""The hold banner at the top of a group's page (a `sections.TOP` section): while a hold is
open, everyone who may see the group is told plainly not to delete anything from the chat,
with a button to acknowledge their own notice if they have not, and for the DPO a link to
each hold. Two queries at most, whatever the number of holds or members."""

from groups.access import is_dpo
from groups.models import ChatGroup, HoldNotice
from portal.access import AuthenticatedRequest


def hold_section(request: AuthenticatedRequest, group: ChatGroup):
    holds = list(group.holds.open().order_by("placed_at", "pk"))
    if not holds:
        return None
    waiting = list(
        HoldNotice.objects.filter(
            hold__in=holds, user_id=request.user.pk, acknowledged_at__isnull=True
        ).order_by("pk")
    )
    notice_of = {notice.hold_id: notice for notice in waiting}
    return (
        "groups/_holds_banner.html",
        {
            "holds": [(hold, notice_of.get(hold.pk)) for hold in holds],
            "is_dpo": is_dpo(request.user),
        },
    )
