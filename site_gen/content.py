"""Load: the files under the root, read into plain data that can still say where each value came from.

Every file is read on every build; a text is parsed only when neither the builder's memory (by the
file's path and the digest of its bytes) nor the cache on disk (cache.py) already holds what it
says. What is left is parsed by PyYAML in as many processes as the build has.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Hashable, Iterator
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
Stamp = tuple[int, int, int, int]  # (mtime in ns, ctime in ns, size, inode): a static file with another is copied
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
    file: Path = field(compare=False)

    def error(self, keys: KeyPath, message: str, at_key: bool = False) -> SiteError:
        """A SiteError at the value (or its key) reached by `keys`, in the file as it is now."""
        try:
            tree = _tree(self.file.read_bytes().decode("utf-8-sig", errors="replace"))
        except OSError:  # removed since it was read: the error points at its start
            tree = None
        mark = _find_mark(tree, keys, at_key)
        return SiteError(self.path, mark.line + 1, mark.column + 1, message)


@functools.lru_cache(maxsize=8)  # the errors of one file are located in one walk of its nodes
def _tree(text: str) -> yaml.Node | None:
    """The node tree of a YAML TEXT (None if it does not read)."""
    try:
        return yaml.compose(text, Loader=yamlfile.YamlLoader)
    except yaml.YAMLError:  # broken since it was read (a save during a rebuild): errors point at its start
        return None


@dataclass(frozen=True)
class Source:
    """One YAML file as read: where it is and its data, known by its path and the digest of its bytes."""

    where: SourceFile
    data: Any = field(compare=False)
    digest: str = ""

    @property
    def path(self) -> str:
        """The file's path relative to the root."""
        return self.where.path

    def error(self, keys: KeyPath, message: str, at_key: bool = False) -> SiteError:
        """A SiteError at the value (or its key) reached by `keys`."""
        return self.where.error(keys, message, at_key)


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
    read, errors = read_file(path, rel, max_mb)
    return (read.text if read is not None else None), errors


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
    return info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino


# ---- reading YAML files ----


@dataclass(frozen=True)
class FileText:
    """A file's text as read, known by its path and the digest of its bytes (the text itself is not compared)."""

    path: str
    file: Path = field(compare=False)
    digest: str
    text: str = field(compare=False, repr=False)


def read_source(read: FileText) -> tuple[Source | None, list[SiteError]]:
    """A YAML file's Source (None if it has errors) and its errors."""
    parsed, data = _parse_text(read.text)
    return _source_of(read, parsed, data)


def read_sources(
    reads: list[FileText], memory: Memory, cache: ParsedFiles, jobs: int
) -> list[tuple[Source | None, list[SiteError]]]:
    """read_source of each file: remembered, from the cache on disk, or parsed (in parallel when there is much)."""
    missing = functools.partial(_read_missing, cache=cache, jobs=jobs)
    return memory.call_many(read_source, [(read,) for read in reads], missing)


def _read_missing(
    many: list[tuple[Hashable, ...]], cache: ParsedFiles, jobs: int
) -> list[tuple[Source | None, list[SiteError]]]:
    """read_source of each file not remembered: from the cache on disk, or parsed, and then kept there."""
    reads = [read for (read,) in many if isinstance(read, FileText)]
    found = {read.digest: data for read in reads for hit, data in [cache.get(read.digest)] if hit}
    todo = [read for read in reads if read.digest not in found]
    jobs = jobs if sum(len(read.text) for read in todo) >= PARALLEL_FROM_BYTES else 1
    for read, (parsed, data) in zip(
        todo, run_tasks([functools.partial(_parse_text, r.text) for r in todo], jobs), strict=True
    ):
        if parsed:
            found[read.digest] = data
            if yamlfile.plain(data):
                cache.put(read.digest, data)
    return [_source_of(read, read.digest in found, found.get(read.digest)) for read in reads]


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


def _source_of(read: FileText, parsed: bool, data: Any) -> tuple[Source | None, list[SiteError]]:
    """read_source of a file whose text is already parsed (PARSED: whether it could be, into DATA)."""
    if not parsed:
        return None, [_yaml_error(read.path, read.text)]
    source = Source(SourceFile(read.path, read.file), data, read.digest)
    errors = control_errors(source, (), data) if "\\" in read.text else []
    return (None, errors) if errors else (source, [])


def read_file(file: Path, rel: str, max_mb: float) -> tuple[FileText | None, list[SiteError]]:
    """A file's text, known by its digest, or its errors (too large, not UTF-8)."""
    raw, errors = _read_bytes(file, rel, max_mb)
    if raw is None:
        return None, errors
    text, errors = _decoded(raw, rel)
    return (FileText(rel, file, digest(raw), text) if text is not None else None), errors


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
    jobs: int = 1,
) -> tuple[Inputs, list[SiteError]]:
    """Read site.yaml, every papers file and every page under ROOT/content (MEMORY, CACHE: what was read before)."""
    root = root.resolve()
    errors: list[SiteError] = []
    for folder in ("content", "static", "templates"):
        errors += outside_symlinks(root, root / folder)
    site_file = root / "content" / "site.yaml"
    has_site = site_file.is_file()  # once: a save between two looks must not make a papers file the site
    if not has_site:
        message = "content/site.yaml is missing; create it with at least title, base_url and author.name"
        errors.append(SiteError("content/site.yaml", 1, 1, message))
    start = len(str(root)) + 1
    files = [(site_file, "content/site.yaml")] if has_site else []
    files += [(Path(entry.path), entry.path[start:]) for entry in paper_files(root)]
    reads = [read_file(file, rel, max_mb) for file, rel in files]
    texts = [text for text, _ in reads if text is not None]
    read = read_sources(texts, memory or Memory(), cache or ParsedFiles(None), jobs)
    errors += [error for _, found in reads for error in found] + [error for _, found in read for error in found]
    sources = dict(zip((text.path for text in texts), (source for source, _ in read), strict=True))
    site = sources.pop("content/site.yaml", None) if has_site else None
    pages, page_errors = _load_pages(root, max_mb)
    papers = tuple(source for source in sources.values() if source is not None)
    return Inputs(root, site, papers, pages, static_files(root), template_dirs(root)), errors + page_errors


def paper_files(root: Path) -> list[os.DirEntry[str]]:
    """Every content/papers/**/*.yaml (and .yml) the build reads papers from, in path order (never a symlink)."""
    return [
        entry
        for entry in file_entries(root / "content" / "papers")
        if os.path.splitext(entry.name)[1] in (".yaml", ".yml") and not entry.is_symlink()
    ]


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
