"""Suspending, reinstating and closing a group, and confirming a closed group's chat deleted."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import ChatGroup, Hold
from groups.services.holds import hold_place, holdable_groups
from groups.services.lifecycle import (
    chat_group_close,
    chat_group_confirm_chat_deleted,
    chat_group_reinstate,
    chat_group_suspend,
)
from groups.services.membership import membership_add
from groups.tests.factories import ChatGroupFactory
from portal.models import AuditEvent, Notification
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = ChatGroup.Status


@pytest.fixture
def group(alice, bob):
    return ChatGroupFactory(approved=True, admin=alice, deputy=bob)


def _verbs(group):
    return list(
        AuditEvent.objects.filter(object_type="groups.chatgroup", object_id=str(group.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_the_dpo_suspends_with_a_reason_and_the_admin_and_deputy_are_told(group, alice, bob, dpo):
    with pytest.raises(ValidationError):
        chat_group_suspend(group=group, by=dpo, reason=" ")
    group = chat_group_suspend(group=group, by=dpo, reason="Photos of custody records posted.")
    assert (group.status, group.status_reason) == (
        Status.SUSPENDED,
        "Photos of custody records posted.",
    )
    told = Notification.objects.filter(subject__contains="was suspended")
    assert {n.recipient for n in told} == {alice, bob}
    assert "Photos of custody records posted." in told.first().body_text
    assert _verbs(group) == [GroupEvent.GROUP_SUSPENDED]


def test_reinstating_resumes_clear_downs_at_the_next_slot_not_with_a_backlog(group, dpo):
    group.cycle_anchor = timezone.localdate() - timedelta(days=70)
    group.next_cycle_at = timezone.now() - timedelta(days=60)
    group.save()
    chat_group_suspend(group=group, by=dpo, reason="Checking.")
    group = chat_group_reinstate(group=group, by=dpo)
    assert group.status == Status.APPROVED
    assert group.status_reason == ""
    assert timezone.now() < group.next_cycle_at <= timezone.now() + timedelta(days=7)
    assert timezone.localtime(group.next_cycle_at).time() == group.cleardown_time
    assert GroupEvent.GROUP_REINSTATED in _verbs(group)


def test_only_a_suspended_group_is_reinstated_and_only_an_approved_one_suspended(group, dpo):
    with pytest.raises(ValidationError):
        chat_group_reinstate(group=group, by=dpo)
    draft = ChatGroupFactory()
    with pytest.raises(ValidationError):
        chat_group_suspend(group=draft, by=dpo, reason="x")


def test_only_the_dpo_suspends_or_reinstates(group, alice, charlie):
    for person in (alice, charlie):
        with pytest.raises(PermissionDenied):
            chat_group_suspend(group=group, by=person, reason="x")
        with pytest.raises(PermissionDenied):
            chat_group_reinstate(group=group, by=person)


def test_the_admin_closes_their_own_group_then_confirms_the_chat_deleted(group, alice, bob, dpo):
    group = chat_group_close(group=group, by=alice, reason="The project ended.")
    assert group.status == Status.CLOSED
    # The deputy and the DPO are told; the admin who closed it is not told what they did.
    assert {n.recipient for n in Notification.objects.filter(subject__contains="was closed")} == {
        bob,
        dpo,
    }
    group = chat_group_confirm_chat_deleted(group=group, by=alice)
    assert group.chat_deleted_at is not None
    with pytest.raises(ValidationError):
        chat_group_confirm_chat_deleted(group=group, by=alice)
    assert _verbs(group) == [GroupEvent.GROUP_CLOSED, GroupEvent.GROUP_CHAT_DELETED]


def test_the_dpo_closes_a_suspended_group(group, dpo):
    chat_group_suspend(group=group, by=dpo, reason="x")
    assert chat_group_close(group=group, by=dpo, reason="Not needed").status == Status.CLOSED


def test_a_member_who_does_not_run_the_group_cannot_close_it(alice, charlie):
    group = ChatGroupFactory(approved=True, admin=alice, members=[charlie])
    with pytest.raises(PermissionDenied):
        chat_group_close(group=group, by=charlie, reason="x")
    with pytest.raises(ValidationError):
        chat_group_confirm_chat_deleted(group=group, by=alice)
    with pytest.raises(PermissionDenied):
        chat_group_confirm_chat_deleted(group=group, by=charlie)


def test_a_closed_group_cannot_be_closed_again(group, alice):
    chat_group_close(group=group, by=alice, reason="Done.")
    with pytest.raises(ValidationError):
        chat_group_close(group=group, by=alice, reason="Done again.")


def test_a_group_under_an_open_hold_cannot_have_its_chat_deletion_recorded(alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    hold_place(
        kind=Hold.Kind.FOI,
        reference="FOI-2026-0001",
        request_received_on=timezone.localdate(),
        groups=[group],
        by=dpo,
    )
    closed = chat_group_close(group=group, by=alice, reason="No longer needed.")
    assert closed.status == Status.CLOSED
    told = Notification.objects.get(recipient=bob, subject__contains="closed")
    assert "Delete the chat" not in told.body_text
    assert "do NOT delete the chat" in told.body_text
    with pytest.raises(ValidationError, match="under a hold"):
        chat_group_confirm_chat_deleted(group=closed, by=alice)
    closed.refresh_from_db()
    assert closed.chat_deleted_at is None


def test_a_closed_group_whose_chat_is_not_yet_deleted_can_be_held(alice, bob, dpo):
    group = chat_group_close(
        group=ChatGroupFactory(approved=True, admin=alice, deputy=bob), by=alice, reason="Done."
    )
    assert group in holdable_groups()
    chat_group_confirm_chat_deleted(group=group, by=alice)
    assert group not in holdable_groups()


def test_the_admin_of_a_held_closed_group_is_not_offered_the_chat_deleted_button(
    client, alice, bob, dpo
):
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    hold_place(
        kind=Hold.Kind.SAR,
        reference="SAR-2026-0002",
        request_received_on=timezone.localdate(),
        groups=[group],
        by=dpo,
    )
    chat_group_close(group=group, by=alice, reason="No longer needed.")
    client.force_login(alice)
    page = client.get(reverse("groups:group", args=[group.pk])).content.decode()
    assert "I have deleted the chat" not in page
    assert "do not delete the chat" in page


def test_suspending_tells_every_current_member_to_stop_using_the_group(alice, bob, dpo):
    from groups.tests.factories import MembershipFactory

    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    member = MembershipFactory(group=group).user
    chat_group_suspend(group=group, by=dpo, reason="Misuse.")
    told = Notification.objects.get(recipient=member, subject__contains="suspended")
    assert "Do not use the group until it is reinstated" in told.body_text


def test_the_dpo_is_told_when_an_admin_closes_their_group(alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    chat_group_close(group=group, by=alice, reason="Project over.")
    told = Notification.objects.get(recipient=dpo, subject__contains="closed")
    assert "Its admin deletes the chat" in told.body_text


def test_someone_added_while_the_group_was_suspended_is_sent_the_rules_on_reinstating(
    group, alice, dpo
):
    chat_group_suspend(group=group, by=dpo, reason="Revising the risk assessment.")
    newcomer = UserFactory()
    membership_add(group=ChatGroup.objects.get(pk=group.pk), users=[newcomer], by=alice)
    assert not Notification.objects.filter(recipient=newcomer).exists()

    chat_group_reinstate(group=ChatGroup.objects.get(pk=group.pk), by=dpo)

    assert Notification.objects.filter(recipient=newcomer).count() == 1
    assert group.memberships.get(user=newcomer).rules_sent_at is not None
