"""The clear-down figures (groups/reports.py) on hand-built scenes whose answers are worked out
by hand: rates, persistent non-confirmers, admins not confirming, and the monthly series."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import ClearDownCycle, Membership
from groups.reports import (
    admins_not_confirming,
    group_rates,
    member_rate,
    monthly_rates,
    persistent_non_confirmers,
)
from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    ClearDownPromptFactory,
    HoldFactory,
)
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UK = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UK)


def period(group, weeks_ago: float, answers: dict, **fields) -> ClearDownCycle:
    """A prompted period that opened `weeks_ago` weeks before NOW, with each person in
    `answers` asked, True for those who confirmed."""
    opens = NOW - timedelta(weeks=weeks_ago)
    cycle = ClearDownCycleFactory(group=group, opens_at=opens, **fields)
    for person, confirmed in answers.items():
        ClearDownPromptFactory(
            cycle=cycle,
            user=person,
            confirmed_at=opens + timedelta(hours=3) if confirmed else None,
            confirmed_via="portal" if confirmed else "",
        )
    return cycle


@pytest.fixture
def people():
    return {name: UserFactory(full_name=name) for name in ("Ann", "Ben", "Cat", "Dan")}


@pytest.fixture
def group(people):
    return ChatGroupFactory(approved=True, members=list(people.values()))


def test_a_groups_rate_is_its_confirmed_prompts_over_those_asked(group, people):
    ann, ben = people["Ann"], people["Ben"]
    for weeks, ben_confirms in ((4, True), (3, False), (2, False), (1, False)):
        period(group, weeks, {ann: True, ben: ben_confirms})

    rates = group_rates(group, NOW)

    assert (rates.group.asked, rates.group.confirmed, rates.group.percent) == (8, 5, 62)
    by_name = {m.name: m.rate for m in rates.members}
    assert by_name["Ann"].text == "100% (4 of 4)"
    assert by_name["Ben"].text == "25% (1 of 4)"
    assert member_rate(group, ben.pk, NOW).confirmed == 1


def test_withdrawn_missed_skipped_unfinished_and_old_periods_count_against_nobody(group, people):
    ann = people["Ann"]
    period(group, 2, {ann: True})
    hold = HoldFactory(groups=[group])
    # Withdrawn when a hold was placed: nobody was to delete, so not confirming is right.
    period(group, 3, {ann: False}, withdrawn_at=NOW - timedelta(weeks=3, days=-1), hold=hold)
    ClearDownCycleFactory(group=group, opens_at=NOW - timedelta(weeks=4), outcome="missed")
    ClearDownCycleFactory(group=group, opens_at=NOW - timedelta(weeks=5), outcome="skipped")
    # Still inside its deadline: not yet unconfirmed.
    period(group, 1 / 7, {ann: False})
    # More than twelve months ago.
    period(group, 53, {ann: False})

    assert group_rates(group, NOW).group.text == "100% (1 of 1)"


def test_a_member_who_joined_mid_year_is_rated_on_the_prompts_they_were_sent(group, people):
    ann, cat = people["Ann"], people["Cat"]
    for weeks in range(10, 2, -1):
        period(group, weeks, {ann: weeks % 2 == 0} | ({cat: True} if weeks <= 4 else {}))

    by_name = {m.name: m.rate for m in group_rates(group, NOW).members}

    assert by_name["Cat"].text == "100% (2 of 2)"
    assert by_name["Ann"].text == "50% (4 of 8)"


def test_a_persistent_non_confirmer_missed_three_of_their_last_four_prompts(group, people):
    ann, ben, cat, dan = people["Ann"], people["Ben"], people["Cat"], people["Dan"]
    # Ben: confirmed long ago, then missed three of the last four: named.
    # Dan: missed three, then confirmed the last two: two of the last four missed, not named.
    # Cat: joined late and missed both her prompts: only two, not named yet.
    # Ann: always confirms.
    history = [
        (7, {ann: True, ben: True, dan: False}),
        (6, {ann: True, ben: True, dan: False}),
        (5, {ann: True, ben: True, dan: False}),
        (4, {ann: True, ben: False, dan: True}),
        (3, {ann: True, ben: True, dan: False}),
        (2, {ann: True, ben: False, dan: True, cat: False}),
        (1, {ann: True, ben: False, dan: True, cat: False}),
    ]
    for weeks, answers in history:
        period(group, weeks, answers)

    rows = list(persistent_non_confirmers(NOW))

    assert [(r.name, r.group_id, r.missed, r.of) for r in rows] == [("Ben", group.pk, 3, 4)]
    assert [m.name for m in group_rates(group, NOW).persistent] == ["Ben"]


def test_withdrawn_prompts_and_leavers_do_not_make_anyone_a_persistent_non_confirmer(group, people):
    ann, ben = people["Ann"], people["Ben"]
    hold = HoldFactory(groups=[group])
    for weeks in (4, 3, 2, 1):
        withdrawn = (
            {"withdrawn_at": NOW - timedelta(weeks=weeks), "hold": hold} if weeks < 4 else {}
        )
        period(group, weeks, {ann: False}, **withdrawn)
    for weeks in (8, 7, 6):
        period(group, weeks, {ben: False})
    Membership.objects.filter(group=group, user=ben).update(removed_at=NOW - timedelta(days=1))

    assert list(persistent_non_confirmers(NOW)) == []


def test_non_confirmers_are_counted_per_group(people):
    ann = people["Ann"]
    diligent = ChatGroupFactory(approved=True, members=[ann])
    silent = ChatGroupFactory(approved=True, members=[ann])
    for weeks in (3, 2, 1):
        period(diligent, weeks, {ann: True})
        period(silent, weeks, {ann: False})

    rows = list(persistent_non_confirmers(NOW))

    assert [(r.group_id, r.missed) for r in rows] == [(silent.pk, 3)]
    assert persistent_non_confirmers(NOW).filter(group_id=diligent.pk).count() == 0


def test_admins_not_confirming_are_those_with_unposted_prompts_in_the_last_four_weeks(people):
    posting = ChatGroupFactory(approved=True)
    forgetful = ChatGroupFactory(approved=True)
    for weeks in (3, 2, 1):
        period(posting, weeks, {}, prompt_posted_at=NOW - timedelta(weeks=weeks, hours=-1))
        period(forgetful, weeks, {}, prompt_posted_at=None if weeks < 3 else NOW)
    # Five weeks ago: outside the look-back.
    period(posting, 5, {}, prompt_posted_at=None)
    # Withdrawn: the hold stopped it.
    period(posting, 2.5, {}, withdrawn_at=NOW - timedelta(weeks=2), hold=HoldFactory())

    rows = list(admins_not_confirming(NOW))

    assert [(r["group_id"], r["prompter_id"], r["unposted"], r["cycles"]) for r in rows] == [
        (forgetful.pk, forgetful.admin_id, 2, 3)
    ]


def test_the_monthly_series_counts_each_uk_month_and_shows_empty_months(group, people):
    ann, ben = people["Ann"], people["Ben"]
    # 00:30 on 1 October in UK time (BST) is 23:30 UTC on 30 September: it belongs to October.
    october_first = datetime(2026, 10, 1, 0, 30, tzinfo=UK)
    cycle = ClearDownCycleFactory(group=group, opens_at=october_first)
    ClearDownPromptFactory(
        cycle=cycle, user=ann, confirmed_at=october_first, confirmed_via="portal"
    )
    ClearDownPromptFactory(cycle=cycle, user=ben)
    period(group, 1, {ann: True, ben: True})  # November

    months = monthly_rates(NOW)

    assert len(months) == 12
    assert months[-1].first_day.isoformat() == "2026-11-01"
    assert months[-1].rate.text == "100% (2 of 2)"
    assert months[-2].first_day.isoformat() == "2026-10-01"
    assert months[-2].rate.text == "50% (1 of 2)"
    assert months[-3].rate.asked == 0
    assert months[0].first_day.isoformat() == "2025-12-01"


def test_one_groups_non_confirmers_are_ranked_within_that_group_only(group, people):
    other = ChatGroupFactory(approved=True, members=[people["Ann"]])
    for weeks in (3, 2, 1):
        period(group, weeks, {people["Ben"]: False})
        period(other, weeks, {people["Ann"]: False})

    with CaptureQueriesContext(connection) as seen:
        rows = list(persistent_non_confirmers(NOW, group_id=group.pk))

    assert [(r.name, r.group_id) for r in rows] == [("Ben", group.pk)]
    sql = seen.captured_queries[0]["sql"]
    # The ranking (the window subquery) is narrowed to the group, not the whole organisation.
    ranking = sql[sql.index("ROW_NUMBER") : sql.index("qualify")]
    assert f'"group_id" = {group.pk}' in ranking
