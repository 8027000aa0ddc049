"""`pip install .` (not editable) gives a site-gen that builds any root, on every CPython this machine has."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, SITES

PYENV_VERSIONS = Path.home() / ".pyenv" / "versions"


def other_pythons() -> list[Path]:
    """CPython 3.11 and newer under pyenv, other than the one running the tests."""
    running = f"{sys.version_info.major}.{sys.version_info.minor}."
    found = []
    for folder in sorted(PYENV_VERSIONS.glob("3.*")) if PYENV_VERSIONS.is_dir() else []:
        minor = folder.name.split(".")[1]
        if minor.isdigit() and int(minor) >= 11 and not folder.name.startswith(running):
            found.append(folder / "bin" / "python3")
    return [python for python in found if python.exists()]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built as pip builds it for `pip install .`."""
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(REPO)]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return next(out.glob("site_gen-*.whl"))


def install(python: Path | str, wheel: Path, where: Path) -> Path:
    """A fresh virtual environment of PYTHON with the wheel installed; its site-gen."""
    subprocess.run([str(python), "-m", "venv", str(where)], check=True, timeout=120)
    pip = [str(where / "bin" / "python"), "-m", "pip", "install", "--quiet", "--only-binary=:all:", str(wheel)]
    result = subprocess.run(pip, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return where / "bin" / "site-gen"


def test_the_wheel_carries_the_templates_and_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates", "static"):
        for path in (REPO / folder).rglob("*"):
            if path.is_file():
                assert f"site_gen/{folder}/{path.relative_to(REPO / folder).as_posix()}" in names


def test_an_installed_site_gen_builds_a_root_with_only_content(wheel: Path, tmp_path: Path) -> None:
    site_gen = install(sys.executable, wheel, tmp_path / "venv")
    root = tmp_path / "mine"
    shutil.copytree(SITES / "minimal" / "content", root / "content")
    shutil.copytree(SITES / "minimal" / "static", root / "static")  # only the site's own pictures and pdf
    result = subprocess.run([str(site_gen), "build"], cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for path in ("index.html", "static/site.css", "static/site.js", "static/favicon.svg", "papers/2024.acl-long.1"):
        assert (root / "_site" / path).exists(), path
    assert (root / "_site" / "static" / "site.css").read_bytes() == (REPO / "static" / "site.css").read_bytes()


@pytest.mark.parametrize("python", other_pythons(), ids=lambda python: python.parent.parent.name)
def test_every_other_python_on_the_machine_installs_and_builds_the_default_site(
    python: Path, wheel: Path, tmp_path: Path
) -> None:
    site_gen = install(python, wheel, tmp_path / "venv")
    root = tmp_path / "default"
    shutil.copytree(REPO / "content", root / "content")
    result = subprocess.run([str(site_gen), "build"], cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "built 12 papers" in result.stdout
    assert len(list((root / "_site" / "papers").iterdir())) == 12


def test_this_machine_has_other_pythons_to_try() -> None:
    assert other_pythons(), "pyenv's CPython 3.12 and 3.13 are expected on these machines"
