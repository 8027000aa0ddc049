"""site-gen serve: every save shows in the open page, after any pause, however the editor writes it.

Each case saves after a pause of more than 3.5 s (livereload, left to itself, reloaded the page
before the rebuild then) and again in quick succession (it used to drop those), with the real
`site-gen serve` process and Chromium.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, Route, expect

from bench.corpus import write_corpus
from tests.conftest import REPO, SITES
from tests.previewing import Preview, free_port, launch

PAUSE = 3.6  # longer than livereload's 3 s between reloads
SEEN = 10_000  # ms a save may take to show


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
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    """A running preview of a copy of the minimal site."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    running = launch(root)
    yield running
    running.stop()


def open_live(page: Page, url: str) -> None:
    """Open URL and wait until livereload has connected it to the preview."""
    page.goto(url)
    page.wait_for_function("window.LiveReload && window.LiveReload.connector && window.LiveReload.connector.socket")
    page.wait_for_function("window.LiveReload.connector.socket.readyState === 1")
    page.wait_for_timeout(300)


def mark(page: Page) -> None:
    """Leave a mark in the open page: a reload removes it."""
    page.evaluate("window.__unchanged = true")


def reloaded(page: Page) -> bool:
    """Whether the page was reloaded since it was marked."""
    return not page.evaluate("window.__unchanged === true")


# ---- how editors save a file ----


def in_place(path: Path, text: str) -> None:
    """Truncate and write (most editors, `echo >`)."""
    path.write_text(text, encoding="utf-8")


def by_rename(path: Path, text: str) -> None:
    """Write a temporary file beside it and rename it over (JetBrains safe write, many others)."""
    temporary = path.with_name(path.name + "___jb_tmp___")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def like_vim(path: Path, text: str) -> None:
    """Vim with backupcopy=no: probe with 4913, move the file to a backup, write anew, delete the backup."""
    probe = path.with_name("4913")
    probe.write_text("", encoding="utf-8")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.replace(path, backup)
    path.write_text(text, encoding="utf-8")
    backup.unlink()


def delete_then_create(path: Path, text: str) -> None:
    """Delete the file, then create it again."""
    path.unlink()
    path.write_text(text, encoding="utf-8")


SAVES = {"in place": in_place, "by rename": by_rename, "like vim": like_vim, "delete then create": delete_then_create}


def retitle(root: Path, new: str, save: Callable[[Path, str], None] = in_place) -> None:
    """Give the paper in older.yaml a new title."""
    paper = root / "content" / "papers" / "older.yaml"
    text = paper.read_text(encoding="utf-8")
    save(paper, text.replace(text.split("\n", 1)[0], f"title: {new}", 1))


# Polled every 100 ms by a cheap script: on a page of thousands of papers, a locator's own polling keeps
# the page too busy to reload for tens of seconds.
_TITLE_SHOWN = "t => [...document.querySelectorAll('.paper-title a')].some(a => a.textContent === t && a.offsetParent)"


def shows_title(page: Page, title: str, shown: bool = True) -> None:
    """The open page lists a paper with this title (or, with shown=False, none)."""
    check = _TITLE_SHOWN if shown else f"t => !({_TITLE_SHOWN})(t)"
    page.wait_for_function(check, arg=title, polling=100, timeout=SEEN)


# ---- the cases ----


def test_the_first_save_after_ten_seconds_idle_shows(page: Page, preview: Preview) -> None:
    open_live(page, preview.url)
    page.wait_for_timeout(10_000)
    retitle(preview.root, "Saved After Ten Idle Seconds")
    shows_title(page, "Saved After Ten Idle Seconds")


@pytest.mark.parametrize("save", SAVES.values(), ids=SAVES.keys())
def test_every_way_of_saving_shows_after_a_pause_and_in_quick_succession(
    page: Page, preview: Preview, save: Callable[[Path, str], None]
) -> None:
    open_live(page, preview.url)
    for title in ("After A Pause", "Right After"):
        if title == "After A Pause":
            page.wait_for_timeout(PAUSE * 1000)
        retitle(preview.root, title, save)
        shows_title(page, title)


def test_two_saves_one_second_apart_end_on_the_second(page: Page, preview: Preview) -> None:
    open_live(page, preview.url)
    page.wait_for_timeout(PAUSE * 1000)
    retitle(preview.root, "First Of Two")
    time.sleep(1)
    retitle(preview.root, "Second Of Two")
    shows_title(page, "Second Of Two")
    page.wait_for_timeout(1500)
    shows_title(page, "Second Of Two")


