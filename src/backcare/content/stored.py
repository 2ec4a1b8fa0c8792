"""A routine the person imported, read back on every run of a daily command without re-checking its YAML."""

from __future__ import annotations

import zlib

from backcare.content import cache
from backcare.domain.routine import Routine

CACHE_NAME = "stored-routine"


def key(text: str) -> str:
    """The cache key of a stored routine's text: its CRC-32 and length (cheap to compute: hashlib alone costs
    more to import than the cached routine takes to load). The entry also holds the whole text, and is used only
    when that text is the same, so two texts with the same key can never share a routine."""
    data = text.encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data):08x}-{len(data)}"


def load_stored_routine(text: str, source: str) -> Routine:
    """A routine the person imported earlier, as stored (checked with strict=False, as an older backcare may have
    imported a non-final stage without `advance`).

    The checked Routine is kept in the content cache with its text, keyed by the text's checksum (and, as for all
    cached content, backcare's version, its checking code and the bundled files, see content/cache.py): the YAML
    is read and checked again only when the text, backcare or its bundled library changes, or the cache cannot be
    trusted. An invalid text is never cached: it raises ContentError every time."""
    digest = key(text)
    found = cache.lookup(CACHE_NAME, digest, home="backcare.domain.routine")
    if type(found) is tuple and len(found) == 2 and found[0] == text and isinstance(found[1], Routine):
        return found[1]
    from backcare.content.routines import load_routine_text

    routine = load_routine_text(text, source, strict=False)
    try:
        cache.remember(CACHE_NAME, (digest,), (text, routine))
    except ValueError:  # a value the cache cannot hold: it is read and checked again next time
        pass
    return routine
