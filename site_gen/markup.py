"""Text helpers shared by every stage: Markdown, folding to ASCII, slugs."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from markdown_it import MarkdownIt

# CommonMark without its raw-HTML rules (HTML in content shows as text, never passes through), plus
# linkify: abstracts copied from the Anthology end in bare URLs ("code at https://...") that readers
# expect to click. Only addresses with a scheme are links: "model.py" or "e.g." are not web addresses.
_RULES = [
    *("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference"),
    *("autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline"),
]
_WITH_LINKIFY = MarkdownIt("zero", {"linkify": True}).enable([*_RULES, "linkify"])
_WITH_LINKIFY.linkify.set({"fuzzy_link": False})  # type: ignore[union-attr]  # made by linkify=True
_WITHOUT_LINKIFY = MarkdownIt("zero").enable(_RULES)

# Text with none of these is one plain paragraph: markdown-it would only escape its quotes. Most
# abstracts are such text, and markdown-it-py takes 70 us for one (560 us with linkify, whose first
# look at the text is a large Unicode pattern), so they skip it.
_SYNTAX = re.compile(r"[\\`*_\[\]!<>&~|\t\n\r]|//|@")
_BLOCK_START = re.compile(r"[#+=0-9-]")
# A link written as Markdown ([code](https://...)) is never linkified again; only a bare address is.
_MARKDOWN_LINK = re.compile(r"\[[^\[\]\\`]*\]\(https?://[^()\s\\`<>]*\)")


def markdown(text: str) -> str:
    """Markdown to HTML: CommonMark, raw HTML escaped, bare http(s) and e-mail addresses made links."""
    if is_plain(text):
        return plain_paragraph(text)
    engine = _WITH_LINKIFY if _may_hold_bare_address(text) else _WITHOUT_LINKIFY
    return str(engine.render(text))


def is_plain(text: str) -> bool:
    """Whether TEXT is one line that no Markdown rule (nor linkify) reads anything in."""
    return bool(text) and text == text.strip() and _SYNTAX.search(text) is None and _BLOCK_START.match(text) is None


def plain_paragraph(text: str) -> str:
    """A text is_plain() finds plain, as the paragraph markdown-it makes of it."""
    return "<p>" + text.replace('"', "&quot;") + "</p>\n"


def _may_hold_bare_address(text: str) -> bool:
    """Whether linkify could find an address in TEXT outside its Markdown links."""
    if "\\" not in text and "`" not in text and "<" not in text:  # escapes and code spans change what is a link
        text = _MARKDOWN_LINK.sub(" ", text)
    return "//" in text or "@" in text


# Letters that Unicode does not decompose into a base letter plus marks.
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "ŋ": "n",
        "Ŋ": "N",
        "ĸ": "k",
        "ſ": "s",
    }
)
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=1 << 14)  # author names recur from paper to paper
def fold(text: str) -> str:
    """Lowercase ASCII-ish text for matching: Müller -> muller, Łódź -> lodz, Straße -> strasse."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    """Lowercase ASCII with '-' for every run of other characters; '' if nothing is left."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")


MAX_SLUG = 200  # slugs name folders: longer ones are cut (and hashed) to stay below 255 bytes


def distinct_slug(text: str, stem: str) -> str:
    """slugify(TEXT), made distinct by a short hash of TEXT where letters were lost in folding (or it is too
    long for a folder name); STEM stands in for a slug with no letter left."""
    slug = slugify(text)
    if slug and len(slug) <= MAX_SLUG and (text.isascii() or all(slugify(c) or not c.isalpha() for c in text)):
        return slug
    digest = hashlib.blake2b(text.encode(), digest_size=4).hexdigest()
    kept = slug[: MAX_SLUG - len(digest) - 1].rstrip("-")
    return f"{kept if re.search('[a-z]', kept) else stem}-{digest}"


def count_papers(count: int) -> str:
    """'1 paper', '2 papers'."""
    return f"{count} paper{'' if count == 1 else 's'}"
