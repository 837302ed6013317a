"""Leavers, through user_deactivate itself: out of every group in its transaction, admins asked
to take them out of the chat, a group whose admin left flagged and the DPO asked for a new one."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import ChatGroup, Membership
from groups.outbox import leaver_remove_key, needs_admin_key
from groups.services.leavers import LEFT_THE_ORGANISATION, chat_group_admin_change
from groups.tests.factories import ChatGroupFactory, ClearDownCycleFactory
from portal.models import AuditEvent, Notification
from portal.roles import Role
from portal.services.users import user_deactivate
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_dpo(db):
    return UserFactory(full_name="Dee Deputy", roles=[Role.DEPUTY_DPO])


def test_a_leaver_who_ran_one_group_and_was_in_three_others_leaves_all_four(
    alice, bob, dpo, deputy_dpo, sysadmin
):
    deputy = UserFactory(full_name="Dan Deputy")
    ran = ChatGroupFactory(approved=True, admin=alice, deputy=deputy)
    others = [ChatGroupFactory(approved=True, admin=bob, members=[alice]) for _ in range(3)]

    assert user_deactivate(user=alice, by=sysadmin, reason="Resigned")

    memberships = Membership.objects.filter(user=alice)
    assert memberships.count() == 4
    for m in memberships:
        assert m.removed_at is not None
        assert m.removed_by == sysadmin
        assert m.removal_reason == LEFT_THE_ORGANISATION
        assert m.chat_removal_confirmed_at is None
    ran.refresh_from_db()
    assert ran.needs_admin
    # Their own group's deputy is asked to take them out of the chat; each other group's admin.
    own = memberships.get(group=ran)
    asked = Notification.objects.get(dedup_key=leaver_remove_key(own.pk))
    assert asked.recipient == deputy
    assert "remove them from the group in the app now, then confirm" in asked.body_text
    for group in others:
        m = memberships.get(group=group)
        assert Notification.objects.get(dedup_key=leaver_remove_key(m.pk)).recipient == bob
    # The DPO and deputy DPO are asked to name a new admin.
    for person in (dpo, deputy_dpo):
        message = Notification.objects.get(dedup_key=needs_admin_key(ran.pk, alice.pk, person.pk))
        assert "Dan Deputy" in message.body_text
    assert AuditEvent.objects.filter(verb=GroupEvent.LEAVER_REMOVED).count() == 4
    assert AuditEvent.objects.get(verb=GroupEvent.NEEDS_ADMIN).object_id == str(ran.pk)


def test_a_deputy_who_leaves_is_no_longer_deputy_and_the_group_keeps_its_admin(alice, bob):
    group = ChatGroupFactory(approved=True, admin=bob, deputy=alice)
    user_deactivate(user=alice, by=None, reason="Retired")
    group.refresh_from_db()
    assert group.deputy is None
    assert not group.needs_admin
    assert AuditEvent.objects.filter(verb=GroupEvent.DEPUTY_LEFT).count() == 1


def test_an_admin_without_a_deputy_leaves_the_dpo_to_take_them_out(alice, dpo):
    group = ChatGroupFactory(approved=True, admin=alice)
    user_deactivate(user=alice, by=None, reason="Left")
    membership = Membership.objects.get(group=group, user=alice)
    assert not Notification.objects.filter(dedup_key=leaver_remove_key(membership.pk)).exists()
    message = Notification.objects.get(dedup_key=needs_admin_key(group.pk, alice.pk, dpo.pk))
    assert "no deputy admin" in message.body_text


def test_the_leaver_hook_costs_the_same_queries_however_many_groups(dpo, bob):
    def leaver_in(count: int):
        person = UserFactory()
        ChatGroupFactory(approved=True, admin=person)
        for _ in range(count):
            ChatGroupFactory(approved=True, admin=bob, members=[person])
        return person

    warm, few, many = leaver_in(1), leaver_in(1), leaver_in(12)
    # The first leaver fills the caches (the organisation's settings) that later ones read.
    user_deactivate(user=warm, by=None, reason="Left")
    with CaptureQueriesContext(connection) as one:
        user_deactivate(user=few, by=None, reason="Left")
    with CaptureQueriesContext(connection) as twelve:
        user_deactivate(user=many, by=None, reason="Left")
    assert len(twelve) == len(one)


def test_the_dpo_names_a_new_admin_who_is_added_and_told(alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=alice)
    user_deactivate(user=alice, by=None, reason="Left")
    group.refresh_from_db()

    chat_group_admin_change(group=group, new_admin=bob, by=dpo)

    group.refresh_from_db()
    assert group.admin == bob
    assert not group.needs_admin
    assert group.memberships.current().filter(user=bob).exists()
    assert Notification.objects.filter(recipient=bob, subject__contains="now the admin").exists()
    event = AuditEvent.objects.get(verb=GroupEvent.ADMIN_CHANGED)
    assert event.changes["added_to_group"] is True
    assert event.actor == dpo


def test_naming_the_deputy_as_admin_clears_the_deputy(alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    user_deactivate(user=alice, by=None, reason="Left")
    group.refresh_from_db()
    chat_group_admin_change(group=group, new_admin=bob, by=dpo)
    group.refresh_from_db()
    assert group.admin == bob
    assert group.deputy is None


def test_a_leaver_cannot_be_named_admin(alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=bob)
    user_deactivate(user=alice, by=None, reason="Left")
    alice.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer works here"):
        chat_group_admin_change(group=group, new_admin=alice, by=dpo)
    assert ChatGroup.objects.get(pk=group.pk).admin == bob


def test_naming_an_admin_from_a_stale_copy_does_not_write_a_leaver_back_as_deputy(alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    stale = ChatGroup.objects.get(pk=group.pk)  # the page's copy, read before bob left
    user_deactivate(user=bob, by=dpo, reason="Resigned")
    carol = UserFactory(full_name="Carol New")
    chat_group_admin_change(group=stale, new_admin=carol, by=dpo)
    group.refresh_from_db()
    assert (group.admin, group.deputy) == (carol, None)


@pytest.mark.parametrize("status", ["draft", "submitted", "changes_asked", "refused"])
def test_a_leaver_who_applied_for_a_group_not_yet_approved_leaves_no_admin_to_name(
    alice, bob, dpo, sysadmin, status
):
    group = ChatGroupFactory(admin=alice, applicant=alice, deputy=bob, status=status)
    user_deactivate(user=alice, by=sysadmin, reason="Resigned")
    group.refresh_from_db()
    assert not group.needs_admin
    assert not Notification.objects.filter(recipient=dpo).exists()
    # Nobody is asked to take them out of a chat that never existed.
    assert not Notification.objects.filter(recipient=bob).exists()
    gone = Membership.objects.get(group=group, user=alice)
    assert gone.chat_removal_confirmed_at is not None
    assert not AuditEvent.objects.filter(verb=GroupEvent.NEEDS_ADMIN).exists()


def test_the_decision_page_says_when_the_applicant_has_left(client, alice, bob, dpo, sysadmin):
    from django.urls import reverse

    from groups.services.registration import chat_group_submit
    from groups.tests.reg_helpers import full_application

    group = chat_group_submit(application=full_application(deputy=bob), by=alice)
    user_deactivate(user=alice, by=sysadmin, reason="Resigned")
    client.force_login(dpo)
    page = client.get(reverse("groups:decide", args=[group.pk])).content.decode()
    assert "has left the organisation" in page


def test_a_period_the_leaving_admin_was_to_prompt_passes_to_the_deputy(alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    open_period = ClearDownCycleFactory(
        group=group, prompter=alice, prompter_reminded_at=timezone.now()
    )
    posted = ClearDownCycleFactory(
        group=group,
        prompter=alice,
        opens_at=timezone.now() - timedelta(days=3),
        prompt_posted_at=timezone.now() - timedelta(days=3),
    )

    user_deactivate(user=alice, by=dpo, reason="Resigned")

    open_period.refresh_from_db()
    assert (open_period.prompter, open_period.prompter_reminded_at) == (bob, None)
    posted.refresh_from_db()
    assert posted.prompter == alice  # done before they left: the record stands
