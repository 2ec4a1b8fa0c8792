"""The on-disk cache of checked bundled content: used when fresh, ignored when stale or broken."""

from __future__ import annotations

import os
import pickle

from backcare.content import cache


def test_cache_is_written_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(tmp_path / "c"))
    calls = []

    @cache.disk_cached("probe")
    def build(x):
        calls.append(x)
        return {"x": x}

    assert build(1) == {"x": 1} and build(1) == {"x": 1}
    assert calls == [1]
    path = tmp_path / "c" / "probe-1.pickle"
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "c").stat().st_mode & 0o777 == 0o700


def test_stale_or_broken_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(tmp_path))
    calls = []

    @cache.disk_cached("probe")
    def build():
        calls.append(1)
        return "fresh"

    (tmp_path / "probe.pickle").write_bytes(b"not a pickle")
    assert build() == "fresh"
    with open(tmp_path / "probe.pickle", "wb") as fh:
        pickle.dump((("old-version", ()), "stale"), fh)
    assert build() == "fresh"
    assert len(calls) == 2


def test_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("BACKCARE_NO_CACHE", "1")

    @cache.disk_cached("probe")
    def build():
        return 1

    build()
    assert os.listdir(tmp_path) == []


def test_cached_library_equals_a_fresh_read(tmp_path, monkeypatch):
    from backcare.content import exercises

    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(tmp_path))
    first = exercises._library.__wrapped__()  # through the disk cache (writes it)
    second = exercises._library.__wrapped__()  # read back from disk
    monkeypatch.setenv("BACKCARE_NO_CACHE", "1")
    assert first == second == exercises._library.__wrapped__()
    assert (tmp_path / "library.pickle").exists()
