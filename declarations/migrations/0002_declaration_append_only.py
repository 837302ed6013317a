"""On PostgreSQL, refuse UPDATE and DELETE on signed declarations and on the versions they name:
a declaration is evidence, written once (the model refuses too; this stops raw SQL and bulk
queryset calls that bypass the model)."""

from django.db import migrations

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION declarations_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'signed declarations cannot be changed: % refused on %', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER declarations_declaration_append_only
    BEFORE UPDATE OR DELETE ON declarations_declaration
    FOR EACH ROW EXECUTE FUNCTION declarations_append_only();
CREATE TRIGGER declarations_declaration_versions_append_only
    BEFORE UPDATE OR DELETE ON declarations_declaration_versions
    FOR EACH ROW EXECUTE FUNCTION declarations_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS declarations_declaration_versions_append_only
    ON declarations_declaration_versions;
DROP TRIGGER IF EXISTS declarations_declaration_append_only ON declarations_declaration;
DROP FUNCTION IF EXISTS declarations_append_only();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("declarations", "0001_initial")]

    operations = [migrations.RunPython(append_only, drop_append_only)]
