"""Merge imported papers into the user's YAML: match, fill only what is unset, add the rest, never clobber.

Matching goes by DOI, then id or BibTeX key, then normalised title and year. Files are edited with
ruamel.yaml's round-trip mode, so comments, key order and quoting survive; new papers are added in
the layout the user already has (a file per year, one list file, or a file per paper).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from site_gen.content import read_text
from site_gen.errors import SiteError, SiteErrors
from site_gen.importers.yaml_out import dump_mapping, dump_paper
from site_gen.markup import fold

YEAR_FILE = re.compile(r"^\d{4}\.ya?ml$")


def _yaml() -> YAML:
    """A round-trip YAML reader/writer that keeps the user's formatting."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


@dataclass
class PaperFile:
    """One papers file as ruamel loaded it."""

    path: Path
    document: Any
    changed: bool = False

    def papers(self) -> list[CommentedMap]:
        """Its paper mappings."""
        if isinstance(self.document, CommentedMap):
            return [self.document]
        if isinstance(self.document, list):
            return [item for item in self.document if isinstance(item, CommentedMap)]
        return []


@dataclass
class Plan:
    """What an import will do: edited files, new files with their papers, and the lines saying so."""

    files: list[PaperFile]
    new_files: dict[Path, list[dict[str, Any]]] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)

    def add(self, path: Path, paper: dict[str, Any]) -> None:
        """Put a new paper at the end of an existing file, or into a new one."""
        existing = next((f for f in self.files if f.path == path), None)
        if existing is None:
            self.new_files.setdefault(path, []).append(paper)
            return
        item = _yaml().load(dump_paper(paper))[0]
        if not isinstance(existing.document, list):
            existing.document = CommentedSeq([existing.document] if existing.document else [])
        existing.document.append(item)
        existing.changed = True


def match_keys(paper: Any) -> list[str]:
    """The keys a paper can be found by, strongest first."""
    keys = []
    if paper.get("doi"):
        keys.append("doi:" + str(paper["doi"]).lower())
    for name in ("id", "bibkey"):
        if paper.get(name):
            keys.append(f"key:{str(paper[name]).lower()}")
    if paper.get("title") and paper.get("year"):
        title = re.sub(r"[^a-z0-9]", "", fold(str(paper["title"])))
        keys.append(f"title:{title}:{paper['year']}")
    return keys


def load_files(root: Path) -> list[PaperFile]:
    """Every papers file the user has, loaded for round-trip editing."""
    folder = root / "content" / "papers"
    paths = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []
    return [PaperFile(path, _yaml().load(path.read_text(encoding="utf-8"))) for path in paths]


def _place_for(paper: dict[str, Any], root: Path, files: list[PaperFile]) -> Path:
    """Where a new paper goes: the user's year file, their one list file, a file of its own, or YEAR.yaml."""
    folder = root / "content" / "papers"
    lists = [f for f in files if isinstance(f.document, list)]
    singles = [f for f in files if isinstance(f.document, CommentedMap)]
    if singles and not lists:
        return folder / f"{paper['id']}.yaml"
    if lists and not any(YEAR_FILE.match(f.path.name) for f in lists):
        return lists[0].path
    return folder / f"{paper['year']}.yaml"


def _fill(target: CommentedMap, incoming: dict[str, Any]) -> list[str]:
    """Copy the fields the user has not set; their id, values and comments stay."""
    filled = []
    for key, value in incoming.items():
        if key == "id" or key in target or (key == "bibkey" and value == target.get("id")):
            continue
        if isinstance(value, list):
            value = CommentedSeq(value)
            value.fa.set_flow_style()
        target[key] = value
        filled.append(key)
    return filled


def plan(root: Path, incoming: list[dict[str, Any]]) -> Plan:
    """Match every incoming paper and decide what changes."""
    result = Plan(load_files(root))
    known: dict[str, Any] = {}
    for paper_file in result.files:
        for existing in paper_file.papers():
            for key in match_keys(existing):
                known.setdefault(key, (paper_file, existing))
    for paper in incoming:
        found = next((known[key] for key in match_keys(paper) if key in known), None)
        if found is None:
            if paper.get("bibkey") == paper.get("id"):
                paper = {key: value for key, value in paper.items() if key != "bibkey"}
            where = _place_for(paper, root, result.files)
            result.add(where, paper)
            result.report.append(f"{_rel(root, where)}: add '{paper['title']}' ({paper['year']})")
            for key in match_keys(paper):
                known.setdefault(key, (None, paper))
            continue
        paper_file, existing = found
        if paper_file is None:
            continue
        filled = _fill(existing, paper)
        if filled:
            paper_file.changed = True
            result.report.append(f"{_rel(root, paper_file.path)}: fill {', '.join(filled)} of '{existing['title']}'")
    return result


def _rel(root: Path, path: Path) -> str:
    """A path as the user sees it."""
    return path.relative_to(root).as_posix()


def apply(result: Plan) -> None:
    """Write the planned changes: edited files through ruamel, new files in the importers' style."""
    for paper_file in result.files:
        if paper_file.changed:
            out = io.StringIO()
            _yaml().dump(paper_file.document, out)
            paper_file.path.write_text(out.getvalue(), encoding="utf-8")
    for path, papers in sorted(result.new_files.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        single = len(papers) == 1 and path.stem == papers[0]["id"] and not YEAR_FILE.match(path.name)
        path.write_text(
            dump_mapping(papers[0]) if single else "\n".join(dump_paper(p) for p in papers), encoding="utf-8"
        )


def read_input(source: Path) -> str:
    """The text of a file to import, or a located error."""
    shown = str(source)
    if not source.is_file():
        raise SiteErrors([SiteError(shown, 1, 1, "file not found")])
    text, errors = read_text(source, shown)
    if text is None:
        raise SiteErrors(errors)
    return text


def merge(root: Path, incoming: list[dict[str, Any]], dry_run: bool = False) -> list[str]:
    """Merge papers into ROOT/content/papers; the lines say what changed (or would, with dry_run)."""
    result = plan(root, incoming)
    if not dry_run:
        apply(result)
    return result.report
