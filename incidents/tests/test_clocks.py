"""The incident clocks: the DPO and deputy are reminded of a report waiting for triage and
alerted as a breach's ICO deadline nears and passes; action owners are reminded when an action
falls due. Each alert once, however often the sweep runs; after an outage, the latest only."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.ico_clock import with_clock_running
from incidents.kinds import Kind
from incidents.models import Alert, Assessment, Incident, TimelineEntry
from incidents.outbox import ACTION_PREFIX, ICO_PREFIX, UNTRIAGED_PREFIX, ico_alert_key
from incidents.services.clocks import OVERDUE_AGAIN, incident_clocks_sweep
from incidents.tests.clock_scenes import HOURS, NOW, action, breach, emails, waiting
from incidents.tests.factories import AssessmentFactory, IncidentFactory
from incidents.triage_sections import clock_state
from portal.lib.uktime import end_of_day, long_datetime
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(dpo, deputy_dpo):
    return [dpo, deputy_dpo]


# --- The ICO clock ----------------------------------------------------------------------------


def test_a_breach_alerts_the_dpo_and_deputy_at_24_hours_left_once(officers):
    assessment = breach(left=23 * HOURS)

    first = incident_clocks_sweep(now=NOW)
    again = incident_clocks_sweep(now=NOW + timedelta(minutes=5))

    sent = emails(ICO_PREFIX)
    assert {n.recipient for n in sent} == set(officers)
    assert len(sent) == 2
    assert (first.ico_alerts, again.ico_alerts) == (1, 0)
    [alert] = Alert.objects.all()
    assert alert.key == ico_alert_key(assessment.incident_id, assessment.ico_deadline_at, 24)
    email = sent[0]
    reference = assessment.incident.reference
    assert email.subject == f"23 hours left to tell the ICO: {reference}"
    assert long_datetime(assessment.ico_deadline_at) in email.body_text
    assert "(UK time)" in email.body_text
    assert reverse("incidents:incident", args=[assessment.incident_id]) in email.body_text


def test_each_point_and_the_deadline_passing_alert_once_each(officers):
    assessment = breach(left=30 * HOURS)
    deadline = assessment.ico_deadline_at
    assert deadline is not None

    for left in (30, 24, 20, 6, 5, 0, -1, -30):
        for minutes in (0, 5):  # each run twice
            incident_clocks_sweep(now=deadline - left * HOURS + timedelta(minutes=minutes))

    keys = sorted(Alert.objects.values_list("key", flat=True))
    incident = assessment.incident_id
    assert keys == sorted(ico_alert_key(incident, deadline, hours) for hours in (24, 6, 0))
    assert len(emails(ICO_PREFIX)) == 6
    [passed] = [n for n in emails(ICO_PREFIX) if "passed" in n.subject][:1]
    assert passed.subject == f"ICO deadline passed: {assessment.incident.reference}"
    assert "record why it was late" in passed.body_text


def test_a_sweep_back_from_an_outage_sends_the_latest_alert_only(officers):
    assessment = breach(left=30 * HOURS)
    deadline = assessment.ico_deadline_at
    assert deadline is not None
    incident_clocks_sweep(now=deadline - 30 * HOURS)  # nothing due yet
    # Down from 30 hours left to 2: the 24-hour alert never went.

    result = incident_clocks_sweep(now=deadline - 2 * HOURS)

    assert result.ico_alerts == 1
    [alert] = Alert.objects.all()
    assert alert.key == ico_alert_key(assessment.incident_id, deadline, 6)
    # It says the time really left, not the point's.
    assert emails(ICO_PREFIX)[0].subject.startswith("2 hours left")
    # And the 24-hour one is not sent late either.
    incident_clocks_sweep(now=deadline - 1 * HOURS)
    assert Alert.objects.count() == 1


def test_a_sweep_back_after_the_deadline_sends_only_that_it_passed(officers):
    assessment = breach(left=-3 * HOURS)

    incident_clocks_sweep(now=NOW)

    [alert] = Alert.objects.all()
    assert alert.key == ico_alert_key(assessment.incident_id, assessment.ico_deadline_at, 0)


@pytest.mark.parametrize(
    "fields",
    [
        {"notify_ico": False, "notify_decided_at": NOW - HOURS, "notify_reasons": "Encrypted."},
        {"ico_notified_at": NOW - HOURS, "ico_reference": "IC-123456"},
    ],
    ids=["decided not to notify", "already reported"],
)
def test_no_alert_for_a_breach_decided_not_to_notify_or_already_reported(officers, fields):
    breach(left=5 * HOURS, **fields)
    breach(left=-5 * HOURS, **fields)

    incident_clocks_sweep(now=NOW)

    assert not Alert.objects.exists()
    assert not Notification.objects.exists()


def test_a_breach_decided_to_be_notified_still_alerts_until_it_is_reported(officers):
    breach(left=5 * HOURS, notify_ico=True, notify_decided_at=NOW - HOURS)

    incident_clocks_sweep(now=NOW)

    assert len(emails(ICO_PREFIX)) == 2
    assert "no decision whether" not in emails(ICO_PREFIX)[0].body_text


def test_no_alert_for_a_closed_incident_nor_one_decided_not_a_breach(officers):
    closed = breach(left=5 * HOURS)
    Incident.objects.filter(pk=closed.incident_id).update(
        status=Incident.Status.CLOSED, closed_at=NOW
    )
    AssessmentFactory(is_breach=False, not_breach_reasons="No personal data.")

    incident_clocks_sweep(now=NOW)

    assert not emails(ICO_PREFIX)


def test_a_moved_deadline_is_a_new_clock(officers):
    assessment = breach(left=5 * HOURS)
    incident_clocks_sweep(now=NOW)
    # Awareness corrected a day later: 29 hours left, then the 24- and 6-hour points again.
    later = assessment.ico_deadline_at + 24 * HOURS
    Assessment.objects.filter(pk=assessment.pk).update(
        aware_at=assessment.aware_at + 24 * HOURS, ico_deadline_at=later
    )

    incident_clocks_sweep(now=NOW + timedelta(minutes=5))  # 29 hours left: nothing new
    incident_clocks_sweep(now=later - 5 * HOURS)

    assert Alert.objects.count() == 2
    assert Alert.objects.filter(key=ico_alert_key(assessment.incident_id, later, 6)).exists()


def test_the_alert_points_come_from_the_organisation_settings(officers):
    org = OrganisationSettings.load()
    org.ico_alert_hours = "48,12,1"
    org.save()
    assessment = breach(left=47 * HOURS)

    incident_clocks_sweep(now=NOW)

    [alert] = Alert.objects.all()
    assert alert.key == ico_alert_key(assessment.incident_id, assessment.ico_deadline_at, 48)


def test_an_alert_is_on_the_timeline_for_handlers_only_and_audited_once_per_run(officers):
    breach(left=5 * HOURS)
    breach(left=20 * HOURS)

    incident_clocks_sweep(now=NOW)
    incident_clocks_sweep(now=NOW + timedelta(minutes=5))

    entries = TimelineEntry.objects.filter(kind=TimelineEntry.Kind.ALERT)
    assert entries.count() == 2
    assert all(entry.internal and entry.by is None for entry in entries)
    assert "left before the deadline" in entries[0].text
    [event] = AuditEvent.objects.filter(verb=IncidentEvent.ICO_CLOCK_ALERTED)
    assert len(event.changes["alerts"]) == 2
    assert event.changes["emails"] == 4
    # An alert is not someone picking the report up.
    assert set(Incident.objects.values_list("status", flat=True)) == {Incident.Status.RECEIVED}


def test_with_nobody_in_the_dpo_role_nothing_is_marked_sent():
    breach(left=5 * HOURS)

    incident_clocks_sweep(now=NOW)

    assert not Alert.objects.exists()


def test_a_dpo_who_reported_the_breach_is_not_alerted_about_it_while_the_deputy_is(dpo, deputy_dpo):
    incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=dpo, reported_at=NOW - 67 * HOURS)
    AssessmentFactory(incident=incident, breach=True)

    incident_clocks_sweep(now=NOW)

    assert [n.recipient for n in emails(ICO_PREFIX)] == [deputy_dpo]


# --- Untriaged --------------------------------------------------------------------------------


def test_a_report_waiting_for_triage_reminds_the_dpo_and_deputy_once(officers):
    incident = waiting(since=5 * HOURS)

    first = incident_clocks_sweep(now=NOW)
    again = incident_clocks_sweep(now=NOW + 2 * HOURS)

    assert (first.untriaged, again.untriaged) == (1, 0)
    sent = emails(UNTRIAGED_PREFIX)
    assert {n.recipient for n in sent} == set(officers)
    assert sent[0].subject == f"Waiting for triage: {incident.reference}"
    body = sent[0].body_text
    assert "5 hours ago" in body
    assert long_datetime(incident.reported_at + 72 * HOURS) in body
    assert reverse("incidents:incident", args=[incident.pk]) in body
    [event] = AuditEvent.objects.filter(verb=IncidentEvent.UNTRIAGED_REMINDED)
    assert event.changes["incidents"] == [incident.reference]


def test_no_reminder_before_the_interval_nor_once_triaged(officers):
    early = waiting(since=3 * HOURS)
    AssessmentFactory(incident=waiting(since=9 * HOURS), is_breach=True)
    AssessmentFactory(
        incident=waiting(since=9 * HOURS), is_breach=False, not_breach_reasons="Not personal."
    )

    incident_clocks_sweep(now=NOW)
    # Triaged before its reminder fell due: never reminded.
    AssessmentFactory(incident=early, is_breach=False, not_breach_reasons="Not personal.")
    incident_clocks_sweep(now=NOW + 5 * HOURS)

    assert not emails(UNTRIAGED_PREFIX)


def test_an_assessment_started_but_undecided_still_reminds(officers):
    AssessmentFactory(incident=waiting(since=5 * HOURS))

    assert incident_clocks_sweep(now=NOW).untriaged == 1


def test_only_reports_with_the_dpo_and_still_open_remind(officers):
    waiting(since=9 * HOURS, kind=Kind.INAPPROPRIATE_CONTENT)  # PSD's
    waiting(since=9 * HOURS, status=Incident.Status.CLOSED, closed_at=NOW - HOURS)

    incident_clocks_sweep(now=NOW)

    assert not emails(UNTRIAGED_PREFIX)


def test_a_report_referred_to_the_dpo_later_counts_from_the_referral(officers):
    referred = waiting(
        since=50 * HOURS,
        kind=Kind.INAPPROPRIATE_CONTENT,
        to_dpo=True,
        referred_to_dpo_at=NOW - 3 * HOURS,
    )

    incident_clocks_sweep(now=NOW)
    assert not emails(UNTRIAGED_PREFIX)
    incident_clocks_sweep(now=NOW + HOURS)

    [first, _] = emails(UNTRIAGED_PREFIX)
    assert "was referred to the data protection officer" in first.body_text
    assert Alert.objects.get().incident == referred


def test_the_interval_is_the_organisation_setting(officers):
    org = OrganisationSettings.load()
    org.incident_triage_reminder_hours = 12
    org.save()
    waiting(since=5 * HOURS)

    assert incident_clocks_sweep(now=NOW).untriaged == 0
    assert incident_clocks_sweep(now=NOW + 7 * HOURS).untriaged == 1


# --- Actions ----------------------------------------------------------------------------------


def test_an_owner_is_reminded_once_when_an_action_falls_due(officers, alice):
    open_action = action(due=HOURS, owner=alice)
    action(due=-24 * HOURS, owner=alice)  # due tomorrow: not yet
    action(due=2 * HOURS, owner=alice, done_at=NOW - 3 * HOURS, done_by=alice)

    first = incident_clocks_sweep(now=NOW)
    incident_clocks_sweep(now=NOW + timedelta(minutes=5))

    assert first.actions_due == 1
    [email] = emails(ACTION_PREFIX)
    assert email.recipient == alice
    assert email.subject == f"A breach action is overdue: {open_action.incident.reference}"
    assert open_action.description in email.body_text
    # Alice cannot open a breach she neither reported nor handles: she records it done in
    # her own list of actions.
    assert email.url == reverse("incidents:my_actions")
    entry = TimelineEntry.objects.get(kind=TimelineEntry.Kind.ALERT)
    assert entry.internal
    assert "Alice Staff" in entry.text


def test_an_action_a_week_overdue_reminds_the_owner_again_and_tells_the_dpo(officers, alice):
    open_action = action(due=HOURS, owner=alice)
    incident_clocks_sweep(now=NOW)

    result = incident_clocks_sweep(now=NOW + OVERDUE_AGAIN)

    assert result.actions_overdue == 1
    later = emails(ACTION_PREFIX)[1:]
    assert {n.recipient for n in later} == {alice, *officers}
    assert all("a week overdue" in n.subject for n in later)
    to_dpo = next(n for n in later if n.recipient != alice)
    assert "Alice Staff has been reminded again" in to_dpo.body_text
    assert reverse("incidents:incident", args=[open_action.incident_id]) in to_dpo.url
    incident_clocks_sweep(now=NOW + 3 * OVERDUE_AGAIN)
    assert len(emails(ACTION_PREFIX)) == 4


def test_an_action_first_seen_a_fortnight_late_gets_the_late_reminder_only(officers, alice):
    action(due=14 * 24 * HOURS, owner=alice)

    result = incident_clocks_sweep(now=NOW)

    assert (result.actions_due, result.actions_overdue) == (0, 1)
    assert Alert.objects.get().key.endswith(":7d")


def test_an_action_on_a_closed_incident_is_not_reminded(officers):
    closed = action(due=HOURS)
    Incident.objects.filter(pk=closed.incident_id).update(
        status=Incident.Status.CLOSED, closed_at=NOW
    )

    incident_clocks_sweep(now=NOW)

    assert not emails(ACTION_PREFIX)


def test_a_dpo_who_owns_an_action_gets_the_link_to_their_actions(dpo, deputy_dpo):
    action(due=HOURS, owner=dpo)

    incident_clocks_sweep(now=NOW)

    [email] = emails(ACTION_PREFIX)
    assert email.url == reverse("incidents:my_actions")
    assert "record it as done" in email.body_text


# --- The sweep as a whole ---------------------------------------------------------------------


def test_a_sweep_that_sends_nothing_writes_nothing(officers):
    breach(left=40 * HOURS)
    waiting(since=HOURS)

    result = incident_clocks_sweep(now=NOW)

    assert not AuditEvent.objects.filter(verb__startswith="incident.").exists()
    assert not TimelineEntry.objects.exists()
    assert (result.untriaged, result.ico_alerts, result.actions_due) == (0, 0, 0)


def _scene(count: int, now) -> None:
    for _ in range(count):
        breach(left=5 * HOURS, now=now)
        waiting(since=5 * HOURS, now=now)
        action(due=HOURS, now=now)


def _queries(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        incident_clocks_sweep(now=now)
    return len(queries)


def test_the_sweep_runs_a_fixed_number_of_queries_per_batch_whatever_it_sends(officers):
    OrganisationSettings.load()  # cached, as it is between runs
    _scene(2, NOW)
    few = _queries(NOW)
    later = NOW + timedelta(minutes=5)
    _scene(25, later)
    many = _queries(later)

    assert Alert.objects.count() == 3 * 27
    assert few == many, (few, many)


def test_a_run_with_more_than_a_batch_costs_one_more_batch_per_kind(officers):
    OrganisationSettings.load()
    _scene(10, NOW)
    one = _queries_batched(NOW, 10)
    later = NOW + timedelta(minutes=5)
    _scene(20, later)
    two = _queries_batched(later, 10)
    latest = NOW + timedelta(minutes=10)
    _scene(30, latest)
    three = _queries_batched(latest, 10)

    assert three - two == two - one > 0
    assert AuditEvent.objects.filter(verb=IncidentEvent.ICO_CLOCK_ALERTED).count() == 1 + 2 + 3


def _queries_batched(now, size: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        incident_clocks_sweep(now=now, batch_size=size)
    return len(queries)


def test_the_sweep_is_in_the_beat_schedule_every_five_minutes(settings):
    [entry] = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "incidents.tasks.incident_clocks_sweep_task"
    ]
    assert entry["schedule"] == 300.0


def test_the_task_runs_the_sweep_at_the_time_it_runs(officers):
    from incidents.tasks import incident_clocks_sweep_task

    breach(left=5 * HOURS, now=timezone.now())

    incident_clocks_sweep_task.delay()

    assert len(emails(ICO_PREFIX)) == 2


# --- Review fixes -----------------------------------------------------------------------------


def _with_clock(assessment: Assessment) -> Assessment:
    return with_clock_running(Assessment.objects.filter(pk=assessment.pk)).get()


def test_an_undecided_breach_with_a_deadline_alerts_as_the_page_shows_it_running(officers):
    # Awareness recorded, the breach decision not yet made: the page shows the clock running.
    assessment = breach(left=5 * HOURS, is_breach=None)
    assert clock_state(_with_clock(assessment), NOW)["state"] == "running"

    result = incident_clocks_sweep(now=NOW)

    assert result.ico_alerts == 1
    assert len(emails(ICO_PREFIX)) == 2


def test_a_closed_incident_shows_no_running_clock_and_alerts_nobody(officers):
    assessment = breach(left=5 * HOURS)
    Incident.objects.filter(pk=assessment.incident_id).update(
        status=Incident.Status.CLOSED, closed_at=NOW
    )

    assert clock_state(_with_clock(assessment), NOW)["state"] == "closed"
    assert incident_clocks_sweep(now=NOW).ico_alerts == 0


def test_a_deadline_corrected_earlier_alerts_with_the_new_deadline(officers):
    assessment = breach(left=5 * HOURS)
    incident_clocks_sweep(now=NOW)  # the 6-hour alert, for the old deadline
    # Awareness corrected three hours earlier: 2 hours left, still in the 6-hour stage.
    earlier = assessment.ico_deadline_at - 3 * HOURS
    Assessment.objects.filter(pk=assessment.pk).update(
        aware_at=assessment.aware_at - 3 * HOURS, ico_deadline_at=earlier
    )

    result = incident_clocks_sweep(now=NOW + timedelta(minutes=5))

    assert result.ico_alerts == 1
    assert Alert.objects.filter(key=ico_alert_key(assessment.incident_id, earlier, 6)).exists()
    assert long_datetime(earlier) in emails(ICO_PREFIX)[-1].body_text


def test_a_dpo_who_reported_the_incident_is_not_told_its_action_is_a_week_late(
    dpo, deputy_dpo, alice
):
    late = action(due=OVERDUE_AGAIN + HOURS, owner=alice)
    Incident.objects.filter(pk=late.incident_id).update(reported_by=dpo)

    incident_clocks_sweep(now=NOW)

    assert {n.recipient for n in emails(ACTION_PREFIX)} == {alice, deputy_dpo}


def _due_today(now=NOW, **fields):
    """An action due at the end of `now`'s UK day."""
    return action(due=NOW - end_of_day(timezone.localdate(now)), **fields)


