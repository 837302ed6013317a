"""The DPO's incident figures: reports by kind and UK month, time to report and to decide,
breaches told to the ICO late or not yet, in a fixed number of queries."""

import re
import sqlite3
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.dpo_reports import length_in_words, sqlite_median, year_figures
from incidents.kinds import Kind
from incidents.tests.factories import IncidentFactory
from incidents.tests.register_helpers import breach, uk
from portal.models import OrganisationSettings

pytestmark = pytest.mark.django_db

URL = reverse("incidents:dpo_reports")
NOW = uk(2026, 11, 20, 12, 0)


def _reported(kind: str, at, *, took=timedelta(hours=1)):
    return IncidentFactory(
        kind=kind, reported_at=at, discovered_at=at - took, happened_at=at - took
    )


def test_a_report_at_half_past_midnight_on_1_april_counts_in_april_uk_time():
    # 00:30 on 1 April 2026 in British Summer Time is 23:30 on 31 March in UTC.
    _reported(Kind.LOST_DEVICE, uk(2026, 4, 1, 0, 30))
    # 23:30 on 31 March (BST) is still March.
    _reported(Kind.LOST_DEVICE, uk(2026, 3, 31, 23, 30))
    # 00:30 on 1 January 2026 is in 2026; 23:30 on 31 December 2025 is not.
    _reported(Kind.VIRUS, uk(2026, 1, 1, 0, 30))
    _reported(Kind.VIRUS, uk(2025, 12, 31, 23, 30))

    figures = year_figures(2026, now=NOW)

    lost = next(row for row in figures.kinds if row.kind == Kind.LOST_DEVICE)
    virus = next(row for row in figures.kinds if row.kind == Kind.VIRUS)
    assert lost.months[2:4] == [1, 1]  # March, April
    assert virus.months[0] == 1
    assert virus.total == 1
    assert figures.total == 3
    assert figures.month_totals[:4] == [1, 0, 1, 1]


def test_the_chart_and_table_hold_the_same_numbers_as_the_data(client, dpo):
    for day in (3, 10, 17):
        _reported(Kind.LOST_DEVICE, uk(2026, 2, day, 9, 0))
    _reported(Kind.COMPROMISED_PASSWORD, uk(2026, 2, 4, 9, 0))
    for day in (5, 6):
        _reported(Kind.VIRUS, uk(2026, 7, day, 9, 0))
    _reported(Kind.VIRUS, uk(2025, 7, 5, 9, 0))  # another year
    client.force_login(dpo)

    answer = client.get(URL, {"year": "2026"})
    page = answer.text

    figures = answer.context["figures"]
    assert [row.total for row in figures.kinds if row.total] == [3, 1, 2]
    assert figures.month_totals == [0, 4, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]
    month_bars = {row["label"]: row["value"] for row in answer.context["month_chart"]["rows"]}
    assert month_bars["February 2026"] == "4"
    assert month_bars["July 2026"] == "2"
    assert month_bars["March 2026"] == "0"
    kind_bars = {row["label"]: row["value"] for row in answer.context["kind_chart"]["rows"]}
    assert kind_bars["Lost device"] == "3"
    assert kind_bars["Suspected virus"] == "2"
    # The longest bar is the full width; the others in proportion.
    widths = {row["label"]: row["width"] for row in answer.context["month_chart"]["rows"]}
    assert widths["July 2026"] * 2 == widths["February 2026"]
    # The table a screen reader reads: the lost devices' row, month by month, then the year.
    row = re.findall(r"<th scope=\"row\">Lost device</th>(.*?)</tr>", page)[-1]
    assert re.findall(r">(\d+)<", row) == ["0", "3", *["0"] * 10, "3"]
    assert 'role="img"' in page
    assert "Incidents reported, by month" in page


def test_time_from_discovery_to_report_by_kind_median_and_longest():
    for hours in (1, 2, 6):
        _reported(Kind.LOST_DEVICE, uk(2026, 5, 1, 12, 0), took=timedelta(hours=hours))
    for hours in (1, 4):
        _reported(Kind.VIRUS, uk(2026, 5, 2, 12, 0), took=timedelta(hours=hours))

    figures = year_figures(2026, now=NOW)

    lost = next(row for row in figures.kinds if row.kind == Kind.LOST_DEVICE).timing
    virus = next(row for row in figures.kinds if row.kind == Kind.VIRUS).timing
    assert (lost.count, lost.median, lost.longest) == (3, timedelta(hours=2), timedelta(hours=6))
    # An even count: halfway between the middle two.
    assert virus.median == timedelta(hours=2, minutes=30)
    assert figures.reporting.median == timedelta(hours=2)
    assert figures.reporting.longest == timedelta(hours=6)
    nothing = next(row for row in figures.kinds if row.kind == Kind.OTHER).timing
    assert (nothing.count, nothing.median) == (0, None)


def test_time_from_awareness_to_the_ico_decision_counts_decided_breaches_only():
    at = uk(2026, 6, 1, 9, 0)
    for hours in (10, 20, 40):
        breach(
            outcome="not_notified",
            reported_at=at,
            notify_decided_at=at + timedelta(hours=hours),
        )
    breach(outcome="undecided", reported_at=at)
    breach(outcome="notified", reported_at=uk(2025, 6, 1, 9, 0))  # aware in another year

    deciding = year_figures(2026, now=NOW).deciding

    assert deciding.count == 3
    assert deciding.median == timedelta(hours=20)
    assert deciding.longest == timedelta(hours=40)


