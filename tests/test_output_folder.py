"""--out never destroys what is not a built site (contract, section 1): what is refused, and what a build replaces."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SITES, run_cli, tree_digest

MARKER_TEXT = "This folder is written by site-gen and replaced whole on every build: edit content/, not these files.\n"


def site_with_own_files(tmp_path: Path) -> Path:
    """The minimal site, with a template override and a notes folder beside it: what a wrong --out could destroy."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "draft.txt").write_text("my draft\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("my notes\n", encoding="utf-8")
    return root


INSTEAD = "; choose a folder of its own, like {tmp}/site/_site"
NOT_OURS = " (there is no .site-gen in it) and a build replaces the whole folder; empty it or choose another"
# --out, under tmp_path: the reason given, with {tmp} for tmp_path and {out} for the --out given, both resolved
REFUSED = {
    "site": "it is the site's own folder and a build replaces the whole folder" + INSTEAD,
    ".": "it holds {tmp}/site, the site's own folder, and a build replaces the whole folder" + INSTEAD,
    "site/content": "it is inside {tmp}/site/content, which the build reads" + INSTEAD,
    "site/content/new": "it is inside {tmp}/site/content, which the build reads" + INSTEAD,
    "site/templates": "it is inside {tmp}/site/templates, which the build reads" + INSTEAD,
    "site/static": "it is inside {tmp}/site/static, which the build reads" + INSTEAD,
    "site/static/papers": "it is inside {tmp}/site/static, which the build reads" + INSTEAD,
    "notes.txt": "{out} is a file; choose a folder",
    "notes.txt/site": "{tmp}/notes.txt is a file; choose a folder",
    "notes": "it holds files no build wrote" + NOT_OURS,
}


@pytest.mark.parametrize("given", sorted(REFUSED))
def test_out_that_could_destroy_is_refused_with_one_line_and_nothing_changes(given: str, tmp_path: Path) -> None:
    root = site_with_own_files(tmp_path)
    tmp, out = tmp_path.resolve(), (tmp_path / given).resolve()
    before = tree_digest(tmp_path)
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / given))
    reason = REFUSED[given].format(tmp=tmp, out=out)
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"site-gen: error: cannot write the site into {out}: {reason}\n",
    )
    assert tree_digest(tmp_path) == before


def test_a_site_folder_an_old_version_wrote_is_ours_only_at_the_default_place(tmp_path: Path) -> None:
    root = site_with_own_files(tmp_path)
    for old in (root / "_site", tmp_path / "elsewhere"):
        old.mkdir()
        for name in (".nojekyll", "index.html", "sitemap.xml"):  # what every earlier build wrote, but no marker
            (old / name).write_text("old\n", encoding="utf-8")
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / "elsewhere"))
    assert result.returncode == 2
    assert "it holds files no build wrote" in result.stderr
    result = run_cli("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert (root / "_site" / ".site-gen").read_text(encoding="utf-8") == MARKER_TEXT


def test_an_empty_folder_or_one_a_build_wrote_is_replaced(tmp_path: Path) -> None:
    root = site_with_own_files(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    assert run_cli("build", "--root", str(root), "--out", str(out)).returncode == 0
    assert (out / ".site-gen").read_text(encoding="utf-8") == MARKER_TEXT
    (out / "stray.txt").write_text("left in a built folder\n", encoding="utf-8")
    result = run_cli("build", "--root", str(root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert not (out / "stray.txt").exists()
    assert (root / "templates" / "page.html").is_file()


def test_serve_refuses_a_site_folder_no_build_wrote(tmp_path: Path) -> None:
    root = site_with_own_files(tmp_path)
    (root / "_site").mkdir()
    (root / "_site" / "mine.txt").write_text("not a build\n", encoding="utf-8")
    before = tree_digest(tmp_path)
    try:  # without the check, serve would replace _site/ and then serve until stopped
        result = subprocess.run(
            [sys.executable, "-m", "site_gen", "serve", "--root", str(root), "--port", "0"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("serve did not refuse the folder")
    out = root.resolve() / "_site"
    expected = f"site-gen: error: cannot write the site into {out}: it holds files no build wrote{NOT_OURS}\n"
    assert (result.returncode, result.stderr) == (2, expected)
    assert tree_digest(tmp_path) == before
