"""site-gen serve: the preview rebuilds on save, shows located errors, and keeps the last good site."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SITES


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    """Status and body of one GET."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    """Poll until the condition holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A running `site-gen serve` on a copy of the minimal site."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "site_gen", "serve", "--root", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for(lambda: fetch(url)[0] == 200)
    yield root, url
    process.terminate()
    process.wait(timeout=10)


def test_serves_the_site_with_the_reload_script(preview: tuple[Path, str]) -> None:
    _, url = preview
    status, body = fetch(url)
    assert status == 200 and "Zoë Müller" in body and "livereload.js" in body
    assert fetch(url + "papers/2024.acl-long.1/")[0] == 200
    assert fetch(url + "no/such/page")[0] == 404


def test_broken_save_shows_located_errors_then_fix_restores_site(preview: tuple[Path, str]) -> None:
    root, url = preview
    paper = root / "content" / "papers" / "older.yaml"
    original = paper.read_text(encoding="utf-8")
    paper.write_text(original.replace("authors:", "authrs:"), encoding="utf-8")
    wait_for(lambda: fetch(url)[0] == 500)
    body = fetch(url)[1]
    assert (
        "content/papers/older.yaml:2:1: error: unknown key &#x27;authrs&#x27; — did you mean &#x27;authors&#x27;?"
        in body
    )
    assert (root / "_site" / "index.html").is_file(), "the last good site stays on disk"
    paper.write_text(original.replace("Knowledge Graphs", "Knowledge Hypergraphs"), encoding="utf-8")
    wait_for(lambda: "Knowledge Hypergraphs" in fetch(url)[1])
    assert fetch(url)[0] == 200


def test_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "site_gen", "serve", "--root", str(SITES / "minimal"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert result.stderr == f"site-gen: error: port {port} is already in use; try --port {port + 1}\n"
