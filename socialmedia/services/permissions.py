"""Permissions from the Chief Executive (seed 004, paragraphs 11, 12 and 33): asking, deciding,
revising after changes were asked for, withdrawing, and downloading a request's files.

A request keeps every version its requester sent; a decision names the version it was made on,
so an approval is of that text and those files, never a later one. Each change writes its audit
event and queues its emails in the same transaction; files stored by a change that fails are
deleted with it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.lib.stored_files import note_saved, stored_files_removed_on_failure
from portal.models import Notification, User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notification_queue, notifications_queue_many
from portal.uploads import generated_name
from socialmedia import selectors
from socialmedia.access import acts_as_delegate, is_decider
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import (
    SUBKINDS,
    Kind,
    PermissionDecision,
    PermissionRequest,
    RequestVersion,
    VersionAttachment,
)
from socialmedia.outbox import (
    permission_decided_key,
    permission_received_key,
    permission_received_prefix,
    permission_withdrawn_key,
)
from socialmedia.permission_uploads import (
    MAX_FILES,
    CheckedFile,
    too_many_files,
)

Outcome = PermissionDecision.Outcome
Status = PermissionRequest.Status

# What each outcome makes of the request, and the event it writes.
OUTCOME_STATUS = {
    Outcome.APPROVED: Status.APPROVED,
    Outcome.APPROVED_WITH_CONDITIONS: Status.APPROVED_WITH_CONDITIONS,
    Outcome.CHANGES_ASKED: Status.CHANGES_ASKED,
    Outcome.REFUSED: Status.REFUSED,
}
OUTCOME_EVENT = {
    Outcome.APPROVED: SocialEvent.PERMISSION_APPROVED,
    Outcome.APPROVED_WITH_CONDITIONS: SocialEvent.PERMISSION_APPROVED_WITH_CONDITIONS,
    Outcome.CHANGES_ASKED: SocialEvent.PERMISSION_CHANGES_ASKED,
    Outcome.REFUSED: SocialEvent.PERMISSION_REFUSED,
}
APPROVALS = frozenset({Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS})
LONGEST_TEXT = 20_000
CONDITIONS_WITHOUT_THEIR_OUTCOME = (
    "You wrote conditions: choose “Approved with conditions”, or clear the conditions."
)


def permission_url(request: PermissionRequest) -> str:
    return reverse("socialmedia:permission", args=[request.pk])


def subkind_problem(kind: str, subkind: str) -> str:
    """Why this subkind does not go with this kind, or "" when it does."""
    if kind not in Kind.values:
        return "Choose what you are asking permission for."
    if subkind not in [s.value for s in SUBKINDS[Kind(kind)]]:
        return f"Choose what it is from the list for “{Kind(kind).label}”."
    return ""


def _required(value: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(message)
    if len(value) > LONGEST_TEXT:
        raise ValidationError(f"Keep it under {LONGEST_TEXT:,} characters.")
    return value


def _store(version: RequestVersion, files: Sequence[CheckedFile], now) -> list[VersionAttachment]:
    stored = []
    for checked in files:
        attachment = VersionAttachment(
            version=version,
            original_name=checked.name,
            content_type=checked.kind,
            size=checked.upload.size or 0,
            uploaded_at=now,
        )
        attachment.file.save(generated_name(checked.kind), checked.upload, save=False)
        note_saved(attachment.file.storage, attachment.file.name)
        attachment.save()
        stored.append(attachment)
    return stored


@dataclass(frozen=True)
class NobodyDecides:
    """Why nobody can decide on a request now: nobody but its requester holds the Chief
    Executive's or a delegate's role (the only Chief Executive with no delegate asked, say).
    The request is still made, and waits until someone holds the role; the requester and the
    Chief Executive's mailbox are told so."""

    requester_holds_role: bool
    mailbox: str  # the mailbox told, or "" when none is set