def test_a_burst_of_saves_ends_on_the_last(page: Page, preview: Preview) -> None:
    open_live(page, preview.url)
    for n in range(8):
        retitle(preview.root, f"Burst Save {n}")
        time.sleep(0.12)
    shows_title(page, "Burst Save 7")
    page.wait_for_timeout(1500)
    shows_title(page, "Burst Save 7")


def test_a_broken_save_shows_its_located_error_and_the_fix_brings_the_page_back(page: Page, preview: Preview) -> None:
    paper = preview.root / "content" / "papers" / "older.yaml"
    original = paper.read_text(encoding="utf-8")
    error = "content/papers/older.yaml:2:1: error: unknown key 'authrs' — did you mean 'authors'?"
    open_live(page, preview.url)
    for pause in (PAUSE, 0):
        page.wait_for_timeout(pause * 1000)
        paper.write_text(original.replace("authors:", "authrs:"), encoding="utf-8")
        expect(page.locator(".errors")).to_contain_text(error, timeout=SEEN)
        assert (preview.root / "_site" / "index.html").is_file(), "the last good build stays on disk"
        page.wait_for_timeout(pause * 1000)
        paper.write_text(original, encoding="utf-8")
        shows_title(page, "Knowledge Graphs for Recommendation")


def test_a_new_paper_file_shows_and_a_deleted_one_goes(page: Page, preview: Preview) -> None:
    new = preview.root / "content" / "papers" / "new.yaml"
    venue = "Findings of the Association for Computational Linguistics: ACL 2025"
    paper = 'title: {title}\nauthors: [Zoë Müller]\nyear: 2025\nvenue: "' + venue + '"\n'
    open_live(page, preview.url)
    for pause, title in ((PAUSE, "A Paper Added After A Pause"), (0, "A Paper Added At Once")):
        page.wait_for_timeout(pause * 1000)
        new.write_text(paper.format(title=title), encoding="utf-8")
        shows_title(page, title)
        page.wait_for_timeout(pause * 1000)
        new.unlink()
        shows_title(page, title, shown=False)


def test_an_edited_template_shows(page: Page, preview: Preview) -> None:
    (preview.root / "templates").mkdir()
    override = preview.root / "templates" / "index.html"
    original = (REPO / "templates" / "index.html").read_text(encoding="utf-8")
    open_live(page, preview.url)
    for pause, words in ((PAUSE, "Template edited after a pause"), (0, "Template edited at once")):
        page.wait_for_timeout(pause * 1000)
        override.write_text(original.replace("{% block main %}", "{% block main %}<p>" + words + "</p>"), "utf-8")
        expect(page.get_by_text(words)).to_be_visible(timeout=SEEN)


def test_an_edited_static_file_shows(page: Page, preview: Preview) -> None:
    picture = preview.root / "static" / "img" / "zoe.svg"
    original = picture.read_text(encoding="utf-8")
    open_live(page, preview.url)
    photo = page.locator("img.owner-photo")
    for pause, colour in ((PAUSE, "#123456"), (0, "#654321")):
        page.wait_for_timeout(pause * 1000)
        mark(page)
        picture.write_text(original.replace("<svg ", f'<svg data-colour="{colour}" ', 1), encoding="utf-8")
        wait_for(lambda: reloaded(page))
        expect(photo).to_be_visible(timeout=SEEN)
        assert colour in fetch(preview.url + "static/img/zoe.svg")[1]


def test_a_css_change_restyles_the_page_in_place(page: Page, preview: Preview) -> None:
    page.set_viewport_size({"width": 400, "height": 300})
    base = (REPO / "static" / "site.css").read_text("utf-8")
    (preview.root / "static" / "site.css").write_text(base + "\n/* the site's own */\n", "utf-8")
    wait_for(lambda: "the site's own" in fetch(preview.url + "static/site.css")[1])
    open_live(page, preview.url)
    page.evaluate("window.scrollTo(0, 200)")
    for pause, colour in ((PAUSE, "rgb(1, 2, 3)"), (0, "rgb(4, 5, 6)")):
        page.wait_for_timeout(pause * 1000)
        mark(page)
        (preview.root / "static" / "site.css").write_text(base + f"\nbody {{ background: {colour}; }}\n", "utf-8")
        page.wait_for_function(f"getComputedStyle(document.body).backgroundColor === '{colour}'", timeout=SEEN)
        assert not reloaded(page), "a CSS-only change restyles the page without reloading it"
        assert page.evaluate("window.scrollY") == 200


