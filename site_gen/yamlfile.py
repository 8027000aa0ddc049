"""YAML as PyYAML reads it (YAML 1.1, its C loader): values, and errors located with a hint of how to fix them."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


# ---- errors ----

# The hints for what the messages below do not explain by themselves.
_SYNTAX_HINTS = (
    ("unknown escape character", "use single quotes for text with backslashes"),
    ("cannot start any token", "put text starting with @, ` or % in quotes"),
    ("while scanning an alias", "put text starting with * in quotes"),
    ("while scanning an anchor", "put text starting with & in quotes"),
)
_KEY = re.compile(r"[^\s#'\"\[{][^:#]*?:(?:\s|$)")  # a plain key and its colon, as a line starts one
_ITEM_MARKS = re.compile(r"(?:-[ ]+)+")
_GLUED_COLON = re.compile(r"([A-Za-z_]+):([^\s:][^\n]*)")  # year:2021, a key and its value with no space between
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what PyYAML counts lines by
_INDENTATION = (
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>",
    "did not find expected <document start>",
)

Place = tuple[int, int, str]  # 1-based line and column, and the message


def line_col(text: str | bytes, at: int) -> tuple[int, int]:
    """The 1-based line and column of offset AT in TEXT, lines counted by line feeds."""
    newline = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline, 0, at) + 1, at - (text.rfind(newline, 0, at) + 1) + 1  # type: ignore[arg-type]


def error(rel: str, text: str, exc: BaseException) -> SiteError:
    """What PyYAML could not read in file REL (holding TEXT), as a located error with a hint."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return _syntax_error(rel, text, exc)
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = line_col(text, exc.position)
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        return SiteError(rel, line, col, f"invalid YAML: control character {character} is not allowed; remove it")
    if isinstance(exc, RecursionError):
        return SiteError(rel, 1, 1, "invalid YAML: nesting is too deep; flatten the lists and mappings")
    return SiteError(rel, 1, 1, f"invalid YAML: {str(exc).splitlines()[0]}")


@dataclass(frozen=True)
class _Failure:
    """A YAML syntax error with the file's lines: PyYAML's words, and where it started looking and where it gave up.

    `at` (the problem mark) is where PyYAML noticed; `since` (the context mark) where the construct it was reading
    began, which is where the mistake is for an unclosed quote or bracket and a line read as a key without ':'.
    """

    lines: tuple[str, ...]
    context: str
    problem: str
    since: tuple[int, int] | None
    at: tuple[int, int] | None

    def line(self, index: int) -> str:
        """The 0-based line INDEX, or '' past the end."""
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def above(self, index: int) -> int | None:
        """The nearest line before the 0-based line INDEX that holds more than a comment."""
        for found in range(min(index, len(self.lines)) - 1, -1, -1):
            if self.lines[found].strip() and not self.lines[found].lstrip().startswith("#"):
                return found
        return None

    def starts_line(self, mark: tuple[int, int]) -> bool:
        """Whether MARK is at the first character of its line that is not a space."""
        return mark[1] == _indent(self.line(mark[0]))


def _indent(line: str) -> int:
    """The spaces a line starts with."""
    return len(line) - len(line.lstrip(" "))


def _content_column(line: str) -> int:
    """Where the key of a line starts (after any '- ' item marks), else where its text starts."""
    indent = _indent(line)
    marks = _ITEM_MARKS.match(line, indent)
    if marks is not None and _KEY.match(line, marks.end()):
        return marks.end()
    return indent


def _spaces(count: int) -> str:
    """'1 space', '4 spaces'."""
    return f"{count} space{'' if count == 1 else 's'}"


def _syntax_error(rel: str, text: str, exc: yaml.MarkedYAMLError) -> SiteError:
    """A YAML syntax error in our format, at the line where the mistake is, saying how to fix it."""
    failure = _Failure(
        tuple(_LINE_BREAK.split(text)),
        exc.context or "",
        exc.problem or "",
        (exc.context_mark.line, exc.context_mark.column) if exc.context_mark else None,
        (exc.problem_mark.line, exc.problem_mark.column) if exc.problem_mark else None,
    )
    for explain in (_tab, _unclosed_quote, _unclosed_bracket, _no_colon, _colon_in_text, _after_value, _misindented):
        found = explain(failure)
        if found is not None:
            return SiteError(rel, *found)
    return SiteError(rel, *_plain(failure))