def test_an_owner_is_reminded_on_the_morning_of_the_due_day(officers, alice):
    # NOW is 12:00 UK time (GMT in March before the change); due at 23:59 tonight.
    due = _due_today(owner=alice, created_at=NOW - 48 * HOURS)
    morning = NOW - 4 * HOURS - timedelta(minutes=1)  # 07:59

    assert incident_clocks_sweep(now=morning).actions_due == 0
    assert incident_clocks_sweep(now=NOW - 4 * HOURS).actions_due == 1  # 08:00

    [email] = emails(ACTION_PREFIX)
    assert email.subject == f"A breach action is due today: {due.incident.reference}"
    assert incident_clocks_sweep(now=due.due_at + HOURS).actions_due == 0


def test_the_morning_reminder_is_at_8_uk_time_in_summer(officers, alice):
    summer = datetime(2026, 7, 14, 12, 0, tzinfo=UTC)  # 13:00 BST
    due = action(due=summer - end_of_day(timezone.localdate(summer)), now=summer, owner=alice)
    due.created_at = summer - 48 * HOURS
    due.save()

    assert incident_clocks_sweep(now=summer - 5 * HOURS - timedelta(minutes=1)).actions_due == 0
    assert incident_clocks_sweep(now=summer - 5 * HOURS).actions_due == 1  # 08:00 BST


