"""The staff import, taken over from portal (portal 0004) without touching the database: the
model keeps its table, portal_staffimport, so existing imports, their files and their audit
events stay as they were. On a new database portal 0003 has already made the table."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import staffimport.models


def _content_type_follows(apps, schema_editor, old: str, new: str) -> None:
    # Permissions and anything else keyed on the content type follow the model to its new app;
    # without this a stale "portal | staff import" type would be left behind.
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=new, model="staffimport").exists():
        return
    ContentType.objects.filter(app_label=old, model="staffimport").update(app_label=new)


def forwards(apps, schema_editor):
    _content_type_follows(apps, schema_editor, "portal", "staffimport")


def backwards(apps, schema_editor):
    _content_type_follows(apps, schema_editor, "staffimport", "portal")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0004_staff_import_moves_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffImport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("web", "Uploaded in the portal"),
                                    ("command", "Run from the command line"),
                                ],
                                default="web",
                                max_length=10,
                            ),
                        ),
                        (
                            "file_name",
                            models.CharField(max_length=255, verbose_name="file name as uploaded"),
                        ),
                        (
                            "stored_file",
                            models.FileField(
                                max_length=255, upload_to=staffimport.models._stored_name
                            ),
                        ),
                        (
                            "sha256",
                            models.CharField(max_length=64, verbose_name="SHA-256 of the file"),
                        ),
                        ("size_bytes", models.PositiveBigIntegerField(default=0)),
                        (
                            "deactivate_missing",
                            models.BooleanField(
                                default=False,
                                verbose_name="deactivate people missing from this file",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("validating", "Checking the file"),
                                    ("invalid", "Problems found: nothing changed"),
                                    ("previewed", "Checked: ready to apply"),
                                    ("applying", "Applying the changes"),
                                    ("done", "Applied"),
                                    ("failed", "Stopped by an error"),
                                ],
                                default="validating",
                                max_length=12,
                            ),
                        ),
                        ("stage", models.CharField(blank=True, max_length=100)),
                        ("total_rows", models.PositiveIntegerField(default=0)),
                        ("processed_rows", models.PositiveIntegerField(default=0)),
                        ("counts", models.JSONField(blank=True, default=dict)),
                        ("problems", models.JSONField(blank=True, default=list)),
                        ("problem_count", models.PositiveIntegerField(default=0)),
                        ("preview", models.JSONField(blank=True, default=dict)),
                        ("plan_digest", models.CharField(blank=True, max_length=64)),
                        ("error", models.TextField(blank=True)),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("validated_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "started_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="apply started"
                            ),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="apply finished"
                            ),
                        ),
                        ("progress_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "applied_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "portal_staffimport",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
