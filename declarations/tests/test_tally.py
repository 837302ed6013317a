"""The campaign tally (kept by PostgreSQL triggers, migration 0012) always gives the figures a
count of the obligations themselves gives: whatever is done to obligations and to people, one
row or many at a time, in any order. Hypothesis plays random sequences of changes and, after
each, compares every figure of every campaign, overall, by department and by employment type,
read both ways."""

from datetime import timedelta
from unittest import mock

import psycopg2
import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from declarations import reports
from declarations.models import Campaign, CampaignTally, Obligation
from declarations.tests.factories import CampaignFactory, ObligationFactory
from portal.lib.locks import AUDIT_CHAIN
from portal.models import EmploymentType, User
from portal.tests.factories import DepartmentFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the tally is PostgreSQL's"),
]

NOW = timezone.now()
PEOPLE = 4
STATUSES = [value for value, _ in Obligation.Status.choices]
TYPES = [value for value, _ in EmploymentType.choices]


def _live(function, *args):
    """What `function` gives counted from the obligations, as SQLite counts."""
    with mock.patch.object(reports, "tallied", return_value=False):
        return function(*args)


def _status_fields(status: str, when) -> dict:
    """The fields a status needs (the database's check constraints insist on them)."""
    fields = {"status": status, "signed_at": None}
    if status == Obligation.Status.SIGNED:
        fields["signed_at"] = when
    if status == Obligation.Status.EXEMPT:
        fields.update(exempted_at=when, exempt_until=when, exempt_reason="Secondment")
    return fields


person = st.integers(0, PEOPLE - 1)
offset = st.integers(-3, 3).map(lambda days: NOW + timedelta(days=days))
change = st.one_of(
    st.tuples(st.just("enrol"), st.lists(person, min_size=1, max_size=4), offset),
    st.tuples(st.just("status"), person, st.sampled_from(STATUSES), offset),
    st.tuples(st.just("due"), person, offset),
    st.tuples(st.just("delete"), person),
    st.tuples(st.just("department"), st.lists(person, max_size=4), st.integers(0, 2)),
    st.tuples(st.just("type"), person, st.sampled_from(TYPES)),
    st.tuples(st.just("active"), st.lists(person, max_size=4), st.booleans()),
    st.tuples(st.just("all_signed_late"), st.just(0)),
    st.tuples(st.just("stamp_all"), st.just(0)),
)


@pytest.fixture
def world():
    departments = [DepartmentFactory(name=f"Department {i}") for i in range(2)]
    people = [UserFactory(department=departments[i % 2]) for i in range(PEOPLE)]
    return departments, people


def _apply(step, campaign: Campaign, departments, people) -> None:
    kind, *args = step
    mine = Obligation.objects.filter(campaign=campaign)
    if kind == "enrol":
        who, due = args
        taken = set(mine.values_list("user_id", flat=True))
        new = {people[i].pk for i in who} - taken
        Obligation.objects.bulk_create(
            Obligation(campaign=campaign, user_id=pk, due_at=due) for pk in new
        )
    elif kind == "status":
        i, status, when = args
        mine.filter(user=people[i]).update(**_status_fields(status, when))
    elif kind == "due":
        i, due = args
        mine.filter(user=people[i]).update(due_at=due)
    elif kind == "delete":
        mine.filter(user=people[args[0]]).delete()
    elif kind == "department":
        who, which = args
        department = departments[which] if which < len(departments) else None
        User.objects.filter(pk__in=[people[i].pk for i in who]).update(department=department)
    elif kind == "type":
        i, kind_of_work = args
        User.objects.filter(pk=people[i].pk).update(employment_type=kind_of_work)
    elif kind == "active":
        who, active = args
        User.objects.filter(pk__in=[people[i].pk for i in who]).update(is_active=active)
    elif kind == "all_signed_late":
        # One statement moving many rows between groups at once.
        mine.filter(status=Obligation.Status.SIGNED).update(signed_at=F("due_at") + timedelta(1))
    elif kind == "stamp_all":
        # A sweep's stamp: counts nothing, so the tally must not move.
        mine.update(next_reminder_at=NOW)


