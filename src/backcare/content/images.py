"""Pictures a routine file gives its exercises (`images:`): PNG, JPEG or SVG files beside the routine, checked
by their content and kept in the database with the imported routine (the file may be gone later)."""

from __future__ import annotations

import re
from pathlib import Path

MAX_IMAGE_BYTES = 2 * 1024 * 1024
PATH_MAX = 300
SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
# Anything in an SVG that runs code or fetches something: script, event handlers, foreign content, and any
# href/url() that is not a fragment inside the picture itself.
_SVG_ACTIVE = re.compile(
    rb"<\s*script|<\s*foreignObject|<\s*iframe|<\s*embed|<\s*object|\son[a-z]+\s*=|javascript:"
    rb"|href\s*=\s*[\"'](?!#)|url\(\s*[\"']?(?!#)|@import",
    re.IGNORECASE,
)


def path_problem(text: str) -> str | None:
    """Why `text` is not an acceptable image path in a routine file (the end of a sentence), or None."""
    if len(text) > PATH_MAX:
        return f"an image path must be at most {PATH_MAX} characters"
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", text) or text.startswith(("/", "\\", "~")):
        return f"the image {text!r} must be a file path relative to the routine file (no web address)"
    if not text.lower().endswith(SUFFIXES):
        return f"the image {text!r} must be a .png, .jpg or .svg file"
    return None


def sniff(data: bytes) -> tuple[str | None, str | None]:
    """(the media type by content, None) or (None, why it is not a picture backcare embeds)."""
    if data.startswith(_PNG):
        return ("image/png", None) if _png_whole(data) else (None, "the PNG is damaged or cut short")
    if data.startswith(_JPEG):
        return ("image/jpeg", None) if b"\xff\xd9" in data[3:] else (None, "the JPEG is damaged or cut short")
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in data[:65536].lower():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None, "the SVG is not UTF-8 text"
        if b"<!entity" in data.lower():
            return None, "the SVG declares entities; save it without them"
        if _SVG_ACTIVE.search(data):
            return None, "the SVG contains a script, an event handler or a link to another file or web address"
        return "image/svg+xml", None
    return None, "it is not a PNG, JPEG or SVG picture (judged by its content)"


def _png_whole(data: bytes) -> bool:
    """Every chunk of the PNG is whole, with a matching checksum, from its header (IHDR) to its end (IEND)."""
    import struct
    import zlib

    at, first = len(_PNG), True
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        end = at + 8 + length
        if end + 4 > len(data) or (first and (kind != b"IHDR" or length != 13)):
            return False
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(data[at + 4 : end]) & 0xFFFFFFFF != crc:
            return False
        if kind == b"IEND":
            return True
        at, first = end + 4, False
    return False


def read_image(base: Path, relative: str) -> tuple[str, bytes] | str:
    """(media type, bytes) of an image beside a routine file, or why it cannot be used."""
    path = base / relative
    try:
        if not path.is_file():
            return f"the image {relative!r} does not exist next to the routine file"
        with path.open("rb") as fh:
            data = fh.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        return f"the image {relative!r} cannot be read ({exc.strerror or type(exc).__name__})"
    if len(data) > MAX_IMAGE_BYTES:
        return f"the image {relative!r} is larger than {MAX_IMAGE_BYTES // 1024 // 1024} MB"
    mime, why = sniff(data)
    if mime is None:
        return f"the image {relative!r} cannot be used: {why}"
    return mime, data


def data_uri(mime: str, data: bytes) -> str:
    import base64

    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
