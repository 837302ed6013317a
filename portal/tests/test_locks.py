"""Advisory locks are named by the code that takes them; the number comes from the name."""

import pytest
from django.db import connection, connections

from portal.lib.locks import AUDIT_CHAIN, AdvisoryLock, single_run


def test_a_lock_has_the_same_number_whenever_its_name_is_declared():
    assert AdvisoryLock("portal.audit_chain").id == AUDIT_CHAIN.id
    assert AdvisoryLock("declarations.sweep").id != AUDIT_CHAIN.id
    assert -(2**63) <= AUDIT_CHAIN.id < 2**63


def test_two_names_that_came_to_one_number_are_refused(monkeypatch):
    monkeypatch.setitem(AdvisoryLock._taken, AdvisoryLock("test.one").id, "test.other")
    with pytest.raises(ValueError, match="share its number"):
        AdvisoryLock("test.one")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_second_holder_of_a_lock_is_told_it_is_taken():
    lock = AdvisoryLock("test.held")
    with single_run(lock) as first:
        assert first
        # Another connection (another worker) asks for the same lock.
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock.id])
                assert cursor.fetchone()[0] is False
        finally:
            other.close()
    with single_run(lock) as again:
        assert again
