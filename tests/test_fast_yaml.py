"""yaml-rs is used only where it reads a file exactly as PyYAML does: checked on tricky generated YAML."""

from __future__ import annotations

import os

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen import fast_yaml
from site_gen.content import YamlLoader

# Plain scalars YAML 1.1 and 1.2 read differently, and ones they agree on.
SCALARS = [
    "yes", "No", "ON", "off", "y", "true", "False", "~", "null", "", "017", "08", "0o17", "0x1F", "0b101",
    "1_000", "1:20", "12:30:00", "1e10", "3.5", ".inf", "-.5", "+3", "-0", "2024", "2024-01-01",
    "2001-12-14t21:59:43.10-05:00", "=", "<<", "!", "&a x", "*a", "!!str 12", "!custom x", "Zoë Müller",
    "Łódź", "x\u2028y", "x\x85y", "x\ufeffy", "x\x07y", "x\ty", "a # comment", "'quoted: yes'", '"017"',
    '"x\\x85y"', '"x\\/y"', "'it''s'", "[1, 017]", "{a: 1}", "plain text", "M3-Embedding: Multi-Linguality",
    "https://example.org/a?b=1", "10.18653/v1/2024.acl-long.1", "'08'",
]  # fmt: skip
# Pieces of YAML syntax: strung together they make flow collections, block scalars and indicators in
# the odd places where the two readers part ways (`[:0]`, `[a:]`, `[|x]`, `a: |` at the end of a file).
PIECES = [
    "a", "b c", "x:y", ":", ": ", ",", ", ", " ", "\n", "\n  ", "\n- ", "\nk: ", "[", "]", "{", "}", "'q'",
    '"d"', "?", "? ", "-", "- ", "|", ">", "|\n  t\n", ">-\n  u\n", "#", " #c", "O'B", "http://u?x=1", "&",
    "*", "!", "(", ")", "[t](http://l)", "Zoë", "0", "1", "'", '"', "\t", "%", "@", "`", ";",
]  # fmt: skip
KEYS = ["title", "year", "month", "1", "<<", "a b", "'q'", "x"]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))


def mapping(pairs: list[tuple[str, str]], indent: str) -> str:
    """A block mapping of KEY: VALUE lines."""
    return "".join(f"{indent}{key}: {value}\n" for key, value in pairs)


documents = st.one_of(
    st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(SCALARS)), max_size=6).map(lambda p: mapping(p, "")),
    st.lists(
        st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(SCALARS)), min_size=1, max_size=4),
        max_size=4,
    ).map(lambda items: "".join("- " + mapping(pairs, "  ")[2:] for pairs in items)),
    st.lists(st.sampled_from(SCALARS), max_size=5).map(lambda values: "".join(f"- {v}\n" for v in values)),
    st.tuples(
        st.sampled_from(["a: [", "a: {", "- [", "a: ", "- ", "- a: ", ""]),
        st.lists(st.sampled_from(PIECES), min_size=1, max_size=7),
        st.sampled_from(["", "\n"]),
    ).map(lambda parts: parts[0] + "".join(parts[1]) + parts[2]),
    st.sampled_from(["---\n", "%YAML 1.1\n---\n", "", "a: 1\n---\n", "a: 1\n...\n"]).flatmap(
        lambda head: st.sampled_from(SCALARS).map(lambda v: f"{head}b: {v}\n")
    ),
)


def pyyaml(text: str) -> tuple[bool, object]:
    """PyYAML's reading of TEXT: (True, data), or (False, the error's type)."""
    try:
        return True, yaml.load(text, Loader=YamlLoader)
    except (yaml.YAMLError, ValueError) as exc:
        return False, type(exc)


@settings(max_examples=EXAMPLES, deadline=None)
@given(documents)
def test_yaml_rs_is_used_only_where_it_agrees_with_pyyaml(text: str) -> None:
    sure, data = fast_yaml.load(text, text.encode())
    if sure:
        ok, expected = pyyaml(text)
        assert ok, f"PyYAML rejects {text!r}, yaml-rs read {data!r}"
        assert repr(data) == repr(expected), text


def test_yaml_rs_reads_an_ordinary_papers_file() -> None:
    text = "- title: M3-Embedding\n  authors: [Zoë Müller, 'D. Lian']\n  year: 2024\n  selected: true\n  doi: ~\n"
    assert fast_yaml.load(text, text.encode()) == (True, yaml.load(text, Loader=YamlLoader))


def test_pyyaml_reads_what_yaml_1_1_reads_differently() -> None:
    differing = ["month: 08", "a: yes", "a: 1:20", "a: 1e10", "a: 017", "a: !x y", "a: 1\n---\nb: 2", "a: x\u2028y"]
    flow_and_block = ["a: [;:]", "a: [:0]", "a: [|x]", "a: {?k}", "a: |\n", "a: >\n  x", " |\n  x\n"]
    for text in differing + flow_and_block:
        assert fast_yaml.load(text, text.encode()) == (False, None), text


def test_yaml_rs_reads_simple_flow_collections_and_block_scalars() -> None:
    text = (
        "- authors: [Zoë Müller, O'Brien, 'D. Lian']\n  links: {code: https://x.org/a?b=1}\n"
        "  abstract: |\n    Two\n    lines\n"
    )
    assert fast_yaml.load(text, text.encode()) == (True, yaml.load(text, Loader=YamlLoader))
