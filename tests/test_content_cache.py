"""The on-disk cache of checked bundled content: used when fresh and trusted, ignored otherwise, never code."""

from __future__ import annotations

import marshal
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.content import cache
from backcare.domain.routine import Dose, Exercise

OTHER_UID = 4242


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "c"
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(path))
    return path


def probe():
    calls = []

    @cache.disk_cached("probe")
    def build(x):
        calls.append(x)
        return {"x": x, "dose": Dose(2, 10, None, "each")}

    return build, calls


def test_cache_is_written_private_and_reused(folder):
    build, calls = probe()
    assert build(1) == build(1) == {"x": 1, "dose": Dose(2, 10, None, "each")}
    assert calls == [1]
    path = folder / "probe-1.marshal"
    assert mode(path) == 0o600 and mode(folder) == 0o700


def test_stale_or_broken_cache_is_rebuilt(folder):
    build, calls = probe()
    folder.mkdir(mode=0o700)
    (folder / "probe-0.marshal").write_bytes(b"not marshal data")
    os.chmod(folder / "probe-0.marshal", 0o600)
    assert build(0) == {"x": 0, "dose": Dose(2, 10, None, "each")}
    (folder / "probe-0.marshal").write_bytes(marshal.dumps((("old-version", ()), "stale")))
    assert build(0)["x"] == 0
    assert len(calls) == 2


def test_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("BACKCARE_NO_CACHE", "1")
    build, _ = probe()
    build(0)
    assert os.listdir(tmp_path) == []


def test_cached_library_equals_a_fresh_read(folder, monkeypatch):
    from backcare.content import exercises

    first = exercises._library.__wrapped__()  # through the disk cache (writes it)
    second = exercises._library.__wrapped__()  # read back from disk
    monkeypatch.setenv("BACKCARE_NO_CACHE", "1")
    assert first == second == exercises._library.__wrapped__()
    assert (folder / "library.marshal").exists()


# -- nothing planted in the cache can run (finding 6) ---------------------------------------------------------


class Planted:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_is_never_loaded(tmp_path, home):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    marker = tmp_path / "code-ran"
    for name in ("library", "topics", "routine-default"):
        for suffix in (".pickle", ".marshal"):
            (folder / f"{name}{suffix}").write_bytes(pickle.dumps(Planted(str(marker))))
    env = {**os.environ, "BACKCARE_HOME": str(home), "BACKCARE_CACHE_DIR": str(folder)}
    for args in (["routine", "show"], ["learn"], []):
        done = subprocess.run([sys.executable, "-m", "backcare", *args], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
    assert not marker.exists()


def test_marshalled_code_is_refused():
    code = compile("import os; os.system('true')", "x", "exec")
    for tree in (code, [code], ("ok", code), ["os.system", "true"], ["Dose", 1], {"k": [code]}, [], [1, 2]):
        with pytest.raises(ValueError):
            cache.from_plain(tree)


def test_a_cache_folder_others_can_write_or_that_is_not_ours_is_ignored(folder):
    build, calls = probe()
    build(0)
    assert calls == [0]
    os.chmod(folder, 0o777)  # anyone could have replaced the file
    build(0)
    assert calls == [0, 0]
    os.chmod(folder, 0o700)
    build(0)
    assert calls == [0, 0]
    os.chown(folder, OTHER_UID, -1)
    build(0)
    build(0)
    assert calls == [0, 0, 0, 0]
    os.chown(folder, os.getuid(), -1)
    os.chmod(folder / "probe-0.marshal", 0o666)
    build(0)
    assert calls == [0, 0, 0, 0, 0]


def test_a_linked_cache_file_or_folder_is_ignored(folder, tmp_path):
    build, calls = probe()
    build(0)
    real = folder / "probe-0.marshal"
    moved = tmp_path / "elsewhere.marshal"
    real.rename(moved)
    real.symlink_to(moved)
    build(0)
    assert calls == [0, 0]
    real.unlink()
    build(0)  # writes it again
    linked = tmp_path / "linked"
    linked.symlink_to(folder)
    os.environ["BACKCARE_CACHE_DIR"] = str(linked)
    build(0)
    assert calls == [0, 0, 0, 0]


def test_every_folder_backcare_makes_is_0700_under_umask_000(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "BACKCARE_"))}
    env["HOME"] = str(user)
    script = "import os, sys, runpy; os.umask(0); sys.argv = ['backcare', 'routine', 'show']; " + (
        "runpy.run_module('backcare', run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    made = [p for p in user.rglob("*") if p.is_dir()]
    assert user / ".cache" / "backcare" in made and user / ".local" / "share" / "backcare" in made
    assert {p.relative_to(user).as_posix(): oct(mode(p)) for p in made} == {
        p.relative_to(user).as_posix(): "0o700" for p in made
    }


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda inner: st.tuples(inner, inner) | st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=plain, name=st.text(min_size=1, max_size=10))
def test_plain_values_and_content_objects_come_back_equal(value, name):
    exercise = Exercise(name, name, "mobility", steps=(name,), dose=Dose(1, 2, 3, "left"))
    for item in (value, {"e": exercise, "v": value}, (exercise, [exercise])):
        assert cache.from_plain(marshal.loads(marshal.dumps(cache.to_plain(item)))) == item


def test_a_value_is_rebuilt_whichever_module_is_named_first():
    """The class table loads the named module first and the others only for a name it lacks, so a wrong or
    missing hint costs time, never a wrong value."""
    from backcare import content

    topics, library = content.topics(), content.library()
    for value in (topics, library):
        tree = marshal.loads(marshal.dumps(cache.to_plain(value)))
        for home in (None, *cache.HOMES):
            assert cache._rebuild(tree, cache._Classes(home)) == value
    table = cache._Classes("backcare.domain.education")
    assert table.get(type(topics[0]).__name__) is not None and table.pending == ["backcare.domain.routine"]
    assert table.get("NoSuchClass") is None and table.pending == []
