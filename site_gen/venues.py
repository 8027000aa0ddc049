"""Venue groups: which filter a paper's venue line belongs to (contract section 3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from site_gen.markup import distinct_slug


@dataclass(frozen=True)
class KnownVenue:
    """A well-known venue: its short name, whether it is a journal, and what recognises it."""

    short: str
    journal: bool
    pattern: re.Pattern[str]
    series: bool = False  # a workshop known by its own name (SemEval, WMT): never filed under its host's workshops


def _venue(short: str, *patterns: str, journal: bool = False, series: bool = False) -> KnownVenue:
    """A table row; patterns are matched case-insensitively against the venue line."""
    return KnownVenue(short, journal, re.compile("|".join(f"(?:{p})" for p in patterns), re.I), series)


def _title(name: str) -> str:
    """A journal whose name is common words ('Machine Learning'): the whole line, or the name then volume or year."""
    return rf"^(?:the )?{name}\s*(?:journal\s*)?(?:$|[(\d]|,\s*(?:vol|no|\d))"


def _findings(conference: str) -> KnownVenue:
    """Findings of CONFERENCE: 'Findings of the Association for Computational Linguistics: EMNLP 2023'."""
    long_form = rf"\bfindings of (?:the )?(?:association for computational linguistics|ACL)\b:?\s*{conference}\b"
    return _venue(f"Findings of {conference}", long_form, rf"^findings of {conference}\b")


_ACL_FAMILY = r"\b(?:ACL|EMNLP|NAACL|EACL|AACL|COLING|IJCNLP|CoNLL|LREC)\b|Association for Computational Linguistics"
# CEUR Workshop Proceedings publishes conferences too; DBLP writes a workshop at a conference as WORKSHOP@CONFERENCE.
_WORKSHOP = re.compile(r"(?<!CEUR )\bworkshops?\b|\w@\w", re.I)

# Order matters: workshop series and Findings before the conferences they name, journals before conferences that
# share words, and the narrower of two rows that recognise one line (PODS, ICTIR) before the wider (SIGMOD, SIGIR).
TABLE: tuple[KnownVenue, ...] = (
    _venue("SemEval", r"\bsemantic evaluation\b", r"\bSemEval\b", series=True),
    _venue(
        "WMT",
        r"\b(?:conference|workshop) on (?:statistical )?machine translation\b(?!\s+(?:for|and|of|in)\b)",
        r"\bWMT\b",
        series=True,
    ),
    _venue(
        "SIGDIAL",
        r"\bspecial interest group on discourse and dialogue\b",
        r"\bSIGdial\b",
        r"\bworkshop on discourse and dialogue\b",
        series=True,
    ),
    _venue("IWSLT", r"\bspoken language translation\b", r"\bIWSLT\b", series=True),
    _venue(
        "INLG",
        r"\bnatural language generation conference\b",
        r"\binternational (?:conference|workshop) on natural language generation\b",
        r"\bINLG\b",
        series=True,
    ),
    _venue("BioNLP", r"\bworkshop on biomedical natural language processing\b", r"\bBioNLP\b", series=True),
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
        "TALLIP",
        r"\btransactions on asian and low-resource language information processing\b",
        r"\bTrans\. Asian Low Resour\. Lang\. Inf\. Process\b",
        r"\bTALLIP\b",
        journal=True,
    ),
    _venue("LRE", _title("language resources and evaluation"), r"\bLang\. Resour\. Evaluation\b", journal=True),
    _venue(
        "TASLP",
        r"\btransactions on audio,? speech,? and language processing\b",
        r"\bTrans\. Audio,? Speech,? (?:and )?Lang(?:uage)?\.? Process\b",
        r"\bTASLP\b",
        journal=True,
    ),
    _venue(
        "JMLR",
        r"\bjournal of machine learning research\b",
        r"\bJ\. Mach\. Learn\. Res\b",
        r"\bJMLR\b(?!\s*(?:W\s*&\s*CP|workshop))",
        journal=True,
    ),
    _venue(
        "TMLR",
        r"\btransactions on machine learning research\b",
        r"\bTrans\. Mach\. Learn\. Res\b",
        r"\bTMLR\b",
        journal=True,
    ),
    _venue("Machine Learning", _title("machine learning"), r"^Mach\. Learn\.?\s*(?:$|[(\d,])", journal=True),
    _venue(
        "FnTML",
        r"\bfoundations and trends\W*in machine learning\b",
        r"\bFound\. Trends Mach\. Learn\b",
        journal=True,
    ),
    _venue(
        "TNNLS",
        r"\btransactions on neural networks and learning systems\b",
        r"\bTrans\. Neural Networks Learn\. Syst\b",
        r"\bTNNLS\b",
        journal=True,
    ),
    _venue(
        "TPAMI",
        r"\btransactions on pattern analysis and machine intelligence\b",
        r"\bTrans\. Pattern Anal\. Mach\. Intell\b",
        r"\bT-?PAMI\b",
        journal=True,
    ),
    _venue(
        "IJCV",
        r"\binternational journal of computer vision\b",
        r"\bInt\. J\. Comput\. Vis(?:ion)?\b",
        r"\bIJCV\b",
        journal=True,
    ),
    _venue("TIP", r"\btransactions on image processing\b", r"\bTrans\. Image Process\b", journal=True),
    _venue(
        "TCSVT",
        r"\btransactions on circuits and systems for video technology\b",
        r"\bTrans\. Circuits Syst\. Video Technol\b",
        r"\bTCSVT\b",
        journal=True,
    ),
    _venue("AIJ", _title("artificial intelligence"), r"^Artif\. Intell\.?\s*(?:$|[(\d,])", r"\bAIJ\b", journal=True),
    _venue(
        "JAIR",
        r"\bjournal of artificial intelligence research\b",
        r"\bJ\. Artif\. Intell\. Res\b",
        r"\bJAIR\b",
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
    _venue(
        "TIST",
        r"\btransactions on intelligent systems and technology\b",
        r"\bACM Trans\. Intell\. Syst\. Technol\b",
        r"\bTIST\b",
        journal=True,
    ),
    _venue("TORS", r"\btransactions on recommender systems\b", r"\bACM Trans\. Recomm\. Syst\b", journal=True),
    _venue(
        "DMKD",
        r"^data mining and knowledge discovery\b",
        r"\bData Min\. Knowl\. Discov\b",
        r"\bDMKD\b",
        journal=True,
    ),
    _venue("KAIS", _title("knowledge and information systems"), r"\bKnowl\. Inf\. Syst\b", journal=True),
    _venue("SIGKDD Explorations", r"\bSIGKDD explor", journal=True),
    _venue("Information Retrieval Journal", _title("information retrieval"), r"^Inf\. Retr\.", journal=True),
    _venue(
        "FnTIR",
        r"\bfoundations and trends\W*in information retrieval\b",
        r"\bFound\. Trends Inf\. Retr\b",
        journal=True,
    ),
    _venue(
        "JASIST",
        r"\bjournal of the (?:association|american society) for information science\b",
        r"\bJ\. (?:Assoc|Am\. Soc)\. Inf\. Sci\b",
        r"\bJASIST?\b",
        journal=True,
    ),
    _venue(
        "IP&M",
        r"\binformation processing (?:and|&) management\b",
        r"\bInf\. Process\. Manag",
        r"\bIP\s?&\s?M\b",
        journal=True,
    ),
    _venue("VLDB J.", r"\bVLDB journal\b", r"\bVLDBJ\b", r"\bVLDB J\b", journal=True),
    _venue("CSUR", r"\bACM computing surveys\b", r"\bACM Comput\. Surv\b", r"\bCSUR\b", journal=True),
    _venue(
        "PACM HCI",
        r"\bproceedings of the ACM on human-computer interaction\b",
        r"\bProc\. ACM Hum\.-Comput\. Interact\b",
        journal=True,
    ),
    _venue("CACM", r"\bcommunications of the ACM\b", r"\bCommun\. ACM\b", r"\bCACM\b", journal=True),
    _venue("Nature Machine Intelligence", r"^nature machine intelligence\b", r"^Nat\. Mach?\. Intell\b", journal=True),
    _venue("Nature Communications", r"^nature communications\b", r"^Nat\. Commun\b", journal=True),
    _venue("Nature", _title("nature"), journal=True),
    _venue("Science Advances", r"^science advances\b", r"^Sci\. Adv\b", journal=True),
    _venue("Science", _title("science"), journal=True),
    _venue(
        "PNAS",
        r"\bproceedings of the national academy of sciences\b",
        r"\bProc\. Natl\. Acad\. Sci\b",
        r"\bPNAS\b",
        journal=True,
    ),
    _venue("arXiv", r"\barxiv\b", r"^corr\b", journal=True),
    _venue("EMNLP", r"\bempirical methods in natural language processing\b", r"\bEMNLP\b"),
    _venue("NAACL", r"\bnorth american chapter of the association for computational linguistics\b", r"\bNAACL\b"),
    _venue("EACL", r"\beuropean chapter of the association for computational linguistics\b", r"\bEACL\b"),
    _venue("AACL", r"\basia-pacific chapter of the association for computational linguistics\b", r"\bAACL\b"),
    _venue(
        "ACL",
        r"\bannual meeting of the (?:association for computational linguistics|ACL)\b",
        r"^(?:proceedings of )?(?:the )?ACL\b(?!\s+anthology)",
        r"\bACL-IJCNLP\b",
        r"@ACL\b",
    ),
    _venue("COLING", r"\binternational conference on computational linguistics\b", r"\bCOLING\b"),
    _venue("IJCNLP", r"\binternational joint conference on natural language processing\b", r"\bIJCNLP\b"),
    _venue(
        "LREC",
        r"\blanguage resources and evaluation conference\b",
        r"\bconference on language resources and evaluation\b",
        r"\bLREC\b",
    ),
    _venue("CoNLL", r"\bcomputational natural language learning\b", r"\bCoNLL\b"),
    _venue("*SEM", r"\blexical and computational semantics\b", r"\*SEM\b"),
    _venue("RANLP", r"\brecent advances in natural language processing\b", r"\bRANLP\b"),
    _venue(
        "NeurIPS",
        r"\bneural information processing systems\b",
        r"\bNeural Inf\. Process\. Syst\b",
        r"\bNeurIPS\b",
        r"\bNIPS\b",
    ),
    _venue("ICML", r"\binternational conference on machine learning\b(?!\s+(?:and|for|in|&)\b)", r"\bICML\b"),
    _venue("ICLR", r"\binternational conference on learning representations\b", r"\bICLR\b"),
    _venue("AISTATS", r"\bartificial intelligence and statistics\b", r"\bAISTATS\b"),
    _venue("UAI", r"\buncertainty in artificial intelligence\b", r"\bUAI\b"),
    _venue("COLT", r"\bconference on (?:computational )?learning theory\b", r"\bCOLT\b"),
    _venue("CoRL", r"\bconference on robot learning\b", r"\bCoRL\b"),
    _venue(
        "ECML-PKDD",
        r"\bmachine learning and knowledge discovery in databases\b",
        r"\beuropean conference on machine learning\b",
        r"\bECML\b",
        r"\bPKDD\b",
    ),
    _venue("CVPR", r"\bcomputer vision and pattern recognition\b", r"\bCVPR\b"),
    _venue("ICCV", r"\binternational conference on computer vision\b(?!\s+(?:systems|theory|and)\b)", r"\bICCV\b"),
    _venue("ECCV", r"\beuropean conference on computer vision\b", r"\bECCV\b"),
    _venue("WACV", r"\bwinter conference on applications of computer vision\b", r"\bWACV\b"),
    _venue("BMVC", r"\bbritish machine vision conference\b", r"\bBMVC\b"),
    _venue(
        "ACM MM",
        r"\bACM (?:international )?(?:conference on )?multimedia\b(?!\s+(?:retrieval|asia|in asia|systems)\b)",
        r"\bACM MM\b",
    ),
    _venue(
        "Interspeech",
        r"\binterspeech\b",
        r"\bannual conference of the international speech communication association\b",
    ),
    _venue("ICASSP", r"\bconference on acoustics,? speech,? and signal processing\b", r"\bICASSP\b"),
    _venue("ICMR", r"\binternational conference on multimedia retrieval\b", r"\bICMR\b"),
    _venue("ICWSM", r"\bweb and social media\b", r"\bICWSM\b"),
    _venue("HCOMP", r"\bhuman computation and crowdsourcing\b", r"\bHCOMP\b"),
    _venue("FAccT", r"\bfairness, accountability,? and transparency\b", r"\bFAccT\b", r"\bFAT\*"),
    _venue("AIES", r"\bconference on AI, ethics,? and society\b", r"\bAIES\b"),
    _venue(
        "AAAI",
        r"\bAAAI conference on artificial intelligence\b",
        r"\bAAAI\b(?!\s+(?:(?:spring|fall|summer) )?symposi|\s+conference on human computation)",
    ),
    _venue("IJCAI", r"\binternational joint conference on artificial intelligence\b", r"\bIJCAI\b"),
    _venue("ECAI", r"\beuropean conference on artificial intelligence\b", r"\bECAI\b"),
    _venue("PAKDD", r"\bpacific-asia conference on knowledge discovery\b", r"\bPAKDD\b"),
    _venue("KDD", r"\bSIGKDD\b", r"\bknowledge discovery (?:and|&) data mining\b", r"\bKDD\b"),
    _venue("SDM", r"\bSIAM (?:international )?conference on data mining\b", r"\bSDM\b"),
    _venue("ICDM", r"\binternational conference on data mining\b(?!\s+(?:and|for|in|&)\b)", r"\bICDM\b"),
    _venue("WSDM", r"\bweb search and data mining\b", r"\bWSDM\b"),
    _venue(
        "WWW", r"\b(?:the )?(?:ACM )?web conference\b", r"\bworld wide web conference\b", r"\bWWW\b", r"\bTheWebConf\b"
    ),
    _venue("ICTIR", r"\btheory of information retrieval\b", r"\bICTIR\b"),
    _venue("CHIIR", r"\bhuman information interaction and retrieval\b", r"\bCHIIR\b"),
    _venue("SIGIR-AP", r"\bSIGIR-AP\b", r"\binformation retrieval in the asia pacific region\b"),
    _venue("SIGIR", r"\bresearch and development in information retrieval\b", r"\bSIGIR\b(?!\s+forum)"),
    _venue("ECIR", r"\beuropean conference on (?:information retrieval|IR research)\b", r"\bECIR\b"),
    _venue("TREC", r"\btext retrieval conference\b", r"\bTREC\b"),
    _venue("CLEF", r"\bconference and labs of the evaluation forum\b", r"\bCLEF\b"),
    _venue("CIKM", r"\binformation (?:and|&) knowledge management\b", r"\bCIKM\b"),
    _venue("RecSys", r"\bconference on recommender systems\b", r"\bRecSys\b"),
    _venue("ICDE", r"\binternational conference on data engineering\b", r"\bICDE\b"),
    _venue("VLDB", r"\bVLDB endowment\b", r"\bvery large data bases\b", r"\bP?VLDB\b"),
    _venue("PODS", r"\bprinciples of database systems\b", r"^PODS\b"),
    _venue(
        "SIGMOD",
        r"\bSIGMOD\b(?!\s+record)",
        r"\b(?:international conference|proceedings of the ACM) on management of data\b",
        r"\bProc\. ACM Manag\. Data\b",
    ),
    _venue("EDBT", r"\bextending database technology\b", r"\bEDBT\b"),
    _venue("ICDT", r"\binternational conference on database theory\b", r"\bICDT\b"),
    _venue("CIDR", r"\binnovative data systems research\b", r"\bCIDR\b"),
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
    """A venue group: its name, its slug (the venues/SLUG/ page), whether it is a journal, and the short label
    a filter shows for it (the name, unless that is a long line of a venue the table does not know)."""

    name: str
    slug: str
    journal: bool
    label: str


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
    """The built-in table's group for a venue line, else the venue's own acronym or its stripped, shortened line."""
    line = " ".join(venue.split())
    known = _known(line)
    workshop = bool(_WORKSHOP.search(line))
    if known is not None and (known.series or not workshop):
        return make_venue(known.short, known.journal)
    if workshop:
        return _workshop_group(line, known)
    return _fallback(line, is_journal(line))


def _fallback(line: str, journal: bool) -> Venue:
    """A venue the table does not know: named by its line without years, ordinals and volumes (contract,
    section 3: the name and slug users and links rely on), labelled by its acronym or a shortened name."""
    return make_venue(strip_numbers(line), journal, fallback_label(line))


@lru_cache(maxsize=4096)
def _known(line: str) -> KnownVenue | None:
    """The first table row that recognises the line."""
    return next((row for row in TABLE if row.pattern.search(line)), None)


def _workshop_group(line: str, known: KnownVenue | None) -> Venue:
    """Workshops of a well-known conference group as 'X Workshops'; others by their own acronym or stripped line."""
    if known is not None and not known.journal and not known.short.startswith("Findings"):
        return make_venue(f"{known.short} Workshops", False)
    if re.search(_ACL_FAMILY, line):
        return make_venue("ACL Workshops", False)
    return _fallback(line, False)


@lru_cache(maxsize=4096)
def is_journal(line: str) -> bool:
    """Whether a venue line names a journal rather than a conference."""
    known = _known(line)
    return known.journal if known is not None else bool(_JOURNAL_WORDS.search(line))


def default_type(venue: str) -> str:
    """The BibTeX type a venue line implies: misc for arXiv (as arXiv exports it), article for journals,
    else inproceedings; a paper's `type` is written only where it differs."""
    if builtin_group(venue).name == "arXiv":
        return "misc"
    return "article" if is_journal(venue) else "inproceedings"