def _others_and_requester(request: PermissionRequest) -> tuple[list[User], bool]:
    """The deciders but the requester, and whether the requester is one of them."""
    everyone = selectors.deciders()
    others = [person for person in everyone if person.pk != request.requester_id]
    return others, len(others) != len(everyone)


def nobody_decides(request: PermissionRequest) -> NobodyDecides | None:
    """None when someone other than the requester can decide on it."""
    others, requester_holds_role = _others_and_requester(request)
    if others:
        return None
    return NobodyDecides(
        requester_holds_role=requester_holds_role,
        mailbox=next(iter(selectors.chief_executive_mailbox()), ""),
    )


def _tell_deciders(request: PermissionRequest, version: RequestVersion) -> None:
    """Every decider but the requester, or the Chief Executive's mailbox when there is none
    (told that nobody can decide yet), so that a request never waits unseen. A new version
    has its own keys."""
    people, requester_holds_role = _others_and_requester(request)
    recipients: list[User | str] = [*people] or list(selectors.chief_executive_mailbox())
    nobody = None if people else NobodyDecides(requester_holds_role, "")
    notifications_queue_many(
        messages=(
            Message(
                to=to,
                template=SocialEmail.PERMISSION_RECEIVED,
                dedup_key=permission_received_key(
                    version.pk, str(to.pk) if isinstance(to, User) else to
                ),
                context={"permission": request, "version": version, "nobody_decides": nobody},
                url=permission_url(request),
                in_portal=isinstance(to, User),
            )
            for to in recipients
        )
    )


def _files_changes(files: Sequence[VersionAttachment]) -> list[dict]:
    return [
        {"file": f.pk, "name": f.original_name, "kind": f.content_type, "size": f.size}
        for f in files
    ]


@stored_files_removed_on_failure()
@transaction.atomic
def permission_request(
    *,
    kind: str,
    subkind: str,
    title: str,
    text: str,
    needed_by: date | None = None,
    files: Sequence[CheckedFile] = (),
    token: UUID | None = None,
    by: User,
    ip: str | None = None,
) -> PermissionRequest:
    """Ask the Chief Executive's permission: the request, its first version and its files,
    and the deciders told.

    `token` is the one-time token of the form it came from: a form sent again (a double
    click, a resend) returns the request it already made, and makes no other."""
    if token is not None:
        # The requester's row is held to the end, so the same form sent twice at once waits
        # here and then finds the request the first one made.
        User.objects.select_for_update().filter(pk=by.pk).first()
        made = PermissionRequest.objects.filter(requester=by, submission_token=token).first()
        if made is not None:
            return made
    if problem := subkind_problem(kind, subkind):
        raise ValidationError(problem)
    title = _required(title, "Give the request a title.")[:200]
    text = _required(text, "Say what you are asking permission for.")
    if needed_by is not None and needed_by < timezone.localdate():
        raise ValidationError("The date it is needed by has passed. Give a date from today on.")
    if len(files) > MAX_FILES:
        raise too_many_files()
    now = timezone.now()
    request = PermissionRequest.objects.create(
        kind=kind,
        subkind=subkind,
        title=title,
        requester=by,
        needed_by=needed_by,
        submitted_at=now,
        submission_token=token,
    )
    version = RequestVersion.objects.create(
        request=request, number=1, text=text, submitted_by=by, submitted_at=now
    )
    stored = _store(version, files, now)
    audit_record(
        verb=SocialEvent.PERMISSION_REQUESTED,
        actor=by,
        obj=request,
        changes={
            "kind": kind,
            "subkind": subkind,
            "title": title,
            "needed_by": needed_by.isoformat() if needed_by else None,
            "version": 1,
            "files": _files_changes(stored),
        },
        ip=ip,
    )
    _tell_deciders(request, version)
    return request


def latest_version(request: PermissionRequest) -> RequestVersion:
    version = request.versions.order_by("-number").first()
    assert version is not None  # every request is made with its first version
    return version


