"""Write: stream rendered files into a fresh folder beside the output, then swap it in."""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from site_gen.content import GENERATOR_ROOT
from site_gen.render import Data

STAGING_PREFIX = "tmp-"
# In every folder a build writes, so that a later build knows the folder is its own to replace (contract, section 1);
# always the same bytes, as the same content must give the same output.
MARKER = ".site-gen"
MARKER_TEXT = b"This folder is written by site-gen and replaced whole on every build: edit content/, not these files.\n"
SOURCES = ("content", "templates", "static")
# What every build has written since the first version, so a default ROOT/_site from before the marker is still
# recognised as a build and its users are not locked out of their own output folder.
OLD_BUILD_FILES = (".nojekyll", "index.html", "sitemap.xml")


def refusal(root: Path, out: Path) -> str | None:
    """Why building ROOT into OUT could destroy what is not a built site, or None if it cannot."""
    root, out = root.resolve(), out.resolve()
    instead = f"choose a folder of its own, like {root / '_site'}"
    if _within(root, out):
        where = "it is the site's own folder" if _within(out, root) else f"it holds {root}, the site's own folder,"
        return f"cannot write the site into {out}: {where} and a build replaces the whole folder; {instead}"
    for base in (root, GENERATOR_ROOT):
        for folder in (base / name for name in SOURCES):
            if _within(out, folder):
                return f"cannot write the site into {out}: it is inside {folder}, which the build reads; {instead}"
    existing = next(path for path in (out, *out.parents) if path.exists())
    if not existing.is_dir():
        return f"cannot write the site into {out}: {existing} is a file; choose a folder"
    if existing == out and not _replaceable(root, out):
        return (
            f"cannot write the site into {out}: it holds files no build wrote (there is no {MARKER} in it) "
            "and a build replaces the whole folder; empty it or choose another"
        )
    return None


def _within(path: Path, folder: Path) -> bool:
    """Whether PATH is FOLDER or inside it, by name or on disk (another spelling on a disk that ignores case)."""
    if path.is_relative_to(folder):
        return True
    return folder.exists() and any(part.exists() and part.samefile(folder) for part in (path, *path.parents))


def _replaceable(root: Path, out: Path) -> bool:
    """Whether the existing folder OUT is empty or was written by a build."""
    if (out / MARKER).is_file() or not any(out.iterdir()):
        return True
    return out == root / "_site" and all((out / name).is_file() for name in OLD_BUILD_FILES)


def _staging_prefix(out: Path) -> str:
    """Folders beside OUT named like this belong to builds of OUT (a killed build leaves one)."""
    return f".{out.name}.{STAGING_PREFIX}"


def remove_stale(out: Path) -> None:
    """Delete staging folders left beside OUT by builds that were killed."""
    prefix = _staging_prefix(out)
    for path in out.parent.glob(prefix + "*"):
        shutil.rmtree(path, ignore_errors=True)


def write_site(out: Path, fill: Callable[[Path], None], static: dict[str, Path]) -> None:
    """Let `fill` write every file into a staging folder, add the static assets and MARKER, then replace OUT with it.

    If anything fails (a render error surfaces while writing), the staging folder is removed and OUT
    is left exactly as it was.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(out), dir=out.parent))
    try:
        fill(staging)
        _copy_static(staging, static)
        write_file(str(staging / MARKER), MARKER_TEXT)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_files(staging: Path, files: Iterable[tuple[str, Data]]) -> None:
    """Each (relative path, bytes) under the staging folder (plain os calls: 20,000 Path objects cost 0.2 s)."""
    base = str(staging) + "/"
    made: set[str] = set()
    for rel, data in files:
        folder = os.path.dirname(rel)
        if folder not in made:
            _make_folder(base + folder)
            made.add(folder)
        write_file(base + rel, data)


def _make_folder(path: str) -> None:
    """Make the folder at PATH and any missing parents (one mkdir where the parent exists, as it mostly does)."""
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)


def write_file(path: str, data: Data) -> None:
    """Create or truncate the file at PATH and write DATA (bytes, or its pieces in order, written as they come)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        for batch in _batches(data):
            _write_pieces(descriptor, batch)
    finally:
        os.close(descriptor)


