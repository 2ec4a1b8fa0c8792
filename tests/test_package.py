"""The package as it would be published: licence, metadata, `twine check`, and a suite run from the sdist."""

from __future__ import annotations

import os
import re
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

# From the unpacked sdist, the fast tests of every test file that reads the source tree outside src/ (docs, data,
# examples, benchmarks, the test routines, README, LICENSE, pyproject.toml) run: they fail if the sdist lacks a
# file they need. The rest of the suite reads only src/, which the wheel tests cover; the slow tests and the full
# hypothesis example counts are left to the main run.
READS_THE_TREE = re.compile(
    r'(\b[A-Z][A-Z_]*|\])\s*/\s*"(docs|data|examples|tests)"|"(benchmarks|README\.md|LICENSE|pyproject\.toml)"'
)


def tree_readers(tests: Path) -> list[str]:
    """The test files that read files of the source tree outside src/."""
    return sorted(
        f"tests/{p.name}" for p in tests.glob("test_*.py") if READS_THE_TREE.search(p.read_text(encoding="utf-8"))
    )


def test_the_sdist_run_covers_the_tests_that_read_docs_data_and_examples():
    chosen = tree_readers(REPO / "tests")
    for name in ("test_cli_docs.py", "test_education_content.py", "test_routine_files.py", "test_scenarios.py"):
        assert f"tests/{name}" in chosen
    assert "tests/test_trends_domain.py" not in chosen  # pure logic, nothing read from the tree


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


# -- built for real (slow; one build, shared with test_install.py) ----------------------------------------------
@pytest.fixture
def dist(built_dist) -> Path:
    return built_dist


@pytest.mark.slow
@pytest.mark.xdist_group("dist")
def test_twine_check_passes_on_the_wheel_and_the_sdist(dist):
    files = sorted(str(p) for p in dist.iterdir())
    assert len(files) == 2
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


@pytest.mark.slow
@pytest.mark.xdist_group("dist")
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
@pytest.mark.xdist_group("dist")
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
    chosen = tree_readers(root / "tests")
    assert chosen == tree_readers(REPO / "tests")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not slow", "-n", "0"]
        + ["--hypothesis-profile=default", *chosen],
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
