"""The clear-down confirmation section of a group's page (registered in groups.sections.MAIN
by the plugin). Its admin, deputy and the DPO see the group's rate, each member's and who does
not confirm; a member sees only their own rate: others' records are not theirs to read."""

from django.utils import timezone

from groups.access import is_dpo, runs
from groups.models import ChatGroup
from groups.reports import NON_CONFIRMER_MISSES, NON_CONFIRMER_WINDOW, group_rates, member_rate
from portal.access import AuthenticatedRequest

TEMPLATE = "groups/_reports_rates.html"


def rates_section(request: AuthenticatedRequest, group: ChatGroup):
    """Two queries for those who run the group or the DPO, one for a member; nothing for a
    group never approved (it has had no clear-downs)."""
    if group.approved_at is None:
        return None
    now = timezone.now()
    rule = {"misses": NON_CONFIRMER_MISSES, "window": NON_CONFIRMER_WINDOW}
    dpo = is_dpo(request.user)
    if dpo or runs(request.user, group):
        rates = group_rates(group, now)
        return TEMPLATE, {"group": group, "rates": rates, "rule": rule, "is_dpo": dpo}
    return TEMPLATE, {"group": group, "own": member_rate(group, request.user.pk, now)}
