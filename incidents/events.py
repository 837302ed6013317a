"""Every audit event and email of the incidents app, with what each means in plain words.

The value is what the trail stores or names the email's templates (never change one: years of
events carry it); the label is what the audit trail, its CSV and the settings page show.
Registered from incidents/plugin.py. Each part of the app adds its own under its heading.
"""

from django.db.models import TextChoices


class IncidentEvent(TextChoices):
    # Reporting
    INCIDENT_REPORTED = "incident.reported", "Incident reported"
    INFORMATION_ADDED = "incident.information_added", "Information added to an incident report"
    ATTACHMENT_ADDED = "incident.attachment_added", "File attached to an incident report"
    ATTACHMENT_DOWNLOADED = "incident.attachment_downloaded", "Incident file downloaded"
    # Closing (any part)
    INCIDENT_CLOSED = "incident.closed", "Incident closed"
    # Handling (queues, the timeline, the helpdesk's and Professional Standards' parts)
    NOTE_ADDED = "incident.note_added", "Internal note added to an incident"
    MESSAGE_SENT = "incident.message_sent", "Message sent to an incident's reporter"
    REFERRED_TO_DPO = "incident.referred_to_dpo", "Incident referred to the DPO"
    HELPDESK_ACTION = "incident.helpdesk_action", "Helpdesk action recorded on an incident"
    HELPDESK_DONE = "incident.helpdesk_done", "Helpdesk finished its part of an incident"
    PSD_ASSESSED = "incident.psd_assessed", "Professional Standards assessment recorded"
    TIMELINE_EXPORTED = "incident.timeline_exported", "Incident timeline exported (CSV)"


class IncidentEmail(TextChoices):
    # Closing (any part)
    CLOSED = "incidents.closed", "Your incident report is closed"
    # Handling
    MESSAGE = "incidents.message", "A new message on your incident report"
    REFERRED = "incidents.referred", "An incident referred to the DPO"
