"""Someone who joins a held group, by the admin adding them or by being named its new admin,
is told at once not to delete anything."""

import pytest

from groups.models import Hold, HoldNotice
from groups.services.holds import hold_place
from groups.services.leavers import chat_group_admin_change
from groups.services.membership import membership_add
from groups.tests.factories import ChatGroupFactory
from portal.models import Notification
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(bob, dpo):
    group = ChatGroupFactory(approved=True, admin=bob)
    hold_place(
        kind=Hold.Kind.FOI,
        reference="FOI-2026-0101",
        request_received_on=group.created_at.date(),
        note="",
        groups=[group],
        by=dpo,
    )
    return group


def test_a_member_added_to_a_held_group_gets_the_notice_at_once(held, bob):
    newcomer = UserFactory()
    membership_add(group=held, users=[newcomer], by=bob)
    notice = HoldNotice.objects.get(user=newcomer)
    assert notice.hold.reference == "FOI-2026-0101"
    assert Notification.objects.filter(recipient=newcomer, subject__icontains="delete").exists()


def test_a_new_admin_named_for_a_held_group_gets_the_notice(held, dpo):
    newcomer = UserFactory()
    chat_group_admin_change(group=held, new_admin=newcomer, by=dpo)
    assert HoldNotice.objects.filter(user=newcomer, hold__reference="FOI-2026-0101").exists()


def test_a_member_added_to_a_group_with_no_hold_gets_no_notice(bob):
    group = ChatGroupFactory(approved=True, admin=bob)
    newcomer = UserFactory()
    membership_add(group=group, users=[newcomer], by=bob)
    assert not HoldNotice.objects.filter(user=newcomer).exists()
