"""Nobody acts as DPO on a group they have a part in: not only approving or refusing, but
suspending, reinstating, closing, naming its admin and resolving a concern about it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups.access import OWN_GROUP
from groups.models import ChatGroup
from groups.services.concerns import concern_resolve
from groups.services.leavers import chat_group_admin_change
from groups.services.lifecycle import chat_group_close, chat_group_reinstate, chat_group_suspend
from groups.tests.factories import ChatGroupFactory, ConcernFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    MembershipFactory(group=group, user=dpo)
    return group


def test_a_dpo_who_is_a_member_cannot_suspend_reinstate_or_close_the_group(group, dpo):
    with pytest.raises(ValidationError, match="cannot decide on it"):
        chat_group_suspend(group=group, by=dpo, reason="Misuse.")
    with pytest.raises(ValidationError, match="cannot decide on it"):
        chat_group_close(group=group, by=dpo, reason="Misuse.")
    ChatGroup.objects.filter(pk=group.pk).update(status=ChatGroup.Status.SUSPENDED)
    with pytest.raises(ValidationError, match="cannot decide on it"):
        chat_group_reinstate(group=group, by=dpo)
    group.refresh_from_db()
    assert group.status == ChatGroup.Status.SUSPENDED


def test_a_dpo_who_is_a_member_cannot_name_themselves_admin(group, alice, dpo):
    with pytest.raises(ValidationError, match="cannot decide on it"):
        chat_group_admin_change(group=group, new_admin=dpo, by=dpo)
    group.refresh_from_db()
    assert group.admin == alice


def test_a_dpo_who_is_a_member_cannot_resolve_a_concern_about_the_group(group, dpo):
    concern = ConcernFactory(group=group)
    with pytest.raises(ValidationError, match="cannot decide on it"):
        concern_resolve(concern=concern, action_taken="Spoke to the admin.", by=dpo)
    concern.refresh_from_db()
    assert concern.resolved_at is None


def test_the_pages_tell_a_dpo_who_is_a_member_that_another_dpo_must_act(client, group, dpo):
    client.force_login(dpo)
    for name in ("groups:suspend", "groups:dpo_close", "groups:admin_change"):
        page = client.get(reverse(name, args=[group.pk]))
        assert OWN_GROUP in page.content.decode(), name
    answer = client.post(reverse("groups:suspend", args=[group.pk]), {"reason": "Misuse."})
    assert OWN_GROUP in answer.content.decode()
    group.refresh_from_db()
    assert group.status == ChatGroup.Status.APPROVED