_YEAR = r"\b(?:19|20)\d\d\b"
_ORDINAL = r"\b\d+(?:st|nd|rd|th)\b"
_ORDINAL_WORDS = (
    r"\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]?)?"
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b"
    r"|\b(?:tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth|(?:twen|thir|for|fif)tieth)\b"
)
_ROMAN_EDITION = r"(?-i:\b[IVX]{2,}\b)"  # 'Summit XIX', 'LAW-XVII'; capitals only, so never a word
_VOLUME = r"\((?:volume|vol\.?)\s*\d+[^)]*\)|\b(?:volume|vol\.?|no\.?|number|issue)\s*\d+\b"
_NUMBER = r"(?<![\w.])\d+(?![\w.])"
_STRIP = re.compile("|".join((_VOLUME, _YEAR, _ORDINAL, _ORDINAL_WORDS, _ROMAN_EDITION, _NUMBER)), re.I)


def strip_numbers(line: str) -> str:
    """The venue line with years, ordinals and volume numbers removed, and the punctuation tidied."""
    return _tidy(_STRIP.sub(" ", line)) or line.strip()


def _tidy(text: str) -> str:
    """Text without empty parentheses, runs of spaces, space before punctuation or loose punctuation at its ends."""
    text = re.sub(r"\(\s*[-–:,;]*\s*\)", " ", text)
    text = re.sub(r"\s+([,:;)])", r"\1", text)
    text = re.sub(r"[,:;]+([,:;])", r"\1", text)
    text = re.sub(r"([(])\s+", r"\1", text)
    text = " ".join(text.split())
    text = re.sub(r"\bthe the\b", "the", text, flags=re.I)
    return text.strip(" ,:;-–'\"")


