"""The clear-down sweep: one period per group per slot, one prompt per member, catching up once
after an outage, stopping under a hold, and each follow-up sent once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.events import GroupEmail
from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt, Hold
from groups.services.cleardowns import DEADLINE_AFTER, ESCALATE_AFTER, clear_downs_sweep
from groups.tests.cleardown_scenes import WEEKLY, after, outcomes, utc, weekly_group
from groups.tests.factories import HoldFactory
from portal.models import Notification, OrganisationSettings
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sent(template: str) -> list[Notification]:
    return list(Notification.objects.filter(**_kind(template)).order_by("pk"))


def _kind(template: str) -> dict:
    prefix = {
        GroupEmail.CLEAR_DOWN: "cd-member:",
        GroupEmail.CLEAR_DOWN_ADMIN: "cd-admin:",
        GroupEmail.CLEAR_DOWN_REMINDER: "cd-member-reminder:",
        GroupEmail.PROMPT_REMINDER: "cd-prompt-reminder:",
        GroupEmail.PROMPT_ESCALATED: "cd-escalated:",
    }[template]
    return {"dedup_key__startswith": prefix}


def test_a_due_group_gets_one_period_a_prompt_for_each_member_and_their_emails():
    group = weekly_group(members=2)

    result = clear_downs_sweep(now=after(0))

    [cycle] = ClearDownCycle.objects.filter(group=group)
    assert cycle.outcome == ClearDownCycle.Outcome.PROMPTED
    assert (cycle.opens_at, cycle.closes_at) == (WEEKLY.slot(0), WEEKLY.slot(1))
    assert cycle.deadline_at == after(0) + DEADLINE_AFTER  # from when they were asked
    assert cycle.prompter == group.admin
    assert cycle.prompts.count() == 3  # the admin is a member too
    assert len(sent(GroupEmail.CLEAR_DOWN)) == 3
    [admin_email] = sent(GroupEmail.CLEAR_DOWN_ADMIN)
    assert admin_email.recipient == group.admin
    member_email = sent(GroupEmail.CLEAR_DOWN)[0]
    assert "/chat-groups/clear-downs/" in member_email.body_text
    assert "business record" in member_email.body_text
    group.refresh_from_db()
    assert group.next_cycle_at == WEEKLY.slot(1)
    assert (result.prompted, result.members_asked, result.missed) == (1, 3, 0)


def test_the_sweep_run_twice_duplicates_nothing():
    group = weekly_group(members=3)

    clear_downs_sweep(now=after(0))
    again = clear_downs_sweep(now=after(0, minutes=10))

    assert ClearDownCycle.objects.filter(group=group).count() == 1
    assert ClearDownPrompt.objects.filter(cycle__group=group).count() == 4
    assert Notification.objects.count() == 5
    assert again.prompted == 0


def test_a_period_already_stored_is_not_stored_twice_even_if_next_cycle_at_is_moved_back():
    group = weekly_group(members=1)
    clear_downs_sweep(now=after(0))
    ChatGroup.objects.filter(pk=group.pk).update(next_cycle_at=WEEKLY.slot(0))

    clear_downs_sweep(now=after(0, minutes=10))

    assert ClearDownCycle.objects.filter(group=group).count() == 1
    assert ClearDownPrompt.objects.filter(cycle__group=group).count() == 2
    assert Notification.objects.count() == 3


def test_after_three_weeks_down_members_get_one_prompt_and_the_missed_periods_are_recorded():
    group = weekly_group(members=2)

    clear_downs_sweep(now=after(3, minutes=90))

    assert [o for _, o in outcomes(group)] == ["missed", "missed", "missed", "prompted"]
    missed = ClearDownCycle.objects.filter(group=group, outcome="missed").order_by("opens_at")
    assert all("scheduler did not run" in c.cause for c in missed)
    assert not ClearDownPrompt.objects.filter(cycle__in=missed).exists()
    assert len(sent(GroupEmail.CLEAR_DOWN)) == 3  # one each, for the current period only
    assert len(sent(GroupEmail.CLEAR_DOWN_ADMIN)) == 1
    group.refresh_from_db()
    assert group.next_cycle_at == WEEKLY.slot(4)


def test_periods_keep_their_local_time_across_the_march_and_october_clock_changes():
    group = weekly_group(members=0)
    # Slot 4 is Monday 30 March, the day after the clocks went forward: 10:00 BST is 09:00 UTC.
    ChatGroup.objects.filter(pk=group.pk).update(next_cycle_at=WEEKLY.slot(4))

    clear_downs_sweep(now=utc(2026, 3, 30, 9, 5))
    # Slot 34 is Monday 26 October, the day after they went back: 10:00 GMT.
    clear_downs_sweep(now=utc(2026, 10, 26, 10, 5))

    opened = [opens for opens, _ in outcomes(group)]
    assert opened[0] == utc(2026, 3, 30, 9, 0)
    assert opened[-1] == utc(2026, 10, 26, 10, 0)
    assert opened[-2] == utc(2026, 10, 19, 9, 0)  # missed, but at its local 10:00 too
    assert len(opened) == 31


def test_a_hold_stops_the_prompt_and_after_its_release_prompts_resume_at_the_next_slot():
    group = weekly_group(members=2)
    hold = HoldFactory(groups=[group], placed_at=WEEKLY.slot(0) - timedelta(days=1))

    clear_downs_sweep(now=after(0))
    clear_downs_sweep(now=after(1))

    skipped = ClearDownCycle.objects.filter(group=group).order_by("opens_at")
    assert [c.outcome for c in skipped] == ["skipped", "skipped"]
    assert all(c.hold == hold and hold.reference in c.cause for c in skipped)
    assert not ClearDownPrompt.objects.exists()
    assert not Notification.objects.exists()

    Hold.objects.filter(pk=hold.pk).update(
        released_at=after(1, minutes=60), release_reason="Request answered."
    )
    clear_downs_sweep(now=after(2))

    assert [o for _, o in outcomes(group)] == ["skipped", "skipped", "prompted"]
    assert len(sent(GroupEmail.CLEAR_DOWN)) == 3  # one period, no backlog


def test_a_hold_placed_after_the_slot_but_before_the_sweep_stops_the_prompt():
    group = weekly_group(members=1)
    HoldFactory(groups=[group], placed_at=after(0, minutes=2))

    clear_downs_sweep(now=after(0))

    assert [o for _, o in outcomes(group)] == ["skipped"]


def test_periods_missed_while_a_hold_was_open_are_recorded_as_skipped_under_it():
    group = weekly_group(members=1)
    hold = HoldFactory(groups=[group], placed_at=WEEKLY.slot(0) - timedelta(days=1))
    Hold.objects.filter(pk=hold.pk).update(released_at=after(1), release_reason="Answered.")

    clear_downs_sweep(now=after(3))

    cycles = list(ClearDownCycle.objects.filter(group=group).order_by("opens_at"))
    assert [c.outcome for c in cycles] == ["skipped", "skipped", "missed", "prompted"]
    assert cycles[0].hold_id == hold.pk


def test_suspended_and_closed_groups_are_not_prompted():
    for status in (ChatGroup.Status.SUSPENDED, ChatGroup.Status.CLOSED):
        weekly_group(members=1, status=status)

    clear_downs_sweep(now=after(0))

    assert not ClearDownCycle.objects.exists()
    assert not Notification.objects.exists()


def test_an_approved_group_without_a_next_slot_is_given_its_first_slot():
    waiting = weekly_group(members=1)
    ChatGroup.objects.filter(pk=waiting.pk).update(next_cycle_at=None, approved_at=after(0))
    due = weekly_group(members=1)
    ChatGroup.objects.filter(pk=due.pk).update(next_cycle_at=None, cycle_anchor=None)

    clear_downs_sweep(now=after(0, minutes=30))

    waiting.refresh_from_db()
    assert waiting.next_cycle_at == WEEKLY.slot(1)
    assert not ClearDownCycle.objects.filter(group=waiting).exists()
    due.refresh_from_db()
    # No anchor: it starts on its clear-down weekday (Monday) once it was approved.
    assert due.cycle_anchor is not None
    assert due.cycle_anchor.weekday() == due.cleardown_weekday
    assert due.next_cycle_at is not None


def test_while_a_group_needs_an_admin_its_deputy_is_asked_to_post_the_prompt():
    deputy = UserFactory()
    group = weekly_group(members=1, deputy=deputy, needs_admin=True)

    clear_downs_sweep(now=after(0))

    [cycle] = ClearDownCycle.objects.filter(group=group)
    assert cycle.prompter == deputy
    [email] = sent(GroupEmail.CLEAR_DOWN_ADMIN)
    assert email.recipient == deputy
    assert "deputy" in email.body_text


def test_only_current_members_with_active_accounts_are_asked():
    group = weekly_group(members=2)
    gone, removed = [m.user for m in group.memberships.exclude(user=group.admin)]
    gone.is_active = False
    gone.save()
    group.memberships.filter(user=removed).update(removed_at=after(0, minutes=-60))

    clear_downs_sweep(now=after(0))

    assert list(ClearDownPrompt.objects.values_list("user", flat=True)) == [group.admin.pk]


# --- Follow-ups ----------------------------------------------------------------------------


@pytest.fixture
def prompted():
    group = weekly_group(members=2)
    clear_downs_sweep(now=after(0))
    return ClearDownCycle.objects.get(group=group)


def test_the_prompter_is_reminded_once_at_the_deadline_and_not_before(prompted):
    clear_downs_sweep(now=prompted.deadline_at - timedelta(minutes=1))
    assert not sent(GroupEmail.PROMPT_REMINDER)

    clear_downs_sweep(now=prompted.deadline_at)
    clear_downs_sweep(now=prompted.deadline_at + timedelta(hours=3))

    [reminder] = sent(GroupEmail.PROMPT_REMINDER)
    assert reminder.recipient == prompted.prompter


def test_members_who_have_not_confirmed_are_reminded_once_at_the_deadline(prompted):
    confirmed = prompted.prompts.first()
    ClearDownPrompt.objects.filter(pk=confirmed.pk).update(
        confirmed_at=prompted.opens_at, confirmed_via="portal"
    )

    clear_downs_sweep(now=prompted.deadline_at)
    clear_downs_sweep(now=prompted.deadline_at + timedelta(hours=5))

    reminders = sent(GroupEmail.CLEAR_DOWN_REMINDER)
    assert len(reminders) == 2
    assert confirmed.user not in {r.recipient for r in reminders}


def test_the_dpo_and_deputy_are_told_once_when_the_prompt_is_still_not_posted(prompted):
    dpo = UserFactory(roles=[Role.DPO])
    deputy = UserFactory(roles=[Role.DEPUTY_DPO])
    clear_downs_sweep(now=prompted.deadline_at)
    assert not sent(GroupEmail.PROMPT_ESCALATED)

    clear_downs_sweep(now=prompted.deadline_at + ESCALATE_AFTER)
    clear_downs_sweep(now=prompted.deadline_at + ESCALATE_AFTER + timedelta(hours=2))

    told = sent(GroupEmail.PROMPT_ESCALATED)
    assert {n.recipient for n in told} == {dpo, deputy}
    assert prompted.group.name in told[0].body_text


def test_the_dpo_is_told_the_prompter_was_reminded_and_when(prompted):
    UserFactory(roles=[Role.DPO])
    clear_downs_sweep(now=prompted.deadline_at)

    clear_downs_sweep(now=prompted.deadline_at + ESCALATE_AFTER)

    [told] = sent(GroupEmail.PROMPT_ESCALATED)
    assert f"{prompted.prompter.full_name} was asked to post it" in told.body_text
    assert "and reminded on" in told.body_text


def test_the_dpo_is_not_told_of_a_reminder_when_nobody_could_be_reminded():
    UserFactory(roles=[Role.DPO])
    group = weekly_group(members=1)
    group.admin.is_active = False
    group.admin.save()
    clear_downs_sweep(now=after(0))
    cycle = ClearDownCycle.objects.get(group=group)
    assert cycle.prompter is None

    clear_downs_sweep(now=cycle.deadline_at)
    clear_downs_sweep(now=cycle.deadline_at + ESCALATE_AFTER)

    assert not sent(GroupEmail.PROMPT_REMINDER)
    [told] = sent(GroupEmail.PROMPT_ESCALATED)
    for body in (told.body_text, told.body_html):
        assert "reminder" not in body.replace("no reminder", "")
        assert "nobody could be asked or reminded" in body
        assert "no admin or deputy" in body


def test_a_posted_prompt_earns_no_reminder_and_no_escalation(prompted):
    UserFactory(roles=[Role.DPO])
    ClearDownCycle.objects.filter(pk=prompted.pk).update(prompt_posted_at=after(0, 60))

    clear_downs_sweep(now=prompted.deadline_at + ESCALATE_AFTER)

    assert not sent(GroupEmail.PROMPT_REMINDER)
    assert not sent(GroupEmail.PROMPT_ESCALATED)


def test_no_follow_up_for_a_period_withdrawn_under_a_hold_or_once_it_has_closed(prompted):
    hold = HoldFactory(groups=[prompted.group])
    ClearDownCycle.objects.filter(pk=prompted.pk).update(hold=hold, withdrawn_at=after(0, 30))
    UserFactory(roles=[Role.DPO])

    clear_downs_sweep(now=prompted.deadline_at + ESCALATE_AFTER)

    assert not Notification.objects.filter(dedup_key__contains="reminder").exists()
    assert not sent(GroupEmail.PROMPT_ESCALATED)


def test_a_sweep_back_after_the_period_closed_sends_no_stale_reminders(prompted):
    UserFactory(roles=[Role.DPO])

    clear_downs_sweep(now=prompted.closes_at + timedelta(minutes=5))

    assert not Notification.objects.filter(dedup_key__contains="reminder").exists()
    assert not sent(GroupEmail.PROMPT_ESCALATED)


def test_a_sweep_back_four_days_into_a_period_sends_the_prompts_only_with_a_fresh_deadline():
    UserFactory(roles=[Role.DPO])
    group = weekly_group(members=2)
    back = WEEKLY.slot(0) + timedelta(days=4)

    result = clear_downs_sweep(now=back)

    [cycle] = ClearDownCycle.objects.filter(group=group)
    assert cycle.deadline_at == back + DEADLINE_AFTER
    assert len(sent(GroupEmail.CLEAR_DOWN)) == 3
    assert len(sent(GroupEmail.CLEAR_DOWN_ADMIN)) == 1
    assert not sent(GroupEmail.PROMPT_REMINDER)
    assert not sent(GroupEmail.CLEAR_DOWN_REMINDER)
    assert not sent(GroupEmail.PROMPT_ESCALATED)
    assert (result.prompters_reminded, result.members_reminded, result.escalated) == (0, 0, 0)


def test_a_period_asked_for_close_to_its_end_earns_no_follow_up_in_the_same_sweep():
    UserFactory(roles=[Role.DPO])
    group = weekly_group(members=1)
    back = WEEKLY.slot(1) - timedelta(minutes=30)

    clear_downs_sweep(now=back)

    [cycle] = ClearDownCycle.objects.filter(group=group)
    assert cycle.deadline_at == cycle.closes_at
    assert len(sent(GroupEmail.CLEAR_DOWN)) == 2
    assert not Notification.objects.filter(dedup_key__contains="reminder").exists()
    assert not sent(GroupEmail.PROMPT_ESCALATED)


# --- Cost --------------------------------------------------------------------------------


def _queries_for_one_batch(groups: int, members: int) -> int:
    for _ in range(groups):
        weekly_group(members=members)
    with CaptureQueriesContext(connection) as queries:
        result = clear_downs_sweep(now=after(0), batch_size=groups)
    assert result.prompted == groups
    return len(queries)


def test_a_batch_costs_the_same_queries_whatever_its_groups_and_members():
    UserFactory(roles=[Role.DPO])
    OrganisationSettings.load()  # into the cache, as it is after the first sweep
    few = _queries_for_one_batch(groups=2, members=1)
    many = _queries_for_one_batch(groups=12, members=6)

    assert many == few, (few, many)


def test_the_organisation_interval_sets_the_length_of_each_period():
    org = OrganisationSettings.load()
    org.clear_down_interval_days = 3
    org.save()
    group = weekly_group(members=1)

    clear_downs_sweep(now=WEEKLY.slot(0) + timedelta(days=7))

    cycles = list(ClearDownCycle.objects.filter(group=group).order_by("opens_at"))
    # Slots every three days from the anchor: 2, 5 and 8 March; 8 March is the current one.
    assert [c.outcome for c in cycles] == ["missed", "missed", "prompted"]
    assert cycles[-1].opens_at == utc(2026, 3, 8, 10, 0)
    assert cycles[-1].closes_at == utc(2026, 3, 11, 10, 0)
    # Asked a day late, on 9 March: the deadline would fall after the period, so it is its end.
    assert cycles[-1].deadline_at == utc(2026, 3, 11, 10, 0)
