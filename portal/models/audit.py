from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from portal.lib.audit_seal import seal


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One domain event, append-only, chained by hash to the one before it.

    The hash is an HMAC of every field below under the key `key_id` names (portal/lib/
    audit_seal.py), so changing any row, removing one or adding one breaks the chain at that
    point, and only a holder of the key could mend it; `manage.py verify_audit` finds and names
    the first broken link. On PostgreSQL triggers also refuse UPDATE, DELETE and TRUNCATE on the
    table (migrations 0002 and 0007).
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    # The actor's name at the time, so the record reads the same after a rename.
    actor_label = models.CharField(max_length=300, blank=True)
    verb = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The id of the key that sealed this event; empty for events from before keys were adopted.
    key_id = models.CharField(max_length=16, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_repr}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")

    def compute_hash(self) -> str:
        return seal(self)