def test_an_action_added_later_on_its_due_day_is_reminded_at_once(officers, alice):
    _due_today(owner=alice, created_at=NOW - HOURS)

    assert incident_clocks_sweep(now=NOW).actions_due == 1


def test_owners_are_linked_to_their_actions_and_the_dpo_to_the_incident(officers, alice, dpo):
    mine = action(due=OVERDUE_AGAIN + HOURS, owner=alice)
    dpos = action(due=HOURS, owner=dpo)

    incident_clocks_sweep(now=NOW)

    sent = emails(ACTION_PREFIX)
    to_owners = [n for n in sent if n.recipient == alice or dpos.incident.reference in n.subject]
    assert len(to_owners) == 2
    assert {n.url for n in to_owners} == {reverse("incidents:my_actions")}
    to_officers = [n for n in sent if n not in to_owners]
    assert {n.recipient for n in to_officers} == set(officers)
    assert {n.url for n in to_officers} == {reverse("incidents:incident", args=[mine.incident_id])}
    assert all("who records it" not in n.body_text for n in sent)


def test_an_action_whose_owner_has_left_goes_to_the_dpo_and_deputy(officers):
    gone = action(due=HOURS, owner=UserFactory(is_active=False))

    result = incident_clocks_sweep(now=NOW)

    assert result.actions_due == 1
    sent = emails(ACTION_PREFIX)
    assert {n.recipient for n in sent} == set(officers)
    assert all("has left" in n.body_text and "reassign" in n.body_text for n in sent)
    assert all(n.url == reverse("incidents:incident", args=[gone.incident_id]) for n in sent)
    incident_clocks_sweep(now=NOW + OVERDUE_AGAIN)
    assert len(emails(ACTION_PREFIX)) == 4


