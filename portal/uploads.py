"""Checks for uploaded files: size from settings, type from the file's content (never the name
or type the browser sent): its first bytes, then its structure, so that a file which only starts
like a PNG (and goes on as a web page) is refused too."""

import struct
import uuid
import zlib

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


def _png_is_whole(data: bytes) -> bool:
    """Chunks from the header to the end marker, each with its checksum, and nothing after."""
    at, first, seen_data = 8, True, False
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if end > len(data) or not kind.isalpha():
            return False
        if first and (kind != b"IHDR" or length != 13):
            return False
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(data[at + 4 : end - 4]) != crc:
            return False
        seen_data |= kind == b"IDAT"
        if kind == b"IEND":
            return seen_data and end == len(data)
        at, first = end, False
    return False


def _jpeg_is_whole(data: bytes) -> bool:
    """Marker segments, each fitting in the file, up to the image data, then an end-of-image
    marker after it. Phones often add data after that marker (a Pixel motion photo's video, a
    Samsung trailer): it is never shown, and stored files are only served as downloads or as
    images with nosniff, so it is accepted. A file that only starts like a JPEG has no end
    marker after its scan and is still refused."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return False
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2 or at + 2 + length > len(data):
            return False
        if marker == 0xDA:  # start of scan: entropy-coded data follows, to the end marker
            return data.find(b"\xff\xd9", at + 2 + length) != -1
        at += 2 + length
    return False


def _pdf_is_whole(tail: bytes) -> bool:
    return b"%%EOF" in tail


_WHOLE = {"png": _png_is_whole, "jpeg": _jpeg_is_whole, "pdf": _pdf_is_whole}


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
    if kind not in kinds or not _WHOLE[kind](_content(upload, kind)):
        names = _names(kinds)
        raise ValidationError(f"This file is not a {names} file. Choose a {names} file.")
    return kind


def _content(upload, kind: str) -> bytes:
    """What the structure check reads: a PDF's last kilobyte (where its end marker is), an
    image whole (after the size check, so at most 2 MB)."""
    upload.seek(max(0, upload.size - 1024) if kind == "pdf" else 0)
    data = upload.read()
    upload.seek(0)
    return data


def validate_image_upload(upload) -> str:
    return validate_upload(upload, kinds=("png", "jpeg"), max_bytes=2 * 1024 * 1024)


def generated_name(kind: str) -> str:
    """A stored file's name: never the one the browser sent, which could be anything."""
    return f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
