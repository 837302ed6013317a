"""The breach register's CSV export: marked, formula-safe, filtered as the page is, and on the
record."""

import csv
import gc
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import Assessment, Regime
from incidents.tests.factories import AssessmentFactory, ContainmentActionFactory
from incidents.tests.register_helpers import breach, uk
from incidents.views.register import HEADER
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("incidents:breach_register_csv")


def _rows(answer) -> list[list[str]]:
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _column(name: str) -> int:
    return HEADER.index(name)


def test_the_export_is_marked_in_its_name_and_first_line(client, dpo):
    breach()
    client.force_login(dpo)

    answer = client.get(URL)

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert "no-store" in answer["Cache-Control"]
    disposition = answer["Content-Disposition"]
    assert disposition.startswith('attachment; filename="OFFICIAL-SENSITIVE-breach-register-')
    rows = _rows(answer)
    assert rows[0][0] == "OFFICIAL-SENSITIVE"
    assert dpo.full_name in rows[0][1]
    assert rows[1] == HEADER


def test_each_breach_is_one_row_with_its_facts_effects_actions_and_decision(client, dpo):
    late = breach(
        outcome="late",
        regime=Regime.DPA_PART_3,
        data_categories=["special"],
        people_count=12,
        people_categories=["vulnerable"],
        risk_reasons="Health details of vulnerable adults.",
        containment_summary="Recalled the email.",
        subjects_told=False,
        subjects_not_told_reasons="Telling them would prejudice an investigation.",
        lessons_learned="Turn off address autofill.",
        notify_decided_by=dpo,
    )
    ContainmentActionFactory(incident=late.incident, description="Recall the email.")
    breach(outcome="not_notified", description="Kept on the record only.")
    AssessmentFactory(is_breach=False, not_breach_reasons="No personal data.")
    client.force_login(dpo)

    rows = _rows(client.get(URL))[2:]

    assert len(rows) == 2
    row = next(r for r in rows if r[0] == late.incident.reference)
    assert row[_column("Law")].startswith("Data Protection Act 2018 Part 3")
    assert row[_column("Personal data involved")] == "Special category data"
    assert row[_column("People affected")] == "12"
    assert row[_column("Who they are")] == "Vulnerable adults"
    assert row[_column("Why that risk")] == "Health details of vulnerable adults."
    assert row[_column("Contained by")] == "Recalled the email."
    assert row[_column("Actions (owner, due, done)")].startswith("Recall the email. (")
    assert row[_column("Where it stands with the ICO")] == "Told the ICO late"
    assert row[_column("Decision on telling the ICO")] == "Yes"
    assert row[_column("Decided by")] == dpo.full_name
    assert row[_column("ICO case reference")] == "IC-200002"
    assert row[_column("Told late")] == "Yes"
    assert row[_column("Why late")].startswith("The recipient only confirmed")
    assert row[_column("People affected told")] == "No"
    assert row[_column("Told when and how, or why not")].startswith("Telling them would")
    assert row[_column("Lessons learned")] == "Turn off address autofill."
    aware = timezone.localtime(late.aware_at).strftime("%Y-%m-%d %H:%M %Z")
    assert row[_column("Organisation aware (UK time)")] == aware
    kept = next(r for r in rows if r[0] != late.incident.reference)
    assert kept[_column("Decision on telling the ICO")] == "No"
    assert kept[_column("Told late")] == "No"


def test_cells_a_spreadsheet_would_run_are_neutralised(client, dpo):
    breach(
        outcome="not_notified",
        description='=HYPERLINK("https://example.org","click")',
        notify_reasons="+44 number only",
        lessons_learned="@SUM(A1)",
    )
    client.force_login(dpo)

    row = _rows(client.get(URL))[2]

    assert row[_column("What happened")] == '\'=HYPERLINK("https://example.org","click")'
    assert row[_column("Reasons")] == "'+44 number only"
    assert row[_column("Lessons learned")] == "'@SUM(A1)"


def test_the_export_follows_the_pages_filters_and_records_them(client, dpo):
    breach(description="This year's.", reported_at=uk(2026, 2, 3, 10, 0), outcome="late")
    breach(description="Last year's.", reported_at=uk(2025, 2, 3, 10, 0), outcome="late")
    breach(description="Lost phone.", kind=Kind.LOST_DEVICE, reported_at=uk(2026, 2, 4, 10, 0))
    client.force_login(dpo)

    rows = _rows(client.get(URL, {"year": "2026", "outcome": "late"}))

    assert [r[_column("What happened")] for r in rows[2:]] == ["This year's."]
    assert (
        "Filters: Year the organisation became aware: 2026; The ICO: Told the ICO late."
        in (rows[0][1])
    )
    event = AuditEvent.objects.get(verb=IncidentEvent.BREACH_REGISTER_EXPORTED)
    assert event.actor == dpo
    assert event.changes == {"filters": {"year": "2026", "outcome": "late"}}


def test_an_unfiltered_export_is_recorded_too(client, deputy_dpo):
    client.force_login(deputy_dpo)

    rows = _rows(client.get(URL))

    assert rows[1] == HEADER
    assert len(rows) == 2
    event = AuditEvent.objects.get(verb=IncidentEvent.BREACH_REGISTER_EXPORTED)
    assert (event.actor, event.changes) == (deputy_dpo, {"filters": {}})


