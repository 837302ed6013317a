"""The incidents app's models: reports and what is done on them (incident), the DPO's breach
assessment (breach), and travel abroad with a work device (travel)."""

from incidents.models.breach import (
    Assessment,
    ConsequenceLikelihood,
    ContainmentAction,
    DataCategory,
    Effect,
    IcoReport,
    Likelihood,
    PeopleCategory,
    Regime,
    Risk,
    Severity,
)
from incidents.models.incident import (
    ROUTE_FIELDS,
    Alert,
    Attachment,
    HelpdeskAction,
    Incident,
    PendingUpload,
    PsdAssessment,
    ReferenceCounter,
    TimelineEntry,
)
from incidents.models.travel import NOTICE_DAYS, TravelAdvice, TravelNotice

__all__ = [
    "NOTICE_DAYS",
    "ROUTE_FIELDS",
    "Alert",
    "Assessment",
    "Attachment",
    "ConsequenceLikelihood",
    "ContainmentAction",
    "DataCategory",
    "Effect",
    "HelpdeskAction",
    "IcoReport",
    "Incident",
    "Likelihood",
    "PeopleCategory",
    "PendingUpload",
    "PsdAssessment",
    "ReferenceCounter",
    "Regime",
    "Risk",
    "Severity",
    "TimelineEntry",
    "TravelAdvice",
    "TravelNotice",
]
