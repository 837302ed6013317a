from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from declarations.models import Obligation
from declarations.services.campaigns import obligation_extend, obligation_pause
from declarations.services.reminders import DUE_WINDOW, declarations_sweep
from declarations.tasks import declarations_sweep_task
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyVersionFactory,
)
from portal.lib.uktime import days_overdue
from portal.models import Notification, OrganisationSettings
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# UK wall-clock times (GMT or BST by the date), as the portal's users read them.
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def campaign(now):
    # A chosen audience with nothing chosen asks nobody, so the sweep's enrolment adds nobody
    # and each test decides exactly who is asked.
    return CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        opens_at=now - timedelta(days=10),
        due_at=now + timedelta(days=20),
        reminder_every_days=7,
        admin_escalation_days=7,
        versions=[PolicyVersionFactory(published=True)],
    )


def _obligation(campaign, user, **fields):
    return ObligationFactory(campaign=campaign, user=user, **fields)


def _keys(prefix: str) -> list[str]:
    return sorted(
        Notification.objects.filter(dedup_key__startswith=prefix).values_list(
            "dedup_key", flat=True
        )
    )


def test_a_reminder_goes_out_when_its_slot_comes_and_a_second_sweep_sends_nothing(
    campaign, alice, now
):
    slot = now - timedelta(minutes=3)
    obligation = _obligation(campaign, alice, next_reminder_at=slot)

    first = declarations_sweep(now=now)
    second = declarations_sweep(now=now + timedelta(minutes=5))

    assert (first.reminders, second.reminders) == (1, 0)
    assert _keys("decl-reminder:") == [
        f"decl-reminder:{obligation.pk}:{slot.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    ]
    obligation.refresh_from_db()
    assert obligation.next_reminder_at == slot + timedelta(days=7)
    assert obligation.reminders_sent == 1
    message = Notification.objects.get(dedup_key__startswith="decl-reminder:")
    assert message.recipient == alice
    assert message.url == f"/declarations/sign/{obligation.pk}/"


def test_a_sweep_back_after_days_away_sends_one_reminder_not_one_per_missed_slot(
    campaign, alice, now
):
    campaign.reminder_every_days = 2
    campaign.save()
    # Slots fell due 7, 5, 3 and 1 days ago while nothing ran.
    old = now - timedelta(days=7)
    obligation = _obligation(campaign, alice, next_reminder_at=old)

    result = declarations_sweep(now=now)
    again = declarations_sweep(now=now + timedelta(hours=1))

    assert (result.reminders, again.reminders) == (1, 0)
    latest_slot = old + timedelta(days=6)
    assert _keys("decl-reminder:") == [
        f"decl-reminder:{obligation.pk}:{latest_slot.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    ]
    obligation.refresh_from_db()
    # The next slot after now on the original schedule, not the slot after the old value.
    assert obligation.next_reminder_at == old + timedelta(days=8)
    assert obligation.reminders_sent == 1


def test_the_next_slot_comes_round_and_sends_the_next_reminder(campaign, alice, now):
    obligation = _obligation(campaign, alice, next_reminder_at=now - timedelta(minutes=1))
    declarations_sweep(now=now)
    declarations_sweep(now=now + timedelta(days=7))
    assert len(_keys(f"decl-reminder:{obligation.pk}:")) == 2


def test_signed_paused_and_inactive_people_and_closed_campaigns_get_nothing(
    campaign, alice, bob, charlie, policy_admin, now
):
    due = now - timedelta(days=9)  # past the deadline and the administrators' escalation
    signed = _obligation(campaign, alice, due_at=due, next_reminder_at=due)
    DeclarationFactory(obligation=signed)
    paused = _obligation(campaign, bob, due_at=due, next_reminder_at=due)
    obligation_pause(obligation=paused, by=policy_admin, reason="Long-term sick leave")
    leaver = UserFactory(is_active=False, line_manager=bob)
    _obligation(campaign, leaver, due_at=due, next_reminder_at=due)
    closed = CampaignFactory(status="closed", audience_all=False, due_at=now + timedelta(days=1))
    _obligation(closed, charlie, due_at=due, next_reminder_at=due)

    result = declarations_sweep(now=now)

    assert (result.reminders, result.due, result.overdue) == (0, 0, 0)
    assert (result.managers_told, result.admin_escalated) == (0, 0)
    assert not Notification.objects.filter(dedup_key__startswith="decl-").exists()


def test_the_due_reminder_goes_out_once_in_the_last_day_even_with_a_long_cadence(
    campaign, alice, now
):
    due = now + timedelta(hours=10)
    # Enrolment scheduled the first cadence reminder after the deadline itself.
    obligation = _obligation(campaign, alice, due_at=due, next_reminder_at=due + timedelta(days=3))

    result = declarations_sweep(now=now)
    again = declarations_sweep(now=now + timedelta(hours=2))

    assert (result.due, again.due, result.reminders) == (1, 0, 0)
    assert _keys("decl-due:") == [f"decl-due:{obligation.pk}:{due.astimezone(UTC):%Y%m%dT%H%M%SZ}"]
    obligation.refresh_from_db()
    assert obligation.next_reminder_at == due


def test_a_catch_up_inside_the_last_day_sends_the_due_reminder_only(campaign, alice, now):
    obligation = _obligation(
        campaign, alice, due_at=now + timedelta(hours=5), next_reminder_at=now - timedelta(days=9)
    )
    result = declarations_sweep(now=now)
    assert (result.reminders, result.due) == (0, 1)
    assert _keys(f"decl-reminder:{obligation.pk}") == []


def test_a_cadence_slot_inside_the_last_day_gives_way_to_the_due_reminder(campaign, alice, now):
    due = now + timedelta(days=3)
    obligation = _obligation(campaign, alice, due_at=due, next_reminder_at=now - timedelta(hours=1))
    declarations_sweep(now=now)
    obligation.refresh_from_db()
    # The next cadence slot (in 7 days) is after the deadline: the due reminder comes next.
    assert obligation.next_reminder_at == due - DUE_WINDOW


def test_after_the_deadline_the_person_and_their_line_manager_are_told_once(
    campaign, alice, bob, now, mailoutbox, django_capture_on_commit_callbacks
):
    due = now - timedelta(hours=1)
    obligation = _obligation(campaign, alice, due_at=due, next_reminder_at=due)

    with django_capture_on_commit_callbacks(execute=True):
        result = declarations_sweep(now=now)
    again = declarations_sweep(now=now + timedelta(days=1))

    assert (result.overdue, result.managers_told) == (1, 1)
    assert (again.overdue, again.managers_told) == (0, 0)
    stamp = f"{due.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    assert _keys("decl-overdue:") == [f"decl-overdue:{obligation.pk}:{stamp}"]
    assert _keys("decl-overdue-mgr:") == [f"decl-overdue-mgr:{obligation.pk}:{stamp}"]
    obligation.refresh_from_db()
    assert obligation.manager_escalated_at == now
    assert obligation.next_reminder_at is None
    to_bob = [m for m in mailoutbox if m.to == ["bob@example.org"]]
    assert len(to_bob) == 1
    assert "Alice Staff has not signed Annual declaration 2026" in to_bob[0].subject
    assert "http://testserver/declarations/team/" in to_bob[0].body
    to_alice = [m for m in mailoutbox if m.to == ["alice@example.org"]]
    assert len(to_alice) == 1
    assert "Bob Manager" in to_alice[0].body


def test_a_person_without_a_line_manager_is_left_to_the_administrators(campaign, charlie, now):
    due = now - timedelta(hours=1)
    obligation = _obligation(campaign, charlie, due_at=due, next_reminder_at=due)
    result = declarations_sweep(now=now)
    assert (result.overdue, result.managers_told) == (1, 0)
    obligation.refresh_from_db()
    assert obligation.manager_escalated_at is None


def test_administrators_get_one_digest_each_after_the_escalation_days(
    campaign, alice, charlie, policy_admin, now, mailoutbox, django_capture_on_commit_callbacks
):
    second_admin = UserFactory(roles=[Role.POLICY_ADMIN], email="hr2@example.org")
    late = now - timedelta(days=8)
    recent = now - timedelta(days=2)
    a = _obligation(campaign, alice, due_at=late, next_reminder_at=None)
    c = _obligation(campaign, charlie, due_at=late, next_reminder_at=None)
    not_yet = _obligation(campaign, UserFactory(), due_at=recent, next_reminder_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        result = declarations_sweep(now=now)
    again = declarations_sweep(now=now + timedelta(minutes=5))

    assert (result.admin_escalated, again.admin_escalated) == (2, 0)
    day = timezone.localdate(now)
    assert _keys("decl-overdue-admin:") == sorted(
        f"decl-overdue-admin:{campaign.pk}:{day:%Y-%m-%d}:{admin.pk}"
        for admin in (policy_admin, second_admin)
    )
    assert Obligation.objects.filter(pk__in=[a.pk, c.pk], admin_escalated_at=now).count() == 2
    assert Obligation.objects.get(pk=not_yet.pk).admin_escalated_at is None
    digest = next(m for m in mailoutbox if m.to == ["hr@example.org"])
    assert digest.subject == (
        "Annual declaration 2026: 2 people still unsigned 7 days after the due date"
    )
    assert "Alice Staff" in digest.body
    assert "Charlie Outsider" in digest.body
    assert f"/declarations/reports/{campaign.pk}/outstanding/?show=overdue" in digest.body


def test_people_late_later_the_same_day_wait_for_the_next_days_digest(
    campaign, alice, charlie, policy_admin
):
    morning = datetime(2026, 3, 10, 9, 0, tzinfo=LONDON)
    campaign.opens_at = morning - timedelta(days=40)
    campaign.due_at = morning + timedelta(days=40)
    campaign.save()
    _obligation(campaign, alice, due_at=morning - timedelta(days=7, hours=1), next_reminder_at=None)
    later = _obligation(
        campaign, charlie, due_at=morning - timedelta(days=7) + timedelta(hours=3),
        next_reminder_at=None,
    )  # fmt: skip

    declarations_sweep(now=morning)
    afternoon = declarations_sweep(now=morning + timedelta(hours=5))
    next_day = declarations_sweep(now=morning + timedelta(days=1))

    assert afternoon.admin_escalated == 0
    assert next_day.admin_escalated == 1
    later.refresh_from_db()
    assert later.admin_escalated_at == morning + timedelta(days=1)
    assert len(_keys(f"decl-overdue-admin:{campaign.pk}:")) == 2


def test_the_reminder_email_links_to_the_signing_page_and_gives_the_uk_time(
    campaign, alice, mailoutbox, django_capture_on_commit_callbacks
):
    # 16:00 UTC on 1 July is 17:00 in London (British Summer Time).
    due = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
    now = due - timedelta(days=5)
    obligation = _obligation(
        campaign, alice, due_at=due, next_reminder_at=now - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        declarations_sweep(now=now)
    (email,) = mailoutbox
    assert email.to == ["alice@example.org"]
    assert email.subject == "Reminder: please sign Annual declaration 2026 by 1 July 2026"
    assert "by 1 July 2026, 17:00" in email.body
    assert f"http://testserver/declarations/sign/{obligation.pk}/" in email.body
    html = email.alternatives[0][0]
    assert f"http://testserver/declarations/sign/{obligation.pk}/" in html
    assert "1 July 2026, 17:00" in html


def test_an_extended_deadline_brings_the_reminders_back(campaign, alice, policy_admin, now):
    due = now - timedelta(hours=2)
    obligation = _obligation(campaign, alice, due_at=due, next_reminder_at=due)
    declarations_sweep(now=now)
    obligation.refresh_from_db()
    assert obligation.next_reminder_at is None

    new_due = now + timedelta(days=10)
    obligation_extend(obligation=obligation, by=policy_admin, due_at=new_due, reason="Returned")
    declarations_sweep(now=now)
    obligation.refresh_from_db()
    assert obligation.next_reminder_at is not None
    assert now < obligation.next_reminder_at <= new_due - DUE_WINDOW


def test_an_extended_deadline_that_passes_too_is_escalated_again_once(
    campaign, alice, bob, policy_admin, now
):
    due = now - timedelta(hours=2)
    obligation = _obligation(campaign, alice, due_at=due, next_reminder_at=due)
    declarations_sweep(now=now)
    new_due = now + timedelta(days=3)
    obligation_extend(obligation=obligation, by=policy_admin, due_at=new_due, reason="Leave")
    obligation.refresh_from_db()
    assert (obligation.manager_escalated_at, obligation.admin_escalated_at) == (None, None)

    later = new_due + timedelta(hours=1)
    declarations_sweep(now=new_due - timedelta(hours=3))  # inside the last day: due reminder
    first = declarations_sweep(now=later)
    second = declarations_sweep(now=later + timedelta(hours=1))

    assert len(_keys("decl-due:")) == 1
    assert len(_keys("decl-overdue:")) == 2  # one for each deadline, never two for one
    assert len(_keys("decl-overdue-mgr:")) == 2
    assert (first.managers_told, second.managers_told) == (1, 0)


def test_without_a_cadence_only_the_opening_email_and_the_due_reminder_go_out(campaign, alice, now):
    campaign.reminder_every_days = 0
    campaign.save()
    due = now + timedelta(days=5)
    obligation = _obligation(campaign, alice, due_at=due, next_reminder_at=now)
    result = declarations_sweep(now=now)
    assert result.reminders == 0
    obligation.refresh_from_db()
    assert obligation.next_reminder_at == due - DUE_WINDOW
    assert obligation.reminders_sent == 0


def test_days_overdue_counts_uk_calendar_days():
    due = datetime(2026, 3, 6, 23, 59, tzinfo=UTC)
    assert days_overdue(due, due - timedelta(minutes=1)) == 0
    assert days_overdue(due, due + timedelta(minutes=2)) == 1  # 00:01 on Saturday
    assert days_overdue(due, due + timedelta(days=3)) == 3


def _sweep_queries(campaign, count: int, now) -> int:
    for _ in range(count):
        person = UserFactory(line_manager=UserFactory())
        _obligation(campaign, person, next_reminder_at=now - timedelta(minutes=1))
        _obligation(campaign, UserFactory(line_manager=person), due_at=now - timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        result = declarations_sweep(now=now)
    assert (result.reminders, result.overdue, result.managers_told) == (count, count, count)
    return len(queries)


def test_a_sweep_runs_the_same_number_of_queries_for_many_people_as_for_few(now):
    def fresh_campaign():
        return CampaignFactory(
            open=True, audience_all=False, due_at=now + timedelta(days=20), reminder_every_days=7
        )

    OrganisationSettings.load()  # made on first use: not part of what is being counted
    first = fresh_campaign()
    few = _sweep_queries(first, 3, now)
    first.status = "closed"
    first.save()
    many = _sweep_queries(fresh_campaign(), 150, now)
    assert many == few


def test_the_beat_task_runs_the_sweep(campaign, alice, now):
    _obligation(campaign, alice, next_reminder_at=now - timedelta(minutes=1))
    result = declarations_sweep_task.delay().get()
    assert result["reminders"] == 1


def test_a_row_claimed_by_another_sweep_meanwhile_is_not_sent_twice(
    campaign, alice, now, monkeypatch
):
    from declarations.services import reminders

    slot = now - timedelta(minutes=1)
    obligation = _obligation(campaign, alice, next_reminder_at=slot)
    real_plan = reminders._plan

    def plan_after_a_rival_claimed(row, when):
        # Another sweep claims the row between our read and our conditional UPDATE.
        Obligation.objects.filter(pk=row.pk).update(next_reminder_at=slot + timedelta(days=7))
        return real_plan(row, when)

    monkeypatch.setattr(reminders, "_plan", plan_after_a_rival_claimed)
    result = declarations_sweep(now=now)

    assert result.reminders == 0
    assert not Notification.objects.filter(dedup_key__startswith="decl-reminder:").exists()
    obligation.refresh_from_db()
    assert obligation.reminders_sent == 0
