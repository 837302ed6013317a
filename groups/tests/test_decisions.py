"""The DPO's decisions: approve, refuse, ask for changes; nobody decides on their own group."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import ChatGroup, Submission, Weekday
from groups.outbox import decided_key
from groups.services.decisions import chat_group_approve, chat_group_ask_changes, chat_group_refuse
from groups.services.registration import chat_group_submit
from groups.tests.reg_helpers import full_application
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()


@pytest.fixture
def sent(alice, bob, charlie):
    return chat_group_submit(
        application=full_application(
            deputy=bob,
            members=[charlie],
            cleardown_weekday=Weekday.FRIDAY,
            cleardown_time=time(16, 0),
        ),
        by=alice,
    )


@pytest.fixture
def clock(monkeypatch):
    """Sets the portal's "now" (every service reads timezone.now())."""

    def move_to(instant: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return move_to


def _event(group, verb) -> AuditEvent:
    return AuditEvent.objects.get(
        object_type="groups.chatgroup", object_id=str(group.pk), verb=verb
    )


def test_approving_opens_the_schedule_and_review_and_sends_every_member_the_rules(
    sent, alice, bob, charlie, dpo, clock
):
    # Wednesday 2 December 2026, 09:00 UK time: the first Friday is the 4th.
    clock(datetime(2026, 12, 2, 9, 0, tzinfo=LONDON))
    group = chat_group_approve(group=sent, by=dpo, note="Fine.")
    assert group.status == ChatGroup.Status.APPROVED
    assert group.approved_at == timezone.now()
    assert str(group.cycle_anchor) == "2026-12-04"
    assert group.next_cycle_at == datetime(2026, 12, 4, 16, 0, tzinfo=LONDON)
    months = OrganisationSettings.load().chat_group_review_months
    assert timezone.localtime(group.review_due_at).month == (12 + months - 1) % 12 + 1
    submission = group.submissions.get()
    assert (submission.outcome, submission.decided_by, submission.reason) == (
        Submission.Outcome.APPROVED,
        dpo,
        "Fine.",
    )
    rules = Notification.objects.filter(subject__contains="its purpose and rules")
    assert {n.recipient for n in rules} == {alice, bob, charlie}
    assert all(m.rules_sent_at for m in group.memberships.current())
    assert Notification.objects.filter(dedup_key=decided_key(submission.pk, alice.pk)).exists()
    assert _event(group, GroupEvent.GROUP_APPROVED).actor == dpo


def test_a_slot_already_past_today_starts_the_clear_downs_a_week_later(sent, dpo, clock):
    # Friday 4 December 2026 at 17:00: today's 16:00 has gone.
    clock(datetime(2026, 12, 4, 17, 0, tzinfo=LONDON))
    group = chat_group_approve(group=sent, by=dpo)
    assert str(group.cycle_anchor) == "2026-12-04"
    assert group.next_cycle_at == datetime(2026, 12, 11, 16, 0, tzinfo=LONDON)


def test_the_first_slot_keeps_its_local_time_across_the_spring_clock_change(alice, bob, dpo, clock):
    group = chat_group_submit(
        application=full_application(deputy=bob, cleardown_weekday=Weekday.MONDAY), by=alice
    )
    # Saturday 28 March 2026; the clocks go forward early on Sunday 29th.
    clock(datetime(2026, 3, 28, 12, 0, tzinfo=LONDON))
    group = chat_group_approve(group=group, by=dpo)
    assert timezone.localtime(group.next_cycle_at).hour == 10
    assert timezone.localtime(group.next_cycle_at).utcoffset() == timedelta(hours=1)


def test_refusing_needs_a_reason_and_tells_the_applicant(sent, alice, dpo):
    with pytest.raises(ValidationError):
        chat_group_refuse(group=sent, by=dpo, reason="  ")
    group = chat_group_refuse(group=sent, by=dpo, reason="Use Teams.")
    assert (group.status, group.status_reason) == (ChatGroup.Status.REFUSED, "Use Teams.")
    submission = group.submissions.get()
    assert (submission.outcome, submission.reason, submission.decided_by) == (
        Submission.Outcome.REFUSED,
        "Use Teams.",
        dpo,
    )
    told = Notification.objects.get(dedup_key=decided_key(submission.pk, alice.pk))
    assert "Use Teams." in told.body_text
    assert _event(group, GroupEvent.GROUP_REFUSED).changes["reason"] == "Use Teams."


def test_asking_for_changes_needs_what_to_change(sent, dpo):
    with pytest.raises(ValidationError):
        chat_group_ask_changes(group=sent, by=dpo, reason="")
    group = chat_group_ask_changes(group=sent, by=dpo, reason="Name the members.")
    assert group.status == ChatGroup.Status.CHANGES_ASKED
    assert group.is_editable
    assert _event(group, GroupEvent.GROUP_CHANGES_ASKED)


@pytest.mark.parametrize("part", ["applicant", "deputy", "member"])
def test_nobody_decides_on_a_group_they_applied_for_deputise_or_belong_to(part, alice, bob):
    other = UserFactory()
    dpo_person = UserFactory(roles=[Role.DPO])
    applicant = dpo_person if part == "applicant" else alice
    deputy = dpo_person if part == "deputy" else (bob if applicant != bob else other)
    members = [dpo_person] if part == "member" else []
    group = chat_group_submit(
        application=full_application(deputy=deputy, members=members), by=applicant
    )
    for decide in (
        lambda: chat_group_approve(group=group, by=dpo_person),
        lambda: chat_group_refuse(group=group, by=dpo_person, reason="No."),
        lambda: chat_group_ask_changes(group=group, by=dpo_person, reason="No."),
    ):
        with pytest.raises(ValidationError, match="cannot decide"):
            decide()
    group.refresh_from_db()
    assert group.status == ChatGroup.Status.SUBMITTED


def test_only_the_dpo_or_deputy_decides(sent, charlie):
    with pytest.raises(PermissionDenied):
        chat_group_approve(group=sent, by=charlie)


def test_the_deputy_dpo_decides_too(sent):
    deputy_dpo = UserFactory(roles=[Role.DEPUTY_DPO])
    assert chat_group_approve(group=sent, by=deputy_dpo).status == ChatGroup.Status.APPROVED


def test_a_decided_application_cannot_be_decided_again(sent, dpo):
    chat_group_approve(group=sent, by=dpo)
    with pytest.raises(ValidationError, match="waiting"):
        chat_group_refuse(group=sent, by=dpo, reason="Changed my mind.")


def test_a_group_above_the_size_limit_needs_its_size_approved(alice, bob, dpo):
    org = OrganisationSettings.load()
    group = chat_group_submit(
        application=full_application(deputy=bob, expected_size=org.chat_group_size_limit + 5),
        by=alice,
    )
    with pytest.raises(ValidationError) as refused:
        chat_group_approve(group=group, by=dpo)
    assert "size_approved" in refused.value.message_dict
    group = chat_group_approve(group=group, by=dpo, size_approved=True)
    assert group.size_approved_up_to == org.chat_group_size_limit + 5


def test_a_group_within_the_limit_stores_no_size_approval(sent, dpo):
    assert chat_group_approve(group=sent, by=dpo, size_approved=True).size_approved_up_to is None


def test_refusing_a_change_leaves_the_group_approved_as_it_was(alice, bob, dpo):
    from groups.services.registration import chat_group_propose_change
    from groups.tests.factories import ChatGroupFactory

    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    chat_group_propose_change(
        group=group,
        name="Renamed",
        platform="other",
        platform_other="Threema",
        purpose=group.purpose,
        why="Cheaper.",
        by=alice,
    )
    chat_group_refuse(group=group, by=dpo, reason="Threema is not supported.")
    group.refresh_from_db()
    assert (group.status, group.name, group.platform) == (
        ChatGroup.Status.APPROVED,
        group.name,
        "whatsapp",
    )
    assert group.name != "Renamed"
    assert _event(group, GroupEvent.CHANGE_REFUSED)


def test_a_decision_email_is_queued_once_whatever_happens_next(sent, alice, dpo):
    group = chat_group_approve(group=sent, by=dpo)
    submission = group.submissions.get()
    assert Notification.objects.filter(dedup_key=decided_key(submission.pk, alice.pk)).count() == 1


def test_rules_go_once_per_membership_even_when_a_change_is_approved_later(sent, alice, bob, dpo):
    from groups.outbox import rules_key
    from groups.services.registration import chat_group_propose_change

    group = chat_group_approve(group=sent, by=dpo)
    before = Notification.objects.filter(subject__contains="purpose and rules").count()
    chat_group_propose_change(
        group=group,
        name="Renamed desk",
        platform="signal",
        platform_other="",
        purpose=group.purpose,
        why="Moving app.",
        by=alice,
    )
    chat_group_approve(group=group, by=dpo)
    assert Notification.objects.filter(subject__contains="purpose and rules").count() == before
    membership = group.memberships.get(user=bob)
    assert Notification.objects.filter(dedup_key=rules_key(membership.pk)).count() == 1


def test_the_same_decision_message_is_never_queued_twice(sent, alice, dpo):
    from portal.services.notifications import notification_queue

    group = chat_group_approve(group=sent, by=dpo)
    key = decided_key(group.submissions.get().pk, alice.pk)
    assert notification_queue(to=alice, template="groups.decided", dedup_key=key) is None
    assert Notification.objects.filter(dedup_key=key).count() == 1


def _propose_rename(group, by):
    from groups.services.registration import chat_group_propose_change

    return chat_group_propose_change(
        group=group,
        name="Renamed",
        platform=group.platform,
        platform_other="",
        purpose=group.purpose,
        why="Clearer.",
        by=by,
    )


def test_closing_a_group_ends_its_pending_change_which_can_then_not_be_approved(alice, bob, dpo):
    from groups.services.lifecycle import chat_group_close
    from groups.tests.factories import ChatGroupFactory

    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    submission = _propose_rename(group, alice)
    chat_group_close(group=group, by=alice, reason="Project over.")
    submission.refresh_from_db()
    assert (submission.outcome, submission.reason) == (
        Submission.Outcome.REFUSED,
        "The group was closed.",
    )
    with pytest.raises(ValidationError):
        chat_group_approve(group=group, by=dpo)
    group.refresh_from_db()
    assert (group.status, group.name) == (ChatGroup.Status.CLOSED, group.name)
    assert group.name != "Renamed"


def test_a_change_pending_on_a_suspended_group_cannot_be_approved(alice, bob, dpo):
    from groups.services.lifecycle import chat_group_suspend
    from groups.tests.factories import ChatGroupFactory

    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    _propose_rename(group, alice)
    chat_group_suspend(group=group, by=dpo, reason="Misuse.")
    with pytest.raises(ValidationError, match="no longer approved"):
        chat_group_approve(group=group, by=dpo)
    group.refresh_from_db()
    assert group.name != "Renamed"


def test_a_change_asking_for_a_larger_group_needs_the_dpo_to_approve_the_size(alice, bob, dpo):
    from groups.services.registration import chat_group_propose_change
    from groups.tests.factories import ChatGroupFactory

    limit = OrganisationSettings.load().chat_group_size_limit
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    chat_group_propose_change(
        group=group,
        name=group.name,
        platform=group.platform,
        platform_other="",
        purpose=group.purpose,
        expected_size=limit + 10,
        why="The whole district joins.",
        by=alice,
    )
    with pytest.raises(ValidationError, match="tick to approve"):
        chat_group_approve(group=group, by=dpo)
    group = chat_group_approve(group=group, by=dpo, size_approved=True)
    group.refresh_from_db()
    assert (group.expected_size, group.size_approved_up_to) == (limit + 10, limit + 10)
