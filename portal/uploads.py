"""Checks for uploaded files: size from settings, type from the file's first bytes (never the
name or type the browser sent)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff",
    "pdf": b"%PDF-",
}
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "pdf": "application/pdf"}
EXTENSIONS = {"png": "png", "jpeg": "jpg", "pdf": "pdf"}


def sniff(upload) -> str | None:
    """The kind of file from its first bytes, or None if it is none we accept."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def _names(kinds: tuple[str, ...]) -> str:
    names = [k.upper() for k in kinds]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def validate_upload(upload, *, kinds: tuple[str, ...], max_bytes: int | None = None) -> str:
    """Raise a ValidationError people can act on, or return the kind of file."""
    limit = max_bytes or settings.PORTAL_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; "
            f"the largest allowed is {filesizeformat(limit)}. Choose a smaller file."
        )
    kind = sniff(upload)
    if kind not in kinds:
        names = _names(kinds)
        raise ValidationError(f"This file is not a {names} file. Choose a {names} file.")
    return kind


def validate_image_upload(upload) -> str:
    return validate_upload(upload, kinds=("png", "jpeg"), max_bytes=2 * 1024 * 1024)


def generated_name(kind: str) -> str:
    """A stored file's name: never the one the browser sent, which could be anything."""
    return f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
