"""Venue groups: which filter a paper's venue line belongs to (contract section 3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from site_gen.markup import slugify


@dataclass(frozen=True)
class KnownVenue:
    """A well-known venue: its short name, whether it is a journal, and what recognises it."""

    short: str
    journal: bool
    pattern: re.Pattern[str]


def _venue(short: str, *patterns: str, journal: bool = False) -> KnownVenue:
    """A table row; patterns are matched case-insensitively against the venue line."""
    return KnownVenue(short, journal, re.compile("|".join(f"(?:{p})" for p in patterns), re.I))


def _findings(conference: str) -> KnownVenue:
    """Findings of CONFERENCE: 'Findings of the Association for Computational Linguistics: EMNLP 2023'."""
    long_form = rf"\bfindings of (?:the )?(?:association for computational linguistics|ACL)\b:?\s*{conference}\b"
    return _venue(f"Findings of {conference}", long_form, rf"^findings of {conference}\b")


_ACL_FAMILY = r"\b(?:ACL|EMNLP|NAACL|EACL|AACL|COLING|IJCNLP|CoNLL|LREC)\b|Association for Computational Linguistics"
_WORKSHOP = re.compile(r"\bworkshops?\b", re.I)

# Order matters: Findings before the main conferences, journals before conferences that share words.
TABLE: tuple[KnownVenue, ...] = (
    *(_findings(conference) for conference in ("ACL", "EMNLP", "NAACL", "EACL", "AACL")),
    _venue(
        "TACL",
        r"\btransactions of the association for computational linguistics\b",
        r"\bTrans\. Assoc\. Comput\. Linguistics\b",
        r"^TACL\b",
        journal=True,
    ),
    _venue(
        "CL",
        r"^(?:the )?computational linguistics\s*(?:journal)?\s*(?:[,(:]|\d|vol|$)",
        r"^Comput\. Linguistics\b",
        r"^CL\b",
        journal=True,
    ),
    _venue(
        "TKDE",
        r"\btransactions on knowledge and data engineering\b",
        r"\bTrans\. Knowl\. Data Eng\b",
        r"\bTKDE\b",
        journal=True,
    ),
    _venue(
        "TKDD",
        r"\btransactions on knowledge discovery from data\b",
        r"\bTrans\. Knowl\. Discov\. Data\b",
        r"\bTKDD\b",
        journal=True,
    ),
    _venue(
        "TOIS", r"\btransactions on information systems\b", r"\bACM Trans\. Inf\. Syst\b", r"\bTOIS\b", journal=True
    ),
    _venue("VLDB J.", r"\bVLDB journal\b", r"\bVLDBJ\b", journal=True),
    _venue("arXiv", r"\barxiv\b", r"^corr\b", journal=True),
    _venue("EMNLP", r"\bempirical methods in natural language processing\b", r"\bEMNLP\b"),
    _venue("NAACL", r"\bnorth american chapter of the association for computational linguistics\b", r"\bNAACL\b"),
    _venue("EACL", r"\beuropean chapter of the association for computational linguistics\b", r"\bEACL\b"),
    _venue("AACL", r"\basia-pacific chapter of the association for computational linguistics\b", r"\bAACL\b"),
    _venue(
        "ACL",
        r"\bannual meeting of the (?:association for computational linguistics|ACL)\b",
        r"^(?:proceedings of )?(?:the )?ACL\b(?!\s+anthology)",
    ),
    _venue("COLING", r"\binternational conference on computational linguistics\b", r"\bCOLING\b"),
    _venue(
        "NeurIPS",
        r"\bneural information processing systems\b",
        r"\bNeural Inf\. Process\. Syst\b",
        r"\bNeurIPS\b",
        r"\bNIPS\b",
    ),
    _venue("ICML", r"\binternational conference on machine learning\b(?!\s+(?:and|for|in|&)\b)", r"\bICML\b"),
    _venue("ICLR", r"\binternational conference on learning representations\b", r"\bICLR\b"),
    _venue("ICWSM", r"\bweb and social media\b", r"\bICWSM\b"),
    _venue("AAAI", r"\bAAAI conference on artificial intelligence\b", r"\bAAAI\b"),
    _venue("IJCAI", r"\binternational joint conference on artificial intelligence\b", r"\bIJCAI\b"),
    _venue("PAKDD", r"\bpacific-asia conference on knowledge discovery\b", r"\bPAKDD\b"),
    _venue("KDD", r"\bSIGKDD\b", r"\bknowledge discovery (?:and|&) data mining\b", r"\bKDD\b"),
    _venue("WSDM", r"\bweb search and data mining\b", r"\bWSDM\b"),
    _venue(
        "WWW", r"\b(?:the )?(?:ACM )?web conference\b", r"\bworld wide web conference\b", r"\bWWW\b", r"\bTheWebConf\b"
    ),
    _venue("SIGIR", r"\bresearch and development in information retrieval\b", r"\bSIGIR\b(?!\s+forum)"),
    _venue("CIKM", r"\binformation and knowledge management\b", r"\bCIKM\b"),
    _venue("RecSys", r"\bconference on recommender systems\b", r"\bRecSys\b"),
    _venue("ICDE", r"\binternational conference on data engineering\b", r"\bICDE\b"),
    _venue("VLDB", r"\bVLDB endowment\b", r"\bvery large data bases\b", r"\bP?VLDB\b"),
    _venue(
        "SIGMOD",
        r"\bSIGMOD\b(?!\s+record)",
        r"\b(?:international conference|proceedings of the ACM) on management of data\b",
    ),
)
_JOURNAL_WORDS = re.compile(r"\b(?:journal|transactions|letters|review|magazine)\b", re.I)


@dataclass(frozen=True)
class VenueRule:
    """A site.yaml rule: venue lines matching `match` (substring or /regex/) belong to `short`."""

    match: str
    short: str

    @property
    def pattern(self) -> re.Pattern[str]:
        """The rule as a regular expression."""
        return compile_rule(self.match)

    def matches(self, venue: str) -> bool:
        """Whether this rule claims the venue line."""
        return bool(self.pattern.search(venue))


def compile_rule(match: str) -> re.Pattern[str]:
    """'/regex/' is a case-insensitive regex; anything else a case-insensitive substring."""
    if len(match) > 2 and match.startswith("/") and match.endswith("/"):
        return re.compile(match[1:-1], re.I)
    return re.compile(re.escape(match), re.I)


@dataclass(frozen=True)
class Venue:
    """A venue group: its display name, its slug (the venues/SLUG/ page) and whether it is a journal."""

    name: str
    slug: str
    journal: bool


def venue_group(venue: str, venue_short: str | None, rules: tuple[VenueRule, ...]) -> Venue:
    """The group of one paper: venue_short, else the first matching rule, else the table, else the stripped line."""
    if venue_short:
        return make_venue(venue_short, is_journal(venue))
    for rule in rules:
        if rule.matches(venue):
            return make_venue(rule.short, is_journal(venue))
    return builtin_group(venue)


@lru_cache(maxsize=4096)
def builtin_group(venue: str) -> Venue:
    """The built-in table's group for a venue line, or the line without years, ordinals and volumes."""
    line = " ".join(venue.split())
    known = _known(line)
    if _WORKSHOP.search(line):
        return _workshop_group(line, known)
    if known is not None:
        return make_venue(known.short, known.journal)
    return make_venue(strip_numbers(line), is_journal(line))


