"""Paper YAML as people write it: one line per field, author lists inline, long text folded."""

from __future__ import annotations

from typing import Any

import yaml

FOLD_ABOVE = 200
FOLD_WIDTH = 100
NO_WRAP = 100_000


class PaperDumper(yaml.SafeDumper):
    """A SafeDumper with inline lists of names and folded long paragraphs."""


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    """Lists of plain strings on one line: authors: [A, B]."""
    flow = all(isinstance(item, str) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    """Long single-line text folded at spaces (>-), so abstracts stay readable in an editor."""
    foldable = len(data) > FOLD_ABOVE and "\n" not in data and data == data.strip() and "  " not in data
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=">" if foldable else None)


PaperDumper.add_representer(list, _list)
PaperDumper.add_representer(str, _str)


def _field(key: str, value: Any) -> str:
    """'key: value' lines; only folded paragraphs are wrapped."""
    width = FOLD_WIDTH if isinstance(value, str) and len(value) > FOLD_ABOVE else NO_WRAP
    return yaml.dump({key: value}, Dumper=PaperDumper, allow_unicode=True, sort_keys=False, width=width)


def dump_paper(paper: dict[str, Any], marker: str = "- ") -> str:
    """One paper as an item of a YAML list whose items start with MARKER (all spaces: keys indented that far)."""
    indent = " " * len(marker)
    lines = dump_mapping(paper).splitlines()
    return "".join(((marker if i == 0 else indent) + line).rstrip() + "\n" for i, line in enumerate(lines))


def dump_papers(papers: list[dict[str, Any]]) -> str:
    """A YAML list of papers, Unicode kept, separated by blank lines."""
    return "\n".join(dump_paper(paper) for paper in papers)


def dump_mapping(paper: dict[str, Any]) -> str:
    """One paper as a file's single mapping."""
    return "".join(_field(key, value) for key, value in paper.items())
