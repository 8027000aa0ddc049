"""The command line: exit codes, check, check --links, and no tracebacks for user mistakes."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SITES, run_cli


def test_usage_errors_exit_2() -> None:
    assert run_cli("build", "--root", "/no/such/folder").returncode == 2
    assert run_cli("build", "--base-url", "ftp://x").returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_check_validates_without_writing(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    result = run_cli("check", "--root", str(root))
    assert (result.returncode, result.stdout) == (0, "ok: 3 papers, no errors\n")
    assert not (root / "_site").exists()
    (root / "content" / "papers" / "bad.yaml").write_text(
        "title: X\nauthors: [A]\nyear: 2020\nvenu: V\n", encoding="utf-8"
    )
    result = run_cli("check", "--root", str(root))
    assert result.returncode == 1
    assert (
        result.stderr.splitlines()[0]
        == "content/papers/bad.yaml:4:1: error: unknown key 'venu' — did you mean 'venue'?"
    )
    assert not (root / "_site").exists()


def test_check_links_finds_broken_and_root_absolute_links(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    assert run_cli("check", "--root", str(root), "--links").returncode == 0
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(
        '{% extends "base.html" %}{% block main %}<a href="../nowhere.html">x</a><a href="/abs/">y</a>'
        '<a href="../index.html#nope">z</a>{% endblock %}\n',
        encoding="utf-8",
    )
    result = run_cli("check", "--root", str(root), "--links")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "_site/about/index.html: broken link to ../nowhere.html",
        "_site/about/index.html: broken link to /abs/ (root-absolute links break under a sub-path)",
        "_site/about/index.html: broken link to ../index.html#nope (no element with id 'nope')",
    ]


def test_content_errors_never_print_a_traceback(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    (root / "content" / "site.yaml").write_text("- not a mapping\n", encoding="utf-8")
    result = run_cli("build", "--root", str(root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "content/site.yaml:1:1: error: site.yaml must be a mapping of keys like 'title: ...', got a list"
    )


def test_build_reports_what_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--root", str(SITES / "minimal"), "--out", str(out))
    assert result.returncode == 0
    files = sum(1 for p in out.rglob("*") if p.is_file())
    assert result.stdout.startswith(f"built 3 papers, 9 pages, {files} files into {out} in ")
