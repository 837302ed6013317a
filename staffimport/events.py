"""Every audit event the staff import can record, with what it means in plain words.

The value is what the trail stores (never change one: years of events carry it); the label is
what the audit trail and its CSV show.
"""

from django.db.models import TextChoices


class StaffImportEvent(TextChoices):
    UPLOADED = "staff_import.uploaded", "Staff import: file uploaded"
    APPLY_REQUESTED = "staff_import.apply_requested", "Staff import: asked to apply the changes"
    APPLIED = "staff_import.applied", "Staff import: changes applied"
    FAILED = "staff_import.failed", "Staff import: stopped before finishing"
    CHANGE_HELD = (
        "staff_import.change_held",
        "Staff import: change to a privileged person held for approval",
    )
    CHANGE_APPROVED = "staff_import.change_approved", "Staff import: held change approved"
    CHANGE_REFUSED = "staff_import.change_refused", "Staff import: held change refused"
    USER_IMPORTED = "user.imported", "Person added by the staff import"


class StaffImportEmail(TextChoices):
    CHANGES_HELD = (
        "staffimport.changes_held",
        "To system administrators: an import's changes to privileged people await approval",
    )
