"""in_locked_batches: a batch that fails with a database error is rolled back and left for
the next sweep, and the batches after it are still done."""

import pytest
from django.db import DatabaseError, connection

from portal.lib.sweeps import in_locked_batches
from portal.models import User
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_batch_failing_in_the_database_is_rolled_back_and_the_rest_of_the_run_goes_on():
    first, broken, last = UserFactory.create_batch(3)
    done = []

    def handle(rows: list[User]) -> None:
        User.objects.filter(pk__in=[r.pk for r in rows]).update(full_name="Swept")
        if rows[0].pk == broken.pk:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")  # a real error from the database
        done.extend(r.pk for r in rows)

    in_locked_batches(
        User.objects.filter(pk__in=[first.pk, broken.pk, last.pk]), handle, size=1, name="Test"
    )

    assert done == [first.pk, last.pk]
    names = dict(User.objects.values_list("pk", "full_name"))
    assert names[first.pk] == names[last.pk] == "Swept"
    assert names[broken.pk] == broken.full_name


def test_a_batch_that_cannot_even_be_read_stops_the_run_with_its_error():
    UserFactory()

    with pytest.raises(DatabaseError):
        in_locked_batches(
            User.objects.extra(where=["1 / 0 = 1"]), lambda rows: None, size=1, name="Test"
        )
