"""A real `site-gen serve` in a subprocess, and what it is held to: a clean build of a copy of the same content.

Used by test_preview_matches_build.py (contract, section 5a: once the preview has rebuilt after a save,
`_site/` is byte for byte what a clean `site-gen build` of the same content writes).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import site_gen
from site_gen.build import build
from site_gen.errors import SiteErrors
from tests.conftest import REPO, run_cli

QUIET = 0.3  # a rebuild is over once the preview has printed its line and then nothing for this long
DEADLINE = 10.0  # seconds from a save until the preview must show it
ERROR_LINE = re.compile(r"^\S[^:]*:\d+:\d+: error: ")
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)
INPUTS = ("content", "templates", "static")  # what a site's build reads under its root
Tree = dict[str, bytes | None]  # every path under a folder: a file's bytes, or None for a folder

assert Path(site_gen.__file__).resolve().is_relative_to(REPO), "the clean build must run this checkout's code"


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Preview:
    """A running `site-gen serve`: its root, address, and every line it has printed, with when."""

    root: Path
    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self) -> None:
        """Collect the process's output lines as they come (run in a thread)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))
                self.times.append(time.monotonic())

    def alive(self) -> None:
        """Fail, with its last words, if the process has ended."""
        if self.process.poll() is not None:
            time.sleep(0.2)  # the reader thread's last lines
            tail = "\n".join(self.lines[-30:])
            raise AssertionError(f"site-gen serve exited with {self.process.returncode}:\n{tail}")

    def settle(self, after: int, deadline: float) -> bool:
        """Wait until a line past AFTER is printed and then QUIET seconds pass with none; False at DEADLINE."""
        while True:
            self.alive()
            now = time.monotonic()
            with self.lock:
                printed, last = len(self.lines) > after, (self.times[-1] if self.times else 0.0)
            if printed and now - last >= QUIET:
                return True
            if now >= deadline:
                return False
            time.sleep(0.02)

    def wait_for_line(self, text: str, after: int = 0, seconds: float = 15) -> str:
        """The first line past AFTER containing TEXT, once it is printed."""
        deadline = time.monotonic() + seconds
        while True:
            with self.lock:
                found = [line for line in self.lines[after:] if text in line]
            if found:
                return found[0]
            self.alive()
            assert time.monotonic() < deadline, f"no line with {text!r} in {seconds} s:\n" + "\n".join(self.lines)
            time.sleep(0.05)

    def stop(self) -> None:
        """Ctrl-C, or kill if that does not end it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def status_lines(self, after: int) -> list[str]:
        """The lines past AFTER that are not error lines: one per rebuild."""
        return [line for line in self.lines[after:] if not ERROR_LINE.match(line)]

    def last_errors(self, after: int) -> list[str] | None:
        """The error lines printed just before the last status line past AFTER (None without a status line)."""
        lines = self.lines[after:]
        ends = [i for i, line in enumerate(lines) if not ERROR_LINE.match(line)]
        if not ends:
            return None
        errors: list[str] = []
        for line in reversed(lines[: ends[-1]]):
            if not ERROR_LINE.match(line):
                break
            errors.append(line)
        return sorted(errors)


def fetch_status(url: str) -> int:
    """The status of one GET (0 if nothing answers)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def launch(root: Path, *extra: str) -> Preview:
    """`site-gen serve` on ROOT (this checkout's code, with EXTRA options), once it answers (a page or its errors)."""
    port = free_port()
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "site_gen", "serve", "--root", str(root), "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": path},
    )
    preview = Preview(root, f"http://127.0.0.1:{port}/", process)
    threading.Thread(target=preview.read, daemon=True).start()
    deadline = time.monotonic() + 30
    while fetch_status(preview.url) not in (200, 500):
        preview.alive()
        assert time.monotonic() < deadline, "site-gen serve did not answer in 30 s:\n" + "\n".join(preview.lines)
        time.sleep(0.05)
    return preview


def start_preview(root: Path) -> Preview:
    """`site-gen serve` on ROOT, once its first build is done."""
    preview = launch(root)
    preview.settle(0, time.monotonic() + DEADLINE)
    return preview


def served_as_on_disk(preview: Preview, page: str) -> str | None:
    """How PAGE as served differs from `_site/PAGE` beyond the preview's scripts (None: it does not)."""
    with urllib.request.urlopen(preview.url + page, timeout=5) as response:
        served = response.read().decode("utf-8")
    on_disk = (preview.root / "_site" / page / "index.html").read_text(encoding="utf-8")
    if "livereload" not in served or "livereload" in on_disk:
        return f"{page or 'index.html'}: the reload script is {'on disk' if 'livereload' in on_disk else 'not served'}"
    if SCRIPT.sub("", served) != SCRIPT.sub("", on_disk):
        return f"{page or 'index.html'}: served otherwise than written\n{text_diff(on_disk.encode(), served.encode())}"
    return None


