"""A fresh clone as a new user has it: `make setup` prints no warning, and every command the docs show runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO


def run(command: list[str] | str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """COMMAND run in CWD (a string through bash), its output captured."""
    shell = isinstance(command, str)
    program: list[str] | str = ["bash", "-c", command] if shell else command
    return subprocess.run(program, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's files as a fresh clone has them (tracked, and new ones not ignored), before `make setup`."""
    root = tmp_path_factory.mktemp("clone") / "site-gen"
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
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
