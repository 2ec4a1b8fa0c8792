"""The package as it would be published: licence, metadata, `twine check`, and a suite run from the sdist."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))

# From the unpacked sdist, the whole fast suite runs (`-m "not slow"`, which has every test that reads files of
# the source tree); the slow tests are left out there to keep this one within a few minutes.


def _requirement(reqs: list[str], name: str) -> str:
    [req] = [r for r in reqs if r.split(">")[0].split("<")[0].split("=")[0].strip().lower() == name]
    return req


def test_licence_file_matches_the_declared_licence():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert text.startswith("MIT License\n")
    assert "Copyright (c)" in text and "The backcare developers" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_builds_with_a_hatchling_whose_metadata_twine_accepts():
    # hatchling 1.24-1.26 write Metadata-Version 2.4 wheels that `twine check` rejects
    assert _requirement(PYPROJECT["build-system"]["requires"], "hatchling") == "hatchling>=1.27"
    test_extra = PYPROJECT["project"]["optional-dependencies"]["test"]
    assert _requirement(test_extra, "hatchling") == "hatchling>=1.27"
    assert _requirement(test_extra, "twine")


def test_typer_stays_below_the_release_that_loads_pydantic_on_every_start():
    assert _requirement(PYPROJECT["project"]["dependencies"], "typer") == "typer>=0.26,<0.29"


def test_metadata_says_what_backcare_is():
    project = PYPROJECT["project"]
    classifiers = set(project["classifiers"])
    for prefix in ("Development Status", "Environment", "Intended Audience", "Operating System", "Topic"):
        assert any(c.startswith(prefix + " ::") for c in classifiers), prefix
    minor = int(project["requires-python"].removeprefix(">=3."))
    assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert {"low back pain", "self-care", "physiotherapy", "cli"} <= set(project["keywords"])
    assert "Typing :: Typed" not in classifiers or (REPO / "src" / "backcare" / "py.typed").exists()


def test_the_sdist_includes_every_folder_the_tests_read():
    include = set(PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"])
    assert {"src", "data", "docs", "tests", "examples", "benchmarks", "README.md", "LICENSE", "pyproject.toml"} <= (
        include
    )


# -- built for real (slow) --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    return out


@pytest.mark.slow
def test_twine_check_passes_on_the_wheel_and_the_sdist(dist):
    files = sorted(str(p) for p in dist.iterdir())
    assert len(files) == 2
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


@pytest.mark.slow
def test_the_wheel_carries_the_licence_and_metadata(dist):
    [wheel] = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        [meta_name] = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = Parser().parsestr(zf.read(meta_name).decode())
        [licence] = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert zf.read(licence).decode() == (REPO / "LICENSE").read_text(encoding="utf-8")
    assert meta["License-Expression"] == "MIT"
    assert meta["Keywords"] and "low back pain" in meta["Keywords"]
    assert "Typing :: Typed" in meta.get_all("Classifier")


@pytest.mark.slow
def test_the_fast_suite_passes_from_the_unpacked_sdist(dist, tmp_path):
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data")
    [root] = tmp_path.iterdir()
    for folder in ("docs", "data", "examples", "tests", "benchmarks"):
        assert (root / folder).is_dir(), f"the sdist has no {folder}/"
    assert not (root / ".git").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCARE_")}
    env["PYTHONPATH"] = str(root / "src")  # the sdist's own code, ahead of the installed one
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not slow"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import backcare; print(backcare.__file__)"], cwd=root, env=env, capture_output=True
    )
    assert Path(probe.stdout.decode().strip()).is_relative_to(root / "src")
    shutil.rmtree(root)
