"""The live preview: build, serve, and on every save rebuild, swap in, then reload the open pages.

One save, in order (issue #12): the file system tells the watcher at once (watchdog: inotify,
FSEvents or ReadDirectoryChangesW, not a poll) -> the save's burst of events settles for
QUIET_SECONDS -> the rebuild runs on the server's own thread, so no request sees half of it and a
save made meanwhile waits for the next one -> only then are the open pages told to reload
(restyled in place when all that changed is CSS). A page that was loading while a rebuild
finished asks, once connected, which build is current, and reloads if it is not showing it.

livereload serves the pages, its script and the reload channel; its own poller and its own
reloads (which ran before the rebuild, or not at all within 3 s of the last one) are not used.
"""

from __future__ import annotations

import contextlib
import errno
import html
import logging
import mimetypes
import os
import signal
import socket
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop
from tornado.platform.asyncio import BaseAsyncIOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from site_gen.build import Builder
from site_gen.content import GENERATOR_ROOT, is_editor_file
from site_gen.errors import SiteError, SiteErrors

WATCHED = ("content", "templates", "static")
QUIET_SECONDS = 0.05  # one save's events (truncate, write, close; or write, rename) come closer together than this
MOST_WAIT_SECONDS = 0.5  # a stream of events that never settles still rebuilds this often
BUILD_PATH = "/__site-gen/build"  # the preview's own address: which build is current
NAMES_SHOWN = 3


class Preview:
    """What the preview serves: the output folder, or the errors of the latest rebuild; and which build that is."""

    def __init__(self, root: Path, out: Path, max_file_mb: float) -> None:
        self.root, self.out = root.resolve(), out.resolve()
        self.builder = Builder(root, out, max_file_mb=max_file_mb)
        self.errors: list[SiteError] = []
        self.generation = 0

    def rebuild(self, saved: list[Path]) -> list[str]:
        """Build; print one line saying what happened; the paths open pages must reload ([] for none).

        SAVED: the paths the watcher saw change (none for the first build). A path that is gone counts if
        the last build read it or a file under it (a folder moved away); other vanished ones were temporary
        files written on the way (a `sed -i`), not saves.
        """
        saved = [path for path in saved if path.exists() or self._held_input(path)]
        if not saved and self.generation:
            return []
        cause = _describe([self._shown(path) for path in saved])
        started = time.perf_counter()
        try:
            report = self.builder.build()
        except SiteErrors as exc:
            return self._failed(exc.errors, cause)
        seconds = time.perf_counter() - started
        recovered, self.errors = bool(self.errors), []
        if not report.changed and not recovered:
            print(f"{cause}: nothing in the site changed ({seconds:.3f} s)", file=sys.stderr)
            return []
        self.generation += 1
        written = (
            f"{report.written} file{'' if report.written == 1 else 's'} written"
            if report.written
            else ("the site is as it was before the errors")
        )
        print(f"{cause}: rebuilt {report.papers} papers in {seconds:.3f} s, {written}", file=sys.stderr)
        return _reloads(report.changed, recovered)

    def _held_input(self, path: Path) -> bool:
        """Whether the last build read PATH, or a file in PATH (a folder)."""
        read, folder = self.builder.read, f"{path}{os.sep}"
        return str(path) in read or any(name.startswith(folder) for name in read)

    def _shown(self, path: Path) -> str:
        """A saved path as the terminal shows it: relative to the root when it is in it; a folder ends in /."""
        shown = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)
        if path.exists():
            return shown + "/" if path.is_dir() else shown
        return shown + ("" if str(path) in self.builder.read else "/") + " (removed)"

    def _failed(self, errors: list[SiteError], cause: str) -> list[str]:
        """Print a failed rebuild's errors; the open pages reload only if they show other errors."""
        for error in errors:
            print(error, file=sys.stderr)
        noun = "error" if len(errors) == 1 else "errors"
        kept = "the last good build stays in _site/" if self.builder.read else "nothing is built until then"
        print(
            f"{cause}: build failed with {len(errors)} {noun}; the browser shows them in place of every page"
            f" until they are fixed ({kept})",
            file=sys.stderr,
        )
        if errors == self.errors:
            return []
        self.errors = errors
        self.generation += 1
        return ["*"]

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """WSGI: the error page while the content is broken, else files from the output folder only."""
        path = urllib.parse.unquote(environ.get("PATH_INFO", "/"))
        if path == BUILD_PATH:
            return _respond(start_response, "200 OK", str(self.generation).encode(), "text/plain; charset=utf-8")
        target = (self.out / path.lstrip("/")).resolve()
        if target.is_dir() and not path.endswith("/") and target.is_relative_to(self.out):
            return _folder_redirect(start_response, environ)
        if target.is_dir():
            target = target / "index.html"
        if self.errors and target.suffix == ".html":
            return self._html(start_response, "500 Build Failed", error_page(self.errors))
        if not target.is_relative_to(self.out) or not target.is_file():
            missing = self.out / "404.html"
            return self._html(start_response, "404 Not Found", missing.read_bytes() if missing.is_file() else b"")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            return self._html(start_response, "200 OK", target.read_bytes())
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        return _respond(start_response, "200 OK", target.read_bytes(), kind)

    def _html(self, start_response: Callable[..., Any], status: str, body: bytes) -> list[bytes]:
        """An HTML page with the check that reloads it if a rebuild finished while it was loading."""
        script = _CURRENT_BUILD_CHECK.replace("GENERATION", str(self.generation)).encode()
        body = body.replace(b"</head>", script + b"</head>", 1)
        return _respond(start_response, status, body, "text/html; charset=utf-8")


