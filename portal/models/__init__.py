from .audit import AuditEvent
from .notifications import Notification
from .organisation import Department, OrganisationSettings
from .user import EmploymentType, User

__all__ = [
    "AuditEvent",
    "Department",
    "EmploymentType",
    "Notification",
    "OrganisationSettings",
    "User",
]
