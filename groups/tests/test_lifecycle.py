"""Suspending, reinstating and closing a group, and confirming a closed group's chat deleted."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import ChatGroup
from groups.services.lifecycle import (
    chat_group_close,
    chat_group_confirm_chat_deleted,
    chat_group_reinstate,
    chat_group_suspend,
)
from groups.tests.factories import ChatGroupFactory
from portal.models import AuditEvent, Notification

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
    # The deputy is told; the admin who closed it is not told what they did.
    assert {n.recipient for n in Notification.objects.filter(subject__contains="was closed")} == {
        bob
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
