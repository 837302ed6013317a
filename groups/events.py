"""Every audit event and email of the chat-group register, with what each means in plain words.

The value is what the trail stores or names the email's templates (never change one: years of
events carry it); the label is what the audit trail, its CSV and the settings page show.
Registered from groups/plugin.py.
"""

from django.db.models import TextChoices


class GroupEvent(TextChoices):
    # Registration and the DPO's decisions
    GROUP_DRAFTED = "chat_group.drafted", "Chat group application started"
    GROUP_DRAFT_SAVED = "chat_group.draft_saved", "Chat group application saved as a draft"
    GROUP_SUBMITTED = "chat_group.submitted", "Chat group application sent to the DPO"
    GROUP_APPROVED = "chat_group.approved", "Chat group approved"
    GROUP_REFUSED = "chat_group.refused", "Chat group application refused"
    GROUP_CHANGES_ASKED = "chat_group.changes_asked", "Changes asked for a chat group application"
    GROUP_SUSPENDED = "chat_group.suspended", "Chat group suspended"
    GROUP_REINSTATED = "chat_group.reinstated", "Suspended chat group reinstated"
    GROUP_CLOSED = "chat_group.closed", "Chat group closed"
    GROUP_CHAT_DELETED = "chat_group.chat_deleted", "Closed chat group's chat confirmed deleted"
    # Membership
    MEMBER_ADDED = "chat_group.member_added", "Member added to a chat group"
    MEMBER_REMOVED = "chat_group.member_removed", "Member removed from a chat group"
    EXTERNAL_MEMBER_ADDED = "chat_group.external_added", "External member added to a chat group"
    EXTERNAL_MEMBER_REMOVED = (
        "chat_group.external_removed",
        "External member removed from a chat group",
    )
    RULES_ACKNOWLEDGED = "chat_group.rules_acknowledged", "Chat group rules acknowledged"
    # Clear-downs
    CYCLES_OPENED = "clear_down.cycles_opened", "Clear-down periods opened"
    PROMPT_POSTED = "clear_down.prompt_posted", "Admin confirmed the clear-down prompt was posted"
    CLEARED = "clear_down.confirmed", "Member confirmed they cleared the chat"
    CLEAR_DOWN_REMINDERS_QUEUED = "clear_down.reminders_queued", "Clear-down reminders sent"
    CLEAR_DOWN_ESCALATED = "clear_down.escalated", "DPO told a clear-down prompt was not posted"
    CYCLES_WITHDRAWN = "clear_down.withdrawn", "Clear-down prompts withdrawn under a hold"
    # Concerns
    CONCERN_RAISED = "chat_group.concern_raised", "Concern about a chat group raised"
    CONCERN_RESOLVED = "chat_group.concern_resolved", "Concern about a chat group dealt with"


class GroupEmail(TextChoices):
    """Every email the register sends: the value names its templates
    (templates/groups/emails/<name>…), the label says what it is for."""

    SUBMITTED = "groups.submitted", "A chat group application awaits the DPO's decision"
    DECIDED = "groups.decided", "The DPO's decision on your chat group application"
    RULES = "groups.rules", "You were added to a work chat group: its purpose and rules"
    CLEAR_DOWN = "groups.clear_down", "Time to clear your work chat group"
    CLEAR_DOWN_ADMIN = "groups.clear_down_admin", "Post the clear-down prompt in your group"
    CLEAR_DOWN_REMINDER = "groups.clear_down_reminder", "Reminder: confirm you cleared the chat"
    PROMPT_REMINDER = "groups.prompt_reminder", "Reminder: post the clear-down prompt"
    PROMPT_ESCALATED = "groups.prompt_escalated", "A group's clear-down prompt was not posted"
    CONCERN = "groups.concern", "A concern about a chat group was raised"