def _plain(failure: _Failure) -> Place:
    """PyYAML's own words, where it noticed, with a hint where one is known."""
    problem = "; ".join(part for part in (failure.context, failure.problem) if part)
    hints = [hint for clue, hint in _SYNTAX_HINTS if clue in problem]
    line, col = failure.at or failure.since or (0, 0)
    return line + 1, col + 1, f"invalid YAML: {problem}" + (f" ({hints[0]})" if hints else "")


def _tab(failure: _Failure) -> Place | None:
    """A tab where PyYAML stopped, in a line's indentation or at the mark itself."""
    if failure.at is None:
        return None
    line = failure.line(failure.at[0])
    leading = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" not in leading and line[failure.at[1] : failure.at[1] + 1] != "\t":
        return None
    col = line.index("\t") + 1
    return (
        failure.at[0] + 1,
        col,
        "invalid YAML: a tab in the indentation; indent with spaces (YAML does not allow tabs there)",
    )


def _unclosed_quote(failure: _Failure) -> Place | None:
    """A quoted text that never ends: where its quote opens."""
    if not failure.context.startswith("while scanning a quoted scalar") or failure.since is None:
        return None
    line, col = failure.since
    quote = failure.line(line)[col : col + 1] or '"'
    message = (
        f"invalid YAML: the text quoted with {quote} here is never closed (YAML read on to line "
        f"{(failure.at or failure.since)[0] + 1} looking for its end); add the closing {quote} where the text ends"
    )
    return line + 1, col + 1, message


def _unclosed_bracket(failure: _Failure) -> Place | None:
    """A [...] list or {...} mapping not closed on the line it opens: where it opens."""
    kinds = {"while parsing a flow sequence": ("list", "[", "]"), "while parsing a flow mapping": ("mapping", "{", "}")}
    kind = kinds.get(failure.context)
    if kind is None or failure.since is None or failure.at is None:
        return None
    name, opening, closing = kind
    if failure.at[0] == failure.since[0]:
        message = (
            f"invalid YAML: expected ',' or '{closing}' here, in the {name} opened with '{opening}'; separate "
            f"items with ', ' and put an item that holds a quote, ',' or ': ' in quotes"
        )
        return failure.at[0] + 1, failure.at[1] + 1, message
    message = (
        f"invalid YAML: the {name} opened with '{opening}' here is not closed (YAML read on to line "
        f"{failure.at[0] + 1} looking for '{closing}'); close it with '{closing}', and put an item that holds ',' "
        f"or ': ' in quotes"
    )
    return failure.since[0] + 1, failure.since[1] + 1, message


def _no_colon(failure: _Failure) -> Place | None:
    """A line read as a key with no ':' after it: a key missing its colon, or text indented less than its value."""
    if "could not find expected ':'" not in failure.problem or failure.since is None:
        return None
    line, col = failure.since
    glued = _GLUED_COLON.match(failure.line(line), col)
    if glued is not None:
        message = (
            f"invalid YAML: no space after the ':' of '{glued.group(1)}', so YAML reads '{glued.group()}' as one "
            f"word; write '{glued.group(1)}: {glued.group(2)}'"
        )
        return line + 1, col + 1, message
    above = failure.above(line)
    message = "invalid YAML: YAML reads this line as a key, but no ':' follows it"
    indent, above_col = _indent(failure.line(line)), _content_column(failure.line(above or 0))
    if above is not None and above_col > indent:
        message += (
            f"; if it continues the text above, indent it like line {above + 1} ({_spaces(above_col)}, not "
            f"{indent}); if it is a key, write ': ' after it"
        )
    else:
        message += "; write ': ' (a colon and a space) after the key"
    return line + 1, col + 1, message


