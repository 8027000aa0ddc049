"""Load: the files under the root, read into plain data that can still say where each value came from."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from site_gen.errors import SiteError

# The C loader is ~4x faster; positions are recovered by composing nodes only when an error needs one.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLoader(_BaseLoader):  # type: ignore[misc]
    """The safe loader, except that a key given twice in one mapping is an error, not a silent overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key '{key}' appears twice in one mapping (first on line {first}); keep one of them",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return dict(super().construct_mapping(node, deep=deep))


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


@dataclass(frozen=True)
class SourceFile:
    """Where values came from: a YAML file's path relative to the root, and the file.

    Its text is read again only when an error needs a position: keeping the text of 100,000 papers
    would cost 140 MB for the rare build that fails.
    """

    path: str
    file: Path

    @property
    def text(self) -> str:
        """The file's text."""
        return self.file.read_bytes().decode("utf-8-sig", errors="replace")

    @cached_property
    def _tree(self) -> yaml.Node | None:
        try:
            return yaml.compose(self.text, Loader=YamlLoader)
        except (OSError, yaml.YAMLError):  # changed or removed since it was read: errors point at its start
            return None

    def error(self, keys: KeyPath, message: str, at_key: bool = False) -> SiteError:
        """A SiteError at the value (or its key) reached by `keys`."""
        mark = _find_mark(self._tree, keys, at_key)
        return SiteError(self.path, mark.line + 1, mark.column + 1, message)


@dataclass(frozen=True)
class Source:
    """One YAML file as read: where it is, its parsed data and its stamp (papers keep only the where)."""

    where: SourceFile
    data: Any
    stamp: Stamp = field(default=(0, 0), compare=False)

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

    def sources(self) -> list[Source]:
        """site.yaml and every papers file that parsed."""
        return ([self.site] if self.site else []) + list(self.papers)


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
    size = path.stat().st_size
    if size > max_mb * 1_000_000:
        message = (
            f"file is {size / 1_000_000:.1f} MB, over the {max_mb:g} MB limit; "
            "split it into smaller files or raise --max-file-mb"
        )
        return None, [SiteError(rel, 1, 1, message)]
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [SiteError(rel, line, col, "file is not UTF-8 text; save it as UTF-8")]


def stamp_of(path: str | Path) -> Stamp:
    """A file's modification time and size."""
    return _stamp(os.stat(path))


def _stamp(info: os.stat_result) -> Stamp:
    """The stamp in a file's status."""
    return info.st_mtime_ns, info.st_size


def parse_yaml(
    path: str | Path,
    rel: str,
    previous: dict[str, Source] | None = None,
    max_mb: float = MAX_FILE_MB,
    stamp: Stamp | None = None,
) -> tuple[Source | None, list[SiteError]]:
    """One YAML file parsed (or the previous parse, if its STAMP has not changed); PyYAML's reading and errors."""
    stamp = stamp or stamp_of(path)
    known = (previous or {}).get(rel)
    if known is not None and known.stamp == stamp:
        return known, []
    path = Path(path)
    text, errors = read_text(path, rel, max_mb)
    if text is None:
        return None, errors
    try:
        source = Source(SourceFile(rel, path), yaml.load(text, Loader=YamlLoader), stamp)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(rel, text, exc)]
    except RecursionError:
        return None, [SiteError(rel, 1, 1, "invalid YAML: nesting is too deep; flatten the lists and mappings")]
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        return None, [
            SiteError(rel, line, col, f"invalid YAML: control character {character} is not allowed; remove it")
        ]
    except yaml.YAMLError as exc:
        return None, [SiteError(rel, 1, 1, f"invalid YAML: {str(exc).splitlines()[0]}")]
    # PyYAML refuses control characters written as they are; escapes in double quotes ("\x02") make them.
    errors = control_errors(source, (), source.data) if "\\" in text else []
    return (None, errors) if errors else (source, [])


# Characters no text may hold (contract section 5): C0 but tab and line feed, DEL, C1.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_message(character: str) -> str:
    """What is wrong with a control character in text, and what to do."""
    return f"control character U+{ord(character):04X} is not allowed in text; remove it"


