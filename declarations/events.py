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
    CAMPAIGN_PEOPLE_ASKED = "campaign.people_asked", "People asked to sign"
    CAMPAIGN_DEMO_DATES_MOVED = "campaign.demo_dates_moved", "Demo campaign dates moved back"
    # One person's declaration in a campaign
    OBLIGATION_PAUSED = "obligation.paused", "Declaration paused for one person"
    OBLIGATION_RESUMED = "obligation.resumed", "Declaration resumed for one person"
    OBLIGATION_EXTENDED = "obligation.extended", "Due date extended for one person"
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


class DeclarationEmail(TextChoices):
    """Every email annual declarations send: the value names its templates
    (templates/declarations/emails/<name>…), the label says what it is for."""

    CAMPAIGN_OPENED = "declarations.campaign_opened", "A declaration campaign asks you to sign"
    RESIGN = "declarations.resign", "A policy changed materially: please sign again"
    REMINDER = "declarations.reminder", "Reminder (or overdue notice) to sign a declaration"
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
