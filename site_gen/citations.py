"""Citation formats made from one placed paper: BibTeX, CSL-JSON, a plain ACL-style reference."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pylatexenc.latexencode import unicode_to_latex

from site_gen import tex
from site_gen.derive import Entry
from site_gen.markup import markdown
from site_gen.model import MONTHS, VENUE_FIELDS, Paper, is_arxiv
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
_PARTICLES = frozenset(
    ["van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "le", "la", "dos", "das", "ter", "ten", "zu"]
)


def bibtex_escape(text: str) -> str:
    """Text safe inside a BibTeX value (UTF-8 kept)."""
    if text.isascii():
        return text.translate(_BIBTEX_SPECIAL)
    # str.translate leaves its fast path on any non-ASCII character: 120 us for an accented abstract
    return _BIBTEX_SPECIAL_CHARACTER.sub(lambda match: _BIBTEX_SPECIALS[match.group()], text)


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
    r"\b(?:collaboration|consortium|group|team|project|committee|association|society|foundation|"
    r"institute|laboratory|university|organization|initiative)\b",
    re.I,
)


def is_literal(name: str) -> bool:
    """Whether a name is kept whole (braced in BibTeX, a CSL literal): an organisation's, or one too long to split."""
    return bool(CORPORATE.search(name)) or len(name.split()) > 4


def name_parts(name: str) -> tuple[str, str, str]:
    """A person's (given, family, suffix): 'Martin Luther King, Jr.' -> ('Martin Luther', 'King', 'Jr.')."""
    core, _, suffix = name.partition(", ")
    given, family = split_name(core)
    return given, family, suffix


def arxiv_id(paper: Paper) -> str | None:
    """The paper's arXiv identifier: its eprint, when that is arXiv's (validate takes it from an arXiv venue line)."""
    return paper.eprint if paper.eprint and is_arxiv(paper.archive_prefix) else None


def entry_type(entry: Entry) -> str:
    """The paper's BibTeX type: its own `type`, else the one its venue implies."""
    return entry.paper.type or default_type(entry.paper.venue)


def in_proceedings(entry: Entry) -> bool:
    """Whether the paper is part of a conference or a book (else a journal, report, thesis or preprint)."""
    return entry_type(entry) in ("inproceedings", "conference", "incollection", "inbook", "proceedings")


# As pandoc reads each BibTeX type, where it gives one (2.17 leaves misc and conference untyped: a misc is
# mostly an arXiv preprint, CSL's 'article').
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
    "manual": "book",
    "misc": "article",
    "unpublished": "manuscript",
}


@lru_cache(maxsize=65536)
def bibtex_name(name: str, escape: Callable[[str], str]) -> str:
    """A name as BibTeX reads it back: 'Last, First', 'Last, Jr., First', {Corporate Names}, others."""
    if is_literal(name):
        return "{" + escape(name) + "}"
    given, family, suffix = name_parts(name)
    parts = [family] + ([suffix] if suffix else []) + ([given] if given else [])
    return ", ".join(escape(part) for part in parts)


def latex_ascii(text: str) -> str:
    """Text with every non-ASCII character and LaTeX special as a LaTeX escape."""
    return str(unicode_to_latex(text, non_ascii_only=False, unknown_char_warning=False))


