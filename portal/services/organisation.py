from typing import Any

from django import forms
from django.db import transaction

from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int) else str(value)


@transaction.atomic
def organisation_settings_update(
    *, form: forms.ModelForm, by: User, ip: str | None = None
) -> OrganisationSettings:
    """Save a valid organisation settings form and record each change as from -> to."""
    changes: dict[str, Any] = {}
    for name in form.changed_data:
        if name == "logo":
            changes["logo"] = "removed" if not form.cleaned_data.get("logo") else "replaced"
            continue
        changes[name] = {
            "from": _plain(form.initial.get(name)),
            "to": _plain(form.cleaned_data.get(name)),
        }
    settings_row = form.save()
    if changes:
        audit_record(
            verb="organisation.settings_changed", actor=by, obj=settings_row, changes=changes, ip=ip
        )
    return settings_row
