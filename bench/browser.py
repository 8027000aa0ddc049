"""The index in a real browser: first render, how long a keystroke or a venue click takes to show, and
how long a saved edit takes to reach the page open in the preview.

Drives Debian's Chromium through Playwright (both installed by `make test`); the site is served over
HTTP from a local port, as GitHub Pages would serve it, or by `site-gen serve` for the preview.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: this machine's network is closed, and Chromium's own calls home would fail.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUERIES = ["m", "mu", "mul", "mult", "multi", "multil"]
# One change, then the time until the browser can paint its result (next frame, then its tasks).
TIMED = """async ([kind, value]) => {
  const started = performance.now();
  if (kind === "type") {
    const input = document.querySelector('input[type="search"]');
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  } else {
    document.querySelectorAll("[data-filter-venue], [data-filter-all]")[value].click();
  }
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - started;
}"""
FIRST_PAINT = "performance.getEntriesByName('first-contentful-paint')[0].startTime"
# Chromium DevTools' "Fast 3G" (#20): 1.6 Mbps down, 750 kbps up, 150 ms latency.
FAST_3G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
ASSETS = re.compile(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"')


def gzipped(data: bytes) -> bytes:
    """DATA gzipped as web servers (GitHub Pages among them) send text: level 6."""
    return gzip.compress(data, 6)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """A static file server like GitHub Pages: gzip for text when the browser accepts it, no access log."""

    def log_message(self, format: str, *args: Any) -> None:
        """No access log."""

    def send_head(self) -> Any:
        """A text file gzipped when the browser accepts it; anything else as is."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        text = path.suffix in (".html", ".css", ".js", ".json", ".xml", ".bib")
        if not (text and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzipped(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def served(site: Path) -> Iterator[str]:
    """SITE served over HTTP on a free local port; its base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


PAINTS = 3


def measure_index(site: Path) -> dict[str, float] | None:
    """Median first contentful paint of index.html, keystroke and venue-click ms; None without a browser."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.exists():
        return None
    with served(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        paints = []
        for _ in range(PAINTS):  # the median: the first load also pays for starting the browser's renderer
            page.goto(url + "index.html", wait_until="load")
            paints.append(float(page.evaluate(FIRST_PAINT)))
        keystrokes = [float(page.evaluate(TIMED, ["type", query])) for query in QUERIES]
        page.evaluate(TIMED, ["type", ""])
        clicks = [float(page.evaluate(TIMED, ["click", i])) for i in (1, 2, 3, 0, 1, 0)]
        browser.close()
    return {
        "first_paint_ms": statistics.median(paints),
        "keystroke_ms": statistics.median(keystrokes),
        "keystroke_max_ms": max(keystrokes),
        "filter_ms": statistics.median(clicks),
    }


def reader_bytes(site: Path) -> dict[str, int]:
    """All a reader downloads for the index to work: index.html and the stylesheets and scripts it loads
    (render-blocking or deferred), raw and gzipped."""
    index = site / "index.html"
    html = index.read_bytes()
    files = [index] + [site / (css or js) for css, js in ASSETS.findall(html.decode("utf-8"))]
    contents = [path.read_bytes() for path in files]
    zipped = sum(len(gzipped(content)) for content in contents)
    return {"reader_bytes": sum(map(len, contents)), "reader_gzip_bytes": zipped}


def throttled_paint(site: Path) -> dict[str, float] | None:
    """First contentful paint of index.html under Chromium's Fast-3G throttling, served gzipped, the bytes that came
    over the network before it, and when search and filters work: medians of PAINTS loads, each in a new context."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.exists():
        return None
    loads = []
    with served(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(PAINTS):
            context = browser.new_context()  # nothing cached from the last load
            loads.append(_throttled_load(context.new_page(), url + "index.html"))
            context.close()
        browser.close()
    return {
        "fast3g_paint_ms": statistics.median(paint for paint, _, _ in loads),
        "bytes_before_paint": statistics.median(received for _, received, _ in loads),
        "fast3g_ready_ms": statistics.median(ready for _, _, ready in loads),
    }


def _throttled_load(page: Any, url: str) -> tuple[float, int, float]:
    """Load URL in PAGE over Fast 3G: its first contentful paint (ms); about how many bytes crossed the network
    until then (each response's bytes decoded by then, scaled by its whole transfer over its whole decoded size:
    Chromium reports compressed sizes only per response, not per chunk); and when its scripts had run
    (DOMContentLoaded, ms: search and filters work from then)."""
    session = page.context.new_cdp_session(page)
    chunks: list[tuple[str, float, int]] = []  # (request, monotonic seconds, decoded bytes) as each chunk came
    transferred: dict[str, int] = {}  # request -> bytes over the network, headers included
    clock: list[float] = []  # wall time minus monotonic time, from the first request

    def sent(event: dict[str, Any]) -> None:
        if not clock:
            clock.append(event["wallTime"] - event["timestamp"])

    session.on("Network.requestWillBeSent", sent)
    session.on("Network.dataReceived", lambda e: chunks.append((e["requestId"], e["timestamp"], e["dataLength"])))
    session.on("Network.loadingFinished", lambda e: transferred.update({e["requestId"]: e["encodedDataLength"]}))
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", FAST_3G)
    page.goto(url, wait_until="load", timeout=600_000)
    page.wait_for_timeout(200)  # the last loadingFinished events
    paint = float(page.evaluate(FIRST_PAINT))
    painted_at = (float(page.evaluate("performance.timeOrigin")) + paint) / 1000 - clock[0]
    decoded: dict[str, int] = {}
    for request, _, size in chunks:
        decoded[request] = decoded.get(request, 0) + size
    before = sum(
        size * transferred.get(request, 0) / max(decoded[request], 1)
        for request, at, size in chunks
        if at <= painted_at
    )
    ready = float(page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
    return paint, round(before), ready


EDITS = 9
PAUSE_SECONDS = 3.5  # each edit after a pause, as an author saves (livereload used to drop the first one)
# The newest year's first paper is the index's first entry; its title starts with the edit's mark.
EDIT_SHOWN = (
    "mark => { const a = document.querySelector('.paper-title a'); return a && a.textContent.startsWith(mark); }"
)


def _free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    """Whether URL answers a GET."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


@contextmanager
def previewed(root: Path) -> Iterator[str]:
    """`site-gen serve` on ROOT, once its first build is served; its base URL."""
    port = _free_port()
    command = [sys.executable, "-m", "site_gen", "serve", "--root", str(root), "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 600
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"site-gen serve on {root} did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _newest_year_file(root: Path) -> Path:
    """The papers file whose first paper opens the index (one file per year, as the corpora have)."""
    return sorted((root / "content" / "papers").glob("*.yaml"))[-1]


def _mark_title(path: Path, mark: str) -> None:
    """Put MARK before the first title in PATH (inside its quotes, if it has them), saving in place."""
    text = path.read_text(encoding="utf-8")
    at = text.index("title: ") + len("title: ")
    at += text[at] in "'\""
    path.write_text(text[:at] + mark + text[at:], encoding="utf-8")


def measure_preview(content: Path, scratch: Path) -> dict[str, float] | None:
    """Seconds from saving an edit to the open index showing it, in `site-gen serve`; median and max of EDITS."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.exists():
        return None
    root = scratch / "preview"
    shutil.copytree(content, root / "content")
    edited = _newest_year_file(root)
    seconds = []
    with previewed(root) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function("window.LiveReload && window.LiveReload.connector.socket.readyState === 1")
        for number in range(EDITS):
            time.sleep(PAUSE_SECONDS)
            mark = f"Edited {number} "
            started = time.perf_counter()
            _mark_title(edited, mark)
            page.wait_for_function(EDIT_SHOWN, arg=mark, polling=20, timeout=60_000)
            seconds.append(time.perf_counter() - started)
        browser.close()
    shutil.rmtree(root)
    return {"edit_to_screen_s": statistics.median(seconds), "edit_to_screen_max_s": max(seconds)}
