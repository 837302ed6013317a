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
    # Triage (the DPO's assessment, the ICO clock and reports, containment actions)
    TRIAGED = "incident.triaged", "Incident triaged by the DPO"
    ICO_DECIDED = "incident.ico_decided", "Decision on telling the ICO recorded"
    ICO_NOTIFIED = "incident.ico_notified", "Report to the ICO recorded"
    SUBJECTS_TOLD = "incident.subjects_told", "Telling the people affected recorded"
    ICO_DETAILS = "incident.ico_details", "Breach details for the ICO recorded"
    ACTION_ADDED = "incident.action_added", "Containment or recovery action added"
    ACTION_DONE = "incident.action_done", "Containment or recovery action done"


class IncidentEmail(TextChoices):
    # Closing (any part)
    CLOSED = "incidents.closed", "Your incident report is closed"
    # Triage
    ACTION_ASSIGNED = "incidents.action_assigned", "An incident action for you"
