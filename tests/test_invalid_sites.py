"""Each invalid fixture site gives exactly its expected error lines and writes nothing.

A case folder under tests/sites/invalid/ holds the files it adds to (or replaces in) the minimal
site, and expected.txt: the exact stderr of `site-gen build`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import SITES, run_cli, tree_digest

CASES = sorted(p.name for p in (SITES / "invalid").iterdir() if p.is_dir())


def overlay(case: str, root: Path) -> None:
    """The minimal site with the case's files laid over it."""
    shutil.copytree(SITES / "minimal", root)
    shutil.copytree(SITES / "invalid" / case, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))


@pytest.mark.parametrize("case", CASES)
def test_invalid_site_reports_exact_errors_and_keeps_old_output(case: str, tmp_path: Path) -> None:
    root, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(SITES / "minimal", tmp_path / "good")
    assert run_cli("build", "--root", str(tmp_path / "good"), "--out", str(out)).returncode == 0
    before = tree_digest(out)
    overlay(case, root)
    result = run_cli("build", "--root", str(root), "--out", str(out))
    expected = (SITES / "invalid" / case / "expected.txt").read_text(encoding="utf-8")
    assert result.returncode == 1
    assert result.stderr == expected
    assert tree_digest(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], "a staging folder was left behind"


def test_symlink_pointing_outside_the_root_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish", encoding="utf-8")
    os.symlink(secret, root / "static" / "secret.txt")
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "static/secret.txt:1:1: error: symlink points outside the site root; copy the file in instead",
        "1 error; nothing was written",
    ]
    assert not (tmp_path / "out").exists()


def test_symlink_inside_the_root_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    os.symlink(root / "static" / "papers" / "olund.pdf", root / "static" / "alias.pdf")
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "static" / "alias.pdf").read_bytes().startswith(b"%PDF")


def test_missing_site_yaml_is_located(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    result = run_cli("build", "--root", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/site.yaml:1:1: error: content/site.yaml is missing; "
        "create it with at least title, base_url and author.name"
    )
