"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE on the social media record: the Chief
Executive's decisions, owners' reviews, reminders sent, every reveal of a secret and every
password change, and the permission requests' versions and decisions. Each is written once, a
later step being a new row (the services never change them; this stops raw SQL and bulk
queryset calls). TRUNCATE fires no row trigger, so it has its own, as in incidents 0002."""

from django.db import migrations

TABLES = (
    "socialmedia_decision",
    "socialmedia_review",
    "socialmedia_reminder",
    "socialmedia_reveal",
    "socialmedia_rotation",
    "socialmedia_requestversion",
    "socialmedia_permissiondecision",
)

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION socialmedia_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a social media record cannot be changed: % refused on %', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS_SQL = """
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION socialmedia_append_only();
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION socialmedia_append_only();
"""

DROP_TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
"""

APPEND_ONLY_SQL = FUNCTION_SQL + "".join(TRIGGERS_SQL.format(table=table) for table in TABLES)

DROP_SQL = "".join(DROP_TRIGGERS_SQL.format(table=table) for table in TABLES) + (
    "DROP FUNCTION IF EXISTS socialmedia_append_only();"
)


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("socialmedia", "0001_initial")]

    operations = [migrations.RunPython(append_only, drop_append_only)]
