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
    # Register (the breach register and the DPO's figures)
    BREACH_REGISTER_EXPORTED = "incident.breach_register_exported", "Breach register exported"


class IncidentEmail(TextChoices):
    # Closing (any part)
    CLOSED = "incidents.closed", "Your incident report is closed"
