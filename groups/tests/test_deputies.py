"""Naming a group's deputy admin after approval, and telling the DPO and the admin when the
deputy leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import ChatGroup, Hold, HoldNotice, Membership
from groups.outbox import no_deputy_key
from groups.services.holds import hold_place
from groups.services.leavers import chat_group_deputy_change
from groups.tests.factories import ChatGroupFactory
from portal.models import AuditEvent, Notification
from portal.services.users import user_deactivate
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(alice, bob):
    return ChatGroupFactory(approved=True, admin=alice, deputy=bob)


def test_the_admin_names_a_new_deputy_who_joins_is_told_and_gets_hold_notices(
    group, alice, bob, dpo
):
    hold_place(
        kind=Hold.Kind.FOI,
        reference="FOI-2026-0009",
        request_received_on=timezone.localdate(),
        groups=[group],
        by=dpo,
    )
    carol = UserFactory(full_name="Carol Deputy")
    group = chat_group_deputy_change(group=group, new_deputy=carol, by=alice)
    group.refresh_from_db()
    assert group.deputy == carol
    assert Membership.objects.current().filter(group=group, user=carol).exists()
    assert Notification.objects.filter(recipient=carol, subject__contains="deputy admin").exists()
    assert HoldNotice.objects.filter(user=carol).exists()
    event = AuditEvent.objects.get(verb=GroupEvent.DEPUTY_CHANGED)
    assert event.changes["previous_deputy"] == bob.email


def test_a_member_who_does_not_run_the_group_cannot_name_its_deputy(group, charlie):
    with pytest.raises(PermissionDenied):
        chat_group_deputy_change(group=group, new_deputy=charlie, by=charlie)


def test_the_admin_cannot_be_their_own_deputy(group, alice):
    with pytest.raises(ValidationError):
        chat_group_deputy_change(group=group, new_deputy=alice, by=alice)


def test_when_the_deputy_leaves_the_dpo_and_admin_are_told_and_a_deputy_can_be_named(
    client, group, alice, bob, dpo, sysadmin
):
    user_deactivate(user=bob, by=sysadmin, reason="Resigned")
    for person in (dpo, alice):
        told = Notification.objects.get(dedup_key=no_deputy_key(group.pk, bob.pk, person.pk))
        assert "has no deputy" in told.body_text
    group.refresh_from_db()
    assert group.deputy is None
    client.force_login(alice)
    page = client.get(reverse("groups:members", args=[group.pk])).content.decode()
    assert reverse("groups:deputy_change", args=[group.pk]) in page
    carol = UserFactory()
    answer = client.post(
        reverse("groups:deputy_change", args=[group.pk]), {"new_deputy": carol.email}
    )
    assert answer.status_code == 302
    group.refresh_from_db()
    assert group.deputy == carol


def test_a_dpo_in_the_group_cannot_name_its_deputy(group, alice, dpo):
    ChatGroup.objects.filter(pk=group.pk).update(admin=dpo)
    other = ChatGroupFactory(approved=True, admin=alice)
    Membership.objects.create(group=other, user=dpo)
    with pytest.raises(ValidationError, match="cannot decide on it"):
        chat_group_deputy_change(group=other, new_deputy=UserFactory(), by=dpo)
