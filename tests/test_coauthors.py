"""Co-authors, the chart, selected work, tags and the owner's header, as built (what a reader clicks is in
test_browser.py): the default content, and tests/sites/coauthors, whose co-authors include names with no
Latin letters and two spellings of one name, whose owner writes under an alias, and which has "et al."."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_gen.build import Builder, build
from site_gen.links import crawl
from tests.conftest import REPO, SITES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTROL = re.compile(
    r'<a href="authors/([^"]+)/index\.html" data-filter-author="([^"]+)">([^<]*) <span class="count">(\d+)'
)
ENTRY = re.compile(r'<li class="paper"[^>]*data-paper="([^"]+)".*?<p class="paper-authors">(.*?)</p>', re.S)
AUTHOR_LINK = re.compile(r'<a href="(?:\.\./\.\./)?authors/([^/"]+)/index\.html">([^<]*)</a>')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default content and the co-authors fixture, built once."""
    root = tmp_path_factory.mktemp("coauthors")
    build(REPO, root / "repo")
    build(SITES / "coauthors", root / "co")
    return {"repo": root / "repo", "co": root / "co"}


def read(path: Path) -> str:
    """A built file's text."""
    return path.read_text(encoding="utf-8")


def coauthors(site: Path) -> list[tuple[str, str, int]]:
    """(slug, name, joint papers) of every co-author control on the index, in order."""
    found = []
    for href, slug, name, count in CONTROL.findall(read(site / "index.html")):
        assert href == slug
        found.append((slug, name, int(count)))
    return found


def linked_authors(page: Path) -> dict[str, list[str]]:
    """Each paper entry of a list page (the first, for a paper listed twice) and the slugs its author names link to."""
    found: dict[str, list[str]] = {}
    for paper, authors in ENTRY.findall(read(page)):
        found.setdefault(paper, [slug for slug, _ in AUTHOR_LINK.findall(authors)])
    return found


def test_default_content_lists_36_coauthors_most_joint_papers_first(built: dict[str, Path]) -> None:
    found = coauthors(built["repo"])
    assert len(found) == len({slug for slug, _, _ in found}) == 36
    assert found[0] == ("ying-wei", "Ying Wei", 4)
    assert [count for _, _, count in found] == sorted((count for _, _, count in found), reverse=True)
    assert not {"Defu Lian", "D. Lian"} & {name for _, name, _ in found}


@pytest.mark.parametrize("site", ["repo", "co"])
def test_each_coauthor_page_lists_exactly_the_joint_papers(built: dict[str, Path], site: str) -> None:
    out = built[site]
    entries = linked_authors(out / "index.html")
    for slug, name, count in coauthors(out):
        page = read(out / "authors" / slug / "index.html")
        joint = {paper for paper, slugs in entries.items() if slug in slugs}
        shown = re.findall(r'data-paper="([^"]+)"', page)
        assert len(shown) == count and set(shown) == joint, slug
        assert f"<h1>{name}</h1>" in page
    assert crawl(out) == []


def test_a_coauthor_page_lists_papers_by_year_newest_first(built: dict[str, Path]) -> None:
    page = read(built["co"] / "authors" / "jose-garcia" / "index.html")
    assert re.findall(r'data-paper="([^"]+)"', page) == ["2023.acl-long.2", "2022.neurips.1"]
    assert re.findall(r"<h2 [^>]*>(\d{4})</h2>", page) == ["2023", "2022"]
    assert '<p class="status">2 papers with Wei Zhang</p>' in page


def test_names_without_latin_letters_get_distinct_slugs(built: dict[str, Path]) -> None:
    found = {name: slug for slug, name, _ in coauthors(built["co"])}
    assert found == {
        "王芳": found["王芳"],
        "José García": "jose-garcia",
        "Jan Ølund": "jan-olund",
        "Σωκράτης Παπαδόπουλος": found["Σωκράτης Παπαδόπουλος"],
        "李娜": found["李娜"],
    }
    assert all(SLUG.match(slug) for slug in found.values()) and len(set(found.values())) == 5
    assert coauthors(built["co"])[0][1] == "王芳"  # 3 joint papers, the most


def test_spellings_that_fold_to_one_name_are_one_coauthor_shown_as_written_last(built: dict[str, Path]) -> None:
    assert ("jose-garcia", "José García", 2) in coauthors(built["co"])  # "Jose Garcia" in 2022, "José García" in 2023


