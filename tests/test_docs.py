"""A fresh clone as a new user has it: `make setup` prints no warning, and every command the docs show runs."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from site_gen.cli import parser
from tests.conftest import FIXTURES, REPO

DOCS = ["README.md", *sorted(p.relative_to(REPO).as_posix() for p in (REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`([^`\n]+)`")
# Files the docs take the reader to have: a BibTeX export, and an ACL Anthology author page saved as text.
READERS_FILES = {"my.bib": FIXTURES / "bibtex" / "anthology.bib", "page.txt": FIXTURES / "acl" / "defu-lian.txt"}
# Make targets that serve until stopped, install system packages or run for minutes: checked with make -n.
LONG_TARGETS = {"site", "test", "lint", "golden", "bench", "bench-large", "fuzz", "screenshots"}
# Under `make test` these say "make[1]" and pass make's flags on; a user's shell has none of them.
OUTER_MAKE = {"MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"}


def run(command: list[str] | str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """COMMAND run in CWD (a string through bash), its output captured."""
    shell = isinstance(command, str)
    program: list[str] | str = ["bash", "-c", command] if shell else command
    env = {name: value for name, value in os.environ.items() if name not in OUTER_MAKE}
    return subprocess.run(program, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's files as a fresh clone has them (tracked, and new ones not ignored), before `make setup`."""
    root = tmp_path_factory.mktemp("clone") / "site-gen"
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    for name, source in READERS_FILES.items():
        shutil.copy(source, root / name)
    return root


@pytest.fixture(scope="module")
def setup(clone: Path) -> subprocess.CompletedProcess[str]:
    """`make setup` in the fresh clone: .venv with site-gen installed in it."""
    return run(["make", "setup"], clone)


def warnings(output: str) -> list[str]:
    """The lines of OUTPUT that warn, but for pip's about a package index this machine is configured with."""
    noise = "is ignored: it is neither a file nor a directory"  # this machine's pip.conf, not the project
    return [line for line in output.splitlines() if ("warn" in line.lower() or "!!" in line) and noise not in line]


def test_setup_installs_site_gen_without_warnings(setup: subprocess.CompletedProcess[str], clone: Path) -> None:
    assert setup.returncode == 0, setup.stderr
    assert warnings(setup.stdout + setup.stderr) == []
    assert "Please be careful" not in setup.stderr
    assert run([".venv/bin/site-gen", "--version"], clone).stdout == "site-gen 0.1.0\n"
    assert run(["make", "setup"], clone).stdout == "make: Nothing to be done for 'setup'.\n"


def installed_a_second_ago(clone: Path) -> None:
    """Date the last install back a second: an edit made in the same clock tick would look no newer to make."""
    stamp = clone / ".venv" / ".installed"
    earlier = stamp.stat().st_mtime - 1
    os.utime(stamp, (earlier, earlier))


def test_setup_reinstalls_what_changed_and_nothing_that_was_removed(
    setup: subprocess.CompletedProcess[str], clone: Path
) -> None:
    where = "import site_gen, os; print(os.path.dirname(site_gen.__file__))"
    package = Path(run([str(clone / ".venv" / "bin" / "python"), "-c", where], clone.parent).stdout.strip())
    assert package.is_relative_to(clone / ".venv")
    installed_a_second_ago(clone)
    template = clone / "templates" / "404.html"
    template.write_text(template.read_text(encoding="utf-8") + "<!-- edited -->\n", encoding="utf-8")
    (clone / "site_gen" / "gone.py").write_text('"""A module about to be deleted."""\n', encoding="utf-8")
    assert run(["make", "setup"], clone).returncode == 0
    assert (package / "gone.py").is_file()
    assert (package / "templates" / "404.html").read_text(encoding="utf-8").endswith("<!-- edited -->\n")
    installed_a_second_ago(clone)
    (clone / "site_gen" / "gone.py").unlink()
    assert run(["make", "setup"], clone).returncode == 0
    assert not (package / "gone.py").exists()


