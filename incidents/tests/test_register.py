"""The breach register, for the DPO and deputy: every breach and nothing else, its filters, its
flags, its pages, and who may open it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.kinds import Kind
from incidents.models import Regime
from incidents.tests.factories import (
    AssessmentFactory,
    ContainmentActionFactory,
    IncidentFactory,
)
from incidents.tests.register_helpers import breach, uk
from portal.testing.queries import LAYOUT_QUERIES

pytestmark = pytest.mark.django_db

URL = reverse("incidents:breach_register")
PAGES = ["incidents:breach_register", "incidents:breach_register_csv", "incidents:dpo_reports"]


def test_only_breaches_are_on_the_register_whether_told_or_not(client, dpo):
    told = breach(outcome="notified", description="Told the ICO about this one.")
    kept = breach(outcome="not_notified", description="Kept on the record only.")
    AssessmentFactory(
        is_breach=False,
        not_breach_reasons="The email went to a colleague who may see it.",
        incident=IncidentFactory(kind=Kind.DATA_BREACH, description="Decided not a breach."),
    )
    AssessmentFactory(incident=IncidentFactory(kind=Kind.DATA_BREACH, description="Undecided."))
    IncidentFactory(kind=Kind.LOST_DEVICE, description="Not assessed at all.")
    client.force_login(dpo)

    page = client.get(URL).text

    assert "Told the ICO about this one." in page
    assert "Kept on the record only." in page
    for absent in ("Decided not a breach.", "Undecided.", "Not assessed at all."):
        assert absent not in page
    # Each row links to the incident's page.
    for row in (told, kept):
        assert reverse("incidents:incident", args=[row.incident_id]) in page


def test_a_row_shows_the_facts_effects_actions_decision_and_people_told(client, deputy_dpo):
    row = breach(
        outcome="notified",
        regime=Regime.DPA_PART_3,
        data_categories=["criminal", "identifiers", "other"],
        data_categories_other="Custody photographs",
        people_count=41,
        containment_summary="Recipient deleted it and confirmed in writing.",
        notify_reasons="Victims' details in a criminal case.",
        subjects_told=True,
        subjects_told_at=timezone.now() - timedelta(days=5),
        subjects_told_how="A letter to each person",
        notify_decided_by=deputy_dpo,
    )
    ContainmentActionFactory(incident=row.incident, description="Retrain the team on autofill.")
    client.force_login(deputy_dpo)

    page = client.get(URL).text

    assert row.incident.reference in page
    assert "Data Protection Act 2018 Part 3" in page
    assert "Criminal convictions and offences, Basic personal identifiers" in page
    assert "Other: Custody photographs" in page
    assert "41" in page
    assert "Recipient deleted it" in page
    assert "Retrain the team on autofill." in page
    assert "Victims&#x27; details in a criminal case." in page
    assert "IC-200001" in page
    assert f"by {deputy_dpo.full_name}" in page
    assert "Told in time" in page
    assert "A letter to each person" in page
    assert "OFFICIAL-SENSITIVE" in page


def test_a_late_notification_is_flagged_with_its_reasons(client, dpo):
    breach(outcome="late")
    breach(outcome="notified", description="On time.")
    client.force_login(dpo)

    page = client.get(URL).text

    assert page.count("Told late") == 1
    assert "The recipient only confirmed what was sent on day four." in page
    assert page.count("Told in time") == 1


def test_a_breach_past_its_deadline_with_the_ico_not_told_is_flagged(client, dpo):
    breach(outcome="to_notify", reported_at=timezone.now() - timedelta(days=4))
    breach(outcome="undecided", reported_at=timezone.now() - timedelta(hours=3))
    # Decided not to tell the ICO: never overdue, however old.
    breach(outcome="not_notified", reported_at=timezone.now() - timedelta(days=30))
    client.force_login(dpo)

    assert client.get(URL).text.count("Past the deadline, not told") == 1


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, {"A", "B", "C", "D", "E"}),
        ({"year": "2025"}, {"A", "B"}),
        ({"year": "2026"}, {"C", "D", "E"}),
        ({"regime": Regime.DPA_PART_3}, {"B"}),
        ({"kind": Kind.LOST_DEVICE}, {"C"}),
        ({"outcome": "notified"}, {"A"}),
        ({"outcome": "late"}, {"B"}),
        ({"outcome": "not_notified"}, {"C"}),
        ({"outcome": "to_notify"}, {"D"}),
        ({"outcome": "undecided"}, {"E"}),
        ({"year": "2026", "outcome": "undecided", "kind": Kind.DATA_BREACH}, {"E"}),
        # Past the deadline with the ICO not told: D (decided to tell) and E (undecided).
        ({"outcome": "overdue"}, {"D", "E"}),
        ({"year": "2025", "outcome": "overdue"}, set()),
    ],
)
def test_the_register_filters_by_year_regime_kind_and_outcome(client, dpo, query, shown):
    def made(name, reported_at, **kwargs):
        breach(description=f"Breach {name} happened.", reported_at=reported_at, **kwargs)

    # Aware at 23:30 on 31 December 2025 (UK time): 2025, though 2026 is half an hour away.
    made("A", uk(2025, 12, 31, 23, 30), outcome="notified")
    made("B", uk(2025, 6, 1, 9, 0), outcome="late", regime=Regime.DPA_PART_3)
    made("C", uk(2026, 1, 1, 0, 30), outcome="not_notified", kind=Kind.LOST_DEVICE)
    made("D", uk(2026, 3, 2, 10, 0), outcome="to_notify")
    made("E", uk(2026, 3, 3, 10, 0))
    client.force_login(dpo)

    page = client.get(URL, query).text

    assert {name for name in "ABCDE" if f"Breach {name} happened." in page} == shown


def test_a_filter_the_form_refuses_shows_every_breach_with_the_error(client, dpo):
    breach(description="Still listed.")
    client.force_login(dpo)

    page = client.get(URL, {"outcome": "lost", "year": "1999"}).text

    assert "Still listed." in page
    assert "Select a valid choice" in page


def test_the_register_says_when_it_is_empty_and_when_nothing_matches(client, dpo):
    client.force_login(dpo)
    assert "No breach is on the register yet." in client.get(URL).text
    breach()
    assert "No breach matches these filters." in client.get(URL, {"outcome": "late"}).text


def test_the_register_pages_many_breaches_in_as_many_queries_as_a_few(
    client, dpo, django_assert_num_queries
):
    def page_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    for _ in range(3):
        row = breach(outcome="late")
        ContainmentActionFactory(incident=row.incident)
    client.force_login(dpo)
    client.get(URL)  # the organisation settings into the cache
    few = page_queries()
    for n in range(27):
        row = breach(outcome=("notified", "late", "not_notified")[n % 3])
        ContainmentActionFactory(incident=row.incident)
        ContainmentActionFactory(incident=row.incident)

    assert page_queries() == few
    # The layout, the second step's authenticator, the page of breaches, their actions.
    with django_assert_num_queries(LAYOUT_QUERIES + 1 + 2):
        answer = client.get(URL)
    assert 'rel="next"' in answer.text
    assert answer.text.count("<tr>") == 25 + 1  # a full page, and the heading row


def test_the_next_page_carries_on_where_the_first_stopped_with_the_filters_kept(client, dpo):
    rows = [
        breach(description=f"Number {n:02d}.", reported_at=uk(2026, 2, 1) + timedelta(hours=n))
        for n in range(30)
    ]
    breach(description="Another year.", reported_at=uk(2025, 2, 1))
    client.force_login(dpo)

    first = client.get(URL, {"year": "2026"})
    cursor = first.context["page"].next_cursor
    second = client.get(URL, {"year": "2026", "cursor": cursor}).text

    assert "Number 29." in first.text  # newest first
    assert "Number 04." not in first.text
    assert "Number 04." in second
    assert "Number 00." in second
    assert "Another year." not in second
    assert "?year=2026&amp;cursor=" in first.text
    assert len(rows) == 30


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("who", ["alice", "helpdesk", "psd", "chief_executive", "ce_delegate"])
def test_only_the_dpo_and_deputy_may_open_the_register_export_and_figures(
    client, request, url_name, who
):
    reported = breach(outcome="notified")
    person = request.getfixturevalue(who)
    reported.incident.reported_by = person  # even the person who reported a breach
    reported.incident.save()
    client.force_login(person)

    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", PAGES)
def test_signed_out_people_are_sent_to_sign_in(client, url_name):
    answer = client.get(reverse(url_name))
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("who", ["dpo", "deputy_dpo"])
def test_the_pages_are_never_stored_by_a_browser_or_proxy(client, request, url_name, who):
    breach(outcome="late")
    client.force_login(request.getfixturevalue(who))

    answer = client.get(reverse(url_name))

    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]


@pytest.mark.parametrize("url_name", PAGES)
def test_the_pages_refuse_a_post(client, dpo, url_name):
    client.force_login(dpo)
    assert client.post(reverse(url_name)).status_code == 405


def test_the_reporters_rough_count_of_people_is_shown_as_an_estimate(client, dpo):
    counted = breach(description="Counted by the DPO.", people_count=41)
    counted.incident.people_affected = 30
    counted.incident.save()
    guessed = breach(description="Guessed by the reporter.")
    guessed.incident.people_affected = 250
    guessed.incident.save()
    breach(description="Nobody knows.")
    client.force_login(dpo)

    page = client.get(URL).text

    assert "about 250 (reporter's estimate)" in page
    assert "about 30" not in page  # the DPO's figure stands
    assert page.count("reporter's estimate") == 1
    assert "Not known" in page


def test_a_refused_filter_leaves_the_valid_ones_applied_with_its_error_shown(client, dpo):
    breach(description="This year's.", reported_at=uk(2026, 2, 3, 10, 0))
    breach(description="Last year's.", reported_at=uk(2025, 2, 3, 10, 0))
    client.force_login(dpo)

    answer = client.get(URL, {"year": "2026", "outcome": "lost"})
    page = answer.text

    assert "This year&#x27;s." in page
    assert "Last year&#x27;s." not in page
    assert "Select a valid choice" in page
    # What the selects show is what is listed: the year chosen, any outcome.
    assert '<option value="2026" selected>' in page
    assert answer.context["query"] == "year=2026"


def test_a_breach_kept_from_the_ico_by_decision_says_so_not_that_it_waits(client, dpo):
    breach(outcome="not_notified")
    client.force_login(dpo)

    page = client.get(URL).text

    assert '<span class="badge text-bg-secondary">Decided not to tell the ICO</span>' in page
    assert ">Not told<" not in page
