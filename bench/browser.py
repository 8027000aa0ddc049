"""The index in a real browser: first render, and how long a keystroke or a venue click takes to show.

Drives Debian's Chromium through Playwright (both installed by `make test`); the site is served over
HTTP from a local port, as GitHub Pages would serve it.
"""

from __future__ import annotations

import functools
import http.server
import statistics
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log."""


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