def read_tree(folder: Path) -> Tree:
    """Every path under FOLDER: a file's bytes, None for a folder (read again if a file goes while reading)."""
    for _attempt in range(50):
        try:
            return {
                path.relative_to(folder).as_posix(): (path.read_bytes() if path.is_file() else None)
                for path in sorted(folder.rglob("*"))
            }
        except FileNotFoundError:
            time.sleep(0.02)
    raise AssertionError(f"{folder} kept changing while it was read")


def snapshot(root: Path, copy: Path) -> Path:
    """A copy of what a build of ROOT reads (content/, templates/, static/), at COPY, made anew."""
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    for name in INPUTS:
        if (root / name).is_dir():
            shutil.copytree(root / name, copy / name, symlinks=True)
    return copy


@dataclass(frozen=True)
class Clean:
    """A clean build's outcome: the tree it wrote, or (tree None) its errors as printed."""

    tree: Tree | None
    errors: tuple[str, ...] = ()


def clean_build(root: Path, scratch: Path) -> Clean:
    """A one-off build, in this process, of a snapshot of ROOT's content: never written into ROOT."""
    copy, out = snapshot(root, scratch / "root"), scratch / "out"
    shutil.rmtree(out, ignore_errors=True)
    try:
        build(copy, out, jobs=1)
    except SiteErrors as exc:
        return Clean(None, tuple(sorted(str(error) for error in exc.errors)))
    return Clean(read_tree(out))


def cli_build(root: Path, scratch: Path) -> Clean:
    """The same as clean_build, by `site-gen build` in a process of its own: to confirm a difference."""
    copy, out = snapshot(root, scratch / "cli-root"), scratch / "cli-out"
    shutil.rmtree(out, ignore_errors=True)
    result = run_cli("build", "--root", str(copy), "--out", str(out))
    if result.returncode == 1:
        return Clean(None, tuple(sorted(line for line in result.stderr.splitlines() if ERROR_LINE.match(line))))
    assert result.returncode == 0, f"site-gen build exited with {result.returncode}:\n{result.stderr}"
    return Clean(read_tree(out))


def first_difference(expected: Tree, actual: Tree) -> str | None:
    """The first path where the preview's tree differs from the clean build's, said briefly (None if equal)."""
    for path in sorted(expected.keys() | actual.keys()):
        if path not in actual:
            return f"{_shown(path, expected)}: missing from the preview's _site/ (the clean build writes it)"
        if path not in expected:
            return f"{_shown(path, actual)}: extra in the preview's _site/ (the clean build has no such path)"
        want, got = expected[path], actual[path]
        if want != got:
            if want is None or got is None:
                return f"{path}: a {'folder' if want is None else 'file'} in the clean build, not in the preview"
            return f"{path}: different\n{text_diff(want, got)}"
    return None


def _shown(path: str, tree: Tree) -> str:
    """PATH, and if it is a folder in TREE, the files in it."""
    if tree[path] is not None:
        return path
    inside = [other for other in tree if other.startswith(path + "/") and tree[other] is not None]
    return f"{path}/ (a folder holding {', '.join(inside[:3]) + (', ...' if len(inside) > 3 else '') or 'nothing'})"


def text_diff(want: bytes, got: bytes, most: int = 6) -> str:
    """The first differing lines of two texts (at most MOST), each cut to the neighbourhood of its difference."""
    try:
        old, new = want.decode("utf-8").splitlines(), got.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return f"  (binary: {len(want)} bytes in the clean build, {len(got)} in the preview)"
    shown: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(0 if tag == "equal" else max(i2 - i1, j2 - j1)):
            a = (i1 + k + 1, old[i1 + k]) if i1 + k < i2 else None
            b = (j1 + k + 1, new[j1 + k]) if j1 + k < j2 else None
            shown += _line_pair(a, b)
            if len(shown) >= most:
                return "\n".join(shown[:most])
    return "\n".join(shown) or "  (the texts differ only in line endings)"


def _line_pair(a: tuple[int, str] | None, b: tuple[int, str] | None, width: int = 100) -> list[str]:
    """A line of the clean build (A) and of the preview (B), each with its number, around their first difference."""
    at = 0
    if a and b:
        at = next((i for i, (x, y) in enumerate(zip(a[1], b[1], strict=False)) if x != y), min(len(a[1]), len(b[1])))
    start = max(0, at - width // 3)
    return [
        f"  clean   {a[0]:>4}: {_cut(a[1], start, width)}" if a else "  clean       : (no such line)",
        f"  preview {b[0]:>4}: {_cut(b[1], start, width)}" if b else "  preview     : (no such line)",
    ]


def _cut(text: str, start: int, width: int) -> str:
    """WIDTH characters of TEXT from START, marked where cut."""
    return ("…" if start else "") + text[start : start + width] + ("…" if len(text) > start + width else "")
