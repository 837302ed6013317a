"""References: INC-<year>-<number>, unique and without gaps, even when reports are sent at the
same moment (real threads, each with its own connection to the real database)."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections
from django.utils import timezone

from incidents.kinds import Kind
from incidents.models import Incident, ReferenceCounter
from incidents.tests.report_helpers import report
from portal.tests.factories import UserFactory

REPORTERS = 8


@pytest.mark.django_db
def test_references_run_on_through_the_year(alice):
    first = report(by=alice)
    second = report(by=alice, kind=Kind.VIRUS)
    year = timezone.localtime(first.reported_at).year
    assert (first.reference, second.reference) == (f"INC-{year}-0001", f"INC-{year}-0002")
    assert ReferenceCounter.objects.get(year=year).last == 2


@pytest.mark.django_db
def test_a_new_year_starts_again_at_one(alice, monkeypatch):
    ReferenceCounter.objects.create(year=2030, last=41)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 6, 1, 9, tzinfo=UTC))
    assert report(by=alice).reference == "INC-2030-0042"
    monkeypatch.setattr(timezone, "now", lambda: datetime(2031, 1, 1, 0, 30, tzinfo=UTC))
    assert report(by=alice).reference == "INC-2031-0001"


@pytest.mark.django_db
def test_the_year_is_the_uk_years(alice, monkeypatch):
    # 23:30 on 31 December in UTC is 23:30 in London too (no summer time in winter), so the
    # year is the same: the reference follows UK time, not any other zone's.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 12, 31, 23, 30, tzinfo=UTC))
    assert report(by=alice).reference == "INC-2030-0001"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_reports_sent_at_the_same_moment_get_distinct_consecutive_numbers():
    reporters = [UserFactory() for _ in range(REPORTERS)]
    start = threading.Barrier(REPORTERS)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send(person):
        try:
            start.wait(timeout=30)
            incident = report(by=person, kind=Kind.DATA_BREACH)
            with lock:
                references.append(incident.reference)
        except BaseException as error:  # reported below, with the test's failure
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(person,)) for person in reporters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    year = timezone.localtime().year
    assert sorted(references) == [f"INC-{year}-{n:04d}" for n in range(1, REPORTERS + 1)]
    assert Incident.objects.count() == REPORTERS
    assert ReferenceCounter.objects.get(year=year).last == REPORTERS
