"""Files sent with a report, or added to it later: checked by their content (never the name or
type the browser sent), stored under generated names outside the web root, and served only
through `incidents:attachment`, which checks who may see the incident."""

import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from incidents.events import IncidentEvent
from incidents.models import Attachment, Incident
from portal.models import User
from portal.services.audit import audit_record
from portal.uploads import EXTENSIONS, generated_name, validate_upload

# Photos of a screen or a scene, and documents: what a report needs, and nothing a browser
# would run.
KINDS = ("png", "jpeg", "pdf")
# At once: enough for a few photos and a letter, and a request the portal can take.
MAX_FILES = 5
_NAME_SHOWN = 80


# The files stored by the service running now, so that they can be deleted if its transaction
# rolls back (a stored file is not part of the transaction).
_saved_now: ContextVar[list[str] | None] = ContextVar("incidents_saved_files", default=None)


@contextmanager
def stored_files_removed_on_failure() -> Iterator[None]:
    """Delete the files stored inside the block if it fails. Put it outside the transaction
    (above `@transaction.atomic`), so the rows are gone when their files are deleted. A
    transaction around the service that rolls back after it succeeded is not seen here; the
    views' request transaction ends at once after the service."""
    outer = _saved_now.get()
    # Inside another such block, its list: a file stored here goes if either fails.
    saved: list[str] = outer if outer is not None else []
    token = _saved_now.set(saved)
    try:
        yield
    except BaseException:
        for name in saved:
            Attachment.file.field.storage.delete(name)
        raise
    finally:
        _saved_now.reset(token)


def _note_saved(name: str) -> None:
    saved = _saved_now.get()
    if saved is not None:
        saved.append(name)


def shown_name(name: str | None) -> str:
    """The name a person gave a file, fit to show and store: no folders, no control
    characters (a NUL cannot even be stored), not too long. Never used as a path."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:200] or "file"


def _short(name: str) -> str:
    return name if len(name) <= _NAME_SHOWN else f"{name[: _NAME_SHOWN - 1]}…"


def too_large_error(name: str) -> ValidationError:
    """The refusal of a file skipped as it arrived, for being over the portal's limit."""
    return ValidationError(
        f"“{_short(shown_name(name))}” was not added. It is larger than "
        f"{filesizeformat(settings.PORTAL_MAX_UPLOAD_BYTES)}, the largest allowed. Choose a "
        "smaller file.",
        code="too_large",
    )


def check_upload(upload: UploadedFile) -> str:
    """The file's kind (png, jpeg, pdf), or a refusal that names the file, so that a person
    who chose several knows which to change."""
    try:
        return validate_upload(upload, kinds=KINDS)
    except ValidationError as error:
        raise ValidationError(
            f"“{_short(shown_name(upload.name))}” was not added. {' '.join(error.messages)}",
            code="bad_file",
        ) from None


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content has been checked, with the kind found: what is stored."""

    upload: UploadedFile
    kind: str

    @property
    def name(self) -> str:
        return shown_name(self.upload.name)


def sort_uploads(
    files: Sequence[UploadedFile | CheckedFile],
) -> tuple[list[CheckedFile], list[ValidationError]]:
    """The files that pass their checks, each with its kind, and a refusal for each that does
    not. A file checked already is not read again."""
    passed: list[CheckedFile] = []
    problems: list[ValidationError] = []
    for upload in files:
        if isinstance(upload, CheckedFile):
            passed.append(upload)
            continue
        try:
            passed.append(CheckedFile(upload, check_upload(upload)))
        except ValidationError as error:
            problems.append(error)
    return passed, problems


def too_many_files() -> ValidationError:
    return ValidationError(
        f"Choose at most {MAX_FILES} files at a time. You can add more afterwards, from "
        "the report's page.",
        code="too_many",
    )


def check_uploads(files: Sequence[UploadedFile | CheckedFile]) -> list[CheckedFile]:
    """Each file with its kind, or every file's problem at once."""
    if len(files) > MAX_FILES:
        raise too_many_files()
    passed, problems = sort_uploads(files)
    if problems:
        raise ValidationError(problems)
    return passed


@stored_files_removed_on_failure()
@transaction.atomic
def attachments_add(
    *,
    incident: Incident,
    files: Sequence[CheckedFile],
    by: User,
    ip: str | None = None,
) -> list[Attachment]:
    """Store the files (checked already, by check_uploads) on the incident, each with its
    audit event. The caller records the step on the timeline (the report, or the information
    added with them) in this transaction."""
    stored = []
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
        _note_saved(attachment.file.name)
        attachment.save()
        audit_record(
            verb=IncidentEvent.ATTACHMENT_ADDED,
            actor=by,
            obj=incident,
            changes={
                "reference": incident.reference,
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "kind": kind,
                "size": attachment.size,
            },
            ip=ip,
        )
        stored.append(attachment)
    return stored


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