def test_with_nobody_in_the_dpo_role_the_mailbox_is_alerted():
    org = OrganisationSettings.load()
    org.dpo_email = "dpo.mailbox@example.org"
    org.save()
    breach(left=5 * HOURS)

    assert incident_clocks_sweep(now=NOW).ico_alerts == 1

    [email] = emails(ICO_PREFIX)
    assert email.to_email == "dpo.mailbox@example.org"


def test_with_nobody_in_the_dpo_role_nor_a_mailbox_a_late_action_waits(alice, dpo):
    dpo.groups.clear()
    late = action(due=OVERDUE_AGAIN + HOURS, owner=alice)

    assert incident_clocks_sweep(now=NOW).actions_overdue == 0
    assert not Alert.objects.exists()

    dpo.groups.add(Group.objects.get(name=Role.DPO))
    assert incident_clocks_sweep(now=NOW + HOURS).actions_overdue == 1
    assert late.incident.reference in emails(ACTION_PREFIX)[-1].subject


def test_the_audit_event_lists_only_what_was_sent(officers):
    first = breach(left=5 * HOURS)
    # The first's 6-hour alert is in the ledger already, dated before its stage began (the
    # ledger is append-only, so it is written so, not moved back): both incidents are in the
    # batch, but only the second's alert is claimed and sent.
    key = ico_alert_key(first.incident.pk, first.ico_deadline_at, 6)
    Alert.objects.create(key=key, incident=first.incident, sent_at=NOW - 10 * HOURS)
    breach(left=5 * HOURS)
    second_run = incident_clocks_sweep(now=NOW + timedelta(minutes=5))

    assert second_run.ico_alerts == 1
    event = AuditEvent.objects.filter(verb=IncidentEvent.ICO_CLOCK_ALERTED).latest("pk")
    assert first.incident.reference not in event.changes["incidents"]
    assert len(event.changes["incidents"]) == 1


def test_the_page_and_the_alert_say_the_time_left_in_the_same_words(officers):
    assessment = breach(left=5 * HOURS)

    incident_clocks_sweep(now=NOW)

    assert clock_state(_with_clock(assessment), NOW)["left"] == "5 hours"
    assert emails(ICO_PREFIX)[0].subject.startswith("5 hours left")
