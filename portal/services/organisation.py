from typing import Any

from django.core.files import File
from django.db import transaction

from portal.events import PortalEvent
from portal.models import Department, OrganisationSettings, User
from portal.services.audit import audit_record

# What the settings page may change, in the order it shows them; anything else passed in is a
# mistake in the caller.
EDITABLE_FIELDS = (
    "name",
    "short_name",
    "logo",
    "website_url",
    "helpdesk_phone",
    "helpdesk_email",
    "out_of_hours_phone",
    "dpo_name",
    "dpo_email",
    "dpo_phone",
    "chief_executive_name",
    "chief_executive_email",
    "clear_down_interval_days",
    "chat_group_review_months",
    "chat_group_size_limit",
    "ico_deadline_hours",
    "incident_triage_reminder_hours",
    "ico_alert_hours",
    "social_review_months",
    "social_rotation_reminder_days",
    "max_extension_days",
)


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int) else str(value)


@transaction.atomic
def organisation_settings_update(
    *, values: dict[str, Any], by: User, ip: str | None = None
) -> OrganisationSettings:
    """Set the organisation settings in `values` (already validated) and record each change as
    from -> to. `logo` is a new file to store, or a false value to remove the logo.

    The stored row is read afresh under a lock, so "from" is what the database held, not what
    the caller's copy said."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not an organisation setting: {', '.join(sorted(unknown))}")
    OrganisationSettings.load()
    row = OrganisationSettings.objects.select_for_update().get(pk=1)
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name == "logo":
            if isinstance(value, File) and not getattr(value, "_committed", False):
                changes["logo"] = "replaced"
                row.logo = value
            elif not value and row.logo:
                changes["logo"] = "removed"
                row.logo = ""
            continue
        before = getattr(row, name)
        if before != value:
            changes[name] = {"from": _plain(before), "to": _plain(value)}
            setattr(row, name, value)
    if changes:
        row.save()
        audit_record(
            verb=PortalEvent.ORGANISATION_SETTINGS_CHANGED,
            actor=by,
            obj=row,
            changes=changes,
            ip=ip,
        )
    return row


def _department_label(code: str, name: str) -> str:
    return f"{code}: {name}"


@transaction.atomic
def department_create(
    *, code: str, name: str, by: User | None, note: str = "", ip: str | None = None
) -> Department:
    """Add a department. Its code is HR's key for it (the staff import matches on it). `note`
    says how, when it is not by hand (the staff import names its file)."""
    department = Department.objects.create(code=code.strip(), name=name.strip())
    changes = {"code": department.code, "name": department.name}
    if note:
        changes["via"] = note
    audit_record(
        verb=PortalEvent.DEPARTMENT_CREATED,
        actor=by,
        obj=department,
        object_repr=_department_label(department.code, department.name),
        changes=changes,
        ip=ip,
    )
    return department


@transaction.atomic
def department_update(
    *, department: Department, code: str, name: str, by: User | None, ip: str | None = None
) -> Department:
    """Rename a department or change its code, recording each change as from -> to. The stored
    row is read afresh under a lock, so "from" is what the database held."""
    row = Department.objects.select_for_update().get(pk=department.pk)
    changes = {
        field: {"from": getattr(row, field), "to": value.strip()}
        for field, value in (("code", code), ("name", name))
        if getattr(row, field) != value.strip()
    }
    if changes:
        for field, change in changes.items():
            setattr(row, field, change["to"])
        row.save(update_fields=list(changes))
        audit_record(
            verb=PortalEvent.DEPARTMENT_CHANGED,
            actor=by,
            obj=row,
            object_repr=_department_label(row.code, row.name),
            changes=changes,
            ip=ip,
        )
    return row
