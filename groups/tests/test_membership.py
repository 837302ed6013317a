"""Members kept in the portal: added, removed, acknowledged; each change audited."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups.events import GroupEvent
from groups.models import ChatGroup, ExternalMember, Membership
from groups.outbox import rules_key
from groups.services.membership import (
    external_member_add,
    external_member_remove,
    membership_acknowledge_rules,
    membership_add,
    membership_confirm_chat_removal,
    membership_remove,
)
from groups.tests.factories import ChatGroupFactory, ExternalMemberFactory, MembershipFactory
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(alice):
    return ChatGroupFactory(approved=True, admin=alice)


def test_a_new_member_of_an_approved_group_is_sent_its_purpose_and_rules(group, alice, bob):
    [membership] = membership_add(group=group, users=[bob], by=alice)

    assert membership.rules_sent_at is not None
    assert membership.rules_acknowledged_at is None
    message = Notification.objects.get(dedup_key=rules_key(membership.pk))
    assert message.recipient == bob
    assert group.purpose in message.body_text
    assert group.never_post in message.body_text
    assert "acknowledge" in message.body_text
    event = AuditEvent.objects.get(verb=GroupEvent.MEMBER_ADDED)
    assert event.actor == alice
    assert event.changes["member"] == bob.email


@pytest.mark.parametrize("status", ["draft", "submitted", "changes_asked", "refused"])
def test_before_approval_members_change_only_through_the_application(alice, bob, status):
    group = ChatGroupFactory(admin=alice, status=status)
    with pytest.raises(ValidationError, match="application form"):
        membership_add(group=group, users=[bob], by=alice)
    with pytest.raises(ValidationError, match="application form"):
        external_member_add(group=group, name="Pat", organisation="Council", contact="", by=alice)
    assert not group.memberships.filter(user=bob).exists()
    assert not group.external_members.exists()
    assert not Notification.objects.filter(subject__contains=group.name).exists()


def test_adding_someone_already_in_the_group_says_so_and_adds_nobody(group, alice, bob, charlie):
    membership_add(group=group, users=[bob], by=alice)
    with pytest.raises(ValidationError, match="Bob Manager is already in this group"):
        membership_add(group=group, users=[charlie, bob], by=alice)
    assert not Membership.objects.filter(group=group, user=charlie).exists()


def test_adding_past_the_size_limit_is_refused_until_the_dpo_approves_a_larger_size(group, alice):
    org = OrganisationSettings.load()
    org.chat_group_size_limit = 3
    org.save()
    cache.clear()
    ExternalMemberFactory(group=group)
    people = UserFactory.create_batch(2)
    with pytest.raises(ValidationError, match="3 without the data protection officer's approval"):
        membership_add(group=group, users=people, by=alice)
    assert group.memberships.current().count() == 1

    ChatGroup.objects.filter(pk=group.pk).update(size_approved_up_to=4)
    group.refresh_from_db()
    membership_add(group=group, users=people, by=alice)
    assert group.memberships.current().count() == 3


def test_a_removed_member_is_kept_with_who_when_and_why(group, alice, bob):
    [membership] = membership_add(group=group, users=[bob], by=alice)
    membership_remove(membership=membership, by=alice, reason="Moved team", chat_removed=True)

    membership.refresh_from_db()
    assert membership.removed_at is not None
    assert membership.removed_by == alice
    assert membership.removal_reason == "Moved team"
    assert membership.chat_removal_confirmed_by == alice
    event = AuditEvent.objects.get(verb=GroupEvent.MEMBER_REMOVED)
    assert event.changes["reason"] == "Moved team"
    assert event.actor == alice
    # Added again later: a new membership, sent the rules again.
    [again] = membership_add(group=group, users=[bob], by=alice)
    assert again.pk != membership.pk
    assert Membership.objects.filter(group=group, user=bob).count() == 2


def test_the_admin_cannot_be_removed_as_a_member(group, alice):
    membership = group.memberships.get(user=alice)
    with pytest.raises(ValidationError, match="admin and deputy"):
        membership_remove(membership=membership, by=alice, reason="x", chat_removed=True)


def test_confirming_a_removed_member_is_out_of_the_chat_is_recorded_once(group, alice, bob):
    gone = MembershipFactory(group=group, user=bob, removed_at=group.created_at)
    membership_confirm_chat_removal(membership=gone, by=alice)
    gone.refresh_from_db()
    assert gone.chat_removal_confirmed_by == alice
    with pytest.raises(ValidationError, match="already confirmed"):
        membership_confirm_chat_removal(membership=gone, by=alice)
    assert AuditEvent.objects.filter(verb=GroupEvent.MEMBER_CHAT_REMOVAL_CONFIRMED).count() == 1


def test_a_member_acknowledges_the_rules_once_and_a_second_time_is_told_when(group, alice, bob):
    [membership] = membership_add(group=group, users=[bob], by=alice)
    membership_acknowledge_rules(membership=membership, by=bob)
    assert membership.rules_acknowledged_at is not None
    with pytest.raises(ValidationError, match="already acknowledged this group's rules, on"):
        membership_acknowledge_rules(membership=membership, by=bob)
    assert AuditEvent.objects.filter(verb=GroupEvent.RULES_ACKNOWLEDGED).count() == 1


def test_external_members_are_named_and_removed_with_audit_events(group, alice):
    external = external_member_add(
        group=group, name="Sam", organisation="Council", contact="sam@example.org", by=alice
    )
    external_member_remove(external=external, by=alice)
    external.refresh_from_db()
    assert external.removed_by == alice
    assert ExternalMember.objects.filter(pk=external.pk).exists()
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs[-2:] == [GroupEvent.EXTERNAL_MEMBER_ADDED, GroupEvent.EXTERNAL_MEMBER_REMOVED]


def test_nobody_is_added_to_a_closed_group(alice, bob):
    group = ChatGroupFactory(admin=alice, status=ChatGroup.Status.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        membership_add(group=group, users=[bob], by=alice)


def test_the_rules_email_is_the_rules_kind(group, alice, bob):
    [membership] = membership_add(group=group, users=[bob], by=alice)
    message = Notification.objects.get(dedup_key=rules_key(membership.pk))
    assert message.url == reverse("groups:rules", args=[group.pk])
    assert message.subject == f"You were added to {group.name}: its purpose and rules"


def test_nobody_is_added_from_a_copy_of_a_group_closed_since(alice, bob):
    from groups.services.lifecycle import chat_group_close
    from groups.services.membership import external_member_add

    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    stale = ChatGroup.objects.get(pk=group.pk)
    chat_group_close(group=group, by=alice, reason="Done.")
    with pytest.raises(ValidationError, match="closed"):
        membership_add(group=stale, users=[UserFactory()], by=alice)
    with pytest.raises(ValidationError, match="closed"):
        external_member_add(group=stale, name="Pat", organisation="Council", contact="", by=alice)
    assert group.memberships.current().count() == 2


def test_the_members_page_of_an_application_sends_the_admin_to_the_form(client, alice, bob):
    group = ChatGroupFactory(admin=alice, deputy=bob, status=ChatGroup.Status.SUBMITTED)
    client.force_login(alice)
    page = client.get(reverse("groups:members", args=[group.pk])).content.decode()
    assert "not approved yet" in page
    assert reverse("groups:members_add", args=[group.pk]) not in page
