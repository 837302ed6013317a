"""Travel advice became append-only rows (migration 0003_travel_advice): advice recorded on a
notice before is kept, as a row by the same adviser at the same time."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from incidents.models import TravelAdvice
from portal.tests.factories import UserFactory

BEFORE = [("incidents", "0002_append_only")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_advice_recorded_on_a_notice_is_kept_as_a_row():
    traveller, adviser = UserFactory(), UserFactory()
    at = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    executor = _migrate(BEFORE)
    try:
        Notice = executor.loader.project_state(BEFORE).apps.get_model("incidents", "TravelNotice")
        advised = Notice.objects.create(
            traveller_id=traveller.pk,
            destination="Lyon, France",
            departs_on=date(2026, 6, 1),
            returns_on=date(2026, 6, 4),
            devices="Work laptop",
            advice="Take the loan laptop.",
            advised_by_id=adviser.pk,
            advised_at=at,
        )
        Notice.objects.create(
            traveller_id=traveller.pk,
            destination="Oslo, Norway",
            departs_on=date(2026, 7, 1),
            returns_on=date(2026, 7, 2),
            devices="Work phone",
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    [row] = TravelAdvice.objects.all()
    assert (row.notice_id, row.advice, row.advised_by_id, row.advised_at) == (
        advised.pk,
        "Take the loan laptop.",
        adviser.pk,
        at,
    )
