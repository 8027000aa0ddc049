"""Read a BibTeX file into paper data: LaTeX decoded to Unicode, macros and # resolved, names kept whole.

bibtexparser 2 splits the file into entries (and reports the broken ones with their line); this
module resolves values itself (`@string` macros, month macros, `#` concatenation), splits author
lists at the top-level `and` before decoding (so `{The LIGO Collaboration}` stays one name), and
decodes LaTeX with pylatexenc, but for what BibTeX users rely on: a title keeps its case-protecting
braces (`{BERT}`) and its math, abstracts stay plain text (Markdown escapes where the site would read markup).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexCharsNode, LatexGroupNode, LatexNode, LatexWalker

from site_gen.citations import arxiv_venue, plain_text
from site_gen.errors import SiteError
from site_gen.importers.merge import Incoming, Outcome, merge, read_input, usable
from site_gen.markup import markdown, slugify
from site_gen.model import ID_PATTERN, MONTHS, VENUE_FIELDS, is_arxiv
from site_gen.venues import default_type

_CONTEXT = get_default_latex_context_db()
_CONTEXT.add_context_category(
    "site-gen",
    prepend=True,
    macros=[MacroTextSpec("textasciicircum", "^"), MacroTextSpec("textasciitilde", "~"), MacroTextSpec("url", "%s")],
)
_DECODER = LatexNodes2Text(latex_context=_CONTEXT, math_mode="verbatim")
MONTH_MACROS = {name[:3]: name.title() for name in MONTHS}
NONE_FOUND = "no BibTeX entries found: expected entries like @article{key, title = {...}, ...}"
DBLP_NUMBER = re.compile(r"\s+\d{4}$")  # DBLP tells namesakes apart as 'Wei Wang 0001'
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


class EntryProblem(Exception):
    """An entry that cannot become a paper; the message says why."""


def decode(latex: str) -> str:
    """LaTeX to Unicode text: accents, symbols, dashes; case-protecting braces dropped; math kept."""
    return " ".join(_DECODER.latex_to_text(latex).replace("\xa0", " ").split())


def decode_title(latex: str) -> str:
    """A title decoded like any text, but for its groups that keep capitals ({BERT}, {S}tra{\\ss}e: {S}),
    which keep their braces, and its math, kept as written."""
    nodes = LatexWalker(latex, tolerant_parsing=True).get_latex_nodes()[0] or []
    pieces: list[str] = []
    run: list[LatexNode] = []
    for node in nodes:
        if _protects(node):
            pieces += [_DECODER.nodelist_to_text(run), "{" + _DECODER.nodelist_to_text(node.nodelist) + "}"]
            run = []
        else:
            run.append(node)
    return " ".join("".join([*pieces, _DECODER.nodelist_to_text(run)]).replace("\xa0", " ").split())


def _protects(node: LatexNode) -> bool:
    """Whether a node is a group that keeps the case of letters: not a special character like {\\"u}, nor
    a group of signs like the Anthology's {``}."""
    if not isinstance(node, LatexGroupNode) or node.delimiters != ("{", "}"):
        return False
    first = next((n for n in node.nodelist if not (isinstance(n, LatexCharsNode) and not n.chars.strip())), None)
    if first is None or first.latex_verbatim().startswith("\\"):
        return False
    return any(char.isalpha() for char in _DECODER.nodelist_to_text(node.nodelist))


def markdown_literal(text: str) -> str:
    """Plain text as Markdown that the site shows as that text: escaped only where Markdown would read markup."""
    if plain_text(markdown(text)) == text:
        return text
    escaped = re.sub(r"([\\`*_\[\]<>&])", r"\\\1", text)
    return re.sub(r"^[#+=-]|^(\d+)([.)])", lambda m: f"{m[1]}\\{m[2]}" if m[1] else "\\" + m[0], escaped)


def verbatim(latex: str) -> str:
    """A URL or DOI as written, but for the escapes BibTeX needs there (DBLP writes tacl\\_a\\_00588)."""
    return re.sub(r"\\([_%#&$~])", r"\1", latex.strip())


def _parts(expression: str) -> list[str]:
    """A value split at top-level '#' (outside quotes and braces)."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(expression):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(expression[start:i])
            start = i + 1
    parts.append(expression[start:])
    return [part.strip() for part in parts]


def resolve(expression: str, strings: dict[str, str]) -> str:
    """A raw field value with its quotes or braces removed, macros expanded and '#' joined."""
    pieces = []
    for part in _parts(expression):
        if len(part) >= 2 and ((part[0], part[-1]) in (("{", "}"), ('"', '"'))):
            pieces.append(part[1:-1])
        elif part.lower() in strings:
            pieces.append(strings[part.lower()])
        elif part.lower()[:3] in MONTH_MACROS and part.isalpha():
            pieces.append(MONTH_MACROS[part.lower()[:3]])
        elif part.isdigit():
            pieces.append(part)
        else:
            raise EntryProblem(f"unknown @string macro '{part}'; define it with @string{{{part} = ...}}")
    return "".join(pieces)


def split_names(latex: str) -> list[str]:
    """An author field split at the 'and's outside braces, each name as 'First Last' in Unicode."""
    names, depth, start = [], 0, 0
    text = " ".join(latex.split())
    for i, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and text[i : i + 5].lower() == " and ":
            names.append(text[start:i])
            start = i + 5
    names.append(text[start:])
    return [_name(name.strip()) for name in names if name.strip()]


def _name(latex: str) -> str:
    """'Last, First', 'Last, Jr, First' or 'First Last' as 'First Last' (CJK: '山田太郎'); 'others' as 'et al.'."""
    if latex.lower() == "others":
        return "et al."
    parts = _top_level_commas(latex)
    if len(parts) == 2 and all(CJK.fullmatch(part) for part in parts):
        latex = f"{parts[0]}{parts[1]}"  # Chinese, Japanese and Korean names put the family name first, unspaced
    elif len(parts) == 2:
        latex = f"{parts[1]} {parts[0]}"
    elif len(parts) >= 3:
        latex = f"{parts[2]} {parts[0]}, {parts[1]}"
    return DBLP_NUMBER.sub("", decode(latex))


def _top_level_commas(text: str) -> list[str]:
    """TEXT split at commas outside braces."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def paper_id(key: str) -> str:
    """An id from a BibTeX key: lowercase, other characters as '-'."""
    found = re.sub(r"[^a-z0-9._-]+", "-", key.lower()).strip("-._")
    return found if ID_PATTERN.match(found) else slugify(key)


def to_paper(entry: Entry, strings: dict[str, str]) -> dict[str, Any]:
    """One entry as paper data in the content format's key order."""
    raw = _bibtex_names({name.lower(): resolve(field.value, strings) for name, field in entry.fields_dict.items()})
    kind = bibtex_type(entry.entry_type.lower(), raw)
    for required in ("title", "author", "year"):
        if not raw.get(required, "").strip():
            raise EntryProblem(f"entry '{entry.key}' has no {required}; add {required} = {{...}}")
    year = re.sub(r"[{}\s]", "", raw["year"])
    if not re.fullmatch(r"\d{4}", year):
        raise EntryProblem(f"entry '{entry.key}' has year '{raw['year']}'; use a four-digit year")
    venue = _venue(entry.key, kind, raw)
    data: dict[str, Any] = {"id": paper_id(entry.key), "bibkey": entry.key}  # merge drops a bibkey equal to the id
    if kind in VENUE_FIELDS and kind != default_type(venue):
        data["type"] = kind
    data.update(title=decode_title(raw["title"]), authors=split_names(raw["author"]), year=int(year))
    if raw.get("month"):
        month = decode(raw["month"])
        data["month"] = int(month) if month.isdigit() else month
    data["venue"] = venue
    if raw.get("pages"):
        data["pages"] = re.sub(r"\s*[-–—]+\s*", "--", raw["pages"].strip())
    data.update(_other_fields(kind, raw))
    return data


# biblatex's entry types as the BibTeX types that hold the same (export writes BibTeX's).
BIBLATEX_TYPES = {
    **dict.fromkeys(("online", "electronic", "www", "dataset", "software", "booklet"), "misc"),
    **dict.fromkeys(("collection", "mvbook", "reference"), "book"),
    "report": "techreport",
    "periodical": "article",
    "inreference": "incollection",
    "bookinbook": "inbook",
    "mvproceedings": "proceedings",
}


def bibtex_type(kind: str, raw: dict[str, str]) -> str:
    """The BibTeX type of an entry: its own, or the one a biblatex type maps to (a thesis by its `type` field)."""
    if kind == "thesis":
        return "mastersthesis" if re.match(r"ma|master", raw.get("type", "").strip().lower()) else "phdthesis"
    return BIBLATEX_TYPES.get(kind, kind)


def _bibtex_names(raw: dict[str, str]) -> dict[str, str]:
    """biblatex fields (Zotero's Better BibLaTeX, biber users) under their BibTeX names, where those are unset."""
    aliases = {"journal": raw.get("journaltitle"), "address": raw.get("location")}
    date = re.match(r"\s*(\d{4})(?:-(\d{2}))?", raw.get("date", ""))
    if date:
        aliases.update(year=date[1], month=date[2] and str(int(date[2])))
    return {**{name: value for name, value in aliases.items() if value}, **raw}


def _other_fields(kind: str, raw: dict[str, str]) -> dict[str, Any]:
    """Place, publisher, volume, number, note, DOI, e-print, links, keywords and abstract, when present."""
    data: dict[str, Any] = {}
    for name in ("address", "publisher", "volume", "number", "note"):
        if raw.get(name) and VENUE_FIELDS.get(kind) != name:
            data[name] = _number_or_text(decode(raw[name])) if name in ("volume", "number") else decode(raw[name])
    if raw.get("doi"):
        data["doi"] = re.sub(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", verbatim(raw["doi"]), flags=re.I)
    for key, names in EPRINT_FIELDS.items():
        value = next((raw[name] for name in names if raw.get(name)), None)
        if value:
            data[key] = verbatim(value)
    for name in ("url", "pdf"):
        if raw.get(name):
            data[name] = verbatim(raw[name])
    if raw.get("keywords"):
        data["tags"] = [decode(word) for word in re.split(r"[,;]", raw["keywords"]) if word.strip()]
    if raw.get("abstract"):
        data["abstract"] = markdown_literal(decode(raw["abstract"]))
    return data


# The content format's e-print keys (BibTeX's spelling, as arXiv writes it) and the fields that give them,
# biblatex's (eprinttype, eprintclass) after BibTeX's.
EPRINT_FIELDS = {
    "eprint": ("eprint",),
    "archivePrefix": ("archiveprefix", "eprinttype"),
    "primaryClass": ("primaryclass", "eprintclass"),
}


def _number_or_text(value: str) -> int | str:
    """A volume or issue number as a YAML number when it is one (written back the same: '05' stays text)."""
    return int(value) if value.isascii() and value.isdigit() and str(int(value)) == value else value


def _arxiv_id(raw: dict[str, str]) -> str:
    """The arXiv identifier of an entry that gives one (eprint with no other archive), else ''."""
    archive = raw.get("archiveprefix", raw.get("eprinttype"))
    return raw.get("eprint", "").strip() if is_arxiv(archive or None) else ""


def _venue_field(kind: str, raw: dict[str, str]) -> str | None:
    """Which field holds the venue: the type's own, else the first venue-like field present."""
    own = VENUE_FIELDS.get(kind)
    if own is not None and raw.get(own):
        return own
    for name in ("booktitle", "journal", "school", "institution", "publisher", "howpublished", "organization"):
        if raw.get(name):
            return name
    return None


def _venue(key: str, kind: str, raw: dict[str, str]) -> str:
    """The venue line: the entry type's venue field, an arXiv identifier, or another venue-like field."""
    field = _venue_field(kind, raw)
    if field is not None:
        return decode(raw[field])
    eprint = _arxiv_id(raw)
    if eprint:
        return arxiv_venue(eprint)
    raise EntryProblem(f"entry '{key}' names no venue; add booktitle, journal or howpublished")


def parse(text: str, path: str) -> tuple[list[Incoming], list[SiteError]]:
    """Every entry that can become a paper, and a located error for each one that cannot."""
    with _quiet(logging.getLogger("bibtexparser")):  # we report broken entries ourselves, located
        library = bibtexparser.parse_string(text, parse_stack=[])  # type: ignore[attr-defined]
    where = _Locator(path, tuple(text.splitlines()))
    errors = [where.error(block.start_line, _failure(block)) for block in library.failed_blocks]
    strings: dict[str, str] = {}
    for item in library.strings:
        try:
            strings[item.key.lower()] = resolve(_string_expression(item.raw or ""), strings)
        except EntryProblem as exc:
            errors.append(where.error(item.start_line, str(exc)))
    papers = []
    for entry in library.entries:
        try:
            line, col = where.start(entry.start_line)
            papers.append(Incoming(to_paper(entry, strings), line, col, f"entry '{entry.key}'"))
        except EntryProblem as exc:
            errors.append(where.error(entry.start_line, str(exc)))
    return papers, errors


@dataclass(frozen=True)
class _Locator:
    """The file's lines, to turn bibtexparser's 0-based block lines into located errors at the block's '@'."""

    path: str
    lines: tuple[str, ...]

    def start(self, line: int | None) -> tuple[int, int]:
        """The 1-based line and column of the '@' that starts the block on LINE."""
        index = line or 0
        text = self.lines[index] if index < len(self.lines) else ""
        return index + 1, text.find("@") + 1 if "@" in text else 1

    def error(self, line: int | None, message: str) -> SiteError:
        """A located error for the block starting on LINE."""
        return SiteError(self.path, *self.start(line), message)


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Silence a library's warnings for the duration."""
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _string_expression(raw: str) -> str:
    """The value expression of an @string definition, as written (bibtexparser trims its quotes)."""
    inside = raw.strip()[raw.strip().find("{") + 1 : -1] if "{" in raw else raw
    return inside.split("=", 1)[1].strip() if "=" in inside else inside


def _failure(block: ParsingFailedBlock) -> str:
    """Why bibtexparser could not read a block."""
    if isinstance(block, DuplicateBlockKeyBlock):
        return f"duplicate key '{block.key}'; this entry is skipped (give it its own key)"
    reason = getattr(block.error, "abort_reason", "") or str(block.error)
    first = (reason.strip().splitlines() or ["check its braces and commas"])[0]
    return f"malformed entry, skipped: {first}"


def import_file(source: Path, root: Path, dry_run: bool = False) -> Outcome:
    """Merge every good entry into content/papers/; what was done, and the entries skipped."""
    shown = str(source)
    papers, errors = parse(read_input(source), shown)
    good, skipped = usable(root, shown, papers, errors, NONE_FOUND)
    return merge(root, good, skipped, dry_run)