@transaction.atomic
def permission_decide(
    *,
    request: PermissionRequest,
    version_number: int,
    outcome: str,
    reason: str = "",
    conditions: str = "",
    by: User,
    ip: str | None = None,
) -> PermissionDecision:
    """The Chief Executive's (or a delegate's) decision on the version they read. Refused on
    one's own request, once it is no longer waiting, or when a newer version has arrived."""
    request = PermissionRequest.objects.select_for_update().get(pk=request.pk)
    if not is_decider(by):
        raise ValidationError("Only the Chief Executive or a delegate can decide.")
    if request.requester_id == by.pk:
        raise ValidationError(
            "You asked for this permission, so you cannot decide on it. The Chief Executive "
            "or another delegate will."
        )
    if request.status != Status.SUBMITTED:
        raise ValidationError(
            f"This request is no longer waiting for a decision "
            f"({request.get_status_display().lower()})."
        )
    version = latest_version(request)
    if version.number != version_number:
        raise ValidationError(
            f"Version {version.number} arrived while you were reading version "
            f"{version_number}. Read the new version before deciding."
        )
    if outcome not in OUTCOME_STATUS:
        raise ValidationError("Choose a decision.")
    outcome = Outcome(outcome)
    reason, conditions = reason.strip(), conditions.strip()
    if outcome == Outcome.APPROVED_WITH_CONDITIONS and not conditions:
        raise ValidationError("Write the conditions, such as media training first.")
    if outcome in (Outcome.CHANGES_ASKED, Outcome.REFUSED) and not reason:
        raise ValidationError(
            "Say what must change." if outcome == Outcome.CHANGES_ASKED else "Give the reason."
        )
    if conditions and outcome != Outcome.APPROVED_WITH_CONDITIONS:
        # Conditions are never dropped unseen: the decider meant them, or typed them by mistake.
        raise ValidationError(CONDITIONS_WITHOUT_THEIR_OUTCOME)
    now = timezone.now()
    decision = PermissionDecision.objects.create(
        request=request,
        version=version,
        outcome=outcome,
        reason=reason,
        conditions=conditions,
        decided_by=by,
        as_delegate=acts_as_delegate(by),
        decided_at=now,
    )
    before = request.status
    request.status = OUTCOME_STATUS[outcome]
    request.decided_at = now
    request.save(update_fields=["status", "decided_at"])
    audit_record(
        verb=OUTCOME_EVENT[outcome],
        actor=by,
        obj=request,
        changes={
            "status": {"from": before, "to": request.status},
            "version": version.number,
            "decision": decision.pk,
            "reason": reason,
            "conditions": conditions,
            "as_delegate": decision.as_delegate,
        },
        ip=ip,
    )
    notification_queue(
        to=request.requester,
        template=SocialEmail.PERMISSION_DECIDED,
        dedup_key=permission_decided_key(decision.pk),
        context={"permission": request, "decision": decision, "version": version},
        url=permission_url(request),
    )
    return decision


