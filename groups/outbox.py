"""The deduplication keys of the messages the chat-group register sends, in one place.

Each sender builds its key here, one function per kind of message, each naming the object and
the slot it is for, so a message is never queued twice: a sweep run twice, or a service retried,
finds its key used and sends nothing, while a new occasion (a reissue, a new review date) earns
its own. The `:` after each id keeps group 12's keys apart from group 123's.
"""

from datetime import UTC, datetime


def _instant(at: datetime) -> str:
    # To the microsecond: two occasions a moment apart (two reissues) each earn their own key.
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}"


# ---- Holds -------------------------------------------------------------------------------


def hold_notice_key(notice_id: int, reissued_at: datetime | None = None) -> str:
    """The notice not to delete: once when it is issued (on the hold or on joining a held
    group), and once more for each reissue, named by when the DPO reissued it."""
    slot = _instant(reissued_at) if reissued_at else "issued"
    return f"hold-notice:{notice_id}:{slot}"


def hold_reminder_key(notice_id: int) -> str:
    """The one reminder of a notice not yet acknowledged."""
    return f"hold-reminder:{notice_id}:"


def hold_escalation_key(notice_id: int, recipient_id: int) -> str:
    """The one escalation of a notice still not acknowledged, to the person's line manager
    (or to each DPO when they have none)."""
    return f"hold-escalated:{notice_id}:{recipient_id}"


def hold_release_key(notice_id: int) -> str:
    """Telling the person the hold is released and clear-downs resume: once per notice."""
    return f"hold-released:{notice_id}:"


# --- Membership, leavers, reviews and concerns (the members part) ---


def rules_key(membership_id: int) -> str:
    """The group's purpose and rules, once per membership (someone who leaves and is added
    again is a new membership, and is sent them again)."""
    return f"groups-rules:{membership_id}"


def leaver_remove_key(membership_id: int) -> str:
    """Asking the admin (or deputy) to take a leaver out of the chat itself: once per membership
    ended because they left."""
    return f"groups-leaver-remove:{membership_id}"


def needs_admin_key(group_id: int, leaver_id: int, dpo_id: int) -> str:
    """Asking each DPO and deputy DPO to name a new admin, once per admin who left."""
    return f"groups-needs-admin:{group_id}:{leaver_id}:{dpo_id}"


def admin_named_key(group_id: int, admin_id: int, at: datetime) -> str:
    """Telling someone they are now a group's admin: once per time they were named."""
    return f"groups-admin-named:{group_id}:{admin_id}:{_instant(at)}"


def review_due_key(group_id: int, review_due_at: datetime, admin_id: int) -> str:
    """Reminding the admin a review falls due: once per review date (a review done sets the
    next date, which earns its own reminder)."""
    return f"groups-review-due:{group_id}:{_instant(review_due_at)}:{admin_id}"


def review_overdue_key(group_id: int, review_due_at: datetime, dpo_id: int) -> str:
    """Telling each DPO and deputy DPO a review is overdue: once per review date."""
    return f"groups-review-overdue:{group_id}:{_instant(review_due_at)}:{dpo_id}"


def concern_key(concern_id: int, recipient: str) -> str:
    """A concern to each DPO (a person's id, or a mailbox's address), once."""
    return f"groups-concern:{concern_id}:{recipient}"


# --- Registration and the DPO's decisions (reg) -------------------------------------------


def submitted_key(submission_id: int, dpo_id: int) -> str:
    """Telling the DPO and deputy an application (or a change) awaits them: once per
    submission per person."""
    return f"grp-submitted:{submission_id}:{dpo_id}"


def decided_key(submission_id: int, recipient_id: int) -> str:
    """The DPO's decision, to the applicant (and the admin): once per submission."""
    return f"grp-decided:{submission_id}:{recipient_id}"


def status_key(group_id: int, status: str, at: datetime, recipient_id: int) -> str:
    """A group suspended, reinstated or closed: once per change per person told."""
    return f"grp-status:{group_id}:{status}:{_instant(at)}:{recipient_id}"


# --- Clear-down cycles (groups/services/cleardowns.py) ---------------------------------------


def cleardown_admin_key(cycle_id: int, user_id: int) -> str:
    """Asking the prompter to post the prompt in the chat: once per cycle."""
    return f"cd-admin:{cycle_id}:{user_id}"


def cleardown_member_key(cycle_id: int, user_id: int) -> str:
    """Asking a member to clear the chat and confirm: once per cycle per member."""
    return f"cd-member:{cycle_id}:{user_id}"


def cleardown_member_reminder_key(cycle_id: int, user_id: int) -> str:
    """Reminding a member who has not confirmed by the deadline: once per cycle."""
    return f"cd-member-reminder:{cycle_id}:{user_id}"


def prompt_reminder_key(cycle_id: int, user_id: int) -> str:
    """Reminding the prompter who has not confirmed posting by the deadline: once per cycle."""
    return f"cd-prompt-reminder:{cycle_id}:{user_id}"


def prompt_escalated_key(first_cycle_id: int, sweep_at: datetime, user_id: int) -> str:
    """The digest telling the DPO (and deputy) of prompts not posted: one per sweep batch per
    recipient, named by the first cycle it lists and the sweep's instant (each cycle is claimed
    for one digest only, so two digests never list the same cycle)."""
    return f"cd-escalated:{first_cycle_id}:{_instant(sweep_at)}:{user_id}"


# --- Deputies (review fixes) ------------------------------------------------------------------


def deputy_named_key(group_id: int, deputy_id: int, at: datetime) -> str:
    """Telling someone they are now a group's deputy: once per time they were named."""
    return f"groups-deputy-named:{group_id}:{deputy_id}:{_instant(at)}"


def no_deputy_key(group_id: int, leaver_id: int, user_id: int) -> str:
    """Telling the DPO and the admin a group's deputy left: once per deputy who left."""
    return f"groups-no-deputy:{group_id}:{leaver_id}:{user_id}"
