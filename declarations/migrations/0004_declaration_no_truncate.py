"""On PostgreSQL, refuse TRUNCATE on signed declarations and the versions they name, as 0002
refuses UPDATE and DELETE: TRUNCATE fires no row trigger, so it needs its own."""

from django.db import migrations

NO_TRUNCATE_SQL = """
CREATE TRIGGER declarations_declaration_no_truncate
    BEFORE TRUNCATE ON declarations_declaration
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_append_only();
CREATE TRIGGER declarations_declaration_versions_no_truncate
    BEFORE TRUNCATE ON declarations_declaration_versions
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS declarations_declaration_versions_no_truncate
    ON declarations_declaration_versions;
DROP TRIGGER IF EXISTS declarations_declaration_no_truncate ON declarations_declaration;
"""


def no_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_TRUNCATE_SQL, params=None)


def drop_no_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("declarations", "0003_declaration_password_set_by_other")]

    operations = [migrations.RunPython(no_truncate, drop_no_truncate)]
