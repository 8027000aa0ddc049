"""Merge imported papers into the user's YAML: match, fill only what is unset, add the rest, never clobber.

Matching goes by DOI, then id or BibTeX key, then normalised title and year. The user's files are
edited as text: filled keys go in after a paper's last line and new papers after a list's last
item, so every byte already written stays as it was. New papers follow the layout the user has (a
file per year, one list file, or a file per paper) and the spacing between the entries already there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from site_gen import yamlfile
from site_gen.content import CONTROL, control_message, paper_files, read_text, static_files
from site_gen.derive import derived_id
from site_gen.errors import SiteError, SiteErrors
from site_gen.importers.yaml_out import dump_mapping, dump_paper, dump_papers
from site_gen.markup import count_papers, fold
from site_gen.model import Paper
from site_gen.validate import PAPER_REQUIRED, Check, Invalid, Links, authors, doi, paper_spec, text, year
from site_gen.write import replace_file

YEAR_FILE = re.compile(r"^\d{4}\.ya?ml$")
ITEM_MARKER = re.compile(r" *- +")


@dataclass(frozen=True)
class Incoming:
    """A paper read from an import file, in the content format; where it starts there and what errors call it."""

    data: dict[str, Any]
    line: int
    col: int
    name: str


@dataclass(frozen=True)
class Change:
    """One edit an import makes to one file."""

    path: str
    verb: str
    what: str

    def line(self, dry_run: bool) -> str:
        """The edit as the user reads it, like "content/papers/2024.yaml: add 'Title' (2024)"."""
        return f"{self.path}: {'would ' if dry_run else ''}{self.verb} {self.what}"


@dataclass(frozen=True)
class Outcome:
    """What an import did (or, dry, would do): its edits, how many papers fared how, and what it skipped."""

    changes: tuple[Change, ...]
    counts: tuple[tuple[int, str], ...]
    skipped: tuple[SiteError, ...]
    dry_run: bool

    def lines(self) -> list[str]:
        """One line per edit."""
        return [change.line(self.dry_run) for change in self.changes]

    def summary(self) -> str:
        """One line of totals, like 'imported 6 papers: 4 added, 2 completed, 0 unchanged'."""
        total = sum(count for count, _ in self.counts)
        verb = "would import" if self.dry_run else "imported"
        counts = ", ".join(f"{count} {what}" for count, what in self.counts)
        line = f"{verb} {count_papers(total)}: {counts}"
        if self.skipped:
            line += f"; {len(self.skipped)} skipped with errors"
        return line + ("; nothing written (--dry-run)" if self.dry_run else "")


@dataclass
class PaperFile:
    """One papers file the user has, with its parse and the edits planned for it."""

    path: Path
    rel: str
    text: str
    data: Any
    node: yaml.Node | None
    inserts: list[tuple[int, int, str]] = field(default_factory=list)
    appended: list[dict[str, Any]] = field(default_factory=list)

    @property
    def appendable(self) -> bool:
        """Whether new papers can go at its end: it is empty or a block list."""
        return self.data is None or (isinstance(self.node, yaml.SequenceNode) and not self.node.flow_style)

    def papers(self) -> list[tuple[dict[str, Any], yaml.MappingNode]]:
        """Its paper mappings, each with its node."""
        if isinstance(self.data, dict) and isinstance(self.node, yaml.MappingNode):
            return [(self.data, self.node)]
        if isinstance(self.data, list) and isinstance(self.node, yaml.SequenceNode):
            pairs = zip(self.data, self.node.value, strict=True)
            return [(d, n) for d, n in pairs if isinstance(d, dict) and isinstance(n, yaml.MappingNode)]
        return []

    def insert(self, index: int, addition: str) -> None:
        """Plan text to go in at INDEX of the file as it is now."""
        self.inserts.append((index, len(self.inserts), addition))

    def edited(self) -> str:
        """The file's text with the planned keys inserted and the planned papers appended."""
        result = self.text
        newline = "\r\n" if "\r\n" in result else "\n"
        for index, _, addition in sorted(self.inserts, reverse=True):  # from the end: earlier indexes stay valid
            lead = "" if index == 0 or result[index - 1] == "\n" else "\n"
            result = result[:index] + (lead + addition).replace("\n", newline) + result[index:]
        if self.appended:
            marker, gap = item_style(self.text, self.node)
            items = ("\n" if gap else "").join(dump_paper(paper, marker) for paper in self.appended)
            kept = result.rstrip() + newline if result.strip() else ""
            result = kept + (newline if kept and gap else "") + items.replace("\n", newline)
        return result


