"""Text helpers shared by every stage: Markdown, folding to ASCII, slugs."""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt

# html off: raw HTML in content is shown as text, never passed through. linkify: abstracts copied
# from the Anthology end in bare URLs ("code at https://github.com/..."), which readers expect to click.
# linkify-it's scan is slow (most of a 10,000-paper build), so it runs only on text that may hold a link.
_markdown = MarkdownIt("commonmark", {"html": False})
_markdown_linkify = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable("linkify")
_MAYBE_LINK = re.compile(r"://|www\.|@", re.I)

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
    renderer = _markdown_linkify if _MAYBE_LINK.search(text) else _markdown
    return str(renderer.render(text))


def fold(text: str) -> str:
    """Lowercase ASCII-ish text for matching: Müller -> muller, Łódź -> lodz, Straße -> strasse."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    """Lowercase ASCII with '-' for every run of other characters; '' if nothing is left."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")
