"""Every audit event annual declarations can record, with what it means in plain words.

The value is what the trail stores (never change one: years of events carry it); the label is
what the audit trail and its CSV show. Registered from declarations/plugin.py.
"""

from django.db.models import TextChoices


class DeclarationEvent(TextChoices):
    # Policies and their versions
    POLICY_CREATED = "policy.created", "Policy added"
    POLICY_UPDATED = "policy.updated", "Policy details changed"
    POLICY_VERSION_CREATED = "policy_version.created", "Policy version drafted"
    POLICY_VERSION_UPDATED = "policy_version.updated", "Draft policy version changed"
    POLICY_VERSION_PUBLISHED = "policy_version.published", "Policy version published"
    POLICY_VERSION_APPROVAL_REQUESTED = (
        "policy_version.approval_requested",
        "Policy version sent for approval",
    )
    POLICY_VERSION_APPROVED = "policy_version.approved", "Policy version approved"
    POLICY_VERSION_RETURNED = (
        "policy_version.returned",
        "Policy version sent back for changes",
    )
    POLICY_VERSION_APPROVAL_CLEARED = (
        "policy_version.approval_cleared",
        "Approval cleared: the draft was changed",
    )
    POLICY_REVIEWED = "policy.reviewed", "Policy review recorded"
    POLICY_REVIEW_REMINDERS_QUEUED = (
        "policy.review_reminders_queued",
        "Policy review reminders sent",
    )
    # Campaigns
    CAMPAIGN_CREATED = "campaign.created", "Campaign created"
    CAMPAIGN_UPDATED = "campaign.updated", "Draft campaign changed"
    CAMPAIGN_EXTRA_STATEMENT_ADDED = (
        "campaign.extra_statement_added",
        "Extra statement added to a campaign",
    )
    CAMPAIGN_EXTRA_STATEMENT_REMOVED = (
        "campaign.extra_statement_removed",
        "Extra statement removed from a campaign",
    )
    CAMPAIGN_CHECK_QUESTION_ADDED = (
        "campaign.check_question_added",
        "Question added to a campaign's comprehension check",
    )
    CAMPAIGN_CHECK_QUESTION_REMOVED = (
        "campaign.check_question_removed",
        "Question removed from a campaign's comprehension check",
    )
    CAMPAIGN_CHECK_SETTINGS_CHANGED = (
        "campaign.check_settings_changed",
        "Comprehension check's pass mark or attempts changed",
    )
    CAMPAIGN_OPENED = "campaign.opened", "Campaign opened"
    CAMPAIGN_CLOSED = "campaign.closed", "Campaign closed"
    CAMPAIGN_REOPENED = "campaign.reopened", "Closed campaign reopened"
    CAMPAIGN_REPEAT_PREPARED = (
        "campaign.repeat_prepared",
        "Next year's campaign prepared from a repeating one",
    )
    CAMPAIGN_REPEAT_STOPPED = "campaign.repeat_stopped", "Campaign's yearly repeat stopped"
    CAMPAIGN_AUTOMATIC_OPENING_FAILED = (
        "campaign.automatic_opening_failed",
        "Prepared campaign could not open by itself",
    )
    CAMPAIGN_PEOPLE_ASKED = "campaign.people_asked", "People asked to sign"
    CAMPAIGN_SUMMARY_RECIPIENTS_CHANGED = (
        "campaign.summary_recipients_changed",
        "Who receives a campaign's weekly summary changed",
    )
    CAMPAIGN_SUMMARY_SENT = "campaign.summary_sent", "Weekly campaign summary sent"
    CAMPAIGN_DEMO_DATES_MOVED = "campaign.demo_dates_moved", "Demo campaign dates moved back"
    # One person's declaration in a campaign
    OBLIGATION_PAUSED = "obligation.paused", "Declaration paused for one person"
    OBLIGATION_RESUMED = "obligation.resumed", "Declaration resumed for one person"
    OBLIGATION_EXTENDED = "obligation.extended", "Due date extended for one person"
    # One event per person reminded, also when many are reminded at once, so each person's
    # history shows it; `sent_together` says how many went in the same send.
    OBLIGATION_REMINDED_NOW = "obligation.reminded_now", "Reminder sent by hand"
    OBLIGATION_EXEMPTED = "obligation.exempted", "Person exempted from a declaration until a date"
    OBLIGATION_EXEMPTION_ENDED = (
        "obligation.exemption_ended",
        "Exemption ended early by an administrator",
    )
    OBLIGATION_EXEMPTION_EXPIRED = (
        "obligation.exemption_expired",
        "Exemption reached its end date: asked to sign again",
    )
    READING_OPENED = "reading.opened", "Policies opened to read before signing"
    CHECK_ATTEMPTED = "check.attempted", "Comprehension check answered"
    CHECK_ATTEMPTS_ALLOWED = (
        "check.attempts_allowed",
        "More attempts at the comprehension check allowed for one person",
    )
    DECLARATION_SIGNED = "declaration.signed", "Declaration signed"
    DECLARATION_SIGNATURE_REFUSED = (
        "declaration.signature_refused",
        "Signature refused: wrong name or password",
    )
    DECLARATION_REMINDERS_QUEUED = "declaration.reminders_queued", "Reminders sent"
    DECLARATION_ESCALATED_TO_LINE_MANAGERS = (
        "declaration.escalated_to_line_managers",
        "Overdue declarations sent to line managers",
    )
    DECLARATION_ESCALATED_TO_ADMINISTRATORS = (
        "declaration.escalated_to_administrators",
        "Overdue declarations sent to policy administrators",
    )
    DECLARATION_REPORT_EXPORTED = (
        "declaration.report_exported",
        "Compliance report downloaded (CSV)",
    )
    DECLARATION_REPORT_PDF_EXPORTED = (
        "declaration.report_pdf_exported",
        "Compliance report downloaded (PDF)",
    )


