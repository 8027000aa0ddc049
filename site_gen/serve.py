"""The live preview: build, serve the output, rebuild on every change, show errors in the browser."""

from __future__ import annotations

import errno
import html
import mimetypes
import socket
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop

from site_gen.build import Builder
from site_gen.content import GENERATOR_ROOT
from site_gen.errors import SiteError, SiteErrors

WATCHED = ("content", "templates", "static")
BURST_SECONDS = 0.05  # changes seen in one poll, or within this much of each other, make one rebuild
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")


class Preview:
    """The state of the preview: where the last good site is, and the errors of the last failed rebuild."""

    def __init__(self, root: Path, out: Path, max_file_mb: float) -> None:
        self.out = out
        self.builder = Builder(root, out, max_file_mb=max_file_mb)
        self.errors: list[SiteError] = []
        self._scheduled = False

    def rebuild(self) -> None:
        """Build; on errors keep the last good site and remember the errors. Never raises."""
        started = time.perf_counter()
        try:
            report = self.builder.build()
        except SiteErrors as exc:
            self.errors = exc.errors
            for error in exc.errors:
                print(error, file=sys.stderr)
            print(f"rebuild failed: {len(exc.errors)} error(s); still serving the last good site", file=sys.stderr)
        else:
            self.errors = []
            seconds = time.perf_counter() - started
            print(f"built {report.papers} papers: {report.written} files written in {seconds:.3f} s", file=sys.stderr)

    def on_change(self) -> None:
        """A watched file changed: schedule one rebuild for the whole burst of changes."""
        if not self._scheduled:
            self._scheduled = True
            IOLoop.current().call_later(BURST_SECONDS, self._rebuild_and_reload)

    def _rebuild_and_reload(self) -> None:
        """Rebuild and reload every open page, whether the rebuild worked (the site) or not (the errors)."""
        self._scheduled = False
        self.rebuild()
        # Sent here rather than by livereload, which drops a reload within 3 s of the previous one.
        LiveReloadHandler.reload_waiters()

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """WSGI: the error page while the content is broken, else files from the output folder only."""
        path = urllib.parse.unquote(environ.get("PATH_INFO", "/"))
        target = (self.out / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.errors and target.suffix == ".html":
            return _respond(start_response, "500 Build Failed", error_page(self.errors), "text/html; charset=utf-8")
        if not target.is_relative_to(self.out.resolve()) or not target.is_file():
            missing = self.out / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"not found"
            return _respond(start_response, "404 Not Found", body, "text/html; charset=utf-8")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        return _respond(start_response, "200 OK", target.read_bytes(), kind)


def _respond(start_response: Callable[..., Any], status: str, body: bytes, kind: str) -> list[bytes]:
    """Send one uncached response."""
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
    return [body]


def error_page(errors: list[SiteError]) -> bytes:
    """The page shown instead of the site while a rebuild is failing."""
    items = "\n".join(f"<li><code>{html.escape(str(error))}</code></li>" for error in errors)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Build failed</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}}li{{margin:.5rem 0}}
code{{white-space:pre-wrap}}</style></head>
<body><main><h1>The site could not be rebuilt</h1>
<p>Fix these and save; this page reloads by itself. The last good build is kept.</p>
<ul class="errors">{items}</ul></main></body></html>""".encode()


def _ignored(path: str) -> bool:
    """Editor swap and temporary files are not changes."""
    name = Path(path).name
    return name.startswith((".#", "#")) or name.endswith(IGNORED_SUFFIXES)


def port_free(host: str, port: int) -> bool:
    """Whether HOST:PORT can be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno != errno.EADDRINUSE
    return True


def serve(root: Path, host: str, port: int, open_browser: bool = False, max_file_mb: float = 5.0) -> int:
    """Build, then serve ROOT/_site at http://HOST:PORT/ until Ctrl-C."""
    if not port_free(host, port):
        print(f"site-gen: error: port {port} is already in use; try --port {port + 1}", file=sys.stderr)
        return 2
    preview = Preview(root, root / "_site", max_file_mb)
    preview.rebuild()
    server = Server(preview.app)
    folders = {(base / name).resolve() for base in (root, GENERATOR_ROOT) for name in WATCHED}
    for folder in sorted(folders):  # a folder that does not exist yet is watched too: it may be made later
        # delay "forever": we send the reload ourselves after each rebuild, so none is dropped.
        server.watch(str(folder), preview.on_change, delay="forever", ignore=_ignored)
    print(f"serving {root / '_site'} at http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    server.serve(host=host, port=port, debug=False, restart_delay=0, open_url_delay=0.5 if open_browser else None)
    return 0
