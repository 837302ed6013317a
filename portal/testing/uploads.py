"""Small files of each kind the portal accepts, whole enough to pass its content checks."""

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(extra_chunk: bytes = b"") -> bytes:
    """A 1×1 white PNG; `extra_chunk` goes before the image data (a tEXt chunk, say)."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + extra_chunk
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def text_chunk(text: bytes) -> bytes:
    return _chunk(b"tEXt", b"Comment\x00" + text)


def jpeg_bytes() -> bytes:
    """The markers of a JPEG: start, JFIF header, start of scan, some data, end."""
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    scan = b"\x01\x01\x00\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(jfif) + 2)
        + jfif
        + b"\xff\xda"
        + struct.pack(">H", len(scan) + 2)
        + scan
        + b"\x12\x34\x56"
        + b"\xff\xd9"
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
