"""A declaration records whether the password re-entered had been set by someone else.

Adding a column rewrites no row, so the append-only triggers of 0002 are not involved."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("declarations", "0002_declaration_append_only")]

    operations = [
        migrations.AddField(
            model_name="declaration",
            name="password_set_by_other",
            field=models.JSONField(blank=True, default=None, null=True),
        ),
    ]