MAX_LABEL = 40  # longer labels wrap in the filter pills and make unreadable page names (issue #15)


def fallback_label(line: str) -> str:
    """An unknown venue's label: its own acronym if the line gives one, else its stripped line, shortened to fit."""
    return acronym(line) or shorten(_without_repeats(strip_numbers(line)))


# Where a venue line names its venue's acronym: before a colon, a dash or the word Workshop ('SustaiNLP: Workshop on',
# 'the 6th BlackboxNLP Workshop'), in parentheses ('(CALCS)'), or before the year in a DBLP title ('..., TSD 2023, ...').
_LEAD = re.compile(
    r"^(?:in:?\s+)?(?:(?:proceedings|proc\.)(?:\s+of)?\s+)?(?:the\s+)?(?:(?:joint|international|annual)\s+)*(.+?)"
    r"(?::\s|\s[-–]\s|\s+(?:international\s+)?(?:workshop|conference|symposium|shared task)\b)",
    re.I,
)
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_BEFORE_YEAR = re.compile(r"(?:^|,\s*|\s[-–]\s)([^,]+?)[\s-]*(?:'\d\d|(?:19|20)\d\d)(?=\s*(?:,|\s[-–]\s|$))")
_GLUED_YEAR = re.compile(r"(?<=[A-Za-z])(?:19|20)\d\d\b")  # 'WAT2021', 'SSW2023'
_ACRONYM = re.compile(r"\*?[A-Za-z][A-Za-z0-9]*(?:[-&+/][A-Za-z0-9]+)*")
# Capitals that name a publisher, a field, a series or a place, never the venue itself.
_NOT_VENUES = frozenset(
    {"ACM", "IEEE", "CVF", "ISCA", "SIAM", "USENIX", "IFIP", "AAAI", "ACL", "AFNLP", "ELRA", "ICCL", "CEUR", "WS"}
    | {"LNCS", "LNAI", "CCIS", "PMLR", "JMLR", "W&CP", "NLP", "AI", "ML", "IR", "ONLINE", "VIRTUAL", "HYBRID"}
    | {"USA", "UK", "EU"}
)