def test_a_photo_and_pdfs_in_static_are_the_sites_own_not_a_reinstall(
    setup: subprocess.CompletedProcess[str], clone: Path
) -> None:
    assert run(["make", "setup"], clone).returncode == 0
    installed_a_second_ago(clone)
    (clone / "static" / "img").mkdir()
    (clone / "static" / "img" / "me.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n', encoding="utf-8")
    (clone / "static" / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    try:
        assert run(["make", "setup"], clone).stdout == "make: Nothing to be done for 'setup'.\n"
        built = run([".venv/bin/site-gen", "build", "--out", "photo-site"], clone)
        assert built.returncode == 0, built.stderr
        assert (clone / "photo-site" / "static" / "img" / "me.svg").is_file()
    finally:
        shutil.rmtree(clone / "static" / "img")
        (clone / "static" / "paper.pdf").unlink()


def shell_lines(doc: str) -> list[str]:
    """The command lines of DOC's shell blocks, in order (a line ending in a backslash goes on)."""
    lines = []
    for language, body in FENCE.findall((REPO / doc).read_text(encoding="utf-8")):
        if language in ("sh", "shell", "bash", "console"):
            lines += [line for line in body.replace("\\\n", "").splitlines() if line.strip()]
    return lines


def checked(line: str, clone: Path, run_it: bool) -> str | None:
    """Run LINE in CLONE as written (RUN_IT, and it is quick and stops by itself) or check that it parses; why not."""
    words = shlex.split(line, comments=True)
    if words[0] == "make":
        long = LONG_TARGETS.intersection(word for word in words[1:] if "=" not in word)
        done = run(["make", "-n", *words[1:]] if long or not run_it else line, clone)
    elif words[0] == ".venv/bin/site-gen" and (words[1] == "serve" or not run_it):
        return parses(words[1:], clone)
    elif words[0] == ".venv/bin/site-gen":
        done = run(line, clone)
    elif words[:4] == [".venv/bin/python", "-m", "pytest", words[-1]]:
        return None if (clone / words[-1]).exists() else f"{words[-1]} does not exist"
    else:
        return "is not a command of site-gen or its Makefile as a fresh clone has them"
    return None if done.returncode == 0 and "Traceback" not in done.stderr else done.stderr[-2000:]


def parses(args: list[str], clone: Path) -> str | None:
    """Why site-gen's command line would refuse ARGS in CLONE, if it would."""
    here = Path.cwd()
    os.chdir(clone)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as errors:
            parser().parse_args(args)
    except SystemExit as exc:
        return None if exc.code == 0 else errors.getvalue()  # --help exits 0
    finally:
        os.chdir(here)
    return None


@pytest.mark.parametrize("doc", DOCS)
def test_every_shell_command_in_the_docs_runs_as_written(
    doc: str, setup: subprocess.CompletedProcess[str], clone: Path
) -> None:
    lines = shell_lines(doc)
    assert lines or doc != "README.md"
    failed = {line: why for line in lines if (why := checked(line, clone, run_it=True)) is not None}
    assert failed == {}


def test_the_readme_starts_a_site_of_ones_own_first() -> None:
    first = shell_lines("README.md")[:3]
    assert [shlex.split(line, comments=True) for line in first] == [
        ["make", "setup"],
        [".venv/bin/site-gen", "init", "--name", "Ada Lovelace", "--from", "my.bib", "--replace"],
        ["make", "site"],
    ]


@pytest.mark.parametrize("doc", DOCS)
def test_commands_in_the_text_are_real_invocations(
    doc: str, setup: subprocess.CompletedProcess[str], clone: Path
) -> None:
    spans = INLINE.findall((REPO / doc).read_text(encoding="utf-8"))
    commands = [span for span in spans if span.startswith(("make ", ".venv/bin/site-gen "))]
    failed = {span: why for span in commands if (why := checked(span, clone, run_it=False)) is not None}
    assert failed == {}
    if doc == "README.md":
        bare = [span for span in spans if re.match(r"site-gen (init|build|serve|check|import|export)\b", span)]
        assert bare == [], "a fresh clone has no site-gen on the PATH: write .venv/bin/site-gen"
