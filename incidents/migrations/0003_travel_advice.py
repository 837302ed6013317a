"""Travel advice becomes append-only: each piece of advice is a TravelAdvice row, never
overwritten. Advice already recorded on a notice moves into a row (by the adviser, at the time
given), then the notice's own advice fields go. On PostgreSQL a trigger refuses UPDATE and
DELETE on the new table (as on signed declarations), so raw SQL cannot alter what a traveller
was told either."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION incidents_travel_advice_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'travel advice cannot be changed: % refused on %', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER incidents_traveladvice_append_only
    BEFORE UPDATE OR DELETE ON incidents_traveladvice
    FOR EACH ROW EXECUTE FUNCTION incidents_travel_advice_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS incidents_traveladvice_append_only ON incidents_traveladvice;
DROP FUNCTION IF EXISTS incidents_travel_advice_append_only();
"""


def move_advice_into_rows(apps, schema_editor):
    TravelNotice = apps.get_model("incidents", "TravelNotice")
    TravelAdvice = apps.get_model("incidents", "TravelAdvice")
    TravelAdvice.objects.bulk_create(
        TravelAdvice(
            notice_id=notice.pk,
            advice=notice.advice,
            advised_by_id=notice.advised_by_id,
            advised_at=notice.advised_at,
        )
        for notice in TravelNotice.objects.exclude(advice="").filter(
            advised_by__isnull=False, advised_at__isnull=False
        )
    )


def move_latest_advice_back(apps, schema_editor):
    """Backwards: each notice gets its latest advice back (the earlier ones are lost)."""
    TravelNotice = apps.get_model("incidents", "TravelNotice")
    TravelAdvice = apps.get_model("incidents", "TravelAdvice")
    latest = {}
    for row in TravelAdvice.objects.order_by("advised_at", "pk"):
        latest[row.notice_id] = row
    for row in latest.values():
        TravelNotice.objects.filter(pk=row.notice_id).update(
            advice=row.advice, advised_by_id=row.advised_by_id, advised_at=row.advised_at
        )


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TravelAdvice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("advice", models.TextField()),
                ("advised_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "advised_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                # No reverse accessor yet: "advice" is still the notice's own field until the
                # advice has moved; it is named once that field has gone (below).
                (
                    "notice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="incidents.travelnotice",
                    ),
                ),
            ],
            options={"ordering": ["advised_at", "pk"]},
        ),
        migrations.AddConstraint(
            model_name="traveladvice",
            constraint=models.CheckConstraint(
                condition=models.Q(("advice", ""), _negated=True),
                name="travel_advice_says_something",
            ),
        ),
        migrations.RunPython(move_advice_into_rows, move_latest_advice_back),
        migrations.RemoveConstraint(model_name="travelnotice", name="travel_advice_recorded"),
        migrations.RemoveField(model_name="travelnotice", name="advice"),
        migrations.RemoveField(model_name="travelnotice", name="advised_at"),
        migrations.RemoveField(model_name="travelnotice", name="advised_by"),
        migrations.AlterField(
            model_name="traveladvice",
            name="notice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="advice",
                to="incidents.travelnotice",
            ),
        ),
        migrations.RunPython(append_only, drop_append_only),
    ]
