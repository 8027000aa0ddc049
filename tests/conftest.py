"""Shared helpers: the real CLI in a subprocess, fixture sites copied into tmp_path."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from bench.browser import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parent.parent
SITES = REPO / "tests" / "sites"
FIXTURES = REPO / "tests" / "fixtures"

# `make test` draws the same examples every run, so a change cannot pass or fail by luck of the draw;
# `make fuzz` explores new ones at length (HYPOTHESIS_PROFILE=explore).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m site_gen ARGS` as a user would, capturing its output: this checkout's code, wherever CWD is
    (the project is installed into .venv as a copy, which may be older than the code being tested)."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    full_env = {**os.environ, "PYTHONPATH": path, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "site_gen", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        env=full_env,
        timeout=300,
    )


def tree_digest(folder: Path) -> str:
    """A hash of every path and byte under FOLDER."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def tree_files(folder: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under FOLDER."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def copy_site(tmp_path: Path) -> Callable[[str], Path]:
    """Copy tests/sites/NAME into tmp_path and return its root."""

    def copy(name: str) -> Path:
        target = tmp_path / name.replace("/", "-")
        shutil.copytree(SITES / name, target, symlinks=True)
        return target

    return copy


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """Playwright drives Debian's Chromium (it cannot download its own browser here)."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}
