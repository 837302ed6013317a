"""Applying to register a group: drafts, sending to the DPO, sending again, and changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from groups.events import GroupEvent
from groups.models import ChatGroup, ExternalMember, Submission
from groups.services.decisions import chat_group_approve, chat_group_ask_changes
from groups.services.registration import (
    Application,
    chat_group_propose_change,
    chat_group_save_draft,
    chat_group_submit,
)
from groups.tests.factories import ChatGroupFactory
from groups.tests.reg_helpers import full_application
from portal.models import AuditEvent, Notification
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _verbs(group) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="groups.chatgroup", object_id=str(group.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_a_draft_needs_only_a_name_and_makes_the_applicant_its_admin_and_a_member(alice):
    group = chat_group_save_draft(application=Application(name="Half written"), by=alice)
    assert group.status == ChatGroup.Status.DRAFT
    assert group.admin == alice
    assert group.applicant == alice
    assert [m.user for m in group.memberships.current()] == [alice]
    assert _verbs(group) == [GroupEvent.GROUP_DRAFTED]
    assert not Notification.objects.exists()


def test_a_draft_without_a_name_is_refused(alice):
    with pytest.raises(ValidationError):
        chat_group_save_draft(application=Application(name="  "), by=alice)
    assert not ChatGroup.objects.exists()


def test_a_draft_is_returned_to_and_saved_again(alice, bob, charlie):
    group = chat_group_save_draft(application=Application(name="First", members=[bob]), by=alice)
    group = chat_group_save_draft(
        group=group, application=Application(name="Second", members=[charlie]), by=alice
    )
    assert group.name == "Second"
    assert {m.user for m in group.memberships.current()} == {alice, charlie}
    # Bob was taken off the list: his row is kept, marked removed.
    assert group.memberships.get(user=bob).removed_at is not None
    assert _verbs(group) == [GroupEvent.GROUP_DRAFTED, GroupEvent.GROUP_DRAFT_SAVED]


def test_someone_else_cannot_save_over_an_application(alice, charlie):
    group = chat_group_save_draft(application=Application(name="Mine"), by=alice)
    with pytest.raises(PermissionDenied):
        chat_group_save_draft(group=group, application=Application(name="Theirs"), by=charlie)


def test_an_incomplete_application_is_not_sent(alice):
    with pytest.raises(ValidationError) as refused:
        chat_group_submit(application=Application(name="Thin"), by=alice)
    assert {"platform", "purpose", "deputy", "logo_confirmed"} <= set(refused.value.message_dict)
    assert not ChatGroup.objects.exists()


def test_sending_keeps_exactly_what_was_sent_and_tells_the_dpo_and_deputy(alice, bob, charlie, dpo):
    deputy_dpo = UserFactory(roles=[Role.DEPUTY_DPO])
    group = chat_group_submit(application=full_application(deputy=bob, members=[charlie]), by=alice)
    assert group.status == ChatGroup.Status.SUBMITTED
    submission = group.submissions.get()
    assert submission.outcome == Submission.Outcome.PENDING
    details = submission.details
    assert details["name"] == "Northfield front desk"
    assert details["platform"] == "WhatsApp"
    assert details["deputy"]["email"] == bob.email
    assert sorted(p["email"] for p in details["members"]) == sorted(
        [alice.email, bob.email, charlie.email]
    )
    assert details["external_members"] == [
        {
            "name": "Sam Partner",
            "organisation": "Northshire Council",
            "contact": "sam@example.gov.uk",
        }
    ]
    assert ExternalMember.objects.filter(group=group).count() == 1
    assert group.has_external_members
    told = Notification.objects.filter(subject__contains="awaits your decision")
    assert {n.recipient for n in told} == {dpo, deputy_dpo}
    assert _verbs(group) == [GroupEvent.GROUP_SUBMITTED]


def test_a_sent_application_cannot_be_changed_or_sent_twice(alice, bob):
    group = chat_group_submit(application=full_application(deputy=bob), by=alice)
    with pytest.raises(ValidationError):
        chat_group_submit(group=group, application=full_application(deputy=bob), by=alice)
    with pytest.raises(ValidationError):
        chat_group_save_draft(group=group, application=Application(name="X"), by=alice)
    assert group.submissions.count() == 1


def test_the_admin_cannot_be_their_own_deputy(alice):
    with pytest.raises(ValidationError):
        chat_group_submit(application=full_application(deputy=alice), by=alice)


def test_an_application_sent_back_is_revised_and_sent_again_keeping_its_history(alice, bob, dpo):
    group = chat_group_submit(application=full_application(deputy=bob), by=alice)
    chat_group_ask_changes(group=group, by=dpo, reason="Say who may join.")
    group = chat_group_submit(
        group=group, application=full_application(deputy=bob, audience="The desk only."), by=alice
    )
    first, second = group.submissions.order_by("submitted_at")
    assert first.outcome == Submission.Outcome.CHANGES_ASKED
    assert first.details["audience"] == "The front desk team and their supervisors."
    assert second.outcome == Submission.Outcome.PENDING
    assert second.details["audience"] == "The desk only."
    assert group.status == ChatGroup.Status.SUBMITTED
    # Each sending told the DPO once.
    assert Notification.objects.filter(recipient=dpo, subject__contains="awaits").count() == 2


def test_a_change_of_platform_waits_for_the_dpo_and_the_group_stays_as_it_was(alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob)
    submission = chat_group_propose_change(
        group=group,
        name=group.name,
        platform="signal",
        platform_other="",
        purpose=group.purpose,
        why="The force has moved to Signal.",
        by=alice,
    )
    group.refresh_from_db()
    assert group.platform == "whatsapp"
    assert group.status == ChatGroup.Status.APPROVED
    assert submission.kind == Submission.Kind.CHANGE
    assert submission.details["proposed"]["platform"] == "signal"
    assert GroupEvent.CHANGE_PROPOSED in _verbs(group)
    assert Notification.objects.filter(recipient=dpo, subject__contains="A change").exists()
    with pytest.raises(ValidationError):
        chat_group_propose_change(
            group=group,
            name="Again",
            platform="signal",
            platform_other="",
            purpose="x",
            why="again",
            by=alice,
        )
    chat_group_approve(group=group, by=dpo)
    group.refresh_from_db()
    assert group.platform == "signal"
    assert group.status == ChatGroup.Status.APPROVED
    assert group.submissions.count() == 2
    assert GroupEvent.CHANGE_APPROVED in _verbs(group)


def test_only_the_admin_proposes_a_change_and_only_to_an_approved_group(alice, charlie):
    group = ChatGroupFactory(approved=True, admin=alice, members=[charlie])
    with pytest.raises(PermissionDenied):
        chat_group_propose_change(
            group=group,
            name="x",
            platform="signal",
            platform_other="",
            purpose="x",
            why="x",
            by=charlie,
        )
    draft = ChatGroupFactory(admin=alice)
    with pytest.raises(ValidationError):
        chat_group_propose_change(
            group=draft,
            name="x",
            platform="signal",
            platform_other="",
            purpose="x",
            why="x",
            by=alice,
        )


def test_the_dpo_email_names_the_group_and_links_to_the_decision(alice, bob, dpo):
    group = chat_group_submit(application=full_application(deputy=bob), by=alice)
    message = Notification.objects.get(recipient=dpo)
    assert group.name in message.subject
    assert message.url == f"/chat-groups/{group.pk}/decide/"


def test_someone_taken_off_a_draft_is_not_a_leaver_to_take_out_of_the_chat(client, alice, bob):
    group = chat_group_save_draft(application=full_application(members=[bob]), by=alice)
    group = chat_group_save_draft(group=group, application=full_application(), by=alice)
    gone = group.memberships.get(user=bob)
    assert gone.removed_at is not None
    assert gone.chat_removal_confirmed_at is not None
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert "Take Bob" not in page
    assert "out of the chat" not in page
