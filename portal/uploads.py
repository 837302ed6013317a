"""Checks for uploaded files: size from settings, type from the file's first bytes (never the
name the browser sent)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff",
    "pdf": b"%PDF-",
}


def sniff(upload) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def validate_upload(upload, *, kinds: tuple[str, ...], max_bytes: int | None = None) -> str:
    limit = max_bytes or settings.PORTAL_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; "
            f"the largest allowed is {filesizeformat(limit)}."
        )
    kind = sniff(upload)
    if kind not in kinds:
        names = ", ".join(k.upper() for k in kinds)
        raise ValidationError(f"This file is not a {names} file. Please choose a {names} file.")
    return kind


def validate_image_upload(upload) -> str:
    return validate_upload(upload, kinds=("png", "jpeg"), max_bytes=2 * 1024 * 1024)
