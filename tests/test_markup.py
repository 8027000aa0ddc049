"""Markdown: the shortcuts (plain text, no linkify without a bare address) render exactly as markdown-it-py does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen.markup import _WITH_LINKIFY, markdown

# Pieces that every Markdown and linkify rule reacts to, mixed with ordinary words.
PIECES = [
    *("word", "Müller", "检索", "10×", " ", " ", "  ", "\n", "\n\n", "\t", "    "),
    *("*", "**", "_", "`", "\\", "[", "]", "(", ")", "!", "<", ">", "&", "&amp;", "&copy;", '"', "'"),
    *("#", "# ", "- ", "+ ", "1. ", "2) ", "> ", "---", "===", "~~~", "```", "|", ":", "."),
    *("https://example.org/a", "http://x.org", "//cdn.example.org", "www.example.org", "model.py"),
    *("foo@bar.org", "mailto:a@b.org", "[code](https://github.com/x/y)", "[a](http://x)", "![img](https://x.png)"),
    *("<https://auto.example>", "[ref]", "[ref]: https://r.example", "javascript:alert(1)", "[x](file://etc)"),
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14))
def test_every_shortcut_renders_as_markdown_it_py_does(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert markdown(text) == _WITH_LINKIFY.render(text)


def test_raw_html_shows_as_text_and_bare_addresses_are_links() -> None:
    assert markdown("<script>alert(1)</script> & x") == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; x</p>\n"
    assert markdown("Code at https://github.com/a/b.") == (
        '<p>Code at <a href="https://github.com/a/b">https://github.com/a/b</a>.</p>\n'
    )
    assert markdown("We use model.py, e.g. here.") == "<p>We use model.py, e.g. here.</p>\n"
    assert markdown('A "quoted" plain abstract.') == "<p>A &quot;quoted&quot; plain abstract.</p>\n"
