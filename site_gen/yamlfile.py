"""YAML as PyYAML reads it (YAML 1.1, its C loader): values, located errors, and a list file's items alone.

A papers file is mostly a list of papers, one top-level `- ` item each, and an edit changes one of
them. `items` cuts such a file's text at its items where every item then reads alone exactly as it
reads in the file: the first node is a list at the left edge, there are no further documents or
directives, and no anchors (an anchor defined twice in a file is an error that items read alone
would not see). A cut inside a quoted text or a [...] list leaves an item that does not read alone,
and the caller reads the whole file instead.
"""

from __future__ import annotations

import re
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


def read(text: str) -> Any:
    """TEXT's value; raises yaml.YAMLError (or RecursionError) as PyYAML does."""
    return yaml.load(text, Loader=YamlLoader)


class NotAlone(Exception):
    """A piece of a file that does not read as one item on its own."""


def read_item(piece: str) -> Any:
    """The one list item PIECE holds, read alone; raises NotAlone if it is not exactly that."""
    try:
        found = read(piece)
    except (yaml.YAMLError, RecursionError):
        raise NotAlone from None
    if not isinstance(found, list) or len(found) != 1:
        raise NotAlone
    return found[0]


_FIRST_NODE = re.compile(r"\A(?:\ufeff)?(?:[ \t]*(?:#[^\n]*)?\r?\n)*-(?:[ \t\r\n]|\Z)")
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&\S")  # an anchor, or text that only looks like one: either way, no cut
_DOCUMENT_MARKS = ("---", "...", "%")


def items(text: str) -> list[str] | None:
    """TEXT cut at its top-level list items, each to be read alone; None where that could read otherwise."""
    if not _FIRST_NODE.match(text) or _marks_documents(text) or ("&" in text and _ANCHOR.search(text)):
        return None
    starts = []
    at = text.find("\n-")
    while at >= 0:
        if text[at + 2 : at + 3] in ("", " ", "\t", "\r", "\n"):
            starts.append(at + 1)
        at = text.find("\n-", at + 1)
    if not text.lstrip("\ufeff").startswith("-"):
        starts = starts[1:]  # the first item follows comments or blank lines, which go with it
    starts = [0, *starts]
    return [text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]


def _marks_documents(text: str) -> bool:
    """Whether a line of TEXT starts a document or a directive (searched for as text: a pattern is slower)."""
    return text.startswith(_DOCUMENT_MARKS) or any("\n" + mark in text for mark in _DOCUMENT_MARKS)


# ---- errors ----

_SYNTAX_HINTS = (
    ("mapping values are not allowed", "put text that contains ': ' in quotes"),
    ("unknown escape character", "use single quotes for text with backslashes"),
    ("cannot start any token", "put text starting with @, ` or % in quotes"),
    ("expected ',' or ']'", "close the list with ] or put items containing commas in quotes"),
)


def error(rel: str, text: str, exc: BaseException) -> SiteError:
    """What PyYAML could not read in file REL (holding TEXT), as a located error with a hint."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return _syntax_error(rel, text, exc)
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        return SiteError(rel, line, col, f"invalid YAML: control character {character} is not allowed; remove it")
    if isinstance(exc, RecursionError):
        return SiteError(rel, 1, 1, "invalid YAML: nesting is too deep; flatten the lists and mappings")
    return SiteError(rel, 1, 1, f"invalid YAML: {str(exc).splitlines()[0]}")


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


# ---- what a cache can hold ----


def plain(value: Any) -> bool:
    """Whether VALUE is made only of what JSON writes and reads back as the same: text, whole numbers,
    true/false, null, lists and mappings with text keys, each used once (an alias is written out
    whole by JSON: a YAML alias bomb would be billions of copies)."""
    seen: set[int] = set()
    todo = [value]
    while todo:
        item = todo.pop()
        if item is None or type(item) in (str, int, bool):
            continue
        if type(item) not in (list, dict) or id(item) in seen:
            return False
        seen.add(id(item))
        if type(item) is dict:
            if not all(type(key) is str for key in item):
                return False
            todo += item.values()
        else:
            todo += item
    return True
