"""The permission services: asking, deciding on the version read, revising, withdrawing; each
with its audit event and its emails, and nobody deciding on their own request."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.roles import Role
from portal.testing.uploads import PDF_BYTES, png_bytes
from portal.tests.factories import UserFactory
from socialmedia.events import SocialEvent
from socialmedia.models import (
    Kind,
    PermissionDecision,
    PermissionRequest,
    Subkind,
    VersionAttachment,
)
from socialmedia.permission_uploads import CheckedFile, check_upload
from socialmedia.services.permissions import (
    NobodyDecides,
    nobody_decides,
    permission_decide,
    permission_request,
    permission_revise,
    permission_withdraw,
)
from socialmedia.tests.factories import PermissionRequestFactory

pytestmark = pytest.mark.django_db
Outcome = PermissionDecision.Outcome
Status = PermissionRequest.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name: str = "release.pdf") -> CheckedFile:
    return check_upload(SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf"))


def ask(by, **fields) -> PermissionRequest:
    return permission_request(
        **{
            "kind": Kind.PUBLICATION,
            "subkind": Subkind.PRESS_RELEASE,
            "title": "Rural crime hub opens",
            "text": "The Commissioner today opened the rural crime hub.",
            "by": by,
            **fields,
        }
    )


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_asking_makes_the_request_its_first_version_and_files_and_tells_the_deciders(
    alice, chief_executive, ce_delegate, media
):
    request = ask(alice, files=[pdf()], needed_by=timezone.localdate() + timedelta(days=3))

    assert request.status == Status.SUBMITTED
    version = request.versions.get()
    assert version.number == 1
    attachment = version.attachments.get()
    assert attachment.original_name == "release.pdf"
    assert attachment.content_type == "pdf"
    # Stored under a generated name, never the one sent.
    assert "release" not in attachment.file.name
    event = AuditEvent.objects.get(verb=SocialEvent.PERMISSION_REQUESTED)
    assert event.actor == alice
    assert event.changes["files"][0]["name"] == "release.pdf"
    told = Notification.objects.filter(dedup_key__startswith="permission-received:")
    assert {n.recipient for n in told} == {chief_executive, ce_delegate}


def test_a_delegate_who_asks_is_not_sent_their_own_request(ce_delegate, chief_executive):
    ask(ce_delegate)
    told = Notification.objects.filter(dedup_key__startswith="permission-received:")
    assert [n.recipient for n in told] == [chief_executive]


def test_with_no_decider_the_chief_executives_mailbox_is_told(alice):
    _mailbox()
    ask(alice)
    told = Notification.objects.get(dedup_key__startswith="permission-received:")
    assert told.to_email == "ce-office@example.org"
    assert told.recipient is None
    text = " ".join(told.body_text.split())
    assert "nobody holds the Chief Executive's or a delegate's role" in text


def _mailbox(address: str = "ce-office@example.org") -> None:
    org = OrganisationSettings.load()
    org.chief_executive_email = address
    org.save()


@pytest.mark.parametrize("only_decider", ["chief_executive", "ce_delegate"])
def test_the_only_decider_asking_is_made_and_the_mailbox_told_nobody_can_decide(
    request, only_decider
):
    person = request.getfixturevalue(only_decider)
    _mailbox()
    made = ask(person)
    assert made.status == Status.SUBMITTED  # not refused: it waits for someone to hold the role
    told = Notification.objects.get(dedup_key__startswith="permission-received:")
    assert told.to_email == "ce-office@example.org"
    text = " ".join(told.body_text.split())
    assert "Nobody in the portal can decide on it yet" in text
    assert f"{person.full_name}, who asked, is the only person" in text
    assert "nobody decides on their own request" in text
    assert nobody_decides(made) == NobodyDecides(
        requester_holds_role=True, mailbox="ce-office@example.org"
    )


def test_someone_else_deciding_is_no_warning(alice, chief_executive):
    _mailbox()
    made = ask(alice)
    assert nobody_decides(made) is None
    told = Notification.objects.get(dedup_key__startswith="permission-received:")
    assert "Nobody in the portal" not in told.body_text


@pytest.mark.parametrize(
    ("kind", "subkind"),
    [(Kind.SPEAKING, Subkind.PRESS_RELEASE), (Kind.NAME_USE, Subkind.TALK), ("x", "talk")],
)
def test_what_it_is_must_go_with_the_kind(alice, kind, subkind):
    with pytest.raises(ValidationError, match="Choose"):
        ask(alice, kind=kind, subkind=subkind)
    assert not PermissionRequest.objects.exists()


def test_a_date_needed_by_in_the_past_is_refused(alice):
    with pytest.raises(ValidationError, match="has passed"):
        ask(alice, needed_by=timezone.localdate() - timedelta(days=1))


def test_files_stored_by_a_request_that_fails_are_deleted(alice, media, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr("socialmedia.services.permissions.audit_record", broken)
    with pytest.raises(RuntimeError):
        ask(alice, files=[pdf(), pdf("second.pdf")])
    assert not PermissionRequest.objects.exists()
    assert stored_files(media) == []


def test_the_chief_executive_approves_with_conditions_naming_the_version(alice, chief_executive):
    request = ask(alice)
    decision = permission_decide(
        request=request,
        version_number=1,
        outcome=Outcome.APPROVED_WITH_CONDITIONS,
        conditions="Complete media training first.",
        by=chief_executive,
    )
    request.refresh_from_db()
    assert request.status == Status.APPROVED_WITH_CONDITIONS
    assert request.decided_at == decision.decided_at
    assert decision.version.number == 1
    assert decision.as_delegate is False
    event = AuditEvent.objects.get(verb=SocialEvent.PERMISSION_APPROVED_WITH_CONDITIONS)
    assert event.changes["version"] == 1
    assert event.changes["status"] == {"from": "submitted", "to": "approved_with_conditions"}
    told = Notification.objects.get(dedup_key__startswith="permission-decided:")
    assert told.recipient == alice
    assert "Complete media training first." in told.body_text
    assert "version 1" in told.body_text


def test_the_decision_email_says_when_it_was_decided_in_uk_time(
    alice, chief_executive, monkeypatch
):
    request = ask(alice)
    # 13:30 UTC in July is 14:30 in the UK (summer time).
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 7, 1, 13, 30, tzinfo=UTC))
    permission_decide(
        request=request, version_number=1, outcome=Outcome.APPROVED, by=chief_executive
    )
    told = Notification.objects.get(dedup_key__startswith="permission-decided:")
    assert "1 July 2030, 14:30" in told.body_text
    assert "1 July 2030, 14:30" in told.body_html


def test_a_delegates_decision_is_recorded_as_theirs(alice, ce_delegate):
    request = ask(alice)
    decision = permission_decide(
        request=request, version_number=1, outcome=Outcome.APPROVED, by=ce_delegate
    )
    assert decision.as_delegate is True


def test_nobody_decides_on_their_own_request_but_the_chief_executive_can(
    ce_delegate, chief_executive
):
    request = ask(ce_delegate)
    with pytest.raises(ValidationError, match="cannot decide"):
        permission_decide(
            request=request, version_number=1, outcome=Outcome.APPROVED, by=ce_delegate
        )
    assert not PermissionDecision.objects.exists()
    permission_decide(
        request=request, version_number=1, outcome=Outcome.APPROVED, by=chief_executive
    )
    request.refresh_from_db()
    assert request.status == Status.APPROVED


def test_someone_without_the_role_cannot_decide_even_a_superuser(alice, bob):
    bob.is_superuser = True
    bob.save()
    request = ask(alice)
    with pytest.raises(ValidationError, match="Only the Chief Executive"):
        permission_decide(request=request, version_number=1, outcome=Outcome.APPROVED, by=bob)


@pytest.mark.parametrize(
    ("outcome", "fields", "message"),
    [
        (Outcome.APPROVED_WITH_CONDITIONS, {}, "conditions"),
        (Outcome.CHANGES_ASKED, {"conditions": "x"}, "must change"),
        (Outcome.REFUSED, {"reason": "   "}, "reason"),
        ("maybe", {}, "Choose a decision"),
    ],
)
def test_a_decision_needs_what_its_outcome_needs(alice, chief_executive, outcome, fields, message):
    request = ask(alice)
    with pytest.raises(ValidationError, match=message):
        permission_decide(
            request=request, version_number=1, outcome=outcome, by=chief_executive, **fields
        )


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [(Outcome.APPROVED, ""), (Outcome.CHANGES_ASKED, "Shorter."), (Outcome.REFUSED, "No.")],
)
def test_conditions_written_with_another_outcome_are_refused_never_dropped(
    alice, chief_executive, outcome, reason
):
    request = ask(alice)
    with pytest.raises(ValidationError, match="You wrote conditions"):
        permission_decide(
            request=request,
            version_number=1,
            outcome=outcome,
            reason=reason,
            conditions="Complete media training first.",
            by=chief_executive,
        )
    assert not PermissionDecision.objects.exists()
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


def test_a_decision_only_while_it_waits(alice, chief_executive):
    request = ask(alice)
    permission_withdraw(request=request, by=alice)
    with pytest.raises(ValidationError, match="no longer waiting"):
        permission_decide(
            request=request, version_number=1, outcome=Outcome.APPROVED, by=chief_executive
        )


def _changes_asked(request, by):
    return permission_decide(
        request=request,
        version_number=request.versions.count(),
        outcome=Outcome.CHANGES_ASKED,
        reason="Say when the hub opens to the public.",
        by=by,
    )


def test_revising_makes_version_two_keeps_chosen_files_and_tells_the_deciders_again(
    alice, chief_executive, media
):
    request = ask(alice, files=[pdf("one.pdf"), pdf("two.pdf")])
    _changes_asked(request, chief_executive)
    one = VersionAttachment.objects.get(original_name="one.pdf")
    photo = check_upload(SimpleUploadedFile("hub.png", png_bytes(), content_type="image/png"))

    version = permission_revise(
        request=request,
        text="The hub opens to the public on Monday.",
        change_note="Added the opening day.",
        keep=[one.pk],
        files=[photo],
        by=alice,
    )

    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    assert version.number == 2
    names = sorted(a.original_name for a in version.attachments.all())
    assert names == ["hub.png", "one.pdf"]
    kept = version.attachments.get(original_name="one.pdf")
    assert kept.file.name == one.file.name  # the same stored file
    # The first version is as it was.
    assert request.versions.get(number=1).attachments.count() == 2
    assert AuditEvent.objects.filter(verb=SocialEvent.PERMISSION_REVISED).count() == 1
    told = Notification.objects.filter(
        dedup_key__startswith="permission-received:", recipient=chief_executive
    )
    assert told.count() == 2


def test_a_revision_that_fails_keeps_the_file_carried_over_and_drops_the_new_one(
    alice, chief_executive, media, monkeypatch
):
    request = ask(alice, files=[pdf("one.pdf")])
    _changes_asked(request, chief_executive)
    one = VersionAttachment.objects.get(original_name="one.pdf")
    before = stored_files(media)

    def broken(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr("socialmedia.services.permissions.audit_record", broken)
    photo = check_upload(SimpleUploadedFile("hub.png", png_bytes(), content_type="image/png"))
    with pytest.raises(RuntimeError):
        permission_revise(
            request=request,
            text="New text.",
            change_note="Added a photo.",
            keep=[one.pk],
            files=[photo],
            by=alice,
        )

    # Version 1's file is still there (version 2 named the same stored file); only the new
    # photo, stored by the revision that failed, is gone.
    assert stored_files(media) == before
    assert one.file.storage.exists(one.file.name)
    assert request.versions.count() == 1
    request.refresh_from_db()
    assert request.status == Status.CHANGES_ASKED


def test_a_decision_on_a_version_that_is_no_longer_the_latest_is_refused(alice, chief_executive):
    request = ask(alice)
    _changes_asked(request, chief_executive)
    permission_revise(request=request, text="New text.", change_note="Shorter.", by=alice)
    with pytest.raises(ValidationError, match="Version 2 arrived"):
        permission_decide(
            request=request, version_number=1, outcome=Outcome.APPROVED, by=chief_executive
        )
    decision = permission_decide(
        request=request, version_number=2, outcome=Outcome.APPROVED, by=chief_executive
    )
    assert decision.version.number == 2


def test_only_the_requester_revises_and_only_when_changes_were_asked(alice, bob, chief_executive):
    request = ask(alice)
    with pytest.raises(ValidationError, match="asked changes"):
        permission_revise(request=request, text="x", change_note="y", by=alice)
    _changes_asked(request, chief_executive)
    with pytest.raises(ValidationError, match="Only the person who asked"):
        permission_revise(request=request, text="x", change_note="y", by=bob)
    with pytest.raises(ValidationError, match="what you changed"):
        permission_revise(request=request, text="x", change_note=" ", by=alice)


def test_a_file_to_keep_must_be_the_last_versions(alice, chief_executive):
    other = PermissionRequestFactory(requester=alice)
    request = ask(alice)
    _changes_asked(request, chief_executive)
    stranger = VersionAttachment.objects.create(
        version=other.versions.get(),
        file="socialmedia/permissions/x.pdf",
        original_name="x.pdf",
        content_type="pdf",
        size=10,
        uploaded_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="not one of the last version"):
        permission_revise(request=request, text="x", change_note="y", keep=[stranger.pk], by=alice)


def test_withdrawing_tells_the_deciders_who_were_emailed(alice, chief_executive, ce_delegate):
    request = ask(alice)
    _changes_asked(request, chief_executive)
    permission_revise(request=request, text="New text.", change_note="Shorter.", by=alice)
    # Given the role after the request was sent: never emailed about it, so not told now.
    UserFactory(full_name="Newer Delegate", roles=[Role.CE_DELEGATE])
    permission_withdraw(request=request, reason="The event was cancelled.", by=alice)
    told = Notification.objects.filter(dedup_key__startswith="permission-withdrawn:")
    assert sorted(n.recipient.full_name for n in told) == sorted(
        [chief_executive.full_name, ce_delegate.full_name]
    )
    assert all("The event was cancelled." in n.body_text for n in told)
    assert all("withdrawn" in n.subject.lower() for n in told)


def test_withdrawing_tells_the_mailbox_that_was_emailed(alice):
    _mailbox()
    request = ask(alice)
    permission_withdraw(request=request, by=alice)
    told = Notification.objects.get(dedup_key__startswith="permission-withdrawn:")
    assert told.to_email == "ce-office@example.org"
    assert told.recipient is None


def test_withdrawing_closes_an_open_request_with_the_reason_on_the_record(alice):
    request = ask(alice)
    permission_withdraw(request=request, reason="The event was cancelled.", by=alice)
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    event = AuditEvent.objects.get(verb=SocialEvent.PERMISSION_WITHDRAWN)
    assert event.changes["reason"] == "The event was cancelled."
    with pytest.raises(ValidationError, match="can no longer be withdrawn"):
        permission_withdraw(request=request, by=alice)
