"""Every audit event and email of the social media app, with what each means in plain words.

The value is what the trail stores or names the email's templates (never change one: years of
events carry it); the label is what the audit trail, its CSV and the settings page show.
Registered from socialmedia/plugin.py. No event or email ever carries a secret: a credential
change records which fields changed, never their values.
"""

from django.db.models import TextChoices


class SocialEvent(TextChoices):
    # ---- Applications and decisions ----
    APPLIED = "social_account.applied", "Social media account applied for"
    APPLICATION_REVISED = "social_account.revised", "Social media application revised and resent"
    APPROVED = "social_account.approved", "Social media account approved"
    REFUSED = "social_account.refused", "Social media account refused"
    CHANGES_ASKED = "social_account.changes_asked", "Changes asked for a social media application"
    REGISTER_EXPORTED = "social_account.register_exported", "Social media register downloaded"
    # ---- Opening and the credential register ----
    OPENED = "social_account.opened", "Social media account recorded as open"
    CREDENTIALS_REGISTERED = "credential.registered", "Account credentials registered"
    CREDENTIALS_UPDATED = "credential.updated", "Account credentials updated"
    PASSWORD_CHANGED = "credential.password_changed", "New account password recorded"
    REVEALED = "credential.revealed", "Account credentials revealed"
    REVEAL_REFUSED = "credential.reveal_refused", "Request to reveal credentials refused"
    KEYS_ROTATED = "credential.keys_rotated", "Credentials resealed under the newest key"
    # ---- The team, leavers, hand-over and closure ----
    TEAM_MEMBER_ADDED = "social_account.team_added", "Added to a social media account's team"
    TEAM_MEMBER_REMOVED = (
        "social_account.team_removed",
        "Removed from a social media account's team",
    )
    LEAVER_REMOVED = "social_account.leaver_removed", "Leaver taken off social media account teams"
    ROTATION_DUE = "social_account.rotation_due", "Social media password change due"
    RENAMED = "social_account.renamed", "Social media account name changed"
    HANDOVER_PROPOSED = (
        "social_account.handover_proposed",
        "Social media account hand-over proposed",
    )
    HANDOVER_ACCEPTED = "social_account.handover_accepted", "Social media account handed over"
    HANDOVER_DECLINED = (
        "social_account.handover_declined",
        "Social media account hand-over declined",
    )
    HANDOVER_WITHDRAWN = (
        "social_account.handover_withdrawn",
        "Social media account hand-over withdrawn",
    )
    CLOSED = "social_account.closed", "Social media account closed"
    SUSPENDED = "social_account.suspended", "Social media account suspended pending changes"
    REINSTATED = "social_account.reinstated", "Social media account suspension lifted"
    CLOSURE_ORDERED = "social_account.closure_ordered", "Social media account ordered closed"
    OWNER_ASSIGNED = (
        "social_account.owner_assigned",
        "New owner named for a social media account whose owner left",
    )
    # ---- Reviews and reminders ----
    REVIEWED = "social_account.reviewed", "Social media account review confirmed"
    REMINDERS_SENT = "social_account.reminders_sent", "Social media reminders sent"
    # ---- Permissions from the Chief Executive ----
    PERMISSION_REQUESTED = "permission.requested", "Permission asked of the Chief Executive"
    PERMISSION_REVISED = "permission.revised", "Permission request revised and resent"
    PERMISSION_APPROVED = "permission.approved", "Permission given"
    PERMISSION_APPROVED_WITH_CONDITIONS = (
        "permission.approved_with_conditions",
        "Permission given with conditions",
    )
    PERMISSION_CHANGES_ASKED = "permission.changes_asked", "Changes asked for a permission request"
    PERMISSION_REFUSED = "permission.refused", "Permission refused"
    PERMISSION_WITHDRAWN = "permission.withdrawn", "Permission request withdrawn"
    PERMISSION_FILE_DOWNLOADED = "permission.file_downloaded", "Permission request file downloaded"


class SocialEmail(TextChoices):
    # ---- Applications and decisions ----
    APPLICATION_RECEIVED = "socialmedia.application_received", "Social media application to decide"
    APPLICATION_DECIDED = (
        "socialmedia.application_decided",
        "Decision on a social media application",
    )
    # ---- Opening and the credential register ----
    CREDENTIALS_CHANGED = "socialmedia.credentials_changed", "Social media credentials changed"
    BREAK_GLASS = "socialmedia.break_glass", "A delegate revealed social media credentials"
    # ---- The team, leavers, hand-over and closure ----
    ROTATION_DUE = "socialmedia.rotation_due", "Social media password must be changed"
    ACCOUNT_CHANGED = "socialmedia.account_changed", "Social media account name or owner changed"
    HANDOVER_PROPOSED = "socialmedia.handover_proposed", "Social media account offered to you"
    HANDOVER_ANSWERED = "socialmedia.handover_answered", "Answer to a social media hand-over"
    ACCOUNT_ORDER = "socialmedia.account_order", "Chief Executive's order about an account"
    ACCOUNT_CLOSED = "socialmedia.account_closed", "Social media account closed"
    NEEDS_OWNER = "socialmedia.needs_owner", "Social media account whose owner left"
    OWNER_ASSIGNED = "socialmedia.owner_assigned", "Social media account given to you"
    HANDOVER_WITHDRAWN = (
        "socialmedia.handover_withdrawn",
        "Social media account no longer offered to you",
    )
    # ---- Reviews and reminders ----
    ROTATION_REMINDER = (
        "socialmedia.rotation_reminder",
        "Reminder: social media password change due",
    )
    REVIEW_DUE = "socialmedia.review_due", "Social media account review due"
    REVIEW_OVERDUE = "socialmedia.review_overdue", "Social media account reviews overdue"
    REVIEW_CONCERNS = (
        "socialmedia.review_concerns",
        "Social media review: team or website link not right",
    )
    # ---- Permissions from the Chief Executive ----
    PERMISSION_RECEIVED = "socialmedia.permission_received", "Permission request to decide"
    PERMISSION_DECIDED = "socialmedia.permission_decided", "Decision on a permission request"
    PERMISSION_WITHDRAWN = (
        "socialmedia.permission_withdrawn",
        "Permission request withdrawn before a decision",
    )