# livereload tells the pages open at the moment of a reload; one that was loading then connects
# later. Checked on connecting, and once more in case a rebuild finished between the check and
# livereload registering the page.
_CURRENT_BUILD_CHECK = (
    "<script>(function(){var shown=GENERATION;function check(){fetch('" + BUILD_PATH + "',{cache:'no-store'})"
    ".then(function(r){return r.text();}).then(function(t){if(Number(t)!==shown){location.reload();}},"
    "function(){});}document.addEventListener('LiveReloadConnect',function(){check();setTimeout(check,1000);});"
    "})();</script>"
)


def _reloads(changed: tuple[str, ...], recovered: bool) -> list[str]:
    """What to reload after a rebuild that wrote CHANGED: each stylesheet alone if only CSS changed, else the page."""
    if not recovered and all(path.endswith(".css") for path in changed):
        return list(changed)
    return ["*"]


def _describe(saved: list[str]) -> str:
    """The saved files, as the start of a status line."""
    if not saved:
        return "first build"
    if len(saved) == 1:
        return f"{saved[0]} changed"
    shown = ", ".join(saved[:NAMES_SHOWN]) + (", ..." if len(saved) > NAMES_SHOWN else "")
    return f"{len(saved)} files changed ({shown})"


def _folder_redirect(start_response: Callable[..., Any], environ: dict[str, Any]) -> list[bytes]:
    """To a folder's address with its '/', as GitHub Pages does: the relative links of its index.html start there."""
    query = environ.get("QUERY_STRING", "")
    location = urllib.parse.quote(environ.get("PATH_INFO", "/")) + "/" + (f"?{query}" if query else "")
    start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
    return [b""]


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
<p>Fix these and save; this page reloads by itself. The last good build stays in _site/.</p>
<ul class="errors">{items}</ul></main></body></html>""".encode()


class Rebuilds:
    """One rebuild per burst of saves, run on the server's loop; saves seen during a rebuild make one more."""

    def __init__(self, preview: Preview, loop: IOLoop) -> None:
        self.preview, self.loop = preview, loop
        self.saved: set[Path] = set()
        self.first_seen = 0.0
        self.timer: object | None = None

    def saw(self, path: Path) -> None:
        """A watched file changed (called on the loop): rebuild once the burst it belongs to settles."""
        now = time.monotonic()
        if not self.saved:
            self.first_seen = now
        self.saved.add(path)
        if self.timer is not None:
            self.loop.remove_timeout(self.timer)
        delay = max(0.0, min(QUIET_SECONDS, self.first_seen + MOST_WAIT_SECONDS - now))
        self.timer = self.loop.call_later(delay, self.run)

    def run(self) -> None:
        """Rebuild, then reload the open pages: never before the new files are in place."""
        self.timer = None
        saved, self.saved = sorted(self.saved), set()
        for path in self.preview.rebuild(saved):
            LiveReloadHandler.reload_waiters(path)


