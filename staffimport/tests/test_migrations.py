"""The move of the staff import out of portal changes no database: an import recorded while
the model lived in portal is still there, unchanged, once the new app's migrations have run."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from staffimport.models import StaffImport

BEFORE_THE_MOVE = [("portal", "0003_staff_import"), ("staffimport", None)]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_an_import_recorded_before_the_app_moved_out_is_kept_by_the_migrations():
    executor = _migrate(BEFORE_THE_MOVE)
    try:
        old_apps = executor.loader.project_state(BEFORE_THE_MOVE[:1]).apps
        OldImport = old_apps.get_model("portal", "StaffImport")
        old = OldImport.objects.create(
            file_name="hr-2025.csv",
            stored_file="staff-imports/2025/11/old.csv",
            sha256="b" * 64,
            status="done",
            counts={"created": 3},
        )
    finally:
        executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    kept = StaffImport.objects.get(pk=old.pk)
    assert (kept.file_name, kept.sha256, kept.status, kept.counts) == (
        "hr-2025.csv",
        "b" * 64,
        StaffImport.Status.DONE,
        {"created": 3},
    )
    assert kept.stored_file.name == "staff-imports/2025/11/old.csv"
    assert StaffImport._meta.db_table == "portal_staffimport"
