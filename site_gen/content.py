"""Load: the files under the root, read into plain data that can still say where each value came from.

A file is read again only when its stamp changed; its text is parsed only when neither the items this
builder read before (a list file cut at its items, see yamlfile) nor the cache on disk (cache.py)
already hold what it says. What is left is parsed by PyYAML in as many processes as the build has.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from site_gen import yamlfile
from site_gen.cache import ParsedFiles, digest
from site_gen.errors import SiteError
from site_gen.memo import Memory
from site_gen.parallel import run_tasks

_PACKAGE = Path(__file__).resolve().parent
# Where the generator's own templates/ and static/ are: inside the installed package, or, in a
# checkout of the repository (and an editable install of it), the repository's top-level folders.
GENERATOR_ROOT = _PACKAGE if (_PACKAGE / "templates").is_dir() else _PACKAGE.parent
KeyPath = tuple[str | int, ...]
Stamp = tuple[int, int]  # (mtime in ns, size): a file whose stamp is unchanged is not read again
MAX_FILE_MB = 5.0
# What editors write beside the file being saved (swap, backup, lock and safe-write temporaries, Vim's
# write test "4913"): never an input of the site, and never a reason to rebuild it.
_EDITOR_FILE = re.compile(
    r"^(?:\.#|#|\.goutputstream-|~\$)|(?:~|#|\.tmp|\.part|\.crdownload|___jb_(?:tmp|old)___|\.kate-swp)$"
    r"|^\..*\.sw[a-z]$|^(?:4913|\.DS_Store)$"
)


def is_editor_file(name: str) -> bool:
    """Whether a file NAME is an editor's swap, backup, lock or temporary file."""
    return _EDITOR_FILE.search(name) is not None


PARALLEL_FROM_BYTES = 2_000_000  # less YAML than this is parsed faster than a process starts


@dataclass(frozen=True)
class SourceFile:
    """Where values came from: a YAML file's path relative to the root, and the file.

    Its text is read again only when an error needs a position: keeping the text of 100,000 papers
    would cost 140 MB for the rare build that fails.
    """

    path: str
    file: Path

    def error(self, keys: KeyPath, message: str, at_key: bool = False) -> SiteError:
        """A SiteError at the value (or its key) reached by `keys`, in the file as it is now."""
        try:
            tree = _tree(self.file, stamp_of(self.file))
        except OSError:  # removed since it was read: the error points at its start
            tree = None
        mark = _find_mark(tree, keys, at_key)
        return SiteError(self.path, mark.line + 1, mark.column + 1, message)


@functools.lru_cache(maxsize=8)  # the errors of one file are located in one walk of its nodes
def _tree(file: Path, stamp: Stamp) -> yaml.Node | None:
    """The node tree of FILE as it is at STAMP (None if it no longer reads)."""
    try:
        return yaml.compose(file.read_bytes().decode("utf-8-sig", errors="replace"), Loader=yamlfile.YamlLoader)
    except yaml.YAMLError:  # broken since it was read (a save during a rebuild): errors point at its start
        return None


@dataclass(frozen=True)
class Source:
    """One YAML file as read: where it is, its data, and what each of its items was read from.

    `keys` has the digest of each top-level item's text when the file was cut at its items, else the
    digest of the whole file (once): a paper is known by its file, its place and its key.
    """

    where: SourceFile
    data: Any
    keys: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """The file's path relative to the root."""
        return self.where.path

    def key(self, index: int) -> str:
        """What the item at INDEX was read from (the whole file, if it was not cut at its items)."""
        return item_key(self.keys, index)

    def error(self, keys: KeyPath, message: str, at_key: bool = False) -> SiteError:
        """A SiteError at the value (or its key) reached by `keys`."""
        return self.where.error(keys, message, at_key)


