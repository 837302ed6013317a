"""Files sent with a permission request (the press release as a PDF, the photograph to be used):
checked by their content, never the name or type the browser sent; stored under generated
names; served only through `socialmedia:permission_file`, which checks who may see the request.

A file over the portal's size limit is dropped as it arrives and its name noted
(portal.lib.upload_limits, on the views); `too_large_error` words the refusal that names it.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from portal.uploads import validate_upload

# A document or a picture to be published or used: nothing a browser would run.
KINDS = ("pdf", "png", "jpeg")
# On one version, kept from the last one and new together.
MAX_FILES = 5
# Generous: a file over the limit is skipped as it arrives, so a larger body costs reading,
# not memory or disk, and what was typed comes back with the form.
PERMISSION_BODY_LIMIT = 100 * 1024 * 1024
_NAME_SHOWN = 80


# ---- Checking what was sent ---------------------------------------------------------------


def shown_name(name: str | None) -> str:
    """The name a person gave a file, fit to show and store: no folders, no control
    characters, not too long. Never used as a path."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:200] or "file"


def _short(name: str) -> str:
    return name if len(name) <= _NAME_SHOWN else f"{name[: _NAME_SHOWN - 1]}…"


def too_large_error(name: str) -> ValidationError:
    return ValidationError(
        f"“{_short(shown_name(name))}” was not added: it is larger than "
        f"{filesizeformat(settings.PORTAL_MAX_UPLOAD_BYTES)}, the largest allowed. Choose a "
        "smaller file.",
        code="too_large",
    )


def too_many_files() -> ValidationError:
    return ValidationError(
        f"A version can have at most {MAX_FILES} files. Choose fewer.", code="too_many"
    )


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content has been checked, with the kind found: what is stored."""

    upload: UploadedFile
    kind: str

    @property
    def name(self) -> str:
        return shown_name(self.upload.name)


def check_upload(upload: UploadedFile) -> CheckedFile:
    """The file with its kind, or a refusal that names it, so that a person who chose several
    knows which to change."""
    try:
        return CheckedFile(upload, validate_upload(upload, kinds=KINDS))
    except ValidationError as error:
        raise ValidationError(
            f"“{_short(shown_name(upload.name))}” was not added. {' '.join(error.messages)}",
            code="bad_file",
        ) from None


def check_uploads(files: Sequence[UploadedFile], *, kept: int = 0) -> list[CheckedFile]:
    """Each file with its kind, or every file's problem at once. `kept`: files carried over
    from the last version, which count towards the limit."""
    if len(files) + kept > MAX_FILES:
        raise too_many_files()
    checked, problems = [], []
    for upload in files:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            problems.append(error)
    if problems:
        raise ValidationError(problems)
    return checked


def attachments_help() -> str:
    return (
        f"PDF documents or pictures (PNG or JPEG): up to {MAX_FILES} files of at most "
        f"{filesizeformat(settings.PORTAL_MAX_UPLOAD_BYTES)} each."
    )