_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|blockquote|pre|hr|br)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def plain_text(html_text: str) -> str:
    """Rendered HTML reduced to one line of text (meta descriptions, feed summaries, exported abstracts)."""
    return " ".join(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", html_text))).split())


Render = Callable[[str], str]  # Markdown to HTML: markup.markdown, or a builder's memo of it


def bibtex(entry: Entry, ascii_only: bool = False, abstract: bool = False, render: Render = markdown) -> str:
    """The paper's BibTeX entry (UTF-8, or with LaTeX escapes); a user-supplied `bibtex` wins verbatim.

    Site-only fields (a local pdf, code, slides, video, poster, data, selected, tags) never appear;
    the abstract, as plain text, only in the full export (publications.bib), not in the entry readers copy to cite.
    """
    return bibtex_pair(entry, ascii_only, render)[1 if abstract else 0]


def bibtex_pair(entry: Entry, ascii_only: bool = False, render: Render = markdown) -> tuple[str, str]:
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
    abstract = tex.with_math(plain_text(render(paper.abstract)), escape)
    return cite, head + body + f",\n    abstract = {{{abstract}}}\n}}\n"


def _fields(entry: Entry, kind: str, escape: Callable[[str], str]) -> list[tuple[str, str | None]]:
    """The (name, value) fields of a BibTeX entry but the abstract, in their fixed order; None when absent."""
    paper = entry.paper
    arxiv = arxiv_id(paper)
    # The venue goes in the type's own field, but for a preprint whose venue line is only what the importer
    # makes of its eprint.
    venue = None if kind == "misc" and arxiv is not None and paper.venue == arxiv_venue(arxiv) else paper.venue
    text_fields = {
        VENUE_FIELDS[kind]: venue,
        "address": paper.address,
        "publisher": paper.publisher,
        "volume": paper.volume,
        "number": paper.number,
        "note": paper.note,
    }
    text_fields[VENUE_FIELDS[kind]] = venue  # again: a book's venue field is its publisher, an unpublished one's note
    links = dict(paper.links)
    others = ["others"] if paper.et_al else []
    return [
        ("title", "{" + tex.bibtex(paper.title, escape) + "}"),
        ("author", "{" + " and ".join([*(bibtex_name(name, escape) for name in paper.authors), *others]) + "}"),
        *((name, "{" + escape(value) + "}") for name, value in text_fields.items() if value),
        ("month", MONTHS[paper.month - 1][:3] if paper.month else None),
        ("year", "{" + str(paper.year) + "}"),
        ("pages", "{" + escape(paper.pages) + "}" if paper.pages else None),
        ("doi", "{" + paper.doi + "}" if paper.doi else None),
        *((name, "{" + escape(value) + "}" if value else None) for name, value in _eprint_fields(paper)),
        ("url", "{" + links["url"].url + "}" if "url" in links and not links["url"].local else None),
        ("pdf", "{" + paper.pdf.url + "}" if paper.pdf and not paper.pdf.local else None),
    ]


def _eprint_fields(paper: Paper) -> list[tuple[str, str | None]]:
    """eprint, archivePrefix and primaryClass, as arXiv's own BibTeX spells them."""
    return [("eprint", paper.eprint), ("archivePrefix", paper.archive_prefix), ("primaryClass", paper.primary_class)]


def arxiv_venue(arxiv: str) -> str:
    """The venue line of a preprint known only by its arXiv identifier, as Google Scholar prints it."""
    return f"arXiv preprint arXiv:{arxiv}"


# Made once: json.dumps with any option makes a new encoder per call, half the cost of an item.
_CSL_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def csl_json(entry: Entry, render: Render = markdown) -> str:
    """The paper's CSL-JSON item, as one line of JSON."""
    return _CSL_ENCODER.encode(csl_item(entry, render))


def csl_name(name: str) -> dict[str, str]:
    """A name as CSL-JSON has it: a literal for an organisation, else given, family and suffix."""
    if is_literal(name):
        return {"literal": name}
    parts = zip(("given", "family", "suffix"), name_parts(name), strict=True)
    return {key: value for key, value in parts if value}


def csl_item(entry: Entry, render: Render = markdown) -> dict[str, Any]:
    """The paper as one CSL-JSON item (Zotero, Pandoc); its title as CSL rich text (tex.csl)."""
    paper = entry.paper
    date = [paper.year, paper.month] if paper.month else [paper.year]
    pages = page_range(paper.pages)
    arxiv = arxiv_id(paper)
    item: dict[str, Any] = {
        "id": entry.paper.bibkey or entry.id,  # the key BibTeX cites it by, so either file serves a manuscript
        "type": CSL_TYPES[entry_type(entry)],
        "title": tex.csl(paper.title),
        "author": [csl_name(name) for name in paper.authors],
        "issued": {"date-parts": [date]},
        "container-title": paper.venue,
    }
    optional = {
        "publisher": paper.publisher,
        "volume": paper.volume,
        "issue": paper.number,
        "note": paper.note,
        "page": f"{pages[0]}-{pages[1]}" if pages else paper.pages,
        "DOI": paper.doi,
        "publisher-place": paper.address,
        "abstract": plain_text(render(paper.abstract)) if paper.abstract else None,
        "URL": paper.pdf.url if paper.pdf and not paper.pdf.local else arxiv_url(arxiv) if arxiv else None,
    }
    item.update({key: value for key, value in optional.items() if value})
    return item


def arxiv_url(arxiv: str) -> str:
    """The arXiv page of a paper."""
    return f"https://arxiv.org/abs/{arxiv}"


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
    return f"{authors.rstrip('.')}. {paper.year}. {tex.display(paper.title).rstrip('.')}. {', '.join(details)}."
