"""The top of a group's page for its registration: a banner saying where the registration
stands, and the actions this person may take (edit or resend for the applicant; decide for the
DPO; propose a change or close for the admin; suspend, reinstate or close for the DPO)."""

from typing import Any

from groups.access import has_part_in, is_dpo, runs
from groups.models import ChatGroup, Submission
from groups.selectors import under_open_hold
from portal.access import AuthenticatedRequest

Status = ChatGroup.Status


def registration_section(
    request: AuthenticatedRequest, group: ChatGroup
) -> tuple[str, dict[str, Any]]:
    """Two queries at most: the submission waiting (if any), and whether the DPO has a part in
    the group (only asked of the DPO); or, for a closed group whose chat is not yet deleted,
    whether a hold keeps it."""
    user = request.user
    # A DPO with a part in the group (applied, runs it, belongs to it) neither decides nor acts
    # on it: the buttons are for another DPO, and the page says so.
    dpo = is_dpo(user)
    dpo_with_part = dpo and has_part_in(user, group)
    pending = (
        group.submissions.filter(outcome=Submission.Outcome.PENDING)
        .only("pk", "kind", "submitted_at")
        .first()
        if group.status in (Status.SUBMITTED, Status.APPROVED)
        else None
    )
    last_decided = None
    if group.status in (Status.CHANGES_ASKED, Status.REFUSED):
        last_decided = (
            group.submissions.exclude(outcome=Submission.Outcome.PENDING)
            .select_related("decided_by")
            .first()
        )
    applicant = user.pk in (group.applicant_id, group.admin_id)
    admin = runs(user, group)
    # A closed group's chat under an open hold must be kept: no "I deleted it" button then.
    deletable = group.status == Status.CLOSED and group.chat_deleted_at is None
    held = deletable and under_open_hold(group)
    return (
        "groups/_registration_actions.html",
        {
            "group": group,
            "pending": pending,
            "last_decided": last_decided,
            "can_edit": applicant and group.is_editable,
            "can_decide": dpo and pending is not None and not dpo_with_part,
            "can_change": admin and group.status == Status.APPROVED and pending is None,
            "can_close": admin and group.status in (Status.APPROVED, Status.SUSPENDED),
            "can_confirm_deleted": admin and deletable and not held,
            "held": held,
            "dpo": dpo and not dpo_with_part,
            "dpo_with_part": dpo_with_part,
        },
    )