@lru_cache(maxsize=4096)
def _known(line: str) -> KnownVenue | None:
    """The first table row that recognises the line."""
    return next((row for row in TABLE if row.pattern.search(line)), None)


def _workshop_group(line: str, known: KnownVenue | None) -> Venue:
    """Workshops of a well-known conference group as 'X Workshops'; others by their stripped line."""
    if known is not None and not known.journal and not known.short.startswith("Findings"):
        return make_venue(f"{known.short} Workshops", False)
    if re.search(_ACL_FAMILY, line):
        return make_venue("ACL Workshops", False)
    return make_venue(strip_numbers(line), False)


@lru_cache(maxsize=4096)
def is_journal(line: str) -> bool:
    """Whether a venue line names a journal rather than a conference."""
    known = _known(line)
    return known.journal if known is not None else bool(_JOURNAL_WORDS.search(line))


def default_type(venue: str) -> str:
    """The BibTeX type a paper has unless it says otherwise: article for journals, else inproceedings."""
    return "article" if is_journal(venue) else "inproceedings"


_YEAR = r"\b(?:19|20)\d\d\b"
_ORDINAL = r"\b\d+(?:st|nd|rd|th)\b"
_ORDINAL_WORDS = r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b"
_VOLUME = r"\((?:volume|vol\.?)\s*\d+[^)]*\)|\b(?:volume|vol\.?|no\.?|number|issue)\s*\d+\b"
_NUMBER = r"(?<![\w.])\d+(?![\w.])"
_STRIP = re.compile("|".join((_VOLUME, _YEAR, _ORDINAL, _ORDINAL_WORDS, _NUMBER)), re.I)


def strip_numbers(line: str) -> str:
    """The venue line with years, ordinals and volume numbers removed, and the punctuation tidied."""
    text = _STRIP.sub(" ", line)
    text = re.sub(r"\(\s*[-–:,;]*\s*\)", " ", text)
    text = re.sub(r"\s+([,:;)])", r"\1", text)
    text = re.sub(r"([(])\s+", r"\1", text)
    text = " ".join(text.split())
    text = re.sub(r"\bthe the\b", "the", text, flags=re.I)
    return text.strip(" ,:;-–'\"") or line.strip()


def make_venue(name: str, journal: bool) -> Venue:
    """A Venue with its slug; a name with no ASCII letters gets a slug from its code points."""
    slug = slugify(name) or "venue-" + "-".join(f"{ord(c):x}" for c in name if not c.isspace())[:40]
    return Venue(name, slug, journal)