def acronym(line: str) -> str | None:
    """The venue's own acronym as its line gives it, or None: 'Proceedings of SustaiNLP: ...' -> 'SustaiNLP'."""
    lead = _LEAD.match(strip_numbers(line))
    candidates = [lead[1]] if lead else []
    candidates += [m[1] for m in _PARENTHESES.finditer(line)]
    candidates += [m[1] for m in _BEFORE_YEAR.finditer(line)]
    return next(filter(None, map(_as_acronym, candidates)), None)


def _as_acronym(text: str) -> str | None:
    """TEXT as a venue acronym ('RepL4NLP-2021' -> 'RepL4NLP', 'ACM MM' -> 'MM'), or None if it is not one."""
    text = _GLUED_YEAR.sub("", strip_numbers(re.split(r"[,;@]", text)[0]))
    words = [word for word in text.split() if not set(re.split(r"[-/]", word.upper())) <= _NOT_VENUES]
    return " ".join(words) if 1 <= len(words) <= 2 and all(map(_is_acronym, words)) else None


def _is_acronym(word: str) -> bool:
    """Whether a word is written as an acronym: two capitals or more ('CALCS', 'SustaiNLP', 'W-NUT')."""
    return sum(c.isupper() for c in word) >= 2 and len(word) <= 20 and bool(_ACRONYM.fullmatch(word))


