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
    # Holds (FOI, subject access, investigation, litigation)
    HOLD_PLACED = "chat_hold.placed", "Hold placed on chat groups: nothing may be deleted"
    HOLD_NOTICES_ISSUED = "chat_hold.notices_issued", "Hold notice sent to someone who joined"
    HOLD_ACKNOWLEDGED = "chat_hold.acknowledged", "Hold notice acknowledged"
    HOLD_REISSUED = "chat_hold.reissued", "Hold notices sent again"
    HOLD_SEARCH_RECORDED = "chat_hold.search_recorded", "Search made for a held request recorded"
    HOLD_RELEASED = "chat_hold.released", "Hold on chat groups released"
    HOLD_NOTICES_REMINDED = "chat_hold.reminded", "Hold notice reminders sent"
    HOLD_NOTICES_ESCALATED = (
        "chat_hold.escalated",
        "Unacknowledged hold notices sent to line managers",
    )
    # Membership, leavers and reviews (the members part)
    MEMBER_CHAT_REMOVAL_CONFIRMED = (
        "chat_group.member_chat_removal_confirmed",
        "Admin confirmed a removed member was taken out of the chat itself",
    )
    LEAVER_REMOVED = (
        "chat_group.leaver_removed",
        "Leaver removed from their chat groups",
    )
    NEEDS_ADMIN = "chat_group.needs_admin", "Chat group's admin left: a new admin is needed"
    DEPUTY_LEFT = "chat_group.deputy_left", "Chat group's deputy admin left"
    ADMIN_CHANGED = "chat_group.admin_changed", "New admin named for a chat group"
    REVIEWED = "chat_group.reviewed", "Chat group's purpose and membership reviewed"
    REVIEW_REMINDERS_QUEUED = (
        "chat_group.review_reminders_queued",
        "Chat group review reminders sent",
    )
    # Registration (reg): changes to an approved registration, and the register's export
    CHANGE_PROPOSED = "chat_group.change_proposed", "Change to a chat group's registration proposed"
    CHANGE_APPROVED = "chat_group.change_approved", "Change to a chat group's registration approved"
    CHANGE_REFUSED = "chat_group.change_refused", "Change to a chat group's registration refused"
    CHANGE_RETURNED = (
        "chat_group.change_returned",
        "Changes asked for a proposed change to a chat group's registration",
    )
    REGISTER_EXPORTED = "chat_group.register_exported", "Chat group register exported"
    # Review fixes (fixreg): naming a deputy after approval
    DEPUTY_CHANGED = "chat_group.deputy_changed", "New deputy admin named for a chat group"


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
    # Holds
    HOLD_NOTICE = "groups.hold_notice", "Do not delete anything from your work chat group"
    HOLD_REMINDER = "groups.hold_reminder", "Reminder: acknowledge the notice not to delete"
    HOLD_ESCALATED = "groups.hold_escalated", "Someone has not acknowledged a notice not to delete"
    HOLD_RELEASED = "groups.hold_released", "A hold is released: clear-downs resume"
    # Membership, leavers and reviews (the members part)
    LEAVER_REMOVE = "groups.leaver_remove", "Remove a leaver from your work chat group"
    NEEDS_ADMIN = "groups.needs_admin", "A chat group's admin left: name a new admin"
    ADMIN_NAMED = "groups.admin_named", "You are now the admin of a work chat group"
    REVIEW_DUE = "groups.review_due", "Your chat group's review of purpose and members is due"
    REVIEW_OVERDUE = "groups.review_overdue", "A chat group's review is overdue"
    # Registration (reg)
    STATUS_CHANGED = "groups.status_changed", "Your chat group was suspended, reinstated or closed"
    # Review fixes (fixreg): deputies
    DEPUTY_NAMED = "groups.deputy_named", "You are now the deputy admin of a work chat group"
    NO_DEPUTY = "groups.no_deputy", "A chat group's deputy admin left: name a new deputy"
