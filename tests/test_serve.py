"""site-gen serve: the preview rebuilds on save, shows located errors, and keeps the last good site."""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import REPO, SITES


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


def start_preview(tmp_path: Path) -> tuple[Path, str, subprocess.Popen[str]]:
    """`site-gen serve` on a copy of the minimal site, once it answers."""
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
    return root, url, process


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A running preview of a copy of the minimal site."""
    root, url, process = start_preview(tmp_path)
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


def wait_for_live_reload(page: Page) -> None:
    """The page has loaded livereload.js and connected to the preview."""
    page.wait_for_function(
        "window.LiveReload && window.LiveReload.connector && window.LiveReload.connector._connectionDesired"
    )
    page.wait_for_timeout(500)


def test_browser_follows_every_save_and_shows_errors_where_the_author_looks(
    page: Page, preview: tuple[Path, str]
) -> None:
    root, url = preview
    paper = root / "content" / "papers" / "older.yaml"
    original = paper.read_text(encoding="utf-8")
    page.goto(url)
    wait_for_live_reload(page)
    paper.write_text(original.replace("Knowledge Graphs", "Knowledge Hypergraphs"), encoding="utf-8")
    expect(page.get_by_role("link", name="Knowledge Hypergraphs for Recommendation")).to_be_visible(timeout=10_000)

    wait_for_live_reload(page)
    paper.write_text(original.replace("Knowledge Graphs", "First Save"), encoding="utf-8")
    expect(page.get_by_role("link", name="First Save for Recommendation")).to_be_visible(timeout=10_000)
    time.sleep(1)
    paper.write_text(original.replace("Knowledge Graphs", "Second Save"), encoding="utf-8")
    expect(page.get_by_role("link", name="Second Save for Recommendation")).to_be_visible(timeout=10_000)

    wait_for_live_reload(page)
    paper.write_text(original.replace("authors:", "authrs:"), encoding="utf-8")
    expect(page.locator(".errors")).to_contain_text(
        "content/papers/older.yaml:2:1: error: unknown key 'authrs' — did you mean 'authors'?", timeout=10_000
    )

    wait_for_live_reload(page)
    paper.write_text(original, encoding="utf-8")
    expect(page.get_by_role("link", name="Knowledge Graphs for Recommendation")).to_be_visible(timeout=10_000)


def test_nothing_outside_the_output_folder_is_served(preview: tuple[Path, str]) -> None:
    root, url = preview
    (root / "secret.txt").write_text("not for the web", encoding="utf-8")
    host, port = url.split("//")[1].rstrip("/").split(":")
    for path in ("/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/../content/site.yaml"):
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode()
        assert response.status == 404 and "not for the web" not in body and "base_url" not in body, path
        connection.close()


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    _, _, process = start_preview(tmp_path)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=10)
    assert "Traceback" not in output
    assert process.returncode in (0, 130)


def test_a_templates_folder_made_while_serving_is_watched(preview: tuple[Path, str]) -> None:
    root, url = preview
    assert not (root / "templates").exists()
    (root / "templates").mkdir()
    original = (REPO / "templates" / "index.html").read_text(encoding="utf-8")
    (root / "templates" / "index.html").write_text(original.replace("<h1>", "<h1 data-override>"), encoding="utf-8")
    wait_for(lambda: "data-override" in fetch(url)[1])