@dataclass(frozen=True)
class Existing:
    """A paper the user has: its values, its node and its file."""

    data: dict[str, Any]
    node: yaml.MappingNode
    file: PaperFile


@dataclass(frozen=True)
class Layout:
    """Where new papers go, as the user's files show it: 'years', 'list' or 'papers' (a file per paper)."""

    kind: str
    folder: Path
    suffix: str
    list_file: Path | None = None


@dataclass(frozen=True)
class _Draft:
    """The part of a paper its derived id is made of."""

    title: str
    authors: tuple[str, ...]
    year: int


def site_id(data: dict[str, Any]) -> str | None:
    """The id the site gives a paper: its own, or the one derived from it; None when it is no valid paper."""
    if isinstance(data.get("id"), str):
        return str(data["id"])
    try:
        draft = _Draft(text(data.get("title")), authors(data.get("authors")), year(data.get("year")))
    except Invalid:
        return None
    return derived_id(cast(Paper, draft))  # derive.py owns the scheme; it reads only these three fields


def match_keys(paper: dict[str, Any]) -> list[str]:
    """The keys a paper can be found by, strongest first."""
    keys = []
    if paper.get("doi"):
        try:
            keys.append("doi:" + doi(paper["doi"]).lower())
        except Invalid:
            keys.append("doi:" + str(paper["doi"]).lower())
    for name in ("id", "bibkey"):
        if paper.get(name):
            keys.append(f"key:{str(paper[name]).lower()}")
    folded = " ".join(fold(str(paper.get("title", ""))).split())
    title = re.sub(r"[\W_]+", "", folded) or folded  # letters of any script; a title of signs only as it is
    if title and paper.get("year"):
        keys.append(f"title:{title}:{paper['year']}")
    return keys


def refusal(paper: dict[str, Any], spec: dict[str, Check]) -> str | None:
    """Why the site would refuse this paper, in the build's words; None if it would take it."""
    missing = [key for key in PAPER_REQUIRED if key not in paper]
    if missing:
        return f"has no {missing[0]}"
    for key, value in paper.items():
        texts = [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str)]
        bad = next((found.group() for item in texts if (found := CONTROL.search(item))), None)
        if bad is not None:
            return f"'{key}': {control_message(bad)}"
        try:
            spec[key](value)
        except Invalid as exc:
            return f"'{key}': {exc}"
    return None


def _fills(key: str, value: Any, mine: dict[str, Any], paper: dict[str, Any]) -> bool:
    """Whether an incoming value may complete the user's paper: never its id, nor what only held with other values."""
    if key == "id" or (key == "bibkey" and value == mine.get("id")):
        return False
    # An import writes `type` only where it differs from the one the venue implies: for another venue it may not.
    return key != "type" or paper.get("venue") == mine.get("venue")


def load_files(root: Path) -> list[PaperFile]:
    """Every papers file the build reads, parsed with positions; YAML errors in them are raised, all at once."""
    files, errors = [], []
    for entry in paper_files(root):
        path = Path(entry.path)
        rel = path.relative_to(root).as_posix()
        contents, found = read_text(path, rel)
        errors += found
        if contents is None:
            continue
        try:
            data = yamlfile.read(contents)
        except (yaml.YAMLError, RecursionError) as exc:
            errors.append(yamlfile.error(rel, contents, exc))
            continue
        files.append(PaperFile(path, rel, contents, data, yaml.compose(contents, Loader=yamlfile.YamlLoader)))
    if errors:
        raise SiteErrors(errors)
    return files


