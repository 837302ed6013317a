"""Seal the audit trail with a key from PORTAL_AUDIT_KEYS.

Events already written keep their plain SHA-256 hashes (the table refuses UPDATE, so they cannot
be re-sealed): the new key_id column is empty for them, and verify_audit checks them as they were
written. If there are any, one keyed event ("audit.keyed") is appended after them: it names the
last one's hash, so from now on nobody without the key can rewrite them unseen. Adding a column
with a default rewrites no row, so the append-only trigger is not involved.
"""

from django.db import migrations, models
from django.utils import timezone

from portal.lib.audit_seal import current_key_id, seal
from portal.lib.locks import AUDIT_CHAIN

def seal_from_here(apps, schema_editor):
    AuditEvent = apps.get_model("portal", "AuditEvent")
    if schema_editor.connection.vendor == "postgresql":
        # The portal may be appending while this runs: take the chain's lock, as it does.
        schema_editor.execute("SELECT pg_advisory_xact_lock(%s)", params=[AUDIT_CHAIN.id])
    legacy = AuditEvent.objects.count()
    if not legacy:
        return
    event = AuditEvent(
        at=timezone.now(),
        actor_label="system",
        verb="audit.keyed",
        changes={"events_sealed_without_a_key": legacy},
        prev_hash=AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first(),
        key_id=current_key_id(),
    )
    event.hash = seal(event)
    event.save()


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_user_sessions")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(seal_from_here, migrations.RunPython.noop),
    ]