def _colon_in_text(failure: _Failure) -> Place | None:
    """': ' inside an unquoted value, on the key's line or on a line that continues it."""
    if "mapping values are not allowed" not in failure.problem or failure.at is None:
        return None
    line, col = failure.at
    text = failure.line(line)
    key = _KEY.match(text, _content_column(text))
    if key is not None and key.end() <= col:
        value = text[key.end() :].strip()
        example = f', like {key.group().strip()} "{value}"' if '"' not in value and " #" not in value else ""
        message = f"invalid YAML: ': ' in a value that is not in quotes; put the value in quotes{example}"
        return line + 1, col + 1, message
    return line + 1, _indent(text) + 1, _continues(failure, line)


def _continues(failure: _Failure, line: int) -> str:
    """Why ': ' on a line that continues a value above it is an error: indented more than its key."""
    indent = _indent(failure.line(line))
    owner = failure.above(line)
    while owner is not None and _content_column(failure.line(owner)) >= indent:
        owner = failure.above(owner)
    text = failure.line(owner) if owner is not None else ""
    key = _KEY.match(text, _content_column(text))
    if owner is None or key is None:
        return "invalid YAML: ': ' in text that is not in quotes; put the text in quotes"
    name, column = key.group().strip().rstrip(":"), _content_column(text)
    return (
        f"invalid YAML: this line is indented more than '{name}' on line {owner + 1}, so YAML reads it as more of "
        f"the value of '{name}', where ': ' is not allowed; if it is a key, indent it like '{name}' "
        f"({_spaces(column)}); if it is text, put the text in quotes"
    )


def _after_value(failure: _Failure) -> Place | None:
    """Something after a quoted value or a closed [...] list on its line, or a quote that closes lines later."""
    # What follows a closing quote reads as misindented, or (an @, a backquote) as no token at all.
    follows = failure.problem.startswith(_INDENTATION) or "cannot start any token" in failure.problem
    if not follows or failure.at is None or failure.starts_line(failure.at):
        return None
    token = _token_before("\n".join(failure.lines[: failure.at[0] + 1]), failure.at)
    if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
        quote = token.style
        opened = token.start_mark.line
        if opened < failure.at[0]:
            message = (
                f"invalid YAML: the text quoted with {quote} here runs on to the {quote} on line {failure.at[0] + 1}; "
                f"add the closing {quote} where the text ends"
            )
            return opened + 1, token.start_mark.column + 1, message
        inside = '\\"' if quote == '"' else "''"
        message = (
            f"invalid YAML: text after the closing {quote} of a quoted value; put the whole value in quotes, "
            f"writing each {quote} inside it as {inside}"
        )
        return failure.at[0] + 1, failure.at[1] + 1, message
    if isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken):
        closing = "]" if isinstance(token, yaml.FlowSequenceEndToken) else "}"
        message = f"invalid YAML: text after the closing '{closing}'; put every item inside the brackets"
        return failure.at[0] + 1, failure.at[1] + 1, message
    return None


def _token_before(text: str, at: tuple[int, int]) -> yaml.Token | None:
    """The last token PyYAML's scanner reads before the position AT (line, column), if it gets that far."""
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if (token.start_mark.line, token.start_mark.column) >= at:
                break
            last = token
    except yaml.YAMLError:
        pass
    return last


def _misindented(failure: _Failure) -> Place | None:
    """A line whose indentation lines it up with nothing above it, or a list item where a key belongs."""
    if not failure.problem.startswith(_INDENTATION) or failure.at is None or not failure.starts_line(failure.at):
        return None
    line = failure.at[0]
    above = failure.above(line)
    if above is None:
        return None
    indent, above_col = _indent(failure.line(line)), _content_column(failure.line(above))
    if indent != above_col:
        message = (
            f"invalid YAML: this line is indented {_spaces(indent)} but line {above + 1} above it {above_col}; line "
            f"it up with the keys (or list items) it belongs with"
        )
        return line + 1, indent + 1, message
    if failure.line(line)[indent:].startswith("-"):
        message = (
            "invalid YAML: a list item ('- ') where a key was expected; a list goes under its key, indented "
            "further, or inside its [...]"
        )
        return line + 1, indent + 1, message
    return None


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
