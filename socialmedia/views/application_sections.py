"""The account page's sections about its application (socialmedia/sections.py): what the
Chief Executive asked to change, at the top for the applicant; and every decision in writing,
with the letter, the Decide button for deciders and the Revise button for the applicant."""

from typing import Any

from portal.access import AuthenticatedRequest
from socialmedia.access import is_decider
from socialmedia.models import Account, Decision


def changes_asked_section(
    request: AuthenticatedRequest, account: Account
) -> tuple[str, dict[str, Any]] | None:
    """For the applicant while changes are asked for: what was asked, and the way to revise.
    One query."""
    if account.status != Account.Status.CHANGES_ASKED or request.user.pk != account.applicant_id:
        return None
    asked = (
        account.decisions.filter(outcome=Decision.Outcome.CHANGES_ASKED)
        .select_related("decided_by")
        .last()
    )
    return "socialmedia/applications/_section_changes_asked.html", {"asked": asked}


def decisions_section(
    request: AuthenticatedRequest, account: Account
) -> tuple[str, dict[str, Any]] | None:
    """Every decision on the account, oldest first. One query."""
    decisions = list(account.decisions.select_related("decided_by"))
    decider = is_decider(request.user)
    return "socialmedia/applications/_section_decisions.html", {
        "decisions": decisions,
        "approved": any(d.outcome == Decision.Outcome.APPROVED for d in decisions),
        "may_decide": decider
        and account.status == Account.Status.APPLIED
        and account.applicant_id != request.user.pk,
        "may_revise": account.status == Account.Status.CHANGES_ASKED
        and account.applicant_id == request.user.pk,
    }
