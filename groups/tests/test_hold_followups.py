"""The follow-up sweep of hold notices: a reminder once, then the line manager once (or the
DPO when there is none), and nothing for a notice acknowledged or a hold released."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import Hold
from groups.outbox import hold_escalation_key, hold_reminder_key
from groups.services.hold_followups import ESCALATE_AFTER, REMIND_AFTER, hold_notices_sweep
from groups.services.holds import hold_notice_acknowledge, hold_place, hold_release
from groups.tasks import hold_notices_sweep_task
from groups.tests.factories import ChatGroupFactory
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold(dpo, alice, bob):
    # alice reports to bob; the admin (made by the factory) has no line manager.
    group = ChatGroupFactory(approved=True, name="Front desk cover", members=[alice])
    return hold_place(
        kind=Hold.Kind.INVESTIGATION,
        reference="PSD-2026-031",
        request_received_on=timezone.localdate(),
        groups=[group],
        by=dpo,
    )


def _reminders():
    return Notification.objects.filter(dedup_key__startswith="hold-reminder:")


def _escalations():
    return Notification.objects.filter(dedup_key__startswith="hold-escalated:")


def test_nothing_is_sent_before_a_day_has_passed(hold):
    result = hold_notices_sweep(now=timezone.now() + REMIND_AFTER - timedelta(minutes=1))
    assert (result.reminded, result.escalated) == (0, 0)
    assert not _reminders().exists()


def test_an_unacknowledged_notice_is_reminded_once(hold, alice):
    later = timezone.now() + REMIND_AFTER + timedelta(minutes=1)

    assert hold_notices_sweep(now=later).reminded == 2  # alice and the admin
    assert hold_notices_sweep(now=later + timedelta(hours=1)).reminded == 0

    notice = hold.notices.get(user=alice)
    reminder = Notification.objects.get(dedup_key=hold_reminder_key(notice.pk))
    assert reminder.recipient == alice
    assert "Reminder: do not delete anything" in reminder.subject
    assert "- Front desk cover" in reminder.body_text
    assert _reminders().count() == 2
    notice.refresh_from_db()
    assert notice.reminded_at == later
    assert AuditEvent.objects.filter(verb=GroupEvent.HOLD_NOTICES_REMINDED).count() == 1


def test_a_notice_still_unacknowledged_goes_once_to_the_line_manager(hold, alice, bob, dpo):
    reminded = timezone.now() + REMIND_AFTER
    hold_notices_sweep(now=reminded)
    escalate = reminded + ESCALATE_AFTER

    assert hold_notices_sweep(now=escalate - timedelta(minutes=1)).escalated == 0
    assert hold_notices_sweep(now=escalate).escalated == 2
    assert hold_notices_sweep(now=escalate + timedelta(days=3)).escalated == 0

    notice = hold.notices.get(user=alice)
    to_bob = Notification.objects.get(dedup_key=hold_escalation_key(notice.pk, bob.pk))
    assert to_bob.subject == (
        "Alice Staff has not acknowledged a notice not to delete from a work chat"
    )
    assert "who reports to you" in to_bob.body_text
    # The admin has no line manager: the DPO is told instead.
    admin_notice = hold.notices.exclude(user=alice).get()
    to_dpo = Notification.objects.get(dedup_key=hold_escalation_key(admin_notice.pk, dpo.pk))
    assert "has no line manager" in to_dpo.body_text
    assert _escalations().count() == 2
    assert _reminders().count() == 2  # and no second reminder


def test_a_line_manager_who_has_left_is_passed_over_for_the_dpo(hold, alice, bob, dpo):
    bob.is_active = False
    bob.save()
    hold_notices_sweep(now=timezone.now() + REMIND_AFTER)
    hold_notices_sweep(now=timezone.now() + REMIND_AFTER + ESCALATE_AFTER)
    notice = hold.notices.get(user=alice)
    assert set(
        _escalations()
        .filter(dedup_key__startswith=f"hold-escalated:{notice.pk}:")
        .values_list("recipient", flat=True)
    ) == {dpo.pk}


def test_a_notice_with_nobody_to_tell_is_left_for_when_a_dpo_is_appointed(hold, alice, dpo):
    # The admin has no line manager; with no DPO either, nobody can be told.
    dpo.is_active = False
    dpo.save()
    admins = hold.notices.exclude(user=alice).get()
    hold_notices_sweep(now=timezone.now() + REMIND_AFTER)

    result = hold_notices_sweep(now=timezone.now() + REMIND_AFTER + ESCALATE_AFTER)

    admins.refresh_from_db()
    assert admins.escalated_at is None
    assert result.escalated == 1  # alice's, to her line manager
    assert not _escalations().filter(dedup_key__startswith=f"hold-escalated:{admins.pk}:").exists()

    new_dpo = UserFactory(roles=[Role.DPO])
    hold_notices_sweep(now=timezone.now() + REMIND_AFTER + ESCALATE_AFTER + timedelta(hours=1))

    admins.refresh_from_db()
    assert admins.escalated_at is not None
    assert list(
        _escalations()
        .filter(dedup_key__startswith=f"hold-escalated:{admins.pk}:")
        .values_list("recipient", flat=True)
    ) == [new_dpo.pk]


@pytest.mark.parametrize("days", [3, 14])
def test_the_notice_and_its_reminder_speak_of_the_organisations_clear_down_interval(
    dpo, alice, days
):
    org = OrganisationSettings.load()
    org.clear_down_interval_days = days
    org.save()
    hold_place(
        kind=Hold.Kind.FOI,
        reference="FOI-2026-0777",
        request_received_on=timezone.localdate(),
        groups=[ChatGroupFactory(approved=True, members=[alice])],
        by=dpo,
    )
    hold_notices_sweep(now=timezone.now() + REMIND_AFTER)

    notice = Notification.objects.get(dedup_key__startswith="hold-notice:", recipient=alice)
    reminder = _reminders().get(recipient=alice)
    for email in (notice, reminder):
        for body in (email.body_text, email.body_html):
            assert f"every {days} days" in body
            assert "week" not in body


def test_an_acknowledged_notice_is_neither_reminded_nor_escalated(hold, alice):
    notice = hold.notices.get(user=alice)
    hold_notice_acknowledge(notice=notice, by=alice)
    hold_notices_sweep(now=timezone.now() + REMIND_AFTER)
    hold_notices_sweep(now=timezone.now() + REMIND_AFTER + ESCALATE_AFTER)
    assert not _reminders().filter(recipient=alice).exists()
    assert not _escalations().filter(dedup_key__startswith=f"hold-escalated:{notice.pk}:").exists()
    assert _escalations().count() == 1  # the admin's, who has not acknowledged


def test_acknowledging_after_the_reminder_stops_the_escalation(hold, alice, bob):
    hold_notices_sweep(now=timezone.now() + REMIND_AFTER)
    hold_notice_acknowledge(notice=hold.notices.get(user=alice), by=alice)
    hold_notices_sweep(now=timezone.now() + REMIND_AFTER + ESCALATE_AFTER)
    assert not _escalations().filter(recipient=bob).exists()


def test_a_released_hold_is_not_followed_up(hold, dpo):
    hold_release(hold=hold, reason="Investigation closed with no case to answer.", by=dpo)
    result = hold_notices_sweep(now=timezone.now() + REMIND_AFTER + ESCALATE_AFTER * 2)
    assert (result.reminded, result.escalated) == (0, 0)
    assert not _reminders().exists()
    assert not _escalations().exists()


def test_a_sweep_back_after_weeks_away_reminds_once_and_escalates_later(hold):
    # Down for three weeks: the reminder goes out once, the escalation waits for its own time
    # after the reminder, rather than both arriving together.
    result = hold_notices_sweep(now=timezone.now() + timedelta(weeks=3))
    assert (result.reminded, result.escalated) == (2, 0)


def test_the_task_runs_the_sweep(hold):
    assert hold_notices_sweep_task() == {"reminded": 0, "escalated": 0, "skipped": False}
