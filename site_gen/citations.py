"""Citation formats made from one placed paper: BibTeX, CSL-JSON, a plain ACL-style reference."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pylatexenc.latexencode import unicode_to_latex

from site_gen.derive import Entry
from site_gen.model import MONTHS, VENUE_FIELDS
from site_gen.venues import default_type

_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = str.maketrans(_BIBTEX_SPECIALS)
_BIBTEX_SPECIAL_CHARACTER = re.compile("[" + re.escape("".join(_BIBTEX_SPECIALS)) + "]")
_MIXED_CASE = re.compile(r"\w[A-Z]|[A-Z].*\d|\d.*[A-Z]")
_MIXED_CASE_WORD = re.compile(r"\w[A-Z]|[A-Z][^ \n]*\d|\d[^ \n]*[A-Z]")  # _MIXED_CASE within one word of a title
_PARTICLES = frozenset(
    ["van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "le", "la", "dos", "das", "ter", "ten", "zu"]
)


def bibtex_escape(text: str) -> str:
    """Text safe inside a BibTeX value (UTF-8 kept)."""
    if text.isascii():
        return text.translate(_BIBTEX_SPECIAL)
    # str.translate leaves its fast path on any non-ASCII character: 120 us for an accented abstract
    return _BIBTEX_SPECIAL_CHARACTER.sub(lambda match: _BIBTEX_SPECIALS[match.group()], text)


def protect_case(title: str, escape: Callable[[str], str] = bibtex_escape) -> str:
    """Brace words with capitals after their first letter (LLMs, M3-Embedding) so styles keep them."""
    if not _MIXED_CASE_WORD.search(title):
        return escape(title)
    words = title.split(" ")
    return " ".join("{" + escape(word) + "}" if _MIXED_CASE.search(word) else escape(word) for word in words)


def split_name(name: str) -> tuple[str, str]:
    """(given, family): the family name is the last word with any particles before it."""
    words = name.split()
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def page_range(pages: str | None) -> tuple[str, str] | None:
    """(first, last) page, or None when the pages are not a range."""
    if not pages:
        return None
    parts = [p.strip() for p in re.split(r"-+|–|—", pages) if p.strip()]
    return (parts[0], parts[-1]) if len(parts) >= 2 else None


CORPORATE = re.compile(
    r"\b(?:collaboration|consortium|group|team|project|committee|association|society|"
    r"institute|laboratory|university|organization|initiative)\b",
    re.I,
)


def entry_type(entry: Entry) -> str:
    """The paper's BibTeX type: its own `type`, else article for journals and inproceedings otherwise."""
    return entry.paper.type or default_type(entry.paper.venue)


def in_proceedings(entry: Entry) -> bool:
    """Whether the paper is part of a conference or a book (else a journal, report, thesis or preprint)."""
    return entry_type(entry) in ("inproceedings", "conference", "incollection", "inbook", "proceedings")


CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "incollection": "chapter",
    "inbook": "chapter",
    "book": "book",
    "proceedings": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
    "manual": "report",
    "misc": "article",
    "unpublished": "manuscript",
}


@lru_cache(maxsize=65536)
def bibtex_name(name: str, escape: Callable[[str], str]) -> str:
    """A name as BibTeX reads it back: 'Last, First', 'Last, Jr., First', {Corporate Names}, others."""
    if CORPORATE.search(name) or len(name.split()) > 4:
        return "{" + escape(name) + "}"
    core, _, suffix = name.partition(", ")
    given, family = split_name(core)
    parts = [family] + ([suffix] if suffix else []) + ([given] if given else [])
    return ", ".join(escape(part) for part in parts)


def latex_ascii(text: str) -> str:
    """Text with every non-ASCII character and LaTeX special as a LaTeX escape."""
    return str(unicode_to_latex(text, non_ascii_only=False, unknown_char_warning=False))


def bibtex(entry: Entry, ascii_only: bool = False, abstract: bool = False) -> str:
    """The paper's BibTeX entry (UTF-8, or with LaTeX escapes); a user-supplied `bibtex` wins verbatim.

    Site-only fields (a local pdf, code, slides, video, poster, data, selected, tags) never appear;
    the abstract only in the full export (publications.bib), not in the entry readers copy to cite.
    """
    return bibtex_pair(entry, ascii_only)[1 if abstract else 0]


