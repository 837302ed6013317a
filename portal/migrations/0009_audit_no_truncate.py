"""On PostgreSQL, refuse TRUNCATE on audit events as 0002 refuses UPDATE and DELETE: TRUNCATE
fires no row trigger, so it needs its own (statement-level, with the same function)."""

from django.db import migrations

NO_TRUNCATE_SQL = """
CREATE TRIGGER portal_auditevent_no_truncate
    BEFORE TRUNCATE ON portal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION portal_audit_append_only();
"""
DROP_SQL = "DROP TRIGGER IF EXISTS portal_auditevent_no_truncate ON portal_auditevent;"


def no_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_TRUNCATE_SQL, params=None)


def drop_no_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0008_auditevent_key_id")]

    operations = [migrations.RunPython(no_truncate, drop_no_truncate)]