def find_layout(root: Path, files: list[PaperFile]) -> Layout:
    """A file per year, one list file, or a file per paper, as the user has it; a file per year if they have none."""
    lists = [f for f in files if f.appendable and f.papers()]
    singles = [f for f in files if isinstance(f.node, yaml.MappingNode)]
    if not lists and not singles:
        lists = [f for f in files if f.data is None]  # empty files: the place the user made for papers
    years = [f for f in lists if YEAR_FILE.match(f.path.name)]
    if years:
        return Layout("years", years[0].path.parent, years[0].path.suffix)
    if lists:
        return Layout("list", lists[0].path.parent, lists[0].path.suffix, lists[0].path)
    if singles:
        return Layout("papers", singles[0].path.parent, singles[0].path.suffix)
    return Layout("years", root / "content" / "papers", ".yaml")


def _line_end(contents: str, index: int) -> int:
    """The index just past the line break that ends the line holding INDEX (the end, on the last line)."""
    found = contents.find("\n", index)
    return len(contents) if found < 0 else found + 1


def _before_blank_lines(contents: str, index: int) -> int:
    """INDEX moved back over whole blank lines before it."""
    while index > 0:
        start = contents.rfind("\n", 0, index - 1) + 1
        if contents[start:index].strip():
            break
        index = start
    return index


def end_of(contents: str, node: yaml.MappingNode) -> int:
    """Where a block mapping's text ends: the start of the line after its last value, before blank lines."""
    key, value = node.value[-1]
    end: int = key.end_mark.index  # an alias value is marked where its anchor is, earlier
    while isinstance(value, yaml.MappingNode | yaml.SequenceNode) and value.value and not value.flow_style:
        last = value.value[-1]
        if isinstance(last, tuple):
            end, value = max(end, last[0].end_mark.index), last[1]
        else:
            value = last
    if isinstance(value, yaml.ScalarNode) and value.style in ("|", ">"):
        header = contents[value.start_mark.index : _line_end(contents, value.start_mark.index)]
        keeps = "+" in header.split("#")[0]  # `|+` keeps its trailing blank lines as text
        return max(end, value.end_mark.index if keeps else _before_blank_lines(contents, value.end_mark.index))
    return _line_end(contents, max(end, value.end_mark.index))


def item_style(contents: str, node: yaml.Node | None) -> tuple[str, bool]:
    """How a list file writes its papers: the text before each one's first key, and whether blank lines part them."""
    items = node.value[-2:] if isinstance(node, yaml.SequenceNode) else []
    if not items or not all(isinstance(item, yaml.MappingNode) and not item.flow_style for item in items):
        return "- ", True
    start = contents.rfind("\n", 0, items[-1].start_mark.index) + 1
    marker = contents[start : items[-1].start_mark.index]
    marker = marker if ITEM_MARKER.fullmatch(marker) else "- "
    if len(items) < 2:
        return marker, True
    between = contents[end_of(contents, items[0]) : start]
    return marker, any(not line.strip() for line in between.splitlines())