def item_key(keys: tuple[str, ...], index: int) -> str:
    """What the item at INDEX of a file read from KEYS (a Source's) was read from."""
    return keys[index] if len(keys) > 1 else (keys or ("",))[0] + f":{index}"


@dataclass(frozen=True)
class TextFile:
    """A Markdown page under content/pages/."""

    path: str
    text: str


@dataclass(frozen=True)
class Inputs:
    """Everything read from the root: YAML sources, pages, and the static files to copy."""

    root: Path
    site: Source | None
    papers: tuple[Source, ...]
    pages: tuple[TextFile, ...]
    static_files: dict[str, Path] = field(default_factory=dict)
    template_dirs: tuple[Path, ...] = ()


def _find_mark(node: yaml.Node | None, keys: KeyPath, at_key: bool) -> yaml.Mark:
    """Walk composed nodes along `keys`; stop at the deepest node that exists."""
    if node is None:
        return yaml.Mark("", 0, 0, 0, "", 0)
    mark = node.start_mark
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        child = _child(node, key)
        if child is None:
            return mark
        key_node, node = child
        mark = key_node.start_mark if (last and at_key and key_node is not None) else node.start_mark
    return mark


def _child(node: yaml.Node, key: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    """The (key node, value node) for `key` inside a mapping or sequence node."""
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return None, node.value[key]
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == str(key):
                return key_node, value_node
    return None


def read_text(path: Path, rel: str, max_mb: float = MAX_FILE_MB) -> tuple[str | None, list[SiteError]]:
    """A file's text as UTF-8 (a BOM is allowed), or a located error; files over the limit are not read."""
    raw, errors = _read_bytes(path, rel, max_mb)
    return _decoded(raw, rel) if raw is not None else (None, errors)


def _read_bytes(path: Path, rel: str, max_mb: float) -> tuple[bytes | None, list[SiteError]]:
    """A file's bytes, unless it is over the size limit."""
    size = path.stat().st_size
    if size > max_mb * 1_000_000:
        message = (
            f"file is {size / 1_000_000:.1f} MB, over the {max_mb:g} MB limit; "
            "split it into smaller files or raise --max-file-mb"
        )
        return None, [SiteError(rel, 1, 1, message)]
    return path.read_bytes(), []


def _decoded(raw: bytes, rel: str) -> tuple[str | None, list[SiteError]]:
    """RAW as UTF-8 text (a BOM is allowed), or a located error."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line, col = yamlfile.line_col(raw, exc.start)
        return None, [SiteError(rel, line, col, "file is not UTF-8 text; save it as UTF-8")]


def stamp_of(path: str | Path) -> Stamp:
    """A file's modification time and size."""
    return _stamp(os.stat(path))


def _stamp(info: os.stat_result) -> Stamp:
    """The stamp in a file's status."""
    return info.st_mtime_ns, info.st_size


# ---- reading YAML files ----


@dataclass
class _Reading:
    """A YAML file being read: its text and digest, and (when cut at its items) their digests."""

    file: Path
    rel: str
    stamp: Stamp
    text: str
    digest: str
    keys: tuple[str, ...] = ()
    data: Any = None
    done: bool = False
    errors: list[SiteError] = field(default_factory=list)

    def source(self) -> Source | None:
        """The file as read, if it read without errors."""
        if self.errors or not self.done:
            return None
        return Source(SourceFile(self.rel, self.file), self.data, self.keys or (self.digest,))


@dataclass(frozen=True)
class YamlReader:
    """Reads YAML files, using again what the memory and the cache on disk hold of them."""

    memory: Memory
    cache: ParsedFiles
    max_mb: float = MAX_FILE_MB
    jobs: int = 1

    def read_all(self, files: list[tuple[Path, str, Stamp | None]]) -> tuple[list[Source | None], list[SiteError]]:
        """Each (file, path shown, stamp or None) read: its Source (None if it has errors), and the errors."""
        readings: list[_Reading | Source | None] = []
        errors: list[SiteError] = []
        for file, rel, stamp in files:
            found, found_errors = self._start(file, rel, stamp or stamp_of(file))
            readings.append(found)
            errors += found_errors
        self._parse([r for r in readings if isinstance(r, _Reading) and not r.done])
        sources = [self._finish(r) if isinstance(r, _Reading) else r for r in readings]
        errors += [error for r in readings if isinstance(r, _Reading) for error in r.errors]
        return sources, errors

    def _start(self, file: Path, rel: str, stamp: Stamp) -> tuple[_Reading | Source | None, list[SiteError]]:
        """The file's Source as read at this stamp before, or its reading begun (done where it can be)."""
        known: Source | None = self.memory.parsed.get((rel, stamp))
        if known is not None:
            self.memory.items.touch([rel])  # what the file is read from again after an edit
            return known, []
        raw, errors = _read_bytes(file, rel, self.max_mb)
        text, decode_errors = _decoded(raw, rel) if raw is not None else (None, [])
        if raw is None or text is None:
            return None, errors + decode_errors
        reading = _Reading(file, rel, stamp, text, digest(raw))
        self._from_items(reading)
        if not reading.done:
            reading.done, reading.data = self.cache.get(reading.digest)
            if reading.done:
                self._remember_items(reading)
        return reading, []

    def _from_items(self, reading: _Reading) -> None:
        """Read a list file from its items, as remembered or read alone (if few changed), when it can be cut."""
        if not self.memory.lasting:
            return
        pieces = yamlfile.items(reading.text)
        if pieces is None:
            return
        reading.keys = tuple(digest(piece.encode()) for piece in pieces)
        before = self.memory.items.get(reading.rel)
        if before is None:  # never read whole before (a preview's first build): the cache or one parse is faster
            return
        known = [before.get(key) for key in reading.keys]
        unknown = [i for i, item in enumerate(known) if item is None]
        if len(unknown) > max(8, len(known) // 10):  # many changed: one parse of the file is faster
            return
        try:
            for i in unknown:
                known[i] = yamlfile.read_item(pieces[i])
        except yamlfile.NotAlone:
            return
        reading.data, reading.done = known, True
        self._remember_items(reading)

    def _parse(self, readings: list[_Reading]) -> None:
        """Parse what nothing remembered, in parallel when there is enough of it; remember the results."""
        size = sum(len(reading.text) for reading in readings)
        jobs = self.jobs if size >= PARALLEL_FROM_BYTES else 1
        results = run_tasks([functools.partial(_parse_text, r.text) for r in readings], jobs)
        for reading, (parsed, data) in zip(readings, results, strict=True):
            if not parsed:  # read again here for the error: what PyYAML raised does not cross processes
                reading.errors.append(_yaml_error(reading.rel, reading.text))
                continue
            reading.data, reading.done = data, True
            if yamlfile.plain(data):
                self.cache.put(reading.digest, data)
            self._remember_items(reading)

    def _remember_items(self, reading: _Reading) -> None:
        """Keep the items of a list file cut at its items, each under the digest of its text."""
        data, keys = reading.data, reading.keys
        if not keys or not isinstance(data, list) or len(data) != len(keys):
            reading.keys = ()  # the cuts did not fall between the items: the file is known whole
            return
        self.memory.items.put(reading.rel, dict(zip(keys, data, strict=True)))

    def _finish(self, reading: _Reading) -> Source | None:
        """The Source of a reading: control characters checked; kept for the next build at this stamp."""
        source = reading.source()
        if source is None:
            return None
        # PyYAML refuses control characters written as they are; escapes in double quotes ("\x02") make them.
        if "\\" in reading.text:
            reading.errors += control_errors(source, (), source.data)
            if reading.errors:
                return None
        self.memory.parsed.put((reading.rel, reading.stamp), source)
        return source


def _parse_text(text: str) -> tuple[bool, Any]:
    """(True, TEXT's value), or (False, None) if PyYAML cannot read it."""
    try:
        return True, yamlfile.read(text)
    except (yaml.YAMLError, RecursionError):
        return False, None


def _yaml_error(rel: str, text: str) -> SiteError:
    """The located error of a YAML text that does not read."""
    try:
        yamlfile.read(text)
    except (yaml.YAMLError, RecursionError) as exc:
        return yamlfile.error(rel, text, exc)
    return SiteError(rel, 1, 1, "invalid YAML")  # read in another process, it failed there only


# Characters no text may hold (contract section 5): C0 but tab and line feed, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_message(character: str) -> str:
    """What is wrong with a control character in text, and what to do."""
    return f"control character U+{ord(character):04X} is not allowed in text; remove it"


def control_errors(source: Source, keys: KeyPath, value: Any, seen: set[int] | None = None) -> list[SiteError]:
    """A located error for each text (key or value) at or under VALUE that holds a control character.

    A list or mapping used again through a YAML alias is looked at once (SEEN): an alias bomb would
    otherwise be walked billions of times.
    """
    if isinstance(value, str):
        found = CONTROL.search(value)
        named = [key for key in keys if isinstance(key, str) and key.isprintable()]
        where = f"'{named[-1]}': " if named else ""
        return [source.error(keys, where + control_message(found.group()))] if found else []
    seen = set() if seen is None else seen
    if not isinstance(value, dict | list) or id(value) in seen:
        return []
    seen.add(id(value))
    errors: list[SiteError] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found = CONTROL.search(key) if isinstance(key, str) else None
            if found:
                errors.append(source.error((*keys, key), control_message(found.group()), at_key=True))
            errors += control_errors(source, (*keys, key), item, seen)
    else:
        for index, item in enumerate(value):
            errors += control_errors(source, (*keys, index), item, seen)
    return errors


def text_control_errors(rel: str, text: str) -> list[SiteError]:
    """A located error for the first control character in a text file, if it has one."""
    found = CONTROL.search(text)
    if found is None:
        return []
    line, col = yamlfile.line_col(text, found.start())
    return [SiteError(rel, line, col, control_message(found.group()))]


# ---- the files under the root ----


def outside_symlinks(root: Path, folder: Path) -> list[SiteError]:
    """Symlinks under `folder` that point outside the root: they are errors, never followed."""
    errors = []
    for entry in _walk(str(folder)):
        if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(root.resolve()):
            rel = Path(entry.path).relative_to(root).as_posix()
            message = "symlink points outside the site root; copy the file in instead"
            errors.append(SiteError(rel, 1, 1, message))
    return errors


def _walk(folder: str) -> list[os.DirEntry[str]]:
    """Every entry under FOLDER, not descending into symlinked folders.

    One scandir per folder: entries know their kind without a stat each, and stay strings until a
    file must be read (with 10,000 paper files, Path objects and stats were 0.4 s of every rebuild).
    """
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for entry in entries:
        found.append(entry)
        if entry.is_dir(follow_symlinks=False):
            found += _walk(entry.path)
    return found


def file_entries(folder: Path) -> list[os.DirEntry[str]]:
    """Regular files under `folder` but editors' own (a symlink to a file counts), sorted as paths, not following
    symlinked folders."""
    return sorted(_files(folder), key=lambda e: e.path.split(os.sep))


def _files(folder: Path) -> Iterator[os.DirEntry[str]]:
    """file_entries, unsorted."""
    return (entry for entry in _walk(str(folder)) if entry.is_file() and not is_editor_file(entry.name))


def files_under(folder: Path) -> list[Path]:
    """Regular files under `folder`, sorted, not following symlinked folders."""
    return [Path(entry.path) for entry in file_entries(folder)]


def static_files(root: Path) -> dict[str, Path]:
    """Output path -> source file: the generator's static/, then the root's static/ overriding it."""
    found: dict[str, Path] = {}
    for base in (GENERATOR_ROOT, root):
        for path in files_under(base / "static"):
            found[path.relative_to(base).as_posix()] = path
    return found


def template_dirs(root: Path) -> tuple[Path, ...]:
    """Template folders, the root's first so its files override the generator's one by one."""
    dirs = [root / "templates", GENERATOR_ROOT / "templates"]
    unique = dict.fromkeys(d.resolve() for d in dirs if d.is_dir())
    return tuple(unique)


def load(
    root: Path,
    memory: Memory | None = None,
    cache: ParsedFiles | None = None,
    max_mb: float = MAX_FILE_MB,
    stamps: dict[str, Stamp] | None = None,
    jobs: int = 1,
) -> tuple[Inputs, list[SiteError]]:
    """Read site.yaml, every papers file and every page under ROOT/content.

    MEMORY and CACHE: what was read before (by default, nothing). STAMPS (from input_stamps, taken just
    before) saves looking at each file's stamp a second time.
    """
    root = root.resolve()
    memory, cache = memory or Memory.one_off(), cache or ParsedFiles(None)
    stamps = stamps or {}
    errors: list[SiteError] = []
    for folder in ("content", "static", "templates"):
        errors += outside_symlinks(root, root / folder)
    site_file = root / "content" / "site.yaml"
    has_site = site_file.is_file()  # once: a save between two looks must not make a papers file the site
    if not has_site:
        message = "content/site.yaml is missing; create it with at least title, base_url and author.name"
        errors.append(SiteError("content/site.yaml", 1, 1, message))
    files = [(site_file, "content/site.yaml", stamps.get(str(site_file)))] if has_site else []
    files += _paper_files(root, stamps)
    sources, read_errors = YamlReader(memory, cache, max_mb, jobs).read_all(files)
    site = sources.pop(0) if has_site else None
    pages, page_errors = _load_pages(root, max_mb)
    errors += read_errors + page_errors
    papers = tuple(source for source in sources if source is not None)
    inputs = Inputs(root, site, papers, pages, static_files(root), template_dirs(root))
    return inputs, errors


def paper_files(root: Path) -> list[os.DirEntry[str]]:
    """Every content/papers/**/*.yaml (and .yml) the build reads papers from, in path order (never a symlink)."""
    return [
        entry
        for entry in file_entries(root / "content" / "papers")
        if os.path.splitext(entry.name)[1] in (".yaml", ".yml") and not entry.is_symlink()
    ]


def _paper_files(root: Path, stamps: dict[str, Stamp]) -> list[tuple[Path, str, Stamp | None]]:
    """paper_files: each file, its path shown and its stamp."""
    start = len(str(root)) + 1
    return [(Path(entry.path), entry.path[start:], stamps.get(entry.path)) for entry in paper_files(root)]


def _load_pages(root: Path, max_mb: float) -> tuple[tuple[TextFile, ...], list[SiteError]]:
    """Every content/pages/*.md."""
    pages, errors = [], []
    for path in files_under(root / "content" / "pages"):
        if path.suffix == ".md" and not path.is_symlink():
            rel = path.relative_to(root).as_posix()
            text, found = read_text(path, rel, max_mb)
            text = text.replace("\r\n", "\n") if text is not None else None  # saved on Windows
            found += text_control_errors(rel, text) if text is not None else []
            errors += found
            if text is not None and not found:
                pages.append(TextFile(rel, text))
    return tuple(pages), errors


def input_stamps(root: Path) -> dict[str, Stamp]:
    """The stamp of every file a build reads: content, templates and static files, the generator's too."""
    root = root.resolve()
    folders = [root / "content", root / "templates", root / "static"]
    folders += [GENERATOR_ROOT / "templates", GENERATOR_ROOT / "static"]
    return {entry.path: _stamp(entry.stat()) for folder in folders for entry in _files(folder)}
