"""YAML read by yaml-rs (Rust, ~5x faster than PyYAML's C loader) wherever it reads as PyYAML does.

PyYAML (YAML 1.1) stays the reference: its reading is the one the model validates and its errors
are the ones users see. yaml-rs reads YAML 1.2, which differs on a few plain scalars (yes/no,
1:20, 017, 1e10), on tags, directives and documents, on indicators inside flow collections
([:0], [a:], [|x]), on empty block scalars and on a few characters. A file is taken from
yaml-rs only when its text avoids those constructs and every value it read means the same in
PyYAML; otherwise (and on any error) `load` returns None and the caller reads it with PyYAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml
import yaml_rs

# What the two readers may read differently: bytes outside YAML's printable set, which yaml-rs
# accepts, and tabs, which it places differently; characters YAML 1.1 reads as line breaks or
# forbids (in UTF-8); tags and anchors; further documents and directives; numbers led by a zero (octal in YAML
# 1.1, so `month: 08` is text there). Searched for literally where possible: a regular expression
# scanning every character of 15 MB costs 0.1-0.5 s, more than yaml-rs saves on reading it.
_PRINTABLE_BYTES = bytes(b for b in range(256) if (b >= 0x20 and b != 0x7F) or b in (0x0A, 0x0D))
_UNSURE_UNICODE = (  # one pattern each: a literal first byte makes the search fast
    re.compile(rb"\xc2[\x80-\x9f]"),
    re.compile(rb"\xe2\x80[\xa8\xa9]"),
    re.compile(rb"\xef(?:\xbb\xbf|\xbf[\xbe\xbf])"),
)
_TAG = re.compile(rb"!")
_ANCHOR = re.compile(rb"&[^\s]")  # YAML 1.1 forbids redefining an anchor, 1.2 allows it
_BEFORE_NODE = frozenset(b" \n\r[,{")
_MARKERS = ("\n%", "\n---", "\n...")
_ZERO_LED = re.compile(rb"0[0-9_o]")
_BEFORE_NUMBER = frozenset(b" \n\r[,{-+")
# Flow collections ([a, b], {k: v}): the readers disagree on indicators inside them (`[:0]`, `[a:]`,
# `[|x]`, `{?k}`), so each one must be a flat list of words, simply quoted text or `key: value` pairs.
_FLOW_OPENERS = b"[{"
_GAP = rb"(?: *\n)? +"  # spaces, or a line break into an indented line
_PIECE = rb"[A-Za-z0-9_(.\x80-\xff](?:[^,\[\]{}:#\s\"`]|:[A-Za-z0-9/])*"
_WORD = _PIECE + rb"(?:" + _GAP + _PIECE + rb")*"
_QUOTED = rb"(?:'[^'\n\[\]{}]*'|\"[^\"\\\n\[\]{}]*\")"
_SCALAR = rb"(?:" + _WORD + rb"|" + _QUOTED + rb")"
_ITEM = rb"(?:(?:" + _GAP + rb")?" + _SCALAR + rb"(?: *: +" + _SCALAR + rb")?(?:" + _GAP + rb")?)"
_SIMPLE_FLOW = re.compile(rb"[\[{](?:" + _ITEM + rb"(?:," + _ITEM + rb")*)? *[\]}]")
# Block scalars (| and >): the readers disagree on empty ones, on one that ends the text without a line
# break, and on one leading a line (as at the top level); empty and blank strings are checked in _check_text.
_BLOCK_INDICATORS = b"|>"
_STR_TAG = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()
_RESOLVED_FIRST = frozenset(key for key in yaml.resolver.Resolver.yaml_implicit_resolvers if key)
_LONGEST_WORD = 5  # "false": the longest word PyYAML reads as a bool or null


class _Unsure(Exception):
    """A value yaml-rs read that PyYAML might read otherwise."""


def load(text: str, encoded: bytes) -> tuple[bool, Any]:
    """(True, data) when yaml-rs read TEXT (ENCODED in UTF-8) as PyYAML would; (False, None) when PyYAML must."""
    if _unsure_text(text, encoded):
        return False, None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
        _check(data)
    except Exception:  # whatever yaml-rs cannot vouch for, PyYAML reads (and reports) instead
        return False, None
    return True, data


def _unsure_text(text: str, raw: bytes) -> bool:
    """Whether TEXT (RAW in UTF-8) holds anything the two readers may read differently (see above)."""
    if raw.translate(None, _PRINTABLE_BYTES) or (not raw.isascii() and any(p.search(raw) for p in _UNSURE_UNICODE)):
        return True
    if text.startswith("%") or any(marker in text for marker in _MARKERS):
        return True
    if _unsure_block(raw) or any(not _SIMPLE_FLOW.match(raw, at) for at in _positions(raw, _FLOW_OPENERS)):
        return True
    return _led(raw, _TAG, _BEFORE_NODE) or _led(raw, _ANCHOR, _BEFORE_NODE) or _led(raw, _ZERO_LED, _BEFORE_NUMBER)


def _unsure_block(raw: bytes) -> bool:
    """Whether RAW may hold a block scalar the readers read differently: one leading a line, or one at its end."""
    indicators = list(_positions(raw, _BLOCK_INDICATORS))
    return bool(indicators) and (not raw.endswith(b"\n") or any(_leads_line(raw, at) for at in indicators))


def _positions(raw: bytes, characters: bytes) -> Iterator[int]:
    """Where each of CHARACTERS occurs in RAW (bytes.find: a regular expression's scan costs 5x more)."""
    for character in characters:
        at = raw.find(character)
        while at >= 0:
            yield at
            at = raw.find(character, at + 1)


def _leads_line(raw: bytes, at: int) -> bool:
    """Whether only spaces and tabs stand between the start of AT's line and AT."""
    return not raw[raw.rfind(b"\n", 0, at) + 1 : at].strip(b" \t")


def _led(raw: bytes, pattern: re.Pattern[bytes], before: frozenset[int]) -> bool:
    """Whether PATTERN occurs at the start of RAW or right after one of the BEFORE bytes."""
    return any(m.start() == 0 or raw[m.start() - 1] in before for m in pattern.finditer(raw))


def _check(value: Any) -> None:
    """Raise _Unsure for any value, at any depth, that PyYAML would not read the same way."""
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unsure
            _check_text(key)
            _check(item)
    elif isinstance(value, list):
        for item in value:
            _check(item)
    elif value is not None and type(value) not in (int, bool):
        raise _Unsure  # floats and the like: YAML 1.1 and 1.2 disagree on their spellings


def _check_text(text: str) -> None:
    """Raise _Unsure if PyYAML would read this string, written plain, as something else (a bool, 1:20...)."""
    if not text or text.isspace():  # an empty block scalar is "" in PyYAML, "\n" in yaml-rs
        raise _Unsure
    first = text[0]
    may_resolve = first in _RESOLVED_FIRST and (len(text) <= _LONGEST_WORD or not first.isalpha())
    if may_resolve and _resolver.resolve(yaml.ScalarNode, text, (True, False)) != _STR_TAG:  # type: ignore[no-untyped-call]
        raise _Unsure