class Merger:
    """Plans an import: matches each incoming paper, decides where new ones go, and collects the edits."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = load_files(root)
        self.layout = find_layout(root, self.files)
        self.by_path = {f.path: f for f in self.files}
        self.year_files: dict[str, Path] = {}
        self.known: dict[str, Existing | None] = {}  # None: a paper this import adds
        self.taken = {p.stem.lower() for p in (root / "content" / "papers").rglob("*")}  # so new files clobber none
        self.new_files: dict[Path, list[dict[str, Any]]] = {}
        self.changes: list[Change] = []
        self.added = self.completed = self.unchanged = 0
        for paper_file in self.files:
            if YEAR_FILE.match(paper_file.path.name):
                self.year_files.setdefault(paper_file.path.stem, paper_file.path)
            for data, node in paper_file.papers():
                self.taken.add(site_id(data) or "")
                for key in match_keys(data):
                    self.known.setdefault(key, Existing(data, node, paper_file))

    def take(self, paper: dict[str, Any]) -> None:
        """Add the paper, complete the one the user has, or leave theirs as it is."""
        hit = next((key for key in match_keys(paper) if key in self.known), None)
        existing = self.known[hit] if hit is not None else None
        if hit is None:
            self._add(paper)
        elif existing is not None and self._fill(existing, paper):
            self.completed += 1
        else:
            self.unchanged += 1

    def _add(self, paper: dict[str, Any]) -> None:
        """Plan a new paper into its place."""
        paper = self._with_free_id(paper)
        path = self._place(paper)
        if path in self.by_path:
            self.by_path[path].appended.append(paper)
        else:
            self.new_files.setdefault(path, []).append(paper)
        self.changes.append(Change(self._rel(path), "add", f"'{paper['title']}' ({paper['year']})"))
        for key in match_keys(paper):
            self.known.setdefault(key, None)
        self.added += 1

    def _with_free_id(self, paper: dict[str, Any]) -> dict[str, Any]:
        """The paper with an id of its own: an explicit one only where its own or derived id is taken."""
        data = {key: value for key, value in paper.items() if not (key == "bibkey" and value == paper.get("id"))}
        base = site_id(data) or ""
        free, number = base, 2
        while free in self.taken:
            free, number = f"{base}-{number}", number + 1
        self.taken.add(free)
        if free == base and "id" not in data:
            return data
        return {"id": free, **{key: value for key, value in data.items() if key != "id"}}

    def _place(self, paper: dict[str, Any]) -> Path:
        """The user's list file, the file of the paper's year, or a file of its own."""
        layout = self.layout
        if layout.list_file is not None:
            return layout.list_file
        if layout.kind == "years":
            path = self.year_files.get(str(paper["year"]), layout.folder / f"{paper['year']}{layout.suffix}")
            existing = self.by_path.get(path)
            if (existing is None and not path.exists()) or (existing is not None and existing.appendable):
                return path
        return layout.folder / f"{site_id(paper)}{layout.suffix}"

    def _fill(self, existing: Existing, paper: dict[str, Any]) -> bool:
        """Plan the keys the user's paper lacks in after its last line; whether there were any."""
        mine = existing.data
        filled = {key: value for key, value in paper.items() if key not in mine and _fills(key, value, mine, paper)}
        if not filled or existing.node.flow_style:
            return False
        indent = " " * existing.node.start_mark.column
        existing.file.insert(end_of(existing.file.text, existing.node), dump_paper(filled, indent))
        mine.update(filled)
        self.changes.append(Change(existing.file.rel, "fill", f"{', '.join(filled)} of '{mine.get('title')}'"))
        return True

    def _rel(self, path: Path) -> str:
        """A path as the user sees it: from the site root."""
        return path.relative_to(self.root).as_posix()

    def write(self) -> None:
        """Write every planned edit, each file whole or not at all."""
        for paper_file in self.files:
            if paper_file.inserts or paper_file.appended:
                replace_file(paper_file.path, paper_file.edited().encode())
        for path, papers in self.new_files.items():
            alone = len(papers) == 1 and path.stem == site_id(papers[0])
            replace_file(path, (dump_mapping(papers[0]) if alone else dump_papers(papers)).encode())

    def outcome(self, skipped: list[SiteError], dry_run: bool) -> Outcome:
        """What was planned, in the user's words."""
        counts = ((self.added, "added"), (self.completed, "completed"), (self.unchanged, "unchanged"))
        return Outcome(tuple(self.changes), counts, tuple(skipped), dry_run)


def usable(
    root: Path, shown: str, incoming: list[Incoming], errors: list[SiteError], none_found: str
) -> tuple[list[Incoming], list[SiteError]]:
    """The papers the site would take, and every error (one per skipped entry); if none is usable, raise."""
    spec = paper_spec(Links(static_files(root)))
    good, errors = [], list(errors)
    for paper in incoming:
        reason = refusal(paper.data, spec)
        if reason is None:
            good.append(paper)
        else:
            errors.append(SiteError(shown, paper.line, paper.col, f"{paper.name}: {reason}"))
    if not good:
        raise SiteErrors(errors or [SiteError(shown, 1, 1, none_found)])
    return good, sorted(errors)


def read_input(source: Path) -> str:
    """The text of a file to import, or a located error."""
    shown = str(source)
    if not source.is_file():
        raise SiteErrors([SiteError(shown, 1, 1, "file not found")])
    contents, errors = read_text(source, shown)
    if contents is None:
        raise SiteErrors(errors)
    return contents


def merge(root: Path, good: list[Incoming], skipped: list[SiteError], dry_run: bool) -> Outcome:
    """Merge papers into ROOT/content/papers (unless dry_run); what changed, with the entries skipped on the way."""
    merger = Merger(root)
    for paper in good:
        merger.take(paper.data)
    if not dry_run:
        merger.write()
    return merger.outcome(skipped, dry_run)
