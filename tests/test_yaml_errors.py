"""YAML syntax errors name the line where the mistake is, with a hint for the usual mistakes.

PyYAML marks two places: where the construct it was reading began (context) and where it gave up
(problem). An unclosed quote or bracket and a line read as a key without ':' are mistakes at the
first; a misindented line at the second. One invalid site per kind is under tests/sites/invalid/yaml-*.
"""

from __future__ import annotations

import os

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen import yamlfile

INDENT_HINT = "line it up with the keys (or list items) it belongs with"

CASES = {
    "key missing its colon": (
        "- title: X\n  year 2020\n  venue: V\n",
        "2:3: invalid YAML: YAML reads this line as a key, but no ':' follows it; write ': ' (a colon and a space) "
        "after the key",
    ),
    "under-indented line of a folded text": (
        "- title: X\n  abstract: >\n    line one\n  line two\n  year: 2020\n",
        "4:3: invalid YAML: YAML reads this line as a key, but no ':' follows it; if it continues the text above, "
        "indent it like line 3 (4 spaces, not 2); if it is a key, write ': ' after it",
    ),
    "under-indented line of a literal text": (
        "- title: X\n  abstract: |\n    line one\n   line two\n  year: 2020\n",
        f"4:4: invalid YAML: this line is indented 3 spaces but line 3 above it 4; {INDENT_HINT}",
    ),
    "under-indented key of a nested mapping": (
        "title: X\nauthor:\n  name: Y\n affiliation: Z\n",
        f"4:2: invalid YAML: this line is indented 1 space but line 3 above it 2; {INDENT_HINT}",
    ),
    "under-indented key in a list of papers": (
        "- title: X\n  authors: [A]\n year: 2020\n",
        f"3:2: invalid YAML: this line is indented 1 space but line 2 above it 2; {INDENT_HINT}",
    ),
    "misaligned list item": (
        "- title: X\n  authors:\n    - A\n   - B\n",
        f"4:4: invalid YAML: this line is indented 3 spaces but line 3 above it 4; {INDENT_HINT}",
    ),
    "indented first line": (
        "  title: X\nauthor: Y\n",
        f"2:1: invalid YAML: this line is indented 0 spaces but line 1 above it 2; {INDENT_HINT}",
    ),
    "list item among keys": (
        "- title: X\n  authors: [A]\n  - B\n",
        "3:3: invalid YAML: a list item ('- ') where a key was expected; a list goes under its key, indented "
        "further, or inside its [...]",
    ),
    "over-indented key of a nested mapping": (
        "title: X\nauthor:\n  name: Y\n    affiliation: Z\n",
        "4:5: invalid YAML: this line is indented more than 'name' on line 3, so YAML reads it as more of the "
        "value of 'name', where ': ' is not allowed; if it is a key, indent it like 'name' (2 spaces); if it is "
        "text, put the text in quotes",
    ),
    "': ' on a continued line of text": (
        "- title: X\n  abstract: We show\n    that: it works\n",
        "3:5: invalid YAML: this line is indented more than 'abstract' on line 2, so YAML reads it as more of the "
        "value of 'abstract', where ': ' is not allowed; if it is a key, indent it like 'abstract' (2 spaces); if "
        "it is text, put the text in quotes",
    ),
    "': ' in a value with a comment": (
        "- venue: Foo: Bar # the workshop\n",
        "1:13: invalid YAML: ': ' in a value that is not in quotes; put the value in quotes",
    ),
    "a quote closed too early": (
        '- title: "A "quoted" word"\n',
        '1:14: invalid YAML: text after the closing " of a quoted value; put the whole value in quotes, writing '
        'each " inside it as \\"',
    ),
    "an apostrophe in single quotes": (
        "- title: 'It's here'\n",
        "1:14: invalid YAML: text after the closing ' of a quoted value; put the whole value in quotes, writing "
        "each ' inside it as ''",
    ),
    "a quote never closed": (
        '- title: "Open\n  year: 2020\n',
        '1:10: invalid YAML: the text quoted with " here is never closed (YAML read on to line 3 looking for its '
        'end); add the closing " where the text ends',
    ),
    "a mapping never closed": (
        "- title: X\n  links: {code: https://x.org\n  year: 2020\n",
        "2:10: invalid YAML: the mapping opened with '{' here is not closed (YAML read on to line 3 looking for "
        "'}'); close it with '}', and put an item that holds ',' or ': ' in quotes",
    ),
    "text after a list": (
        "- title: X\n  authors: [A, B], C\n",
        "2:18: invalid YAML: text after the closing ']'; put every item inside the brackets",
    ),
    "a tab after spaces": (
        "- title: X\n  \tyear: 2020\n",
        "2:3: invalid YAML: a tab in the indentation; indent with spaces (YAML does not allow tabs there)",
    ),
    "a quote never closed, until the next quoted value starts with @": (
        "- title: 'Open\n  year: 2020\n- title: '@-Mentions'\n",
        "1:10: invalid YAML: the text quoted with ' here runs on to the ' on line 3; add the closing ' where the "
        "text ends",
    ),
    "no space after a key's colon": (
        "- title: X\n  year:2021\n  venue: V\n",
        "2:3: invalid YAML: no space after the ':' of 'year', so YAML reads 'year:2021' as one word; write "
        "'year: 2021'",
    ),
    "text starting with @": (
        "- title: @home\n",
        "1:10: invalid YAML: while scanning for the next token; found character that cannot start any token (put "
        "text starting with @, ` or % in quotes)",
    ),
}


def message(text: str) -> str:
    """LINE:COL: MESSAGE of the error reading TEXT gives."""
    with pytest.raises(yaml.YAMLError) as caught:
        yamlfile.read(text)
    found = yamlfile.error("x.yaml", text, caught.value)
    return f"{found.line}:{found.col}: {found.message}"


@pytest.mark.parametrize("case", CASES)
def test_syntax_error_points_at_the_mistake(case: str) -> None:
    text, expected = CASES[case]
    assert message(text) == expected


def test_line_numbers_count_line_breaks_as_yaml_does() -> None:
    assert message("- title: X\r\n  authors: [A]\r\n   year: 2020\r\n").startswith("3:4: invalid YAML: this line is")


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None)
@given(st.text(alphabet=" \t\n-:#'\"[]{},|>&*!%@`?ab1é", max_size=80))
def test_any_text_yaml_refuses_gets_a_message_inside_the_file(text: str) -> None:
    try:
        yamlfile.read(text)
    except (yaml.YAMLError, RecursionError) as exc:
        found = yamlfile.error("x.yaml", text, exc)
        assert found.message.startswith("invalid YAML: ")
        assert 1 <= found.line <= text.count("\n") + 2 and found.col >= 1
