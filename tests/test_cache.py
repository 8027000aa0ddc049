"""The cache on disk is never trusted over site-gen's rules: another version, or a changed rule, finds none of it."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import REPO, SITES, run_cli

CACHE = Path(".cache") / "site-gen"


def generator_copy(tmp_path: Path) -> Path:
    """A copy of site-gen's code, templates and assets, whose rules a test changes as a new version would."""
    copy = tmp_path / "generator"
    for name in ("site_gen", "templates", "static"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def build_with(generator: Path, root: Path) -> Path:
    """Build ROOT with the copy GENERATOR of site-gen; the output folder."""
    out = root / "_site"
    result = run_cli("build", "--root", str(root), "--out", str(out), cwd=generator, env={"PYTHONPATH": str(generator)})
    assert result.returncode == 0, result.stderr
    return out


def change(generator: Path, module: str, old: str, new: str) -> None:
    """Replace OLD by NEW in one module of the copy."""
    path = generator / "site_gen" / module
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_changed_markdown_rule_shows_at_once(tmp_path: Path) -> None:
    generator, root = generator_copy(tmp_path), tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    assert "<h1>About</h1>" in (build_with(generator, root) / "about" / "index.html").read_text(encoding="utf-8")
    change(generator, "markup.py", "return str(engine.render(text))", "return str(engine.render(text)).upper()")
    assert "<H1>ABOUT</H1>" in (build_with(generator, root) / "about" / "index.html").read_text(encoding="utf-8")


def test_a_changed_yaml_rule_shows_at_once(tmp_path: Path) -> None:
    generator, root = generator_copy(tmp_path), tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    assert "<title>Zoë Müller — Publications" in (build_with(generator, root) / "index.html").read_text("utf-8")
    change(generator, "yamlfile.py", "yaml.load(text, ", 'yaml.load(text.replace("Publications", "Papers"), ')
    assert "<title>Zoë Müller — Papers" in (build_with(generator, root) / "index.html").read_text("utf-8")


def test_another_version_of_site_gen_keeps_its_own_cache(tmp_path: Path) -> None:
    generator, root = generator_copy(tmp_path), tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    build_with(generator, root)
    before = {path.name for path in (root / CACHE).iterdir()}
    assert {name.split("-")[0] for name in before} == {"markdown", "yaml"}
    change(generator, "__init__.py", '__version__ = "', '__version__ = "9.')
    build_with(generator, root)
    added = {path.name for path in (root / CACHE).iterdir()} - before
    assert {name.split("-")[0] for name in added} == {"markdown", "yaml"}
