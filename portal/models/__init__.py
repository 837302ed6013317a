from portal.models.audit import AuditEvent
from portal.models.holds import LegalHold
from portal.models.notifications import Notification
from portal.models.organisation import Department, OrganisationSettings
from portal.models.sessions import UserSession
from portal.models.user import EmploymentType, User

__all__ = [
    "AuditEvent",
    "Department",
    "EmploymentType",
    "LegalHold",
    "Notification",
    "OrganisationSettings",
    "User",
    "UserSession",
]