def bibtex_pair(entry: Entry, ascii_only: bool = False) -> tuple[str, str]:
    """The paper's BibTeX entry without and with its abstract, from one pass over its fields."""
    paper = entry.paper
    if paper.bibtex:
        verbatim = paper.bibtex.strip() + "\n"
        return verbatim, verbatim
    escape = latex_ascii if ascii_only else bibtex_escape
    kind = entry_type(entry)
    head = f"@{kind}{{{paper.bibkey or entry.id},\n"
    body = ",\n".join(f"    {name} = {value}" for name, value in _fields(entry, kind, escape) if value)
    cite = head + body + "\n}\n"
    if not paper.abstract:
        return cite, cite
    return cite, head + body + f",\n    abstract = {{{escape(paper.abstract)}}}\n}}\n"


def _fields(entry: Entry, kind: str, escape: Callable[[str], str]) -> list[tuple[str, str | None]]:
    """The (name, value) fields of a BibTeX entry but the abstract, in their fixed order; None when absent."""
    paper = entry.paper
    text_fields = {
        VENUE_FIELDS[kind]: paper.venue,
        "address": paper.address,
        "publisher": paper.publisher,
        "volume": paper.volume,
        "number": paper.number,
        "note": paper.note,
    }
    text_fields[VENUE_FIELDS[kind]] = paper.venue  # book: publisher, unpublished: note
    links = dict(paper.links)
    others = ["others"] if paper.et_al else []
    return [
        ("title", "{" + protect_case(paper.title, escape) + "}"),
        ("author", "{" + " and ".join([*(bibtex_name(name, escape) for name in paper.authors), *others]) + "}"),
        *((name, "{" + escape(value) + "}") for name, value in text_fields.items() if value),
        ("month", MONTHS[paper.month - 1][:3] if paper.month else None),
        ("year", "{" + str(paper.year) + "}"),
        ("pages", "{" + escape(paper.pages) + "}" if paper.pages else None),
        ("doi", "{" + paper.doi + "}" if paper.doi else None),
        ("url", "{" + links["url"].url + "}" if "url" in links and not links["url"].local else None),
        ("pdf", "{" + paper.pdf.url + "}" if paper.pdf and not paper.pdf.local else None),
    ]


# Made once: json.dumps with any option makes a new encoder per call, half the cost of an item.
_CSL_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def csl_json(entry: Entry) -> str:
    """The paper's CSL-JSON item, as one line of JSON."""
    return _CSL_ENCODER.encode(csl_item(entry))


def csl_item(entry: Entry) -> dict[str, Any]:
    """The paper as one CSL-JSON item (Zotero, Pandoc)."""
    paper = entry.paper
    date = [paper.year, paper.month] if paper.month else [paper.year]
    item: dict[str, Any] = {
        "id": entry.id,
        "type": CSL_TYPES[entry_type(entry)],
        "title": paper.title,
        "author": [dict(zip(("given", "family"), split_name(name), strict=True)) for name in paper.authors],
        "issued": {"date-parts": [date]},
        "container-title": paper.venue,
    }
    optional = {
        "publisher": paper.publisher,
        "volume": paper.volume,
        "issue": paper.number,
        "note": paper.note,
        "page": paper.pages,
        "DOI": paper.doi,
        "publisher-place": paper.address,
        "abstract": paper.abstract,
        "URL": paper.pdf.url if paper.pdf and not paper.pdf.local else None,
    }
    item.update({key: value for key, value in optional.items() if value})
    return item


def plain_citation(entry: Entry) -> str:
    """An ACL-style reference: Authors. Year. Title. In Venue, pages P, Address."""
    paper = entry.paper
    names = list(paper.authors)
    if paper.et_al:
        authors = f"{names[0]} et al" if len(names) == 1 else ", ".join(names) + ", et al"
    elif len(names) < 3:
        authors = " and ".join(names)
    else:
        authors = ", ".join(names[:-1]) + ", and " + names[-1]
    where = f"In {paper.venue}" if in_proceedings(entry) else paper.venue
    details = [where]
    if paper.pages:
        details.append(f"pages {paper.pages.replace('--', '–')}")
    if paper.address:
        details.append(paper.address)
    return f"{authors.rstrip('.')}. {paper.year}. {paper.title.rstrip('.')}. {', '.join(details)}."