def test_other_changes_reload_the_page_where_the_reader_was(page: Page, preview: Preview) -> None:
    page.set_viewport_size({"width": 400, "height": 300})
    open_live(page, preview.url)
    page.evaluate("window.scrollTo(0, 500)")
    page.wait_for_timeout(PAUSE * 1000)
    mark(page)
    retitle(preview.root, "Reloaded In Place")
    wait_for(lambda: reloaded(page))
    expect(page.get_by_text("Reloaded In Place")).to_have_count(1, timeout=SEEN)
    page.wait_for_function("window.scrollY > 0")
    assert page.evaluate("window.scrollY") == 500


def test_an_edited_site_yaml_shows(page: Page, preview: Preview) -> None:
    site = preview.root / "content" / "site.yaml"
    original = site.read_text(encoding="utf-8")
    open_live(page, preview.url)
    for pause, affiliation in ((PAUSE, "ETH Zürich"), (0, "EPFL")):
        page.wait_for_timeout(pause * 1000)
        site.write_text(original.replace("Université de Lausanne", affiliation), encoding="utf-8")
        expect(page.locator(".affiliation")).to_have_text(affiliation, timeout=SEEN)


def test_a_page_loading_while_a_rebuild_finishes_reloads_once_connected(page: Page, preview: Preview) -> None:
    held: list[Route] = []
    page.route("**/livereload.js*", lambda route: held.append(route))  # the page loads, but cannot connect yet
    page.goto(preview.url, wait_until="domcontentloaded")
    page.wait_for_function("document.readyState !== 'loading'")
    wait_for(lambda: bool(held))
    before = len(preview.lines)
    retitle(preview.root, "Saved While The Page Loaded")
    preview.wait_for_line("rebuilt", after=before)
    held[0].continue_()
    shows_title(page, "Saved While The Page Loaded")


def test_editor_files_never_rebuild(page: Page, preview: Preview) -> None:
    open_live(page, preview.url)
    mark(page)
    before = len(preview.lines)
    for folder in ("content/papers", "static", "content"):
        for name in (
            ".older.yaml.swp",
            ".older.yaml.swx",
            "4913",
            "older.yaml~",
            "#older.yaml#",
            "older.yaml___jb_old___",
        ):
            (preview.root / folder / name).write_text("title: [", encoding="utf-8")
    (preview.root / "content" / "papers" / ".#older.yaml").symlink_to("user@host.1234")
    page.wait_for_timeout(1500)
    assert preview.lines[before:] == []
    assert not reloaded(page)
    assert fetch(preview.url + "static/4913")[0] == 404, "nor are they copied into the site"


def test_the_terminal_says_what_happened_in_one_line_per_rebuild(page: Page, preview: Preview) -> None:
    paper = preview.root / "content" / "papers" / "older.yaml"
    original = paper.read_text(encoding="utf-8")
    open_live(page, preview.url)
    before = len(preview.lines)
    paper.write_text(original.replace("Knowledge Graphs", "Graphs"), encoding="utf-8")
    line = preview.wait_for_line("changed", after=before)
    assert line.startswith("content/papers/older.yaml changed: rebuilt 3 papers in 0.")
    assert line.endswith("files written")
    page.wait_for_timeout(1000)
    assert len(preview.lines) == before + 1, "one save, one rebuild, one line"

    before = len(preview.lines)
    paper.write_text(original.replace("authors:", "authrs:"), encoding="utf-8")
    preview.wait_for_line("build failed", after=before)
    page.wait_for_timeout(500)
    assert preview.lines[before:] == [
        "content/papers/older.yaml:2:1: error: unknown key 'authrs' — did you mean 'authors'?",
        "content/papers/older.yaml changed: build failed with 1 error; the browser shows them in place of every"
        " page until they are fixed (the last good build stays in _site/)",
    ]
    assert not any("GET" in line or "Browser" in line or "Reload" in line for line in preview.lines)