def _without_repeats(text: str) -> str:
    """TEXT without parentheses that repeat what it says outside them: 'Conference on Big Data (Big Data)'."""
    for group in _PARENTHESES.finditer(text):
        rest = text.replace(group[0], " ")
        if group[1].strip().casefold() in rest.casefold():
            text = rest
    return _tidy(text)


# Each step makes a long label shorter while keeping what tells it apart; they run in order until it fits.
_SHORTER = tuple(
    (re.compile(pattern, re.I), replacement)
    for pattern, replacement in (
        (r"^(?:in:?\s+)?(?:(?:companion|adjunct)\s+)?(?:proceedings|proc\.)(?:\s+of)?\s+(?:the\s+)?|^the\s+", ""),
        (
            r",?\s+(?:co-?located|collocated|held)\s+(?:with|at|in conjunction with)\b.*|,?\s+in conjunction with\b.*",
            "",
        ),
        (
            r",\s*(?:online|virtual|hybrid|proceedings|part|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?"
            r"|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b.*",
            "",
        ),
        (r"\s*\([^()]*\)", ""),
        (r"\bnatural language processing\b", "NLP"),
        (r"\bnatural language generation\b", "NLG"),
        (r"\blarge language models\b", "LLMs"),
        (r"\bartificial intelligence\b", "AI"),
        (r"\bmachine learning\b", "ML"),
        (r"\binformation retrieval\b", "IR"),
        (r"\bmachine translation\b", "MT"),
        (r"\bcomputational linguistics\b", "CL"),
        (r"\b(?:international|annual|joint)\s+", ""),
        (r"\b(?:IEEE(?:/CVF)?|ACM|ISCA|SIAM|IFIP|USENIX)\s+", ""),
        (r"^(?:workshop|conference|symposium|meeting)\s+(?:on|of|for)\s+(?:the\s+)?", ""),
        (r"^(?:computational|automatic|statistical|neural)?\s*(?:approaches|models|methods)\s+(?:to|of|for)\s+", ""),
        (r",?\s+and\s+", " & "),
    )
)
_DANGLING = frozenset({"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "the", "to", "with", "&"})


def shorten(label: str) -> str:
    """LABEL, if longer than MAX_LABEL, without its wrapper words, asides and generic words, else cut to fit."""
    for pattern, replacement in _SHORTER:
        if len(label) <= MAX_LABEL:
            return label
        label = _tidy(pattern.sub(replacement, label)) or label
    return label if len(label) <= MAX_LABEL else _cut(label)


def _cut(label: str) -> str:
    """LABEL cut at the last word boundary that fits, without a dangling 'of' or 'and', marked with '…'."""
    words: list[str] = []
    for word in label.split():
        if len(" ".join([*words, word])) >= MAX_LABEL:
            break
        words.append(word)
    while words and words[-1].casefold() in _DANGLING:
        words.pop()
    return (" ".join(words).rstrip(" ,:;-–&") or label[: MAX_LABEL - 1]) + "…"


@lru_cache(maxsize=4096)
def make_venue(name: str, journal: bool, label: str | None = None) -> Venue:
    """A Venue with its slug; a name with letters that do not fold to ASCII gets a short hash to keep it unique."""
    return Venue(name, distinct_slug(name, "venue"), journal, label or name)
