"""An object's history as the audit trail recorded it, for the "History" section of its page.
Show it with `{% include "portal/_audit_history.html" with history=... caption=... empty=... %}`.
"""

from django.db.models import Model, QuerySet

from portal.models import AuditEvent


def audit_history(obj: Model) -> QuerySet[AuditEvent]:
    """Every event recorded against `obj`, oldest first (the order things happened in)."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("id")