def test_a_save_during_a_rebuild_is_queued_not_lost(tmp_path: Path, page: Page) -> None:
    write_corpus(tmp_path, 3000)
    newest = sorted((tmp_path / "content" / "papers").glob("*.yaml"))[-1]
    papers = yaml.safe_load(newest.read_text(encoding="utf-8"))
    papers[0]["title"] = "Saved During A Rebuild"
    (tmp_path / "templates").mkdir()
    running = launch(tmp_path)
    try:
        open_live(page, running.url)
        before = len(running.lines)
        base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
        (tmp_path / "templates" / "base.html").write_text(base.replace("<main", "<main data-edited"), "utf-8")
        time.sleep(0.4)  # every page of 3,000 papers is being rendered anew: a second or more
        newest.write_text(yaml.safe_dump(papers, allow_unicode=True, sort_keys=False), encoding="utf-8")
        shows_title(page, "Saved During A Rebuild")
        expect(page.locator("main[data-edited]")).to_have_count(1)
        page.wait_for_timeout(1000)
        rebuilt = [line for line in running.lines[before:] if "rebuilt" in line]
        assert [line.split(":")[0] for line in rebuilt] == [
            "templates/base.html changed",
            f"content/papers/{newest.name} changed",
        ]
    finally:
        running.stop()


def test_make_site_passes_port_and_host_through(tmp_path: Path) -> None:
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, tmp_path / name)
    for folder in ("content", "static"):
        shutil.copytree(SITES / "minimal" / folder, tmp_path / folder)
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    port = free_port()
    process = subprocess.Popen(
        # -o: the copy shares this checkout's installed .venv, which must not be reinstalled from the copy
        ["make", "--no-print-directory", "-o", ".venv/.installed", "site", f"PORT={port}", "HOST=127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(lambda: fetch(f"http://127.0.0.1:{port}/")[0] == 200, seconds=30)
        assert "Zoë Müller" in fetch(f"http://127.0.0.1:{port}/")[1]
    finally:
        os.killpg(process.pid, signal.SIGINT)
        output = process.communicate(timeout=10)[0]
    assert f'site-gen serve --host "127.0.0.1" --port "{port}"' in output


# ---- serving ----


def test_serves_the_site_with_the_reload_script(preview: Preview) -> None:
    status, body = fetch(preview.url)
    assert status == 200 and "Zoë Müller" in body and "livereload.js" in body
    assert fetch(preview.url + "papers/2024.acl-long.1/")[0] == 200
    assert fetch(preview.url + "no/such/page")[0] == 404


def test_a_folder_without_its_slash_redirects_so_relative_links_work(page: Page, preview: Preview) -> None:
    page.goto(preview.url + "papers/2024.acl-long.1?from=typed")
    assert page.url == preview.url + "papers/2024.acl-long.1/?from=typed"
    bib = page.locator("a[download]").evaluate("a => a.href")
    assert bib == preview.url + "papers/2024.acl-long.1/2024.acl-long.1.bib"
    assert fetch(bib)[0] == 200


def test_the_built_site_carries_nothing_of_the_preview(preview: Preview) -> None:
    built = (preview.root / "_site" / "index.html").read_text(encoding="utf-8")
    assert "livereload" not in built and "__site-gen" not in built


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


def test_nothing_outside_the_output_folder_is_served(preview: Preview) -> None:
    (preview.root / "secret.txt").write_text("not for the web", encoding="utf-8")
    host, port = preview.url.split("//")[1].rstrip("/").split(":")
    for path in ("/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/../content/site.yaml"):
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode()
        assert response.status == 404 and "not for the web" not in body and "base_url" not in body, path
        connection.close()


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    running = launch(root)
    running.stop()
    time.sleep(0.2)
    assert not any("Traceback" in line for line in running.lines)
    assert running.process.returncode in (0, 130)


def test_ctrl_c_stops_the_preview_while_pages_are_being_served(tmp_path: Path) -> None:
    shutil.copytree(SITES / "minimal", tmp_path / "site")
    for attempt in range(5):  # Ctrl-C landing inside a request is what tornado used to swallow
        running = launch(tmp_path / "site")
        done = threading.Event()

        def fetch_until_done(url: str = running.url, done: threading.Event = done) -> None:
            while not done.is_set():
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(url + "papers/2024.acl-long.1/", timeout=2).read()

        readers = [threading.Thread(target=fetch_until_done) for _ in range(4)]
        for reader in readers:
            reader.start()
        time.sleep(0.3)
        try:
            running.stop()
        finally:
            done.set()
            for reader in readers:
                reader.join()
        assert running.process.returncode in (0, 130), attempt


def test_a_templates_folder_made_while_serving_is_watched(preview: Preview) -> None:
    assert not (preview.root / "templates").exists()
    (preview.root / "templates").mkdir()
    original = (REPO / "templates" / "index.html").read_text(encoding="utf-8")
    (preview.root / "templates" / "index.html").write_text(original.replace("<h1>", "<h1 data-override>"), "utf-8")
    wait_for(lambda: "data-override" in fetch(preview.url)[1])