class DeclarationEmail(TextChoices):
    """Every email annual declarations send: the value names its templates
    (templates/declarations/emails/<name>…), the label says what it is for."""

    CAMPAIGN_OPENED = "declarations.campaign_opened", "A declaration campaign asks you to sign"
    RESIGN = "declarations.resign", "A policy changed materially: please sign again"
    REMINDER = "declarations.reminder", "Reminder (or overdue notice) to sign a declaration"
    REMIND_NOW = (
        "declarations.remind_now",
        "A line manager or policy administrator asks you to sign (sent by hand)",
    )
    DUE_TODAY = "declarations.due_today", "Your declaration is due within a day"
    OVERDUE_MANAGER = (
        "declarations.overdue_manager",
        "To a line manager: someone in your team has not signed",
    )
    OVERDUE_ADMIN = (
        "declarations.overdue_admin",
        "To policy administrators: who is still overdue, once a day",
    )
    RECEIPT = "declarations.receipt", "Your receipt: what you signed and when"
    REPEAT_PREPARED = (
        "declarations.repeat_prepared",
        "To policy administrators: next year's campaign is prepared, check it",
    )
    REPEAT_NOT_OPENED = (
        "declarations.repeat_not_opened",
        "To policy administrators: a prepared campaign could not open by itself",
    )
    EXEMPTION_ENDED = (
        "declarations.exemption_ended",
        "Your exemption has ended: please sign by a new date",
    )
    VERSION_APPROVAL_REQUESTED = (
        "declarations.version_approval_requested",
        "To other policy administrators: a policy version waits for your approval",
    )
    VERSION_APPROVED = (
        "declarations.version_approved",
        "To a version's author: it was approved and can be published",
    )
    VERSION_RETURNED = (
        "declarations.version_returned",
        "To a version's author: it was sent back for changes, with the reason",
    )
    POLICY_REVIEW_DUE = (
        "declarations.policy_review_due",
        "To a policy's owner: its review date is coming",
    )
    POLICY_REVIEW_OVERDUE = (
        "declarations.policy_review_overdue",
        "To a policy's owner: its review date has passed",
    )
    WEEKLY_SUMMARY = (
        "declarations.weekly_summary",
        "To named senior people: a campaign's figures, once a week while it is open",
    )
