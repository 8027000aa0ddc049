"""Loading and validation: positions, values, links and ids, tested on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_gen.content import load
from site_gen.derive import derive, derived_id
from site_gen.validate import Invalid, Links, doi, month, validate
from tests.conftest import SITES


def write_site(root: Path, papers: str, site: str | None = None) -> Path:
    """A site root with one papers file."""
    (root / "content" / "papers").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text(
        site or "title: T\nbase_url: https://x.example/r\nauthor: {name: Ada Lovelace}\n", encoding="utf-8"
    )
    (root / "content" / "papers" / "p.yaml").write_text(papers, encoding="utf-8")
    return root


def messages(root: Path) -> list[str]:
    """Every error of load + validate + derive, as printed."""
    inputs, errors = load(root)
    content, found = validate(inputs)
    errors += found
    if content is not None:
        errors += derive(content)[1]
    return [str(e) for e in sorted(errors)]


PAPER = "title: T\nauthors: [Ada Lovelace]\nyear: 2020\nvenue: V\n"


def test_valid_minimal_site_loads_every_paper() -> None:
    inputs, errors = load(SITES / "minimal")
    content, found = validate(inputs)
    assert errors == [] and found == [] and content is not None
    assert [p.title for p in content.papers][1:] == ["A Tiny Workshop Paper", "Knowledge Graphs for Recommendation"]
    assert content.site.base_url == "https://zoe.example.org/pubs/"
    assert content.papers[0].month == 8 and content.papers[0].pdf is not None and content.papers[0].pdf.local


def test_base_url_gets_a_trailing_slash(tmp_path: Path) -> None:
    content, _ = validate(load(write_site(tmp_path, PAPER))[0])
    assert content is not None and content.site.base_url == "https://x.example/r/"


def test_error_positions_point_at_the_value(tmp_path: Path) -> None:
    root = write_site(tmp_path, "- title: T\n  authors: [Ada]\n  year: 2020\n  venue: V\n  pages: [1, 2]\n")
    assert messages(root) == ["content/papers/p.yaml:5:10: error: 'pages': expected text, got a list"]


def test_unknown_key_far_from_any_known_key_lists_them(tmp_path: Path) -> None:
    root = write_site(tmp_path, PAPER + "zzz: 1\n")
    assert messages(root) == [
        "content/papers/p.yaml:5:1: error: unknown key 'zzz'; known keys: abstract, address, archivePrefix, "
        "authors, award, bibkey, bibtex, code, data, doi, eprint, id, month, note, number, pages, pdf, poster, "
        "primaryClass, publisher, selected, slides, tags, title, type, url, venue, venue_short, video, volume, year"
    ]


def test_empty_papers_file_is_allowed(tmp_path: Path) -> None:
    assert messages(write_site(tmp_path, "# nothing yet\n")) == []


def test_byte_order_mark_and_crlf_are_fine(tmp_path: Path) -> None:
    root = write_site(tmp_path, "")
    (root / "content" / "papers" / "p.yaml").write_bytes(b"\xef\xbb\xbf" + PAPER.replace("\n", "\r\n").encode())
    assert messages(root) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://x.org/a.pdf", "https://x.org/a.pdf"),
        ("doi:10.1000/xyz", "https://doi.org/10.1000/xyz"),
        ("mailto:a@b.org", "mailto:a@b.org"),
    ],
)
def test_safe_links_are_kept(value: str, expected: str) -> None:
    assert Links([]).link(value).url == expected


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "java\tscript:alert(1)",
        "DATA:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        " javascript:x",
    ],
)
def test_unsafe_links_are_refused(value: str) -> None:
    with pytest.raises(Invalid, match="unsafe link"):
        Links([]).link(value)


@pytest.mark.parametrize("value", ["/etc/passwd", "static/../../secret.pdf", "C:\\papers\\a.pdf", "//evil.example/x"])
def test_local_paths_cannot_leave_static(value: str) -> None:
    with pytest.raises(Invalid):
        Links(["static/a.pdf"]).link(value)


def test_local_path_may_leave_out_static_prefix() -> None:
    assert Links(["static/papers/a b.pdf"]).link("papers/a b.pdf").url == "static/papers/a%20b.pdf"


@pytest.mark.parametrize(("value", "expected"), [("August", 8), ("aug", 8), ("Sept.", 9), (12, 12)])
def test_months(value: object, expected: int) -> None:
    assert month(value) == expected


def test_doi_prefixes_are_removed() -> None:
    assert doi("https://doi.org/10.18653/v1/2024.acl-long.1") == "10.18653/v1/2024.acl-long.1"


def test_derived_id_depends_on_the_paper_alone(tmp_path: Path) -> None:
    root = write_site(
        tmp_path,
        "- title: 'Über-Efficient Retrieval: 10× Faster'\n  authors: [Søren Øvrelid]\n  year: 2021\n  venue: V\n",
    )
    content, _ = validate(load(root)[0])
    assert content is not None
    assert derived_id(content.papers[0]) == "2021-ovrelid-uber-efficient-retrieval-10-faster"


def test_derived_id_of_a_title_without_latin_letters_is_a_hash(tmp_path: Path) -> None:
    root = write_site(tmp_path, "- title: 检索增强\n  authors: [王伟]\n  year: 2021\n  venue: V\n")
    content, _ = validate(load(root)[0])
    assert content is not None
    found = derived_id(content.papers[0])
    assert found.startswith("2021-") and len(found) == len("2021-") + 8


def test_ids_do_not_depend_on_file_order(tmp_path: Path) -> None:
    first = write_site(tmp_path / "a", PAPER.replace("title: T", "title: One"))
    (first / "content" / "papers" / "q.yaml").write_text(PAPER.replace("title: T", "title: Two"), encoding="utf-8")
    second = write_site(tmp_path / "b", PAPER.replace("title: T", "title: Two"))
    (second / "content" / "papers" / "a.yaml").write_text(PAPER.replace("title: T", "title: One"), encoding="utf-8")
    ids = []
    for root in (first, second):
        content, _ = validate(load(root)[0])
        assert content is not None
        ids.append(sorted(e.id for e in derive(content)[0].entries))
    assert ids[0] == ids[1] == ["2020-lovelace-one", "2020-lovelace-two"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [  # YAML 1.1 (PyYAML) and YAML 1.2 read these differently; the site means what PyYAML reads
        ("year: _2024", "'year': expected a whole number like 2024, got text ('_2024')"),
        ("year: 1:20", "'year': expected a four-digit year like 2024, got 80"),
        ("year: 0o3720", "'year': expected a whole number like 2024, got text ('0o3720')"),
        ("month: 08", "'month': expected a month like August, Aug or 8, got text ('08')"),
        ("award: yes", "'award': expected text, got a true/false value (true); put it in quotes"),
        ("note: on", "'note': expected text, got a true/false value (true); put it in quotes"),
    ],
)
def test_values_mean_what_pyyaml_reads(tmp_path: Path, line: str, expected: str) -> None:
    paper = "title: T\nauthors: [Ada Lovelace]\nyear: 2020\nvenue: V\n"
    key = line.split(":")[0]
    text = "\n".join(line if row.startswith(key + ":") else row for row in paper.splitlines())
    if not text.count(key + ":"):
        text += "\n" + line
    row = text.splitlines().index(line) + 1
    assert messages(write_site(tmp_path, text + "\n")) == [
        f"content/papers/p.yaml:{row}:{len(key) + 3}: error: {expected}"
    ]


def test_an_unrelated_value_does_not_change_how_another_reads(tmp_path: Path) -> None:
    alone = messages(write_site(tmp_path / "a", "title: T\nauthors: [A]\nyear: _2024\nvenue: V\n"))
    beside = messages(write_site(tmp_path / "b", 'title: T\nauthors: [A]\nyear: _2024\nvenue: V\nnote: "on"\n'))
    assert (
        alone
        == beside
        == ["content/papers/p.yaml:3:7: error: 'year': expected a whole number like 2024, got text ('_2024')"]
    )


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ("[Zoë Müller, et al.]", ["Zoë Müller"]),
        ("[Zoë Müller, Wei Chen, others]", ["Zoë Müller", "Wei Chen"]),
        ("[Zoë Müller, Et Al]", ["Zoë Müller"]),
    ],
)
def test_an_author_list_may_end_with_et_al_meaning_more_authors(
    tmp_path: Path, authors: str, expected: list[str]
) -> None:
    root = write_site(tmp_path, f"title: T\nauthors: {authors}\nyear: 2023\nvenue: V\n")
    content, errors = validate(load(root)[0])
    assert errors == [] and content is not None
    paper = content.papers[0]
    assert list(paper.authors) == expected and paper.et_al


@pytest.mark.parametrize(
    ("authors", "message"),
    [
        ("[et al.]", "'authors': needs at least one author, like [Jane Doe] before 'et al.'"),
        ("[A, others, B]", "'authors': 'others' may only end the list, meaning more authors; put it last"),
    ],
)
def test_et_al_alone_or_inside_a_list_is_an_error(tmp_path: Path, authors: str, message: str) -> None:
    root = write_site(tmp_path, f"title: T\nauthors: {authors}\nyear: 2023\nvenue: V\n")
    assert messages(root) == [f"content/papers/p.yaml:2:10: error: {message}"]