def control_errors(source: Source, keys: KeyPath, value: Any) -> list[SiteError]:
    """A located error for each text (key or value) at or under VALUE that holds a control character."""
    if isinstance(value, str):
        found = _CONTROL.search(value)
        named = [key for key in keys if isinstance(key, str)]
        where = f"'{named[-1]}': " if named else ""
        return [source.error(keys, where + control_message(found.group()))] if found else []
    errors: list[SiteError] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found = _CONTROL.search(key) if isinstance(key, str) else None
            if found:
                errors.append(source.error((*keys, key), control_message(found.group()), at_key=True))
            errors += control_errors(source, (*keys, key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            errors += control_errors(source, (*keys, index), item)
    return errors


def text_control_errors(rel: str, text: str) -> list[SiteError]:
    """A located error for the first control character in a text file, if it has one."""
    found = _CONTROL.search(text)
    if found is None:
        return []
    at = found.start()
    line, col = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
    return [SiteError(rel, line, col, control_message(found.group()))]


_SYNTAX_HINTS = (
    ("mapping values are not allowed", "put text that contains ': ' in quotes"),
    ("unknown escape character", "use single quotes for text with backslashes"),
    ("cannot start any token", "put text starting with @, ` or % in quotes"),
    ("expected ',' or ']'", "close the list with ] or put items containing commas in quotes"),
)


def _syntax_error(rel: str, text: str, exc: yaml.MarkedYAMLError) -> SiteError:
    """A YAML syntax error in our format, with a hint for the usual causes."""
    mark = exc.problem_mark or exc.context_mark
    problem = "; ".join(part for part in (exc.context, exc.problem) if part)
    hints = [hint for clue, hint in _SYNTAX_HINTS if clue in problem]
    if mark is not None and "\t" in "".join(text.splitlines()[mark.line : mark.line + 1])[: mark.column + 1]:
        hints.insert(0, "YAML indentation must use spaces, not tabs")
    message = f"invalid YAML: {problem}" + (f" ({hints[0]})" if hints else "")
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return SiteError(rel, line, col, message)


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
    root: Path, previous: Inputs | None = None, max_mb: float = MAX_FILE_MB, stamps: dict[str, Stamp] | None = None
) -> tuple[Inputs, list[SiteError]]:
    """Read site.yaml, every paper file and every page under ROOT/content; reuse unchanged parses.

    STAMPS (from input_stamps, taken just before) saves looking at each file's stamp a second time.
    """
    root = root.resolve()
    known = {source.path: source for source in previous.sources()} if previous else {}
    stamps = stamps or {}
    errors: list[SiteError] = []
    for folder in ("content", "static", "templates"):
        errors += outside_symlinks(root, root / folder)
    site, site_errors = _load_site(root, known, max_mb, stamps)
    papers, paper_errors = _load_papers(root, known, max_mb, stamps)
    pages, page_errors = _load_pages(root, max_mb)
    errors += site_errors + paper_errors + page_errors
    inputs = Inputs(root, site, papers, pages, static_files(root), template_dirs(root))
    return inputs, errors


def _load_site(
    root: Path, known: dict[str, Source], max_mb: float, stamps: dict[str, Stamp]
) -> tuple[Source | None, list[SiteError]]:
    """content/site.yaml, which must exist."""
    path = root / "content" / "site.yaml"
    if not path.is_file():
        message = "content/site.yaml is missing; create it with at least title, base_url and author.name"
        return None, [SiteError("content/site.yaml", 1, 1, message)]
    return parse_yaml(path, "content/site.yaml", known, max_mb, stamps.get(str(path)))


def _load_papers(
    root: Path, known: dict[str, Source], max_mb: float, stamps: dict[str, Stamp]
) -> tuple[tuple[Source, ...], list[SiteError]]:
    """Every content/papers/**/*.yaml (and .yml), in path order."""
    sources, errors = [], []
    start = len(str(root)) + 1
    for entry in file_entries(root / "content" / "papers"):
        if os.path.splitext(entry.name)[1] in (".yaml", ".yml") and not entry.is_symlink():
            rel = entry.path[start:]
            source, found = parse_yaml(entry.path, rel, known, max_mb, stamps.get(entry.path))
            errors += found
            if source is not None:
                sources.append(source)
    return tuple(sources), errors


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