# Pieces handed to the system in one writev call (fewer than IOV_MAX, at least 16 on any POSIX system, to
# write a stream as it comes rather than gather a thousand pieces of it first).
_MOST_PIECES = 16


def _batches(data: Data) -> Iterator[list[bytes]]:
    """DATA's pieces, in batches of at most _MOST_PIECES."""
    if isinstance(data, bytes):
        yield [data]
        return
    batch: list[bytes] = []
    for piece in data:
        batch.append(piece)
        if len(batch) == _MOST_PIECES:
            yield batch
            batch = []
    if batch:
        yield batch


def held(data: Data) -> list[bytes]:
    """An output's pieces, all made (not joined: a joined index of 10,000 papers is an 18 MB copy)."""
    return [data] if isinstance(data, bytes) else list(data)


def _write_pieces(descriptor: int, pieces: list[bytes]) -> None:
    """Write PIECES in order; a short write (a full disk, a signal) goes on from where it stopped."""
    written = os.writev(descriptor, pieces) if hasattr(os, "writev") else 0  # Windows has no writev
    if written == sum(map(len, pieces)):
        return
    for piece in pieces:
        if written >= len(piece):
            written -= len(piece)
            continue
        remaining, written = memoryview(piece)[written:], 0
        while remaining:
            remaining = remaining[os.write(descriptor, remaining) :]


def _copy_static(staging: Path, static: dict[str, Path]) -> None:
    """Copy static assets (already resolved: the root's files override the generator's)."""
    for rel, source in sorted(static.items()):
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _swap(staging: Path, out: Path) -> None:
    """Put staging in OUT's place in one step, so a kill at any moment leaves the old site or the new one."""
    os.chmod(staging, 0o755)
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):  # staging now holds the old site
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = Path(tempfile.mkdtemp(prefix=_staging_prefix(out), dir=out.parent))
    old.rmdir()
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):  # not Linux (Windows cannot even name the C library so)
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)


def replace_file(target: Path, data: Data) -> None:
    """Write one file so a reader sees the old bytes or the new ones, never half of them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{STAGING_PREFIX}{os.getpid()}")
    write_file(str(temporary), data)
    os.replace(temporary, target)


def remove_file(out: Path, rel: str) -> None:
    """Delete one output file and any folders it leaves empty."""
    target = out / rel
    target.unlink(missing_ok=True)
    for folder in target.parents:
        if folder == out or not folder.is_relative_to(out) or any(folder.iterdir()):
            break
        folder.rmdir()


def _holds(target: Path, pieces: list[bytes]) -> bool:
    """Whether TARGET exists with exactly the bytes of PIECES (the size is compared first, without reading)."""
    try:
        if target.stat().st_size != sum(map(len, pieces)):
            return False
        with target.open("rb") as file:
            return all(file.read(len(piece)) == piece for piece in pieces)
    except OSError:
        return False


def write_changes(
    out: Path, files: Iterable[tuple[str, list[bytes]]], static: dict[str, Path], removed: Iterable[str]
) -> tuple[str, ...]:
    """Update OUT in place: files whose bytes changed replaced one by one, static files copied, gone files deleted.

    Returns the output paths written or deleted.
    """
    changed = []
    for rel, data in files:
        if not _holds(out / rel, data):
            replace_file(out / rel, data)
            changed.append(rel)
    for rel, source in sorted(static.items()):
        replace_file(out / rel, source.read_bytes())
        changed.append(rel)
    for rel in sorted(removed):
        remove_file(out, rel)
        changed.append(rel)
    return tuple(changed)
