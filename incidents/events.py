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
    # Clocks (the sweep: incidents/services/clocks.py)
    UNTRIAGED_REMINDED = (
        "incident.untriaged_reminded",
        "DPO reminded of incidents not yet triaged",
    )
    ICO_CLOCK_ALERTED = "incident.ico_clock_alerted", "DPO alerted to the ICO deadline"
    ACTIONS_REMINDED = "incident.actions_reminded", "Breach action owners reminded"
    # Travel abroad with a work device
    TRAVEL_TOLD = "travel.told", "Travel abroad with a work device told to Information Security"
    TRAVEL_ADVISED = "travel.advised", "Information Security's travel advice recorded"
    # Register (the breach register and the DPO's figures)
    BREACH_REGISTER_EXPORTED = "incident.breach_register_exported", "Breach register exported"
    # Triage (the DPO's assessment, the ICO clock and reports, containment actions)
    TRIAGED = "incident.triaged", "Incident triaged by the DPO"
    ICO_DECIDED = "incident.ico_decided", "Decision on telling the ICO recorded"
    ICO_NOTIFIED = "incident.ico_notified", "Report to the ICO recorded"
    SUBJECTS_TOLD = "incident.subjects_told", "Telling the people affected recorded"
    ICO_DETAILS = "incident.ico_details", "Breach details for the ICO recorded"
    ACTION_ADDED = "incident.action_added", "Containment or recovery action added"
    ACTION_DONE = "incident.action_done", "Containment or recovery action done"
    # Handling (queues, the timeline, the helpdesk's and Professional Standards' parts)
    NOTE_ADDED = "incident.note_added", "Internal note added to an incident"
    MESSAGE_SENT = "incident.message_sent", "Message sent to an incident's reporter"
    REFERRED_TO_DPO = "incident.referred_to_dpo", "Incident referred to the DPO"
    HELPDESK_ACTION = "incident.helpdesk_action", "Helpdesk action recorded on an incident"
    HELPDESK_DONE = "incident.helpdesk_done", "Helpdesk finished its part of an incident"
    PSD_ASSESSED = "incident.psd_assessed", "Professional Standards assessment recorded"
    TIMELINE_EXPORTED = "incident.timeline_exported", "Incident timeline exported (CSV)"


class IncidentEmail(TextChoices):
    # Reporting
    REPORTED = "incidents.reported", "A new incident report for you to deal with"
    REPORT_RECEIVED = "incidents.report_received", "Your incident report was received"
    INFORMATION_ADDED = "incidents.information_added", "New information on an incident report"
    # Closing (any part)
    CLOSED = "incidents.closed", "Your incident report is closed"
    # Clocks
    UNTRIAGED = "incidents.untriaged_reminder", "An incident is waiting for the DPO's triage"
    ICO_CLOCK = "incidents.ico_clock_alert", "Time left to tell the ICO of a breach"
    ACTION_DUE = "incidents.action_due", "A breach action you own is due"
    # Travel abroad with a work device
    TRAVEL_TOLD = "incidents.travel_told", "Travel abroad with a work device (to the helpdesk)"
    TRAVEL_PRECAUTIONS = (
        "incidents.travel_precautions",
        "Precautions for travel abroad with a work device",
    )
    TRAVEL_ADVICE = "incidents.travel_advice", "Information Security's advice on your travel"
    # Triage
    ACTION_ASSIGNED = "incidents.action_assigned", "An incident action for you"
    # Handling
    MESSAGE = "incidents.message", "A new message on your incident report"
    REFERRED = "incidents.referred", "An incident referred to the DPO"
