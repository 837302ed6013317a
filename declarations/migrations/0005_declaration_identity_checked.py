"""A declaration records how the person proved who they were as they signed, and when.

Adding columns rewrites no row (PostgreSQL stores a constant default in the catalogue), so the
append-only triggers of 0002 and 0004 are not involved, and rows already signed read as a
password re-entered at signing, which is what they were."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("declarations", "0004_declaration_no_truncate")]

    operations = [
        migrations.AddField(
            model_name="declaration",
            name="identity_checked_by",
            field=models.CharField(
                choices=[
                    ("password", "Re-entered their portal password"),
                    ("identity_provider", "Signed in again at the identity provider"),
                ],
                default="password",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="declaration",
            name="identity_checked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
