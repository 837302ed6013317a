"""Obligation.signed_at (a copy of the declaration's), and the campaign tally: on PostgreSQL,
statement-level triggers keep declarations_campaigntally equal to a count of the obligations
of active people, in the transaction that changes them, so every page that counts a campaign
reads a few rows instead of every obligation (issue 8: speed at 250,000 people).

Each trigger adds the rows a statement wrote and takes away the rows it replaced, grouped,
so a change that moves nothing counted (a reminder stamp) writes nothing.

Locks: a tally row is shared by everyone in its group, so two transactions could each hold one
lock the other wants: one holding the audit trail's chain lock (taken by every audited change,
held to commit) and wanting a tally row, the other holding that row and wanting the chain. So
before writing, a trigger takes the chain lock itself: every transaction then takes the chain
first and the tally rows after, always in key order, and none waits for another in a circle.
Every change that moves a count is audited anyway, so this serialises nothing new."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from portal.lib.locks import AUDIT_CHAIN

TALLY = "declarations_campaigntally"
KEY = "campaign_id, department_id, employment_type, status, late, due_at"


def _counted(
    obligations: str, people: str, sign: str, extra_join: str = "", where: str = ""
) -> str:
    """One side of a change: each obligation row of an active person, with its group and
    +1 or -1."""
    return f"""
        SELECT o.campaign_id, coalesce({people}.department_id, 0) AS department_id,
               {people}.employment_type, o.status,
               coalesce(o.status = 'signed' AND o.signed_at > o.due_at, false) AS late,
               o.due_at, {sign} AS n
          FROM {obligations} {extra_join}
         WHERE {people}.is_active {where}"""  # noqa: S608 (made of this file's constants)


def _apply(*sides: str) -> str:
    """Add the sides' counts, by group, to the tally."""
    union = " UNION ALL ".join(sides)
    return f"""
    INSERT INTO {TALLY} AS t ({KEY}, n)
    SELECT {KEY}, sum(n) FROM ({union}) AS change
     GROUP BY {KEY} HAVING sum(n) <> 0
     ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + excluded.n;"""  # noqa: S608 (as above)


def _obligations(rows: str, sign: str) -> str:
    return _counted(f"{rows} o JOIN portal_user u ON u.id = o.user_id", "u", sign)


# A person's department, employment type or being active moved: their obligations move group.
_MOVED = (
    "AND (ou.is_active, ou.department_id, ou.employment_type)"
    " IS DISTINCT FROM (nu.is_active, nu.department_id, nu.employment_type)"
)


def _people(people: str, sign: str) -> str:
    return _counted(
        "new_people nu JOIN old_people ou ON ou.id = nu.id"
        " JOIN declarations_obligation o ON o.user_id = nu.id",
        people,
        sign,
        where=_MOVED,
    )


# Columns whose change can move an obligation between groups.
_COUNTED = "campaign_id, user_id, status, due_at, signed_at"

TRIGGERS_SQL = f"""
CREATE FUNCTION declarations_tally_obligations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (
            SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.{_COUNTED.replace(", ", ", n.")})
                   IS DISTINCT FROM (o.{_COUNTED.replace(", ", ", o.")})
        ) THEN RETURN NULL; END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM old_rows) THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock({AUDIT_CHAIN.id});
    IF TG_OP = 'INSERT' THEN
        {_apply(_obligations("new_rows", "1"))}
    ELSIF TG_OP = 'UPDATE' THEN
        {_apply(_obligations("new_rows", "1"), _obligations("old_rows", "-1"))}
    ELSE
        {_apply(_obligations("old_rows", "-1"))}
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER declarations_tally_insert AFTER INSERT ON declarations_obligation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_tally_obligations();
CREATE TRIGGER declarations_tally_update AFTER UPDATE ON declarations_obligation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_tally_obligations();
CREATE TRIGGER declarations_tally_delete AFTER DELETE ON declarations_obligation
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_tally_obligations();

CREATE FUNCTION declarations_tally_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM new_people nu JOIN old_people ou ON ou.id = nu.id
         WHERE EXISTS (SELECT 1 FROM declarations_obligation o WHERE o.user_id = nu.id) {_MOVED}
    ) THEN RETURN NULL; END IF;
    PERFORM pg_advisory_xact_lock({AUDIT_CHAIN.id});
    {_apply(_people("nu", "1"), _people("ou", "-1"))}
    RETURN NULL;
END $$;

-- People are never deleted while they have obligations (the foreign key protects them), and
-- a new person has none, so only an update can move a count.
CREATE TRIGGER declarations_tally_people AFTER UPDATE ON portal_user
    REFERENCING OLD TABLE AS old_people NEW TABLE AS new_people
    FOR EACH STATEMENT EXECUTE FUNCTION declarations_tally_people();

-- What the campaigns count already, before the triggers take over.
{_apply(_obligations("declarations_obligation", "1"))}
"""  # noqa: S608 (as above)

DROP_SQL = """
DROP TRIGGER IF EXISTS declarations_tally_people ON portal_user;
DROP TRIGGER IF EXISTS declarations_tally_insert ON declarations_obligation;
DROP TRIGGER IF EXISTS declarations_tally_update ON declarations_obligation;
DROP TRIGGER IF EXISTS declarations_tally_delete ON declarations_obligation;
DROP FUNCTION IF EXISTS declarations_tally_people();
DROP FUNCTION IF EXISTS declarations_tally_obligations();
"""


def copy_signed_at(apps, schema_editor):
    Obligation = apps.get_model("declarations", "Obligation")
    Declaration = apps.get_model("declarations", "Declaration")
    Obligation.objects.filter(status="signed").update(
        signed_at=Subquery(
            Declaration.objects.filter(obligation=OuterRef("pk")).values("signed_at")[:1]
        )
    )


def tally_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS_SQL, params=None)


def drop_tally_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0011_reading_evidence_and_checks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="obligation",
            name="signed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(copy_signed_at, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="obligation",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "signed"), _negated=True)
                | models.Q(signed_at__isnull=False),
                name="signed_says_when",
            ),
        ),
        migrations.CreateModel(
            name="CampaignTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="declarations.campaign",
                    ),
                ),
                (
                    "department_id",
                    models.IntegerField(help_text="The person's department; 0 for none."),
                ),
                ("employment_type", models.CharField(max_length=20)),
                ("status", models.CharField(max_length=10)),
                (
                    "late",
                    models.BooleanField(help_text="Signed after the due date (signed_late)."),
                ),
                ("due_at", models.DateTimeField()),
                ("n", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "campaign",
                            "department_id",
                            "employment_type",
                            "status",
                            "late",
                            "due_at",
                        ),
                        name="one_tally_per_group",
                    )
                ]
            },
        ),
        migrations.RunPython(tally_triggers, drop_tally_triggers),
    ]