def _assert_same(campaigns: list[Campaign], departments) -> None:
    for campaign in campaigns:
        assert reports.campaign_report(campaign, NOW) == _live(
            reports.campaign_report, campaign, NOW
        )
        for department in [None, *departments]:
            pk = department.pk if department else None
            assert reports.completion_of_department(campaign, pk, NOW) == _live(
                reports.completion_of_department, campaign, pk, NOW
            )
    ids = [c.pk for c in campaigns]
    listed = reports.with_figures(Campaign.objects.filter(pk__in=ids).order_by("pk"), NOW)
    counted = _live(reports.with_figures, Campaign.objects.filter(pk__in=ids).order_by("pk"), NOW)
    assert [reports.figures_of(c) for c in listed] == [reports.figures_of(c) for c in counted]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.integers(0, 1), change), min_size=1, max_size=25))
# Each kind of change at least once, whatever Hypothesis draws.
@example(
    steps=[
        (0, ("enrol", [0, 1, 2], NOW)),
        (0, ("status", 0, "signed", NOW + timedelta(days=1))),
        (0, ("due", 1, NOW + timedelta(days=1))),
        (0, ("delete", 2)),
        (0, ("department", [0, 1], 2)),
        (0, ("type", 1, TYPES[-1])),
        (0, ("active", [1], False)),
        (0, ("all_signed_late", 0)),
        (0, ("stamp_all", 0)),
    ]
)
def test_the_tally_always_agrees_with_a_count_of_the_obligations(world, steps):
    departments, people = world
    # The people outlive an example (the fixture is the test's): each example starts them
    # active, in their departments, as employees, and with new campaigns.
    for i, someone in enumerate(people):
        User.objects.filter(pk=someone.pk).update(
            is_active=True, department=departments[i % 2], employment_type=TYPES[0]
        )
    campaigns = [CampaignFactory(open=True, due_at=NOW) for _ in range(2)]
    for which, step in steps:
        _apply(step, campaigns[which], departments, people)
        _assert_same(campaigns, departments)


def test_a_change_that_moves_no_count_writes_no_tally_row(world):
    _, people = world
    campaign = CampaignFactory(open=True, due_at=NOW)
    Obligation.objects.bulk_create(
        Obligation(campaign=campaign, user=person, due_at=NOW) for person in people
    )
    before = list(CampaignTally.objects.values_list("pk", "n").order_by("pk"))
    Obligation.objects.filter(campaign=campaign).update(next_reminder_at=NOW)
    User.objects.filter(pk=people[0].pk).update(last_login=NOW)
    assert list(CampaignTally.objects.values_list("pk", "n").order_by("pk")) == before
    assert sum(n for _, n in before) == PEOPLE


def test_a_leaver_leaves_the_counts_and_comes_back_with_their_obligations(world):
    _, people = world
    campaign = CampaignFactory(open=True, due_at=NOW + timedelta(days=1))
    Obligation.objects.bulk_create(
        Obligation(campaign=campaign, user=person, due_at=campaign.due_at) for person in people
    )
    User.objects.filter(pk=people[0].pk).update(is_active=False)
    assert reports.completion_overall(campaign, NOW).pending == PEOPLE - 1
    User.objects.filter(pk=people[0].pk).update(is_active=True)
    assert reports.completion_overall(campaign, NOW).pending == PEOPLE


def _chain_is_free() -> bool:
    """Whether another connection could take the audit chain's lock now."""
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [AUDIT_CHAIN.id])
            free = cursor.fetchone()[0]
            if free:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [AUDIT_CHAIN.id])
        return free
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_change_that_moves_no_count_takes_no_lock(world):
    _, people = world
    campaign = CampaignFactory(open=True, due_at=NOW)
    ObligationFactory(campaign=campaign, user=people[0], due_at=NOW)
    with transaction.atomic():
        Obligation.objects.filter(campaign=campaign).update(next_reminder_at=NOW)
        User.objects.filter(pk=people[0].pk).update(last_login=NOW)
        # Someone with no obligations leaving moves no count either.
        User.objects.filter(pk=people[1].pk).update(is_active=False)
        assert _chain_is_free()


@pytest.mark.django_db(transaction=True)
def test_a_change_that_moves_a_count_takes_the_audit_chain_lock_first(world):
    """So a transaction holding the chain and wanting a tally row never waits on one holding
    that row and wanting the chain (see the migration): each takes the chain first."""
    _, people = world
    campaign = CampaignFactory(open=True, due_at=NOW)
    ObligationFactory(campaign=campaign, user=people[0], due_at=NOW)
    for change in (
        lambda: Obligation.objects.filter(campaign=campaign).update(status="paused"),
        lambda: User.objects.filter(pk=people[0].pk).update(department=None),
        lambda: ObligationFactory(campaign=campaign, user=people[1], due_at=NOW),
    ):
        with transaction.atomic():
            change()
            assert not _chain_is_free()
        assert _chain_is_free()
