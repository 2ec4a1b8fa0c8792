"""A routine the person imported, read back on every run of a daily command without re-checking its YAML."""

from __future__ import annotations

import hashlib

from backcare.content import cache
from backcare.domain.routine import Routine

CACHE_NAME = "stored-routine"


def key(text: str) -> str:
    """The cache key of a stored routine's text: its SHA-256."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def load_stored_routine(text: str, source: str) -> Routine:
    """A routine the person imported earlier, as stored (checked with strict=False, as an older backcare may have
    imported a non-final stage without `advance`).

    The checked Routine is kept in the content cache keyed by the SHA-256 of the text (and, as for all cached
    content, backcare's version, its checking code and the bundled files, see content/cache.py): the YAML is read
    and checked again only when the text, backcare or its bundled library changes, or the cache cannot be
    trusted. An invalid text is never cached: it raises ContentError every time."""
    digest = key(text)
    found = cache.lookup(CACHE_NAME, digest)
    if isinstance(found, Routine):
        return found
    from backcare.content.routines import load_routine_text

    routine = load_routine_text(text, source, strict=False)
    try:
        cache.remember(CACHE_NAME, (digest,), routine)
    except ValueError:  # a value the cache cannot hold: it is read and checked again next time
        pass
    return routine
