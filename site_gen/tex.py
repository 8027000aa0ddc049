"""Titles as BibTeX users write them: `$...$` math kept as written, `{...}` groups keeping their capitals.

A title is plain text with two kinds of spans: math between dollars (pandoc's rule: the opening `$`
has a non-space after it, the closing one a non-space before it and no digit after it; `$$` and `\\$`
close none) and brace groups, which every citation style prints with the case they have. Pages show a
title without the groups' braces and with its math as written; BibTeX and CSL-JSON get both back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

TEXT, MATH, GROUP = "text", "math", "group"
Span = tuple[str, str]  # (kind, text): math with its dollars, a group with its braces
# Words export braces although the title does not: capitals after a word's first letter, or capitals and digits.
_MIXED_CASE = re.compile(r"\w[A-Z]|[A-Z].*\d|\d.*[A-Z]")
_SIGN = re.compile(r"[{}$]")  # what may start a span: titles without any are plain text (most are)
_MIXED_CASE_WORD = re.compile(r"\w[A-Z]|[A-Z][^ ]*\d|\d[^ ]*[A-Z]")  # _MIXED_CASE within one word
_CAPITAL = re.compile("[A-Z]")  # math with a capital is braced too: BibTeX recases math ($O(n)$, \Delta) like text
_LEADING = "\"'“‘(["
_TRAILING = "\"'”’)].,:;!?"
BRACES = "braces in a title mark what keeps its capitals, like {BERT}"
NOCASE = '<span class="nocase">{}</span>'  # CSL-JSON's mark for text styles must not recase


class Unbalanced(ValueError):
    """A title whose braces do not pair up; the message says where."""


def spans(title: str) -> list[Span]:
    """TITLE cut into text, math and brace groups, in order."""
    found: list[Span] = []
    start = i = 0
    while (sign := _SIGN.search(title, i)) is not None:
        i = sign.start()
        end = _math_end(title, i) if title[i] == "$" else _group_end(title, i) if title[i] == "{" else _stray(title, i)
        if end is None:
            i += 1
            continue
        if start < i:
            found.append((TEXT, title[start:i]))
        found.append((MATH if title[i] == "$" else GROUP, title[i:end]))
        start = i = end
    if start < len(title):
        found.append((TEXT, title[start:]))
    return found


def _math_end(title: str, i: int) -> int | None:
    """Where the math opened by the `$` at I ends, or None when that `$` opens none."""
    if i + 1 >= len(title) or title[i + 1].isspace() or title[i + 1] == "$":  # $$ would be TeX's display math
        return None
    end = title.find("$", i + 2)
    while end >= 0:
        if not title[end - 1].isspace() and title[end - 1] != "\\" and not title[end + 1 : end + 2].isdigit():
            return _balanced(title, i, end + 1)
        end = title.find("$", end + 1)
    return None


def _balanced(title: str, start: int, end: int) -> int:
    """END, when the math from START to END pairs its braces up, as TeX needs."""
    depth = 0
    for char in title[start:end]:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth:
        raise Unbalanced(f"the math at character {start + 1} has braces that do not pair up; {BRACES}")
    return end


def _group_end(title: str, i: int) -> int:
    """Where the brace group opened at I ends."""
    depth = 0
    for j in range(i, len(title)):
        depth += {"{": 1, "}": -1}.get(title[j], 0)
        if depth == 0:
            return j + 1
    raise Unbalanced(f"the '{{' at character {i + 1} is never closed; {BRACES}")


def _stray(title: str, i: int) -> int:
    """A closing brace with no opening one."""
    raise Unbalanced(f"the '}}' at character {i + 1} closes no '{{'; {BRACES}")


def display(title: str) -> str:
    """The title as pages show it: its groups without their braces, its math as written."""
    if not _SIGN.search(title):
        return title
    return "".join(display(text[1:-1]) if kind == GROUP else text for kind, text in spans(title))


def words(title: str) -> list[list[Span]]:
    """The title's spans, cut into words at the spaces outside math and groups."""
    found: list[list[Span]] = [[]]
    for kind, text in spans(title):
        parts = text.split(" ") if kind == TEXT else [text]
        for k, part in enumerate(parts):
            if k:
                found.append([])
            if part:
                found[-1].append((kind, part))
    return found


def _parts(word: str) -> tuple[str, str, str]:
    """A bare word as (leading punctuation, core, trailing punctuation)."""
    stripped = word.lstrip(_LEADING)
    core = stripped.rstrip(_TRAILING)
    return word[: len(word) - len(stripped)], core, stripped[len(core) :]


