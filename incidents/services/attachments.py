"""Files sent with a report, or added to it later: checked by their content (never the name or
type the browser sent), stored under generated names outside the web root, and served only
through `incidents:attachment`, which checks who may see the incident."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.models import Attachment, Incident, PendingUpload
from portal.lib.stored_files import note_saved, stored_files_removed_on_failure
from portal.lib.upload_checks import CheckedFile, UploadChecks
from portal.models import User
from portal.services.audit import audit_record
from portal.uploads import EXTENSIONS, generated_name

# Photos of a screen or a scene, and documents: what a report needs, and nothing a browser
# would run.
KINDS = ("png", "jpeg", "pdf")
# At once: enough for a few photos and a letter, and a request the portal can take.
MAX_FILES = 5

# The portal's checks of chosen files, with this app's kinds, limit and words.
CHECKS = UploadChecks(
    kinds=KINDS,
    max_files=MAX_FILES,
    too_many="Choose at most {max_files} files at a time. You can add more afterwards, from "
    "the report's page.",
    too_large="“{name}” was not added. It is larger than {limit}, the largest allowed. Choose "
    "a smaller file.",
)
too_large_error = CHECKS.too_large_error
too_many_files = CHECKS.too_many_files
sort_uploads = CHECKS.sort_uploads
check_uploads = CHECKS.check_uploads


@stored_files_removed_on_failure()
@transaction.atomic
def attachments_add(
    *,
    incident: Incident,
    files: Sequence[CheckedFile],
    kept: Sequence[PendingUpload] = (),
    by: User,
    ip: str | None = None,
) -> list[Attachment]:
    """Store the files (checked already, by check_uploads) on the incident, each with its
    audit event; files kept from an earlier sending of the form (locked already, by
    kept_locked) become its attachments too, the same stored file. The caller records the
    step on the timeline (the report, or the information added with them) in this
    transaction."""
    stored = [_adopt(incident=incident, pending=pending, by=by, ip=ip) for pending in kept]
    for checked in files:
        upload, kind = checked.upload, checked.kind
        attachment = Attachment(
            incident=incident,
            content_kind=kind,
            size=upload.size or 0,
            original_name=checked.name,
            uploaded_by=by,
        )
        attachment.file.save(generated_name(kind), upload, save=False)
        note_saved(attachment.file.storage, attachment.file.name)
        attachment.save()
        _audit_added(attachment, by=by, ip=ip)
        stored.append(attachment)
    return stored


def _audit_added(attachment: Attachment, *, by: User, ip: str | None) -> None:
    audit_record(
        verb=IncidentEvent.ATTACHMENT_ADDED,
        actor=by,
        obj=attachment.incident,
        changes={
            "reference": attachment.incident.reference,
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "kind": attachment.content_kind,
            "size": attachment.size,
        },
        ip=ip,
    )


def _adopt(*, incident: Incident, pending: PendingUpload, by: User, ip: str | None) -> Attachment:
    """A kept file made an attachment: the row changes, the stored file stays where it is (it
    was stored under a generated name where attachments are). If the transaction rolls back,
    the kept row and its file are as they were."""
    attachment = Attachment.objects.create(
        incident=incident,
        file=pending.file.name,
        content_kind=pending.content_kind,
        size=pending.size,
        original_name=pending.original_name,
        uploaded_by=by,
    )
    pending.delete()
    _audit_added(attachment, by=by, ip=ip)
    return attachment


# ---- files kept while the form is put right ---------------------------------------

# How long a file sent with a form that failed is kept for its sender to send the form again.
KEPT_FOR = timedelta(days=1)


def _kept_salt(user: User) -> str:
    return f"incidents.kept-files:{user.pk}"


def kept_token(user: User, ids: Sequence[int]) -> str:
    """The form's hidden list of the kept files, signed for this person only."""
    return signing.dumps(sorted(ids), salt=_kept_salt(user))


def kept_uploads(user: User, token: str | None) -> list[PendingUpload]:
    """The person's own kept files named in a list signed for them. A list altered, signed
    for someone else or older than a day names nothing."""
    if not token:
        return []
    try:
        ids = signing.loads(token, salt=_kept_salt(user), max_age=KEPT_FOR)
    except signing.BadSignature:
        return []
    if not isinstance(ids, list):
        return []
    wanted = [i for i in ids if isinstance(i, int)]
    return list(PendingUpload.objects.filter(user=user, pk__in=wanted))


def kept_locked(*, kept: Sequence[PendingUpload], by: User) -> list[PendingUpload]:
    """The kept files, locked for this transaction, each the sender's own; refused if one has
    gone (swept after a day, or used by the same form sent twice)."""
    ids = {pending.pk for pending in kept}
    rows = list(PendingUpload.objects.select_for_update().filter(user=by, pk__in=ids))
    if len(rows) != len(ids):
        raise ValidationError(
            "A file you attached earlier is no longer kept (files are kept for a day). "
            "Choose it again.",
            code="kept_gone",
        )
    return rows


@stored_files_removed_on_failure()
@transaction.atomic
def pending_uploads_keep(*, files: Sequence[CheckedFile], by: User) -> list[PendingUpload]:
    """Keep files that passed their checks on a form that failed, for `by` only, under
    generated names where attachments are stored."""
    kept = []
    for checked in files:
        pending = PendingUpload(
            user=by,
            content_kind=checked.kind,
            size=checked.upload.size or 0,
            original_name=checked.name,
        )
        pending.file.save(generated_name(checked.kind), checked.upload, save=False)
        note_saved(pending.file.storage, pending.file.name)
        pending.save()
        kept.append(pending)
    return kept


def _delete_files_after_commit(names: list[str]) -> None:
    storage = PendingUpload.file.field.storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def pending_uploads_discard(*, uploads: Sequence[PendingUpload], by: User) -> None:
    """Kept files the person removed from the form: gone, with their stored files."""
    rows = list(
        PendingUpload.objects.select_for_update().filter(user=by, pk__in=[u.pk for u in uploads])
    )
    PendingUpload.objects.filter(pk__in=[r.pk for r in rows]).delete()
    _delete_files_after_commit([r.file.name for r in rows])


@transaction.atomic
def pending_uploads_sweep(*, now: datetime | None = None) -> int:
    """Kept files not used within a day, and their stored files: how many. A file being made
    an attachment at this moment is locked, so it is left alone; the stored files are deleted
    once the rows' deletion is committed."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    rows = list(
        PendingUpload.objects.select_for_update(skip_locked=True).filter(created_at__lt=cutoff)
    )
    PendingUpload.objects.filter(pk__in=[r.pk for r in rows]).delete()
    _delete_files_after_commit([r.file.name for r in rows])
    return len(rows)


def download_name(attachment: Attachment) -> str:
    """The name a download is saved under: the incident's reference and the file's number,
    never the name it was sent with."""
    extension = EXTENSIONS.get(attachment.content_kind, "bin")
    return f"{attachment.incident.reference}-file-{attachment.pk}.{extension}"


@transaction.atomic
def attachment_downloaded(*, attachment: Attachment, by: User, ip: str | None = None) -> None:
    """Who opened which file of an incident, and when: on the audit trail (not a step on the
    incident, so not on its timeline)."""
    audit_record(
        verb=IncidentEvent.ATTACHMENT_DOWNLOADED,
        actor=by,
        obj=attachment.incident,
        changes={
            "reference": attachment.incident.reference,
            "attachment": attachment.pk,
            "name": attachment.original_name,
        },
        ip=ip,
    )
