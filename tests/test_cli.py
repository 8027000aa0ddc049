"""The command line: exit codes, check, check --links, and no tracebacks for user mistakes."""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_gen.cli import parser
from site_gen.write import MARKER
from tests.conftest import REPO, SITES, run_cli


def test_usage_errors_exit_2() -> None:
    assert run_cli("build", "--root", "/no/such/folder").returncode == 2
    assert run_cli("build", "--base-url", "ftp://x").returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_check_validates_without_writing(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    before = sorted(root.rglob("*"))
    result = run_cli("check", "--root", str(root))
    assert (result.returncode, result.stdout) == (0, "ok: 3 papers, no errors\n")
    assert sorted(root.rglob("*")) == before  # no _site/, no .cache/, no .gitignore
    (root / "content" / "papers" / "bad.yaml").write_text(
        "title: X\nauthors: [A]\nyear: 2020\nvenu: V\n", encoding="utf-8"
    )
    result = run_cli("check", "--root", str(root))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/papers/bad.yaml:4:1: error: unknown key 'venu' — did you mean 'venue'?",
        "1 error",  # check never writes: no "nothing was written"
    ]
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
    files = sum(1 for p in out.rglob("*") if p.is_file() and p.name != MARKER)  # the site's files, not the marker
    assert result.stdout.startswith(f"built 3 papers, 11 pages, {files} files into {out} in ")


SHORT_USAGE = """\
usage: site-gen COMMAND [OPTIONS]

commands:
  init     start a site of your own: content/site.yaml for your name, and your papers
  build    build the site into _site/ once
  serve    build, preview with live reload, and rebuild on every save
  check    check the content without writing a site
  import   add papers from a BibTeX file or an ACL Anthology author page
  export   write every paper as BibTeX

'site-gen COMMAND --help' says more about a command. docs/content-format.md describes the content: every key \
of content/site.yaml and of a paper.
"""


def test_site_gen_alone_lists_the_commands_and_exits_2() -> None:
    result = run_cli()
    assert (result.returncode, result.stdout, result.stderr) == (2, "", SHORT_USAGE)


def commands(top: argparse.ArgumentParser | None = None) -> dict[str, argparse.ArgumentParser]:
    """Every command line's parser, by its words after site-gen ('import bibtex'), the top one as ''."""
    top = top or parser()
    found = {"": top}
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update({f"{name} {words}".strip(): found for words, found in commands(sub).items()})
    return found


@pytest.mark.parametrize("words", sorted(commands()))
def test_every_help_says_what_each_option_means_with_its_default_and_an_example(words: str) -> None:
    command = commands()[words]
    assert command.description
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            assert all(choice.help for choice in action._choices_actions)
            continue
        assert action.help, f"{action.dest} has no help"
        takes_value = action.option_strings and action.nargs is None and not action.required
        if takes_value and action.dest not in ("help", "version"):
            assert "(default: " in action.help, f"{words} {action.option_strings[0]} does not say its default"
    result = run_cli(*words.split(), "--help", env={"COLUMNS": "100"})
    assert result.returncode == 0
    assert result.stdout.rstrip().endswith(
        "docs/content-format.md describes the content: every key of content/site.yaml and of a paper."
    )
    examples = result.stdout.split("example")[1].split("\n\n")[1].splitlines()
    for example in examples:
        program, *args = shlex.split(example)
        assert program == "site-gen"
        assert parser().parse_args(args).command == args[0]


def test_init_help_in_full() -> None:
    result = run_cli("init", "--help", env={"COLUMNS": "100"})
    assert (
        result.stdout
        == """\
usage: site-gen init [-h] [--root DIR] --name NAME [--from FILE] [--replace]

Start a site of your own: write content/site.yaml for NAME and, with --from, your papers into
content/papers/ (a file per year). When content/ already holds papers, init changes nothing unless
given --replace, which keeps the old content/ as content.old/ (content.old-2/, content.old-3/, ...
when that is taken): nothing is lost.

options:
  -h, --help   show this help message and exit
  --root DIR   the site's folder: it holds content/, and optionally templates/ and static/ to
               override the generator's own (default: the current folder)
  --name NAME  your name as your papers spell it; it is highlighted in every author list
               (required)
  --from FILE  a BibTeX file (.bib) or an ACL Anthology author page saved as text, whose papers to
               import (default: none, start without papers)
  --replace    start over even if content/ holds papers; it is kept as content.old/

example:

  site-gen init --name "Ada Lovelace" --from my.bib --replace

docs/content-format.md describes the content: every key of content/site.yaml and of a paper.
"""
    )


def test_commands_suggested_to_the_user_are_spelled_as_they_ran_site_gen(tmp_path: Path) -> None:
    script = tmp_path / ".venv" / "bin" / "site-gen"
    script.parent.mkdir(parents=True)
    script.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(REPO)!r})\n"
        "from site_gen.cli import main\nsys.exit(main())\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    typed = subprocess.run(
        [".venv/bin/site-gen", "init", "--name", "Ada Lovelace"], cwd=tmp_path, capture_output=True, text=True
    )
    assert typed.stdout.splitlines()[-1].startswith("  3. add your papers: .venv/bin/site-gen import bibtex FILE")
    assert (
        "  .venv/bin/site-gen build --base-url"
        in subprocess.run(
            [".venv/bin/site-gen", "build", "--help"], cwd=tmp_path, capture_output=True, text=True
        ).stdout
    )
