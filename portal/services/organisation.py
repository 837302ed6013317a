from django.db import transaction

from portal.access import client_ip
from portal.services.audit import audit_record


@transaction.atomic
def organisation_settings_update(*, form, by, request=None):
    """Save the organisation settings form and record what changed."""
    changed = {
        name: str(form.cleaned_data.get(name)) for name in form.changed_data if name != "logo"
    }
    if "logo" in form.changed_data:
        changed["logo"] = "replaced"
    settings_row = form.save()
    audit_record(
        verb="organisation.settings_changed",
        actor=by,
        obj=settings_row,
        changes=changed,
        ip=client_ip(request) if request else None,
    )
    return settings_row