class SaveWatcher(FileSystemEventHandler):
    """Reports every save under the watched folders as it happens, editors' own temporary files left out."""

    def __init__(self, bases: tuple[Path, ...], report: Callable[[Path], None]) -> None:
        self.bases = bases
        self.report = report
        self.observer = Observer()
        self.watches: dict[Path, Any] = {}

    def start(self) -> None:
        """Watch each base (for watched folders made later) and every watched folder in it."""
        for base in self.bases:
            self.observer.schedule(self, str(base), recursive=False)
            for name in WATCHED:
                self._watch(base / name)
        self.observer.start()

    def stop(self) -> None:
        """Stop watching."""
        self.observer.stop()
        self.observer.join(timeout=5)

    def _watch(self, folder: Path) -> None:
        """Watch FOLDER and everything under it, anew if it was made again."""
        if folder in self.watches:
            self.observer.unschedule(self.watches.pop(folder))
        if folder.is_dir():
            self.watches[folder] = self.observer.schedule(self, str(folder), recursive=True)

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Called by watchdog's thread for every event."""
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                self._saw(Path(str(path)), event)

    def _saw(self, path: Path, event: FileSystemEvent) -> None:
        """Report PATH if it is in a watched folder (or is one that appeared) and not an editor's own file."""
        if not self._in_watched_folder(path) or is_editor_file(path.name):
            return
        if event.is_directory and path.parent in self.bases:
            self._watch(path)
        self.report(path)

    def _in_watched_folder(self, path: Path) -> bool:
        """Whether PATH is a watched folder of a base or lies in one."""
        return any(path.is_relative_to(base / name) for base in self.bases for name in WATCHED)


class _NotPolling(Watcher):  # type: ignore[misc]  # livereload has no type hints
    """livereload's watcher, told that changes are found elsewhere: it polls nothing and never reloads by itself."""

    def start(self, callback: Callable[[], None]) -> bool:
        """Do not start livereload's poller (the documented way: a watcher that finds changes itself)."""
        return True


def _stop_on_ctrl_c(loop: IOLoop) -> None:
    """Ctrl-C stops the server's loop, from the loop. Left to Python, the KeyboardInterrupt is raised wherever the
    main thread happens to be, and tornado swallows it when that is inside a request (it logs "Uncaught
    exception" and serves on): with a page open, Ctrl-C did nothing about 1 time in 10. A rebuild that is
    running when Ctrl-C comes is finished first (under a second for an edit at 10,000 papers)."""
    if not isinstance(loop, BaseAsyncIOLoop):  # tornado 6 always runs on asyncio; kept typed, not assumed
        return
    with contextlib.suppress(NotImplementedError):  # Windows: Ctrl-C stays a KeyboardInterrupt
        loop.asyncio_loop.add_signal_handler(signal.SIGINT, loop.stop)  # any thread's signal wakes the loop


def _quiet_libraries() -> None:
    """Keep the terminal to one line per rebuild: no access log, no livereload chatter (its warnings stay)."""
    logging.getLogger("tornado.access").addFilter(lambda record: False)
    logging.getLogger("livereload").addFilter(lambda record: record.levelno > logging.INFO)


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
    """Build, then serve ROOT/_site at http://HOST:PORT/ and rebuild on every save, until Ctrl-C."""
    if not port_free(host, port):
        print(f"site-gen: error: port {port} is already in use; try --port {port + 1}", file=sys.stderr)
        return 2
    root = root.resolve()
    preview = Preview(root, root / "_site", max_file_mb)
    preview.rebuild([])
    rebuilds = Rebuilds(preview, IOLoop.current())
    _stop_on_ctrl_c(rebuilds.loop)
    bases = tuple(dict.fromkeys((root, GENERATOR_ROOT.resolve())))
    watcher = SaveWatcher(bases, lambda path: rebuilds.loop.add_callback(rebuilds.saw, path))
    watcher.start()
    _quiet_libraries()
    print(f"serving {root / '_site'} at http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    try:
        server = Server(preview.app, watcher=_NotPolling())
        server.serve(host=host, port=port, debug=False, open_url_delay=0.5 if open_browser else None)
    finally:
        watcher.stop()
    return 0
