"""The staff import moved to its own app (staffimport). Only Django's idea of which app owns the
model changes: the table, portal_staffimport, and every row in it stay exactly as they are, and
staffimport 0001 takes the model over under the same table name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_staff_import"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StaffImport")],
            database_operations=[],
        ),
    ]