def test_the_owner_aliases_and_et_al_are_never_coauthors_nor_links(built: dict[str, Path]) -> None:
    index = read(built["co"] / "index.html")
    names = {name for _, name, _ in coauthors(built["co"])}
    assert not {"Wei Zhang", "张伟", "W. Zhang", "et al."} & names
    for written in ("张伟", "Wei Zhang", "W. Zhang"):
        assert f'<strong class="me">{written}</strong>' in index
    assert "李娜</a>, et al.</p>" in index
    assert not (built["co"] / "authors" / "et-al").exists()


@pytest.mark.parametrize("site", ["repo", "co"])
def test_every_coauthor_name_in_entries_and_paper_pages_links_to_their_page(built: dict[str, Path], site: str) -> None:
    out = built[site]
    names = {slug: name for slug, name, _ in coauthors(out)}
    pages = [out / "index.html", *out.glob("venues/*/index.html"), *out.glob("authors/*/index.html")]
    pages += list(out.glob("papers/*/index.html"))
    linked = 0
    for page in pages:
        for authors in re.findall(r'<p class="paper-authors">(.*?)</p>', read(page)):
            for slug, _ in AUTHOR_LINK.findall(authors):
                assert slug in names and (out / "authors" / slug / "index.html").is_file(), (page, slug)
                linked += 1
            unlinked = re.sub(r"<a [^>]*>.*?</a>|<strong class=\"me\">.*?</strong>|, |et al\.", "", authors)
            assert unlinked == "", (page, unlinked)
    assert linked > 3 * len(names)


def test_the_chart_has_a_title_and_one_element_per_year(built: dict[str, Path]) -> None:
    for out in built.values():
        index = read(out / "index.html")
        assert index.count('<svg role="img"') == 1
        svg = index.split('<svg role="img"')[1].split("</svg>")[0]
        assert re.search(r"<title[^>]*>Papers per year, \d{4}–\d{4}</title>", svg)
        years = dict(re.findall(r'<g data-year="(\d{4})" data-count="(\d+)">', svg))
        sections = re.findall(r'<section class="year" id="y(\d{4})"(.*?)</section>', index, re.S)
        assert years == {year: str(body.count("data-paper=")) for year, body in sections}
    desc = read(built["co"] / "index.html").split("<desc")[1].split("</desc>")[0]
    assert desc.endswith(">2024: 1 paper. 2023: 2 papers (ACL 1, EMNLP 1). 2022: 1 paper. 2021: 1 paper.")


def test_selected_papers_open_the_index_and_stay_in_their_years(built: dict[str, Path]) -> None:
    index = read(built["co"] / "index.html")
    selected = index.split('data-section="selected"')[1].split("</section>")[0]
    assert re.findall(r'data-paper="([^"]+)" data-venue="acl"', selected) == ["2024.acl-long.1"]
    assert index.index('data-section="selected"') < index.index('id="y2024"')
    assert index.count('data-paper="2024.acl-long.1"') == 2
    ids = re.findall(r'\sid="([^"]+)"', index)
    assert len(ids) == len(set(ids))
    assert 'data-section="selected"' not in read(built["repo"] / "index.html")  # nothing is selected there


def test_tags_show_on_entries_and_paper_pages_each_a_search_of_the_index(built: dict[str, Path]) -> None:
    def tags(root: str) -> str:
        items = (f'<li><a href="{root}index.html?q={tag}">{tag}</a></li> ' for tag in ("retrieval", "multilingual"))
        return f'<ul class="paper-tags" aria-label="Tags">{"".join(items)}</ul>'

    assert tags("") in read(built["co"] / "index.html")
    assert tags("../../") in read(built["co"] / "papers" / "2024.acl-long.1" / "index.html")


def test_the_owner_header_has_an_icon_for_each_link(built: dict[str, Path]) -> None:
    index = read(built["co"] / "index.html")
    links = index.split('<ul class="owner-links">')[1].split("</ul>")[0]
    labels = re.findall(r'<svg class="icon" aria-hidden="true" focusable="false"[^>]*>.*?</svg>([^<]+)</a>', links)
    assert labels == ["Email", "Google Scholar", "DBLP", "ORCID", "GitHub", "Homepage"]


def test_a_template_that_changes_how_entries_look_remakes_every_list_page(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "coauthors", root)
    builder = Builder(root, tmp_path / "out")
    builder.build()
    (root / "templates").mkdir()
    entry = read(REPO / "templates" / "_paper.html").replace('<p class="paper-venue">', '<p class="paper-venue">Seen ')
    (root / "templates" / "_paper.html").write_text(entry, encoding="utf-8")
    builder.build()
    for page in ("index.html", "venues/acl/index.html", "authors/jose-garcia/index.html"):
        assert '<p class="paper-venue">Seen ' in read(tmp_path / "out" / page), page