@stored_files_removed_on_failure()
@transaction.atomic
def permission_revise(
    *,
    request: PermissionRequest,
    text: str,
    change_note: str,
    keep: Sequence[int] = (),
    files: Sequence[CheckedFile] = (),
    by: User,
    ip: str | None = None,
) -> RequestVersion:
    """A new version after changes were asked for: the text again, what changed, the files of
    the last version kept (by id) and new ones. The request waits for a decision again."""
    request = PermissionRequest.objects.select_for_update().get(pk=request.pk)
    if request.requester_id != by.pk:
        raise ValidationError("Only the person who asked can revise the request.")
    if request.status != Status.CHANGES_ASKED:
        raise ValidationError(
            "Only a request the Chief Executive asked changes to can be revised "
            f"(this one is {request.get_status_display().lower()})."
        )
    text = _required(text, "Write the new version.")
    change_note = _required(change_note, "Say what you changed.")
    last = latest_version(request)
    carried = list(last.attachments.filter(pk__in=list(keep)))
    if len(carried) != len(set(keep)):
        raise ValidationError("A file to keep is not one of the last version's. Choose again.")
    if len(carried) + len(files) > MAX_FILES:
        raise too_many_files()
    now = timezone.now()
    version = RequestVersion.objects.create(
        request=request,
        number=last.number + 1,
        text=text,
        change_note=change_note,
        submitted_by=by,
        submitted_at=now,
    )
    # A kept file is the same stored file, named again by the new version: stored files are
    # never changed or deleted while a version names them.
    kept = VersionAttachment.objects.bulk_create(
        VersionAttachment(
            version=version,
            file=old.file.name,
            original_name=old.original_name,
            content_type=old.content_type,
            size=old.size,
            uploaded_at=old.uploaded_at,
        )
        for old in carried
    )
    added = _store(version, files, now)
    request.status = Status.SUBMITTED
    request.save(update_fields=["status"])
    audit_record(
        verb=SocialEvent.PERMISSION_REVISED,
        actor=by,
        obj=request,
        changes={
            "status": {"from": Status.CHANGES_ASKED, "to": Status.SUBMITTED},
            "version": version.number,
            "change_note": change_note,
            "files_kept": [f.original_name for f in kept],
            "files": _files_changes(added),
        },
        ip=ip,
    )
    _tell_deciders(request, version)
    return version


@transaction.atomic
def permission_withdraw(
    *, request: PermissionRequest, reason: str = "", by: User, ip: str | None = None
) -> PermissionRequest:
    """The requester no longer needs it (the event was cancelled, say): closed, undecided."""
    request = PermissionRequest.objects.select_for_update().get(pk=request.pk)
    if request.requester_id != by.pk:
        raise ValidationError("Only the person who asked can withdraw the request.")
    if not request.open:
        raise ValidationError(
            f"This request is {request.get_status_display().lower()}: it can no longer be "
            "withdrawn."
        )
    before = request.status
    request.status = Status.WITHDRAWN
    request.save(update_fields=["status"])
    reason = reason.strip()
    audit_record(
        verb=SocialEvent.PERMISSION_WITHDRAWN,
        actor=by,
        obj=request,
        changes={"status": {"from": before, "to": request.status}, "reason": reason},
        ip=ip,
    )
    notifications_queue_many(
        messages=(
            Message(
                to=to,
                template=SocialEmail.PERMISSION_WITHDRAWN,
                dedup_key=permission_withdrawn_key(
                    request.pk, str(to.pk) if isinstance(to, User) else to
                ),
                context={"permission": request, "reason": reason},
                url=permission_url(request),
                in_portal=isinstance(to, User),
            )
            for to in _told_of(request)
        )
    )
    return request


def _told_of(request: PermissionRequest) -> list[User | str]:
    """Who was emailed of a version of the request, as the outbox recorded it: the deciders
    among them who still hold the role (someone who lost it can no longer open the request),
    and the mailboxes. One told of several versions is counted once."""
    versions = list(request.versions.values_list("pk", flat=True))
    emailed = Notification.objects.filter(
        reduce(or_, (Q(dedup_key__startswith=permission_received_prefix(v)) for v in versions))
    ).order_by("pk")
    deciders = {person.pk: person for person in selectors.deciders()}
    told: dict[int | str, User | str] = {}
    for row in emailed:
        if row.recipient_id is None:
            told.setdefault(row.to_email, row.to_email)
        elif row.recipient_id in deciders:
            told.setdefault(row.recipient_id, deciders[row.recipient_id])
    return list(told.values())


@transaction.atomic
def permission_file_downloaded(
    *, attachment: VersionAttachment, by: User, ip: str | None = None
) -> None:
    """Who opened which file of a request, and when."""
    audit_record(
        verb=SocialEvent.PERMISSION_FILE_DOWNLOADED,
        actor=by,
        obj=attachment.version.request,
        changes={
            "file": attachment.pk,
            "name": attachment.original_name,
            "version": attachment.version.number,
        },
        ip=ip,
    )
