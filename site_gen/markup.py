"""Text helpers shared by every stage: Markdown, folding to ASCII, slugs."""

from __future__ import annotations

import functools
import re
import unicodedata

from markdown_it_pyrs import MarkdownIt

# CommonMark without its raw-HTML rules (HTML in content shows as text, never passes through), plus
# linkify: abstracts copied from the Anthology end in bare URLs ("code at https://...") that readers
# expect to click. markdown-it.rs renders as markdown-it-py does, at about a seventh of the cost.
_markdown = MarkdownIt("zero").enable_many(
    [
        *("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference"),
        *("autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline", "linkify"),
    ]
)

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


def markdown(text: str) -> str:
    """Markdown to HTML, raw HTML escaped, bare URLs made links."""
    return str(_markdown.render(text))


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
