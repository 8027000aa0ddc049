"""Text helpers shared by every stage: Markdown, folding to ASCII, slugs."""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt

# html off: raw HTML in content is shown as text, never passed through. linkify: abstracts copied
# from the Anthology end in bare URLs ("code at https://github.com/..."), which readers expect to click.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable("linkify")

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
    """Markdown to HTML, raw HTML escaped."""
    return str(_markdown.render(text))


def markdown_inline(text: str) -> str:
    """Markdown to HTML without the enclosing paragraph."""
    return str(_markdown.renderInline(text))


def fold(text: str) -> str:
    """Lowercase ASCII-ish text for matching: Müller -> muller, Łódź -> lodz, Straße -> strasse."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    """Lowercase ASCII with '-' for every run of other characters; '' if nothing is left."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")