def _bare(word: str, protect: Callable[[str], str], escape: Callable[[str], str]) -> str:
    """A bare word, its core PROTECTed when export braces it, the rest ESCAPEd."""
    lead, core, trail = _parts(word)
    if _MIXED_CASE.search(core) is None or "$" in core:  # a dollar braced would read back as a group's, not bare
        return escape(word)
    return escape(lead) + protect(core) + escape(trail)


def canonical(title: str) -> str:
    """The title with its spaces collapsed and without the braces export adds anyway ({BERT}: → BERT:),
    so that titles that cite alike are equal."""
    if not _SIGN.search(title):
        return " ".join(title.split())
    return " ".join(" ".join(_unbraced(word) for word in words(" ".join(title.split()))).split())


def _unbraced(word: list[Span]) -> str:
    """A word, without the braces that protect no letter, and those export would put back just so: around math
    with capitals, or a mixed-case core."""
    word = [_loose(kind, text) for kind, text in word]
    written = "".join(text for _, text in word)
    groups = [text for kind, text in word if kind == GROUP]
    if len(groups) != 1 or any(kind == MATH for kind, _ in word) or re.search(r"[{}$\s]", groups[0][1:-1]):
        return written
    bare = written.replace(groups[0], groups[0][1:-1], 1)
    return bare if _bare(bare, _braced, _same) == written else written


def _loose(kind: str, text: str) -> Span:
    """A span of a word, a group as what it holds when its braces are of no use."""
    if kind == GROUP and _braced_math(text):
        return MATH, text[1:-1]
    if kind == GROUP and not any(char.isalpha() for char in display(text)):
        return TEXT, display(text)
    return kind, text


def _braced_math(group: str) -> bool:
    """Whether a group holds only math that export braces anyway."""
    inner = group[1:-1]
    return spans(inner) == [(MATH, inner)] and _CAPITAL.search(inner) is not None


def bibtex(title: str, escape: Callable[[str], str]) -> str:
    """The title as a BibTeX value: text escaped, math as written, groups kept, mixed-case words and math
    with capitals braced."""
    return _protected(title, lambda core: "{" + escape(core) + "}", escape, lambda word: _tex_word(word, escape))


def _tex_word(word: list[Span], escape: Callable[[str], str]) -> str:
    """A word with spans for BibTeX."""
    return "".join("{" + t + "}" if k == MATH and _CAPITAL.search(t) else tex([(k, t)], escape) for k, t in word)


def csl(title: str) -> str:
    """The title as CSL-JSON rich text: what BibTeX protects (groups, mixed-case words) and math in nocase spans."""
    return _protected(title, NOCASE.format, _same, _csl_word)


def _csl_word(word: list[Span]) -> str:
    """A word with spans for CSL-JSON."""
    return "".join(text if kind == TEXT else NOCASE.format(display(text)) for kind, text in word)


def _protected(
    title: str, protect: Callable[[str], str], escape: Callable[[str], str], spanned: Callable[[list[Span]], str]
) -> str:
    """The title with the cores of mixed-case bare words PROTECTed, other text ESCAPEd, words with spans SPANNED."""
    if _SIGN.search(title):
        return " ".join(
            _bare(word[0][1], protect, escape) if [kind for kind, _ in word] == [TEXT] else spanned(word)
            for word in words(title)
        )
    if _MIXED_CASE_WORD.search(title) is None:
        return escape(title)
    return " ".join(_bare(word, protect, escape) for word in title.split(" "))


def _braced(text: str) -> str:
    """TEXT in braces."""
    return "{" + text + "}"


def _same(text: str) -> str:
    """TEXT as it is."""
    return text


def tex(pieces: list[Span], escape: Callable[[str], str]) -> str:
    """Spans as TeX: text escaped, math as written, groups with their braces."""
    return "".join(
        text if kind == MATH else _group(tex(spans(text[1:-1]), escape)) if kind == GROUP else escape(text)
        for kind, text in pieces
    )


def _group(inner: str) -> str:
    """A group around INNER, twice when INNER starts with a command: BibTeX takes {\\'e} for one accented letter,
    not a group that keeps its case."""
    return "{{" + inner + "}}" if inner.startswith("\\") else "{" + inner + "}"


def with_math(text: str, escape: Callable[[str], str]) -> str:
    """Text that is no title (an abstract) as TeX: its math as written, all else escaped, braces too."""
    pieces, start, i = [], 0, text.find("$")
    while i >= 0:
        end = _math_end(text, i)
        if end is not None:
            pieces += [escape(text[start:i]), text[i:end]]
            start = end
        i = text.find("$", end or i + 1)
    return "".join(pieces) + escape(text[start:])
