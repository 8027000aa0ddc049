"""Citation formats made from one placed paper: BibTeX, CSL-JSON, a plain ACL-style reference."""

from __future__ import annotations

import re
from typing import Any

from site_gen.derive import Entry
from site_gen.model import MONTHS

_BIBTEX_SPECIAL = str.maketrans(
    {
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
)
_PARTICLES = frozenset(
    ["van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "le", "la", "dos", "das", "ter", "ten", "zu"]
)


def bibtex_escape(text: str) -> str:
    """Text safe inside a BibTeX value (UTF-8 kept)."""
    return text.translate(_BIBTEX_SPECIAL)


def protect_case(title: str) -> str:
    """Brace words with capitals after their first letter (LLMs, M3-Embedding) so styles keep them."""
    return re.sub(
        r"\S*[A-Z]\S*",
        lambda m: "{" + m.group(0) + "}" if re.search(r"\w[A-Z]|\d", m.group(0)) else m.group(0),
        bibtex_escape(title),
    )


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


def bibtex(entry: Entry) -> str:
    """The paper's BibTeX entry; a user-supplied `bibtex` wins verbatim."""
    paper = entry.paper
    if paper.bibtex:
        return paper.bibtex.strip() + "\n"
    journal = entry.venue.journal
    fields = [
        ("title", "{" + protect_case(paper.title) + "}"),
        ("author", "{" + bibtex_escape(" and ".join(paper.authors)) + "}"),
        ("journal" if journal else "booktitle", "{" + bibtex_escape(paper.venue) + "}"),
        ("month", MONTHS[paper.month - 1][:3] if paper.month else None),
        ("year", "{" + str(paper.year) + "}"),
        ("address", "{" + bibtex_escape(paper.address) + "}" if paper.address else None),
        ("pages", "{" + bibtex_escape(paper.pages) + "}" if paper.pages else None),
        ("doi", "{" + bibtex_escape(paper.doi) + "}" if paper.doi else None),
        ("url", "{" + paper.pdf.url + "}" if paper.pdf and not paper.pdf.local else None),
    ]
    body = ",\n".join(f"    {name} = {value}" for name, value in fields if value)
    kind = "article" if journal else "inproceedings"
    return f"@{kind}{{{entry.id},\n{body}\n}}\n"


def csl_item(entry: Entry) -> dict[str, Any]:
    """The paper as one CSL-JSON item (Zotero, Pandoc)."""
    paper = entry.paper
    date = [paper.year, paper.month] if paper.month else [paper.year]
    item: dict[str, Any] = {
        "id": entry.id,
        "type": "article-journal" if entry.venue.journal else "paper-conference",
        "title": paper.title,
        "author": [dict(zip(("given", "family"), split_name(name), strict=True)) for name in paper.authors],
        "issued": {"date-parts": [date]},
        "container-title": paper.venue,
    }
    optional = {
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
    authors = (
        names[0]
        if len(names) == 1
        else (f"{names[0]} and {names[1]}" if len(names) == 2 else ", ".join(names[:-1]) + ", and " + names[-1])
    )
    where = paper.venue if entry.venue.journal else f"In {paper.venue}"
    details = [where]
    if paper.pages:
        details.append(f"pages {paper.pages.replace('--', '–')}")
    if paper.address:
        details.append(paper.address)
    return f"{authors}. {paper.year}. {paper.title.rstrip('.')}. {', '.join(details)}."