def test_the_export_reads_many_breaches_in_as_many_queries_as_a_few(client, dpo):
    def export_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows = _rows(client.get(URL))
        return len(queries), len(rows)

    for _ in range(3):
        ContainmentActionFactory(incident=breach(outcome="late").incident)
    client.force_login(dpo)
    client.get(URL)
    few, lines = export_queries()
    assert lines == 2 + 3
    for n in range(30):
        row = breach(outcome="notified", reported_at=timezone.now() - timedelta(days=n + 1))
        ContainmentActionFactory(incident=row.incident)

    many, lines = export_queries()
    assert lines == 2 + 33
    assert many == few


def test_the_export_lets_each_breach_go_once_it_is_written(client, dpo):
    # Constant memory: a row written is a row freed, without waiting for the garbage collector
    # (which runs rarely enough for a big export to hold every row it had read until the end).
    for _ in range(5):
        ContainmentActionFactory(incident=breach(outcome="late").incident)
    client.force_login(dpo)
    gc.collect()
    gc.disable()
    try:
        answer = client.get(URL)
        lines = sum(chunk.count(b"\n") for chunk in answer.streaming_content)
        alive = [o for o in gc.get_objects() if type(o) is Assessment and hasattr(o, "outcome")]
    finally:
        gc.enable()
    assert lines == 2 + 5
    assert alive == []


def test_a_breach_past_its_deadline_and_not_told_says_so(client, dpo):
    overdue = breach(outcome="to_notify", reported_at=timezone.now() - timedelta(days=5))
    running = breach(outcome="undecided", reported_at=timezone.now() - timedelta(hours=3))
    late = breach(outcome="late")
    kept = breach(outcome="not_notified", reported_at=timezone.now() - timedelta(days=30))
    client.force_login(dpo)

    rows = {r[0]: r for r in _rows(client.get(URL))[2:]}

    flags = {
        row.incident.reference: (
            rows[row.incident.reference][_column("Past the deadline, ICO not told")],
            rows[row.incident.reference][_column("Told late")],
        )
        for row in (overdue, running, late, kept)
    }
    assert flags == {
        overdue.incident.reference: ("Yes", "No"),
        running.incident.reference: ("No", "No"),
        late.incident.reference: ("No", "Yes"),
        kept.incident.reference: ("No", "No"),
    }


def test_the_export_lists_only_the_overdue_breaches_when_asked(client, dpo):
    overdue = breach(outcome="to_notify", reported_at=timezone.now() - timedelta(days=5))
    breach(outcome="undecided", reported_at=timezone.now() - timedelta(hours=3))
    breach(outcome="late")
    client.force_login(dpo)

    rows = _rows(client.get(URL, {"outcome": "overdue"}))[2:]

    assert [r[0] for r in rows] == [overdue.incident.reference]


def test_the_dpos_count_and_the_reporters_estimate_have_a_column_each(client, dpo):
    counted = breach(people_count=41)
    counted.incident.people_affected = 30
    counted.incident.save()
    guessed = breach()
    guessed.incident.people_affected = 250
    guessed.incident.save()
    client.force_login(dpo)

    rows = {r[0]: r for r in _rows(client.get(URL))[2:]}

    columns = (_column("People affected"), _column("People affected (reporter's estimate)"))
    assert [rows[counted.incident.reference][i] for i in columns] == ["41", "30"]
    assert [rows[guessed.incident.reference][i] for i in columns] == ["", "250"]


def test_a_refused_filter_leaves_the_valid_ones_applied_in_the_export(client, dpo):
    breach(description="This year's.", reported_at=uk(2026, 2, 3, 10, 0))
    breach(description="Last year's.", reported_at=uk(2025, 2, 3, 10, 0))
    client.force_login(dpo)

    rows = _rows(client.get(URL, {"year": "2026", "outcome": "lost"}))

    assert [r[_column("What happened")] for r in rows[2:]] == ["This year's."]
    event = AuditEvent.objects.get(verb=IncidentEvent.BREACH_REGISTER_EXPORTED)
    assert event.changes == {"filters": {"year": "2026"}}


def test_times_name_their_zone_so_the_autumn_hour_reads_one_way(client, dpo):
    # 01:30 on 25 October 2026 happens twice: in BST (00:30 UTC), then in GMT (01:30 UTC).
    first = breach(reported_at=datetime(2026, 10, 25, 0, 30, tzinfo=UTC), description="First.")
    second = breach(reported_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC), description="Second.")
    first.aware_at, second.aware_at = first.incident.reported_at, second.incident.reported_at
    Assessment.objects.bulk_update([first, second], ["aware_at"])
    client.force_login(dpo)

    rows = _rows(client.get(URL))
    aware = {
        r[_column("What happened")]: r[_column("Organisation aware (UK time)")] for r in rows[2:]
    }

    assert aware == {"First.": "2026-10-25 01:30 BST", "Second.": "2026-10-25 01:30 GMT"}
    assert re.search(r"exported \d{4}-\d\d-\d\d \d\d:\d\d (GMT|BST) by", rows[0][1])


def test_the_first_line_names_the_filters_in_words_not_codes(client, dpo):
    client.force_login(dpo)

    rows = _rows(
        client.get(
            URL, {"regime": Regime.DPA_PART_3, "kind": Kind.LOST_DEVICE, "outcome": "to_notify"}
        )
    )

    described = rows[0][1]
    assert (
        "Filters: Law: Data Protection Act 2018 Part 3 (sections 67 and 68); Kind of report: "
        "Lost device; The ICO: Decided to tell the ICO, not yet told." in described
    )
    for code in ("dpa_part_3", "lost_device", "to_notify"):
        assert code not in described