def test_breaches_told_late_and_past_the_deadline_not_told_are_counted(client, dpo):
    at = uk(2026, 3, 1, 9, 0)
    breach(outcome="notified", reported_at=at)
    breach(outcome="late", reported_at=at)
    breach(outcome="late", reported_at=at)
    breach(outcome="not_notified", reported_at=at)
    breach(outcome="to_notify", reported_at=at)  # deadline long gone: overdue
    breach(outcome="undecided", reported_at=NOW - timedelta(hours=5))  # clock still running
    breach(outcome="late", reported_at=uk(2025, 3, 1, 9, 0))  # another year

    counts = year_figures(2026, now=NOW).breaches

    assert counts.total == 6
    assert (counts.notified, counts.late, counts.not_notified) == (1, 2, 1)
    assert (counts.to_notify, counts.undecided, counts.overdue) == (1, 1, 1)


def test_the_page_shows_the_counts_and_links_each_to_the_register(client, dpo):
    breach(outcome="late", reported_at=uk(2026, 3, 1, 9, 0))
    client.force_login(dpo)

    page = client.get(URL, {"year": "2026"}).text

    register = reverse("incidents:breach_register")
    assert f'{register}?year=2026&amp;outcome=late">Told the ICO late</a>' in page
    assert "No breach, from any year, is past its deadline with the ICO not told." in page
    assert "OFFICIAL-SENSITIVE" in page


def test_the_year_defaults_to_this_one_and_a_year_out_of_range_is_refused(client, dpo):
    client.force_login(dpo)
    this_year = client.get(URL).context["figures"].year
    answer = client.get(URL, {"year": "1999"})
    assert answer.context["figures"].year == this_year
    assert "Select a valid choice" in answer.text
    assert "Nothing was reported in" in answer.text


def test_the_figures_take_as_many_queries_for_many_incidents_as_for_a_few(client, dpo):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"year": "2026"}).status_code == 200
        return len(queries)

    breach(outcome="late", reported_at=uk(2026, 3, 1, 9, 0))
    client.force_login(dpo)
    client.get(URL)
    few = page_queries()
    for n in range(30):
        kind = list(Kind)[n % len(Kind)]
        _reported(kind, uk(2026, 1 + n % 12, 2, 9, 0), took=timedelta(minutes=n + 1))
        breach(outcome=("notified", "late", "to_notify")[n % 3], reported_at=uk(2026, 4, 2, 9))

    assert page_queries() == few


def test_median_on_sqlite_the_laptop_default():
    raw = sqlite3.connect(":memory:")
    sqlite_median(None, SimpleNamespace(vendor="sqlite", connection=raw))
    raw.execute("create table t (x integer)")
    raw.executemany("insert into t values (?)", [(1,), (9,), (3,), (None,)])
    assert raw.execute("select MEDIAN(x) from t").fetchone() == (3,)
    raw.execute("insert into t values (4)")
    assert raw.execute("select MEDIAN(x) from t").fetchone() == (3.5,)
    assert raw.execute("select MEDIAN(x) from t where x > 100").fetchone() == (None,)


@pytest.mark.parametrize(
    ("length", "words"),
    [
        (timedelta(seconds=20), "under a minute"),
        (timedelta(minutes=5), "5 minutes"),
        (timedelta(hours=1, minutes=1), "1 hour 1 minute"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(days=3, hours=2, minutes=10), "3 days 2 hours"),
        (None, ""),
    ],
)
def test_lengths_of_time_read_as_people_say_them(length, words):
    assert length_in_words(length) == words


@pytest.mark.parametrize("who", ["alice", "helpdesk", "psd", "chief_executive", "bob"])
def test_only_the_dpo_and_deputy_may_open_the_figures(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


def test_the_deputy_may_open_the_figures(client, deputy_dpo):
    client.force_login(deputy_dpo)
    answer = client.get(URL)
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]


def test_the_overdue_count_covers_every_breach_whatever_the_year(client, dpo):
    # Aware in 2025, decided to tell the ICO, never told: still overdue when 2026 is shown.
    breach(outcome="to_notify", reported_at=uk(2025, 11, 3, 9, 0))
    breach(outcome="undecided", reported_at=uk(2024, 5, 3, 9, 0))
    breach(outcome="not_notified", reported_at=uk(2025, 5, 3, 9, 0))  # never overdue
    breach(outcome="notified", reported_at=uk(2026, 3, 1, 9, 0))

    assert year_figures(2026, now=NOW).breaches.overdue == 2
    assert year_figures(2026, now=NOW).breaches.total == 1
    client.force_login(dpo)
    page = client.get(URL, {"year": "2026"}).text
    assert "No breach is past its deadline" not in page
    assert "2 breaches, from any year, are past the" in page
    register = reverse("incidents:breach_register")
    assert f'<a href="{register}?outcome=overdue">' in page


def test_the_overdue_sentence_shows_when_the_chosen_year_has_no_breaches(client, dpo):
    breach(outcome="to_notify", reported_at=uk(2025, 11, 3, 9, 0))
    client.force_login(dpo)

    page = client.get(URL, {"year": "2026"}).text

    assert "No personal data breach was recorded for 2026." in page
    assert "1 breach, from any year, is past the" in page


def test_the_overdue_sentence_names_the_organisations_deadline(client, dpo):
    org = OrganisationSettings.load()
    org.ico_deadline_hours = 48
    org.save()
    breach(outcome="to_notify", reported_at=uk(2026, 3, 1, 9, 0))
    client.force_login(dpo)

    page = client.get(URL, {"year": "2026"}).text

    assert "past the 48-hour deadline" in page
    assert "72-hour" not in page
