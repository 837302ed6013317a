"""Give the portal's database role exactly what it needs. Run as the tables' owner, after migrate.

The portal connects (DATABASE_URL) as a role that owns nothing; migrate and this command run as
the role that owns the tables. The portal's role gets SELECT, INSERT, UPDATE and DELETE on every
table, but only SELECT and INSERT on the append-only ones (those with an `..._append_only`
trigger: the audit trail, signed declarations); USAGE on the sequences; and the same by default
on what later migrations create (run it again after each migrate, as docker-compose.yml's
migrate service does, so a new append-only table loses UPDATE and DELETE). Not owning them, the
portal's role cannot TRUNCATE the tables, alter them, or disable or drop their triggers.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

APPEND_ONLY_TABLES = """
SELECT DISTINCT c.relname FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
  AND t.tgname LIKE '%\\_append\\_only'
ORDER BY c.relname
"""

# Owning a table, or being able to act as its owner, is what lets a role disable its triggers.
OWNED = """
SELECT count(*) FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND pg_has_role(%s, c.relowner, 'MEMBER')
"""


def grants(role: str, schema: str, append_only: list[str]) -> list[str]:
    q = connection.ops.quote_name
    role, schema = q(role), q(schema)
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        *(f"REVOKE UPDATE, DELETE ON {schema}.{q(table)} FROM {role}" for table in append_only),
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE ON SEQUENCES TO {role}",
    ]


class Command(BaseCommand):
    help = "Grant the portal's database role what it needs (run as the owner, after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("--role", default="portal_app", help="the role the portal uses")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's; there is nothing to grant here.")
        if not ROLE_NAME.fullmatch(role):
            raise CommandError(f"{role!r} is not a plain role name (lower case, digits, _).")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"There is no database role {role!r}; create it first.")
            if row[0]:
                raise CommandError(f"{role!r} is a superuser: the portal's role must not be one.")
            cursor.execute(OWNED, [role])
            if owned := cursor.fetchone()[0]:
                raise CommandError(
                    f"{role!r} owns (or can act as the owner of) {owned} tables or sequences: "
                    "the portal's role must own nothing. Run migrate as another role."
                )
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
            cursor.execute(APPEND_ONLY_TABLES)
            append_only = [name for (name,) in cursor.fetchall()]
            for statement in grants(role, schema, append_only):
                cursor.execute(statement)
        self.stdout.write(
            f"Granted {role} what the portal needs; append-only (SELECT and INSERT only): "
            f"{', '.join(append_only) or 'none'}."
        )
