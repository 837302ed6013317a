"""Approval before publishing: a second policy administrator, never an author, approves a
version (or sends it back) before it can be published, and it is all on the record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from declarations.events import DeclarationEvent
from declarations.models import PolicyVersion
from declarations.services.approvals import (
    policy_version_approve,
    policy_version_request_approval,
    policy_version_return,
)
from declarations.services.policies import (
    policy_create,
    policy_update,
    policy_version_create,
    policy_version_publish,
    policy_version_update,
)
from declarations.tests.factories import PolicyFactory, PolicyVersionFactory
from portal.models import AuditEvent, Notification
from portal.roles import Role
from portal.testing.queries import panels_cost
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Approval = PolicyVersion.Approval


@pytest.fixture
def author(db):
    return UserFactory(full_name="Ann Author", email="ann@example.org", roles=[Role.POLICY_ADMIN])


@pytest.fixture
def approver(db):
    return UserFactory(
        full_name="Victor Approver", email="victor@example.org", roles=[Role.POLICY_ADMIN]
    )


@pytest.fixture
def draft(author, approver):
    policy = policy_create(by=author, title="Clear desk", versions_need_approval=True)
    return policy_version_create(
        policy=policy,
        by=author,
        label="1.0",
        effective_date=policy.created_at.date(),
        body_markdown="## Scope\n\nPapers away at night.",
    )


@pytest.fixture
def awaiting(draft, author):
    return policy_version_request_approval(version=draft, by=author)


def _events(version, verb):
    return AuditEvent.objects.filter(
        verb=verb, object_type="declarations.policyversion", object_id=str(version.pk)
    )


def _refresh(version):
    version.refresh_from_db()
    return version


# ---- Services ----------------------------------------------------------------------------


def test_the_author_is_recorded_as_who_drafted_the_version(draft, author):
    assert draft.created_by == author
    assert draft.approval == Approval.NOT_ASKED


def test_a_version_needing_approval_cannot_be_published_until_approved(draft, approver):
    with pytest.raises(ValidationError, match="needs approval by a second policy administrator"):
        policy_version_publish(version=draft, by=approver)
    assert not _refresh(draft).is_published
    assert not _events(draft, DeclarationEvent.POLICY_VERSION_PUBLISHED).exists()


def test_asking_for_approval_tells_every_other_policy_administrator_once(
    draft, author, approver, policy_admin
):
    version = policy_version_request_approval(version=draft, by=author)
    assert version.approval == Approval.AWAITING
    assert version.approval_requested_by == author
    asked = Notification.objects.filter(dedup_key__startswith=f"policy-approval-asked:{draft.pk}:")
    # Both other administrators, not the author.
    assert sorted(n.recipient.email for n in asked) == ["hr@example.org", "victor@example.org"]
    assert all("Clear desk 1.0 waits for your approval" in n.subject for n in asked)
    event = _events(draft, DeclarationEvent.POLICY_VERSION_APPROVAL_REQUESTED).get()
    assert event.actor == author
    # Asking again while it waits is refused, and nobody hears twice.
    with pytest.raises(ValidationError, match="already waiting for approval"):
        policy_version_request_approval(version=draft, by=author)
    assert asked.count() == 2


def test_asking_with_no_other_policy_administrator_is_refused(author):
    policy = policy_create(by=author, title="Clear desk", versions_need_approval=True)
    version = PolicyVersionFactory(policy=policy, created_by=author)
    with pytest.raises(ValidationError, match="no other policy administrator"):
        policy_version_request_approval(version=version, by=author)
    assert _refresh(version).approval == Approval.NOT_ASKED
    assert not Notification.objects.exists()


def test_asking_is_refused_for_a_policy_whose_versions_need_no_approval(author, approver):
    version = PolicyVersionFactory(created_by=author)
    with pytest.raises(ValidationError, match="do not need approval"):
        policy_version_request_approval(version=version, by=author)


def test_the_author_cannot_approve_their_own_version(awaiting, author):
    with pytest.raises(ValidationError, match="another policy administrator must decide"):
        policy_version_approve(version=awaiting, by=author)
    with pytest.raises(ValidationError, match="another policy administrator must decide"):
        policy_version_return(version=awaiting, by=author, reason="Looks wrong to me.")
    assert _refresh(awaiting).approval == Approval.AWAITING
    assert not _events(awaiting, DeclarationEvent.POLICY_VERSION_APPROVED).exists()


def test_whoever_changed_the_draft_or_asked_for_approval_cannot_approve_it(
    draft, author, approver, policy_admin
):
    # The approver edits the author's draft: they wrote part of it now.
    policy_version_update(version=draft, by=approver, summary_of_changes="Tightened.")
    policy_version_request_approval(version=draft, by=author)
    with pytest.raises(ValidationError, match="another policy administrator must decide"):
        policy_version_approve(version=draft, by=approver)
    # Someone who only asked for approval of another's draft cannot approve it either.
    other = PolicyVersionFactory(policy=draft.policy, created_by=author, label="1.1")
    policy_version_request_approval(version=other, by=policy_admin)
    with pytest.raises(ValidationError, match="another policy administrator must decide"):
        policy_version_approve(version=other, by=policy_admin)
    policy_version_approve(version=other, by=approver)


def test_the_database_refuses_an_approval_by_the_author(awaiting, author):
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.filter(pk=awaiting.pk).update(
            approval=Approval.APPROVED, approved_by=author, approved_at=awaiting.created_at
        )


def test_only_a_policy_administrator_can_decide(awaiting, alice):
    with pytest.raises(PermissionDenied):
        policy_version_approve(version=awaiting, by=alice)


def test_another_administrator_approves_with_a_note_and_the_author_is_told_once(
    awaiting, author, approver
):
    version = policy_version_approve(version=awaiting, by=approver, note="  Checked with legal. ")
    assert version.approval == Approval.APPROVED
    assert version.approved_by == approver
    assert version.approval_note == "Checked with legal."
    event = _events(awaiting, DeclarationEvent.POLICY_VERSION_APPROVED).get()
    assert event.actor == approver
    assert event.changes["note"] == "Checked with legal."
    told = Notification.objects.get(dedup_key__startswith=f"policy-approval-decided:{awaiting.pk}:")
    assert told.recipient == author
    assert told.subject == "Clear desk 1.0 is approved"
    assert "Checked with legal." in told.body_text
    # Approving twice is refused: one approval, one message.
    with pytest.raises(ValidationError, match="already been approved"):
        policy_version_approve(version=awaiting, by=approver)
    assert (
        Notification.objects.filter(dedup_key__startswith="policy-approval-decided:").count() == 1
    )


def test_sending_back_needs_a_reason_and_tells_the_author(awaiting, author, approver):
    with pytest.raises(ValidationError, match="Say what needs to change"):
        policy_version_return(version=awaiting, by=approver, reason="   ")
    version = policy_version_return(version=awaiting, by=approver, reason="Section 2 is unclear.")
    assert version.approval == Approval.RETURNED
    assert (version.returned_by, version.returned_reason) == (approver, "Section 2 is unclear.")
    event = _events(awaiting, DeclarationEvent.POLICY_VERSION_RETURNED).get()
    assert event.changes["reason"] == "Section 2 is unclear."
    told = Notification.objects.get(dedup_key__startswith=f"policy-approval-decided:{awaiting.pk}:")
    assert told.recipient == author
    assert "Section 2 is unclear." in told.body_text
    with pytest.raises(ValidationError, match="needs approval"):
        policy_version_publish(version=awaiting, by=approver)
    # After changes, the author asks again, and the others are asked again.
    policy_version_update(version=awaiting, by=author, summary_of_changes="Section 2 reworded.")
    policy_version_request_approval(version=awaiting, by=author)
    assert Notification.objects.filter(dedup_key__startswith="policy-approval-asked:").count() == 2


@pytest.mark.parametrize("approved", [False, True])
def test_editing_a_version_waiting_or_approved_sends_it_back_to_draft(
    awaiting, author, approver, approved
):
    if approved:
        policy_version_approve(version=awaiting, by=approver, note="Fine.")
    policy_version_update(version=awaiting, by=author, body_markdown="## Scope\n\nEveryone.")
    version = _refresh(awaiting)
    assert version.approval == Approval.NOT_ASKED
    assert (version.approved_by, version.approved_at, version.approval_note) == (None, None, "")
    cleared = _events(awaiting, DeclarationEvent.POLICY_VERSION_APPROVAL_CLEARED).get()
    assert cleared.actor == author
    assert cleared.changes == {
        "was": "approved" if approved else "awaiting",
        "changed": ["body_markdown"],
    }
    with pytest.raises(ValidationError, match="needs approval"):
        policy_version_publish(version=version, by=approver)


def test_saving_a_draft_unchanged_keeps_its_approval(awaiting, author, approver):
    policy_version_approve(version=awaiting, by=approver)
    policy_version_update(version=awaiting, by=author, label="1.0")
    assert _refresh(awaiting).approval == Approval.APPROVED
    assert not _events(awaiting, DeclarationEvent.POLICY_VERSION_APPROVAL_CLEARED).exists()


def test_publishing_an_approved_version_records_the_approval(awaiting, author, approver):
    policy_version_approve(version=awaiting, by=approver, note="Checked with legal.")
    version, _ = policy_version_publish(version=awaiting, by=author)
    assert version.is_published
    event = _events(awaiting, DeclarationEvent.POLICY_VERSION_PUBLISHED).get()
    approval = event.changes["approval"]
    assert approval["approved_by"] == str(approver)
    assert approval["note"] == "Checked with legal."
    assert approval["asked_by"] == str(author)
    assert approval["approved_at"] == _refresh(awaiting).approved_at.isoformat()


def test_versions_of_a_policy_without_approval_publish_as_before(policy_admin):
    version = PolicyVersionFactory(created_by=policy_admin)
    published, _ = policy_version_publish(version=version, by=policy_admin)
    assert published.is_published
    event = _events(version, DeclarationEvent.POLICY_VERSION_PUBLISHED).get()
    assert "approval" not in event.changes


def test_turning_approval_on_is_recorded_and_applies_to_drafts(policy_admin):
    policy = PolicyFactory()
    version = PolicyVersionFactory(policy=policy)
    policy_update(
        policy=policy,
        by=policy_admin,
        title=policy.title,
        summary=policy.summary,
        owner=None,
        versions_need_approval=True,
    )
    event = AuditEvent.objects.get(verb=DeclarationEvent.POLICY_UPDATED)
    assert event.changes["versions_need_approval"] == {"from": False, "to": True}
    with pytest.raises(ValidationError, match="needs approval"):
        policy_version_publish(version=version, by=policy_admin)


# ---- Pages -------------------------------------------------------------------------------


def _page(client, user, version):
    client.force_login(user)
    return client.get(reverse("declarations:admin_version", args=[version.pk]))


def test_a_draft_needing_approval_offers_to_ask_and_no_publish_button(client, draft, author):
    page = _page(client, author, draft).text
    assert "Ask for approval" in page
    assert "Publish version" not in page


def test_the_author_is_not_offered_to_approve_their_version(client, awaiting, author):
    page = _page(client, author, awaiting).text
    assert "Waiting for approval" in page
    assert "another policy administrator must approve it" in page
    assert "Approve version" not in page
    assert reverse("declarations:version_approve", args=[awaiting.pk]) not in page
    assert "Publish version" not in page


def test_a_second_administrator_is_offered_to_approve_or_send_back(client, awaiting, approver):
    page = _page(client, approver, awaiting).text
    assert "Approve version 1.0" in page
    assert "Send it back for changes" in page


def test_the_author_posting_an_approval_is_refused_and_nothing_changes(client, awaiting, author):
    client.force_login(author)
    response = client.post(
        reverse("declarations:version_approve", args=[awaiting.pk]), {"note": "Mine."}, follow=True
    )
    assert "another policy administrator must decide" in response.text
    assert _refresh(awaiting).approval == Approval.AWAITING
    assert not _events(awaiting, DeclarationEvent.POLICY_VERSION_APPROVED).exists()


def test_a_second_administrator_approves_and_the_page_shows_who_when_and_the_note(
    client, awaiting, approver
):
    client.force_login(approver)
    response = client.post(
        reverse("declarations:version_approve", args=[awaiting.pk]),
        {"note": "Checked with legal."},
        follow=True,
    )
    assert "is approved and can be published" in response.text
    assert "Approved by <strong>Victor Approver</strong>" in response.text
    assert "Checked with legal." in response.text
    assert "Publish version 1.0" in response.text


def test_sending_back_without_a_reason_shows_the_form_again_saying_what_to_enter(
    client, awaiting, approver
):
    client.force_login(approver)
    response = client.post(reverse("declarations:version_return", args=[awaiting.pk]), {})
    assert response.status_code == 400
    assert "Say what needs to change before it can be approved." in response.text
    assert _refresh(awaiting).approval == Approval.AWAITING


def test_a_sent_back_version_shows_the_reason_to_its_author(client, awaiting, author, approver):
    policy_version_return(version=awaiting, by=approver, reason="Section 2 is unclear.")
    page = _page(client, author, awaiting).text
    assert "Sent back by <strong>Victor Approver</strong>" in page
    assert "Section 2 is unclear." in page
    assert "Ask for approval" in page


def test_publishing_a_version_waiting_for_approval_is_refused_by_the_page(
    client, awaiting, approver
):
    client.force_login(approver)
    response = client.post(reverse("declarations:version_publish", args=[awaiting.pk]), follow=True)
    assert "needs approval by a second policy administrator" in response.text
    assert not _refresh(awaiting).is_published


def test_the_edit_page_warns_that_saving_clears_the_approval(client, awaiting, author):
    client.force_login(author)
    response = client.get(reverse("declarations:version_edit", args=[awaiting.pk]))
    assert "Saving a change sends it back to draft" in response.text


def test_a_published_version_shows_its_approval(client, awaiting, author, approver):
    policy_version_approve(version=awaiting, by=approver, note="Checked with legal.")
    policy_version_publish(version=awaiting, by=author)
    page = _page(client, author, awaiting).text
    assert "Approved by <strong>Victor Approver</strong>" in page
    assert "Checked with legal." in page


@pytest.mark.parametrize("name", ["version_request_approval", "version_approve", "version_return"])
def test_staff_cannot_reach_the_approval_buttons(client, awaiting, alice, name):
    client.force_login(alice)
    url = reverse(f"declarations:{name}", args=[awaiting.pk])
    assert client.post(url, {"reason": "x", "note": "x"}).status_code == 403
    assert _refresh(awaiting).approval == Approval.AWAITING


@pytest.mark.parametrize("name", ["version_request_approval", "version_approve", "version_return"])
def test_an_unknown_version_is_not_found(client, approver, name):
    client.force_login(approver)
    response = client.post(reverse(f"declarations:{name}", args=[999999]), {"reason": "x"})
    assert response.status_code == 404


def test_the_policy_list_says_how_many_versions_wait_for_approval(client, awaiting, approver):
    client.force_login(approver)
    listing = client.get(reverse("declarations:admin_policies")).text
    assert "1 waiting for approval" in listing


def test_a_version_waiting_when_approval_is_turned_off_can_be_published(client, awaiting, approver):
    type(awaiting.policy).objects.filter(pk=awaiting.policy_id).update(versions_need_approval=False)
    page = _page(client, approver, awaiting).text
    assert "no longer need approval" in page
    assert "Publish version 1.0" in page
    assert "Approve version" not in page


# ---- The dashboard -----------------------------------------------------------------------


def test_the_dashboard_shows_another_administrator_what_waits_for_their_approval(
    client, awaiting, author, approver
):
    dashboard = reverse("portal:dashboard")
    UserFactory(full_name="Third Administrator", roles=[Role.POLICY_ADMIN])
    # More waiting, one of them changed by the approver (so not theirs to decide).
    for n in range(5):
        version = policy_version_create(
            policy=policy_create(by=author, title=f"Policy {n}", versions_need_approval=True),
            by=author,
            label="1.0",
            effective_date=awaiting.effective_date,
            body_markdown="Text.",
        )
        if n == 0:
            version = policy_version_update(version=version, by=approver, label="1.1")
        policy_version_request_approval(version=version, by=author)
    client.force_login(approver)
    client.get(dashboard)
    # The person's declarations, then the versions waiting and their authors: the same with
    # six waiting as with one.
    assert panels_cost(client, "declarations", "declarations-approvals") == 3
    page = client.get(dashboard).text
    assert "Policy versions waiting for your approval" in page
    assert "Clear desk, version 1.0" in page
    assert reverse("declarations:admin_version", args=[awaiting.pk]) in page
    assert page.count("Check and decide") == 5  # not "Policy 0", which the approver changed
    assert "Policy 0, version" not in page
    # Not for the author, and not once it is decided.
    client.force_login(author)
    assert "waiting for your approval" not in client.get(dashboard).text
    policy_version_approve(version=awaiting, by=approver)
    client.force_login(approver)
    assert "Clear desk, version" not in client.get(dashboard).text


def test_staff_never_see_the_approvals_panel(client, awaiting, alice):
    client.force_login(alice)
    assert "waiting for your approval" not in client.get(reverse("portal:dashboard")).text
