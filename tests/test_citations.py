"""Citations that survive a real reference manager: BibTeX and CSL-JSON as pandoc reads them, round trips
through import and export, and the paper page that shows them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from hypothesis import given
from hypothesis import strategies as st
from playwright.sync_api import Browser

from site_gen import tex
from site_gen.build import check
from site_gen.citations import bibtex_escape, latex_ascii, plain_text
from site_gen.importers.bibtex import decode_title, markdown_literal, parse
from site_gen.markup import markdown
from site_gen.model import BIBTEX_TYPES
from tests.conftest import FIXTURES, REPO, run_cli

MANAGERS = FIXTURES / "bibtex" / "managers.bib"
EXPORTS = ["managers.bib", "real-world.bib", "anthology.bib", "dblp.bib", "zotero.bib", "scholar.bib", "biblatex.bib"]
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITE = "title: Zoë's papers\nbase_url: https://zoe.example.org/\nauthor: {name: Zoë Müller}\n"
# Papers typed by hand, as the reports describe them.
HAND_TYPED = r"""- title: '{BERT} for {Swiss German}: $O(n \log n)$ Dialect Search'
  authors: [Zoë Müller, et al.]
  year: 2023
  month: Aug
  venue: arXiv preprint arXiv:2101.00001
  primaryClass: cs.CL
  volume: '10'
  abstract: |
    We study *retrieval*. See [the code](https://github.com/example/code).
    Raw <b>tags</b> stay text.

- title: Observation of Gravitational Waves
  authors: [The LIGO Collaboration, B. P. Abbott, others]
  year: 2016
  venue: Physical Review Letters
  volume: 116
  pages: 061102--061118
"""
BERT_ID = "2023-muller-bert-for-swiss-german-o"
LIGO_ID = "2016-collaboration-observation-of-gravitational-waves"


def new_site(root: Path, papers: str = "") -> Path:
    """A site with the given papers file (none when empty)."""
    (root / "content" / "papers").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text(SITE, encoding="utf-8")
    if papers:
        (root / "content" / "papers" / "hand.yaml").write_text(papers, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hand-typed papers plus every entry of the reference-manager fixture, imported and built."""
    root = new_site(tmp_path_factory.mktemp("citations") / "site", HAND_TYPED)
    assert run_cli("import", "bibtex", str(MANAGERS), "--root", str(root)).returncode == 0
    result = run_cli("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    return root / "_site"


def pandoc(*args: str) -> str:
    """pandoc's output (Debian's pandoc, as `make test` installs it)."""
    assert shutil.which("pandoc"), "pandoc is missing: run the tests with `make test`, which installs it"
    return subprocess.run(["pandoc", *args], capture_output=True, text=True, check=True, timeout=120).stdout


def ours(site: Path) -> dict[str, dict[str, Any]]:
    """publications.json by id."""
    return {item["id"]: item for item in json.loads((site / "publications.json").read_text(encoding="utf-8"))}


def model(root: Path) -> dict[str, dict[str, Any]]:
    """Every paper of a site as its bibliographic fields, by id (tags and selected are the site's own)."""
    skip = ("origin", "_hash", "tags", "selected")
    return {
        e.id: {f.name: getattr(e.paper, f.name) for f in fields(e.paper) if f.name not in skip}
        for e in check(root).catalog.entries
    }


# ---- the fixture and round trips ----


def test_fixture_holds_thirty_exports_of_every_type() -> None:
    text = MANAGERS.read_text(encoding="utf-8")
    papers, errors = parse(text, MANAGERS.name)
    assert (len(papers) >= 30, errors) == (True, [])
    assert {kind.lower() for kind in re.findall(r"^@(\w+)\{", text, re.M)} == set(BIBTEX_TYPES)


@pytest.mark.parametrize("name", EXPORTS)
def test_import_export_import_gives_the_same_model_and_the_same_bibtex(tmp_path: Path, name: str) -> None:
    first = new_site(tmp_path / "first")
    assert run_cli("import", "bibtex", str(FIXTURES / "bibtex" / name), "--root", str(first)).returncode == 0
    exported = run_cli("export", "bibtex", "--root", str(first)).stdout
    (tmp_path / "exported.bib").write_text(exported, encoding="utf-8")
    second = new_site(tmp_path / "second")
    assert run_cli("import", "bibtex", str(tmp_path / "exported.bib"), "--root", str(second)).returncode == 0
    assert model(second) == model(first)
    assert run_cli("export", "bibtex", "--root", str(second)).stdout == exported


BIBLATEX = {"online": "misc", "thesis": "phdthesis"}  # biblatex's types, written as BibTeX's


@pytest.mark.parametrize("name", EXPORTS)
def test_every_entry_exports_as_the_type_it_was_imported_as(tmp_path: Path, name: str) -> None:
    source = (FIXTURES / "bibtex" / name).read_text(encoding="utf-8")
    root = new_site(tmp_path / "site")
    assert run_cli("import", "bibtex", str(FIXTURES / "bibtex" / name), "--root", str(root)).returncode == 0
    exported = run_cli("export", "bibtex", "--root", str(root)).stdout
    kinds = [
        (key, BIBLATEX.get(kind.lower(), kind.lower()))
        for kind, key in re.findall(r"^\s*@(\w+)\{([^,\s]+),", source, re.M)
    ]
    assert sorted(kinds) == sorted((key, kind) for kind, key in re.findall(r"^@(\w+)\{([^,]+),", exported, re.M))


def test_import_keeps_braces_math_and_arxiv_fields_and_export_writes_them_back(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    result = run_cli("import", "bibtex", str(MANAGERS), "--root", str(root))
    assert result.stdout.splitlines()[0] == (
        "content/papers/2023.yaml: add '{BERT} for {Swiss German}: Dialect Identification with $k$-NN and "
        "{$O(n \\log n)$} Search' (2023)"
    )
    assert result.stdout.splitlines()[-1] == "imported 33 papers: 33 added, 0 completed, 0 unchanged"
    assert (
        (root / "content" / "papers" / "2023.yaml")
        .read_text(encoding="utf-8")
        .startswith(
            "- id: muller2023bert\n"
            "  title: '{BERT} for {Swiss German}: Dialect Identification with $k$-NN and {$O(n \\log n)$} Search'\n"
            "  authors: [Zoë Müller, Jan Ølund, et al.]\n"
            "  year: 2023\n"
            "  venue: arXiv preprint arXiv:2305.01234\n"
            "  eprint: '2305.01234'\n"
            "  archivePrefix: arXiv\n"
            "  primaryClass: cs.CL\n\n"
        )
    )
    exported = run_cli("export", "bibtex", "--root", str(root)).stdout
    assert (
        "@misc{muller2023bert,\n"
        "    title = {{BERT} for {Swiss German}: Dialect Identification with $k$-NN and {$O(n \\log n)$} Search},\n"
        "    author = {Müller, Zoë and Ølund, Jan and others},\n"
        "    year = {2023},\n"
        "    eprint = {2305.01234},\n"
        "    archivePrefix = {arXiv},\n"
        "    primaryClass = {cs.CL}\n"
        "}\n"
    ) in exported
    assert "    title = {Bandits with {$\\Delta$}-Gaps},\n" in exported
    assert "    title = {Sparse Retrieval in {$\\mathcal{O}(1)$} Memory},\n" in exported  # a capital in math
    assert "    title = {Efficient {Top}-$k$ {Retrieval} with {Learned} {Sparse} {Representations}},\n" in exported


def test_volumes_and_numbers_are_imported_as_numbers_where_they_are_numbers(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    assert run_cli("import", "bibtex", str(MANAGERS), "--root", str(root)).returncode == 0
    lasso = (root / "content" / "papers" / "2016.yaml").read_text(encoding="utf-8")
    assert "  month: January\n" in lasso and "  volume: 17\n  number: '05'\n" in lasso  # '05' stays as written
    assert "  volume: 33\n  number: 10\n" in (root / "content" / "papers" / "2021.yaml").read_text(encoding="utf-8")


def test_a_hand_typed_arxiv_paper_exports_as_a_preprint(site: Path) -> None:
    assert (site / "papers" / BERT_ID / f"{BERT_ID}.bib").read_text(encoding="utf-8") == (
        f"@misc{{{BERT_ID},\n"
        "    title = {{BERT} for {Swiss German}: {$O(n \\log n)$} Dialect Search},\n"
        "    author = {Müller, Zoë and others},\n"
        "    volume = {10},\n"
        "    month = aug,\n"
        "    year = {2023},\n"
        "    eprint = {2101.00001},\n"
        "    archivePrefix = {arXiv},\n"
        "    primaryClass = {cs.CL}\n"
        "}\n"
    )


# ---- pandoc, the outside reference ----


def comparable_title(title: str) -> str:
    """A title as both readings must agree on it: without nocase spans, dollars and case."""
    return " ".join(re.sub(r"</?span[^>]*>|\$", "", title).replace("’", "'").split()).casefold()


def comparable_names(names: list[dict[str, str]]) -> list[dict[str, str]]:
    """Names with particles as part of the family name and pandoc's 'others' (more authors) left off."""
    found = []
    for name in names:
        parts = [name.get(key, "") for key in ("dropping-particle", "non-dropping-particle", "family")]
        kept = {key: value for key, value in name.items() if "particle" not in key}
        if name.get("family"):
            kept["family"] = " ".join(part for part in parts if part)
        found.append({key: value.replace("’", "'") for key, value in kept.items()})
    return found[:-1] if found and found[-1] == {"literal": "others"} else found


@pytest.mark.parametrize("which", ["papers/*/*.bib", "publications.bib"])
def test_pandoc_reads_our_bibtex_as_our_csl_json(site: Path, which: str) -> None:
    read = json.loads(pandoc("-f", "bibtex", "-t", "csljson", *sorted(map(str, site.glob(which)))))
    mine = ours(site)
    assert sorted(item["id"] for item in read) == sorted(mine)
    for item in read:
        expected = mine[item["id"]]
        assert comparable_title(item["title"]) == comparable_title(expected["title"]), item["id"]
        assert comparable_names(item["author"]) == comparable_names(expected["author"]), item["id"]
        assert item["issued"] == expected["issued"], item["id"]
        assert item["type"] in ("", expected["type"]), item["id"]  # pandoc 2.17 leaves misc and conference untyped


def test_pandoc_keeps_the_capitals_bibtex_protects(site: Path) -> None:
    read = {
        item["id"]: item["title"]
        for item in json.loads(pandoc("-f", "bibtex", "-t", "csljson", str(site / "publications.bib")))
    }
    assert read["muller2023bert"].startswith("BERT for Swiss German: Dialect identification with")
    assert read["scholar2020lightrec"] == "LightRec: A memory and search-efficient recommender system"
    assert read["sato2021keigo"] == "Keigo-aware translation with LLMs and GPT-4"
    assert read[LIGO_ID] == "Observation of gravitational waves"


def test_pandoc_reads_publications_json(site: Path) -> None:
    read = json.loads(pandoc("-f", "csljson", "-t", "csljson", str(site / "publications.json")))
    mine = ours(site)
    assert sorted(item["id"] for item in read) == sorted(mine)
    for item in read:
        assert item["title"] == tex.display(re.sub(r"</?span[^>]*>", "", mine[item["id"]]["title"]))
        assert comparable_names(item["author"]) == comparable_names(mine[item["id"]]["author"])


def bibliography(source: Path) -> list[str]:
    """The references pandoc --citeproc makes of every item in SOURCE, one line each."""
    document = source.parent / "cite-all.md"
    document.write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
    text = pandoc("--citeproc", "--bibliography", str(source), "-t", "plain", "--columns=100000", str(document))
    return [line for line in text.splitlines() if line.strip()]


def letters(text: str) -> str:
    """Only the letters and digits of a text, folded, to find a title whatever a style did to its case and quotes."""
    return re.sub(r"\W|_", "", text).casefold()


def title_pieces(csl_title: str) -> list[str]:
    """The letters of a CSL-JSON title's text between its math (which pandoc may typeset as Unicode)."""
    title = re.sub(r"</?span[^>]*>", "", csl_title)
    pieces = [letters(tex.display(text)) for kind, text in tex.spans(title) if kind != tex.MATH]
    return [piece for piece in pieces if piece]


@pytest.mark.parametrize("name", ["publications.json", "publications.bib"])
def test_citeproc_lists_every_paper_with_no_fake_author(site: Path, name: str) -> None:
    references = bibliography(site / name)
    mine = ours(site)
    assert len(references) == len(mine)
    for item in mine.values():
        pieces = title_pieces(item["title"])
        assert any(all(piece in letters(reference) for piece in pieces) for reference in references), item["id"]
    joined = "\n".join(references)
    assert "others" not in joined.casefold()
    more = 4 if name.endswith(".bib") else 0  # BibTeX's 'and others' reads as et al.; CSL-JSON has no such mark
    assert joined.count("et al.") == more


# ---- what each format says of one paper ----


def page(site: Path, paper_id: str) -> str:
    """A paper's page."""
    return (site / "papers" / paper_id / "index.html").read_text(encoding="utf-8")


def test_et_al_is_more_authors_in_every_format(site: Path) -> None:
    html = page(site, BERT_ID)
    assert re.findall(r'<meta name="citation_author" content="([^"]*)">', html) == ["Zoë Müller"]
    ld = json.loads(re.search(r'<script type="application/ld\+json">\n(.*)\n</script>', html)[1])  # type: ignore[index]
    assert ld["author"] == [{"@type": "Person", "name": "Zoë Müller"}]
    assert '<p class="citation">Zoë Müller et al. 2023. BERT for Swiss German: $O(n \\log n)$ Dialect Search.' in html
    assert ours(site)[BERT_ID]["author"] == [{"family": "Müller", "given": "Zoë"}]


def test_organisations_stay_whole_and_pages_take_one_hyphen(site: Path) -> None:
    ligo = ours(site)[LIGO_ID]
    assert (ligo["author"], ligo["page"], ligo["volume"]) == (
        [{"literal": "The LIGO Collaboration"}, {"family": "Abbott", "given": "B. P."}],
        "061102-061118",
        "116",
    )
    ld = json.loads(re.search(r'<script type="application/ld\+json">\n(.*)\n</script>', page(site, LIGO_ID))[1])  # type: ignore[index]
    assert ld["author"] == [
        {"@type": "Organization", "name": "The LIGO Collaboration"},
        {"@type": "Person", "name": "B. P. Abbott"},
    ]
    assert ours(site)["chen2019chapter"]["author"][1] == {"family": "King", "given": "Martin Luther", "suffix": "Jr."}


def test_csl_json_titles_carry_what_bibtex_protects(site: Path) -> None:
    assert ours(site)["muller2023bert"]["title"] == (
        '<span class="nocase">BERT</span> for <span class="nocase">Swiss German</span>: Dialect Identification '
        'with <span class="nocase">$k$</span>-NN and <span class="nocase">$O(n \\log n)$</span> Search'
    )


def test_exported_abstracts_are_plain_text_and_left_out_of_the_entry_to_cite(site: Path) -> None:
    plain = "We study retrieval. See the code. Raw <b>tags</b> stay text."
    assert f"    abstract = {{{plain}}}\n" in (site / "publications.bib").read_text(encoding="utf-8")
    assert ours(site)[BERT_ID]["abstract"] == plain
    assert "abstract" not in (site / "papers" / BERT_ID / f"{BERT_ID}.bib").read_text(encoding="utf-8")


@given(st.text(alphabet=st.sampled_from("ab 1.)#>+-=*_`[]()<>&!\\$~|:/@")))
def test_an_imported_abstract_shows_as_the_text_it_was(text: str) -> None:
    line = " ".join(text.split())
    assert plain_text(markdown(markdown_literal(line))) == line


# ---- the paper page ----


def test_paper_page_shows_the_month_the_arxiv_link_and_the_title_as_written(site: Path) -> None:
    html = page(site, BERT_ID)
    assert "<h1>BERT for Swiss German: $O(n \\log n)$ Dialect Search</h1>" in html
    assert '<dt>Published</dt><dd><time datetime="2023-08">August 2023</time></dd>' in html
    assert '<a href="https://arxiv.org/abs/2101.00001">arXiv</a>' in html
    assert '<meta name="citation_arxiv_id" content="2101.00001">' in html
    index = (site / "index.html").read_text(encoding="utf-8")
    entry = index[index.index(f'data-paper="{BERT_ID}"') :]
    assert '<a href="https://arxiv.org/abs/2101.00001">arXiv</a>' in entry[: entry.index("</li>")]
    sparse = page(site, "olund2022sparse")  # its url is the arXiv page: one link, not two
    assert sparse.count('href="https://arxiv.org/abs/2211.04321v2"') == 1


def test_paper_page_bibtex_wraps_instead_of_scrolling(browser: Browser, site: Path) -> None:
    view = browser.new_page(viewport={"width": 360, "height": 740})
    view.goto((site / "papers" / "muller2023bert" / "index.html").as_uri())
    widths = view.locator("#bibtex-text").evaluate("pre => [pre.scrollWidth, pre.clientWidth]")
    assert widths[0] <= widths[1]
    assert view.evaluate("document.documentElement.scrollWidth") <= 360
    view.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_paper_pages_pass_axe(browser: Browser, site: Path, scheme: str) -> None:
    view = browser.new_page(color_scheme=scheme)
    found = {}
    for paper_id in (BERT_ID, "muller2023bert", "olund2022sparse"):
        view.goto((site / "papers" / paper_id / "index.html").as_uri())
        found[paper_id] = [v["id"] for v in Axe().run(view).response["violations"]]
    view.close()
    assert found == {BERT_ID: [], "muller2023bert": [], "olund2022sparse": []}


def test_paper_pages_pass_the_nu_checker(site: Path) -> None:
    assert VNU.is_file(), "the Nu checker is missing: run the tests with `make test`, which installs it"
    pages = [str(site / "papers" / paper_id / "index.html") for paper_id in (BERT_ID, LIGO_ID, "muller2023bert")]
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", str(site / "index.html"), *pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


# ---- the new keys ----


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("archiveprefix: arXiv", "5:1: error: unknown key 'archiveprefix' — did you mean 'archivePrefix'?"),
        ("primary_class: cs.CL", "5:1: error: unknown key 'primary_class' — did you mean 'primaryClass'?"),
        ("eprnt: '2101.00001'", "5:1: error: unknown key 'eprnt' — did you mean 'eprint'?"),
        ("eprint: 2101.00001", "5:9: error: 'eprint': expected text, got a number (2101.00001); put it in quotes"),
        (
            "eprint: 'no such id'",
            "5:9: error: 'eprint': expected an arXiv identifier like 2101.00001 or hep-th/9901001, got 'no such id'; "
            "for another archive, name it with archivePrefix",
        ),
    ],
)
def test_eprint_keys_are_checked_like_the_others(tmp_path: Path, line: str, message: str) -> None:
    root = new_site(tmp_path / "site", f"title: T\nauthors: [A]\nyear: 2020\nvenue: V\n{line}\n")
    result = run_cli("check", "--root", str(root))
    assert (result.returncode, result.stderr.splitlines()[0]) == (1, f"content/papers/hand.yaml:{message}")


def test_another_archive_takes_any_eprint(tmp_path: Path) -> None:
    root = new_site(
        tmp_path / "site", "title: T\nauthors: [A]\nyear: 2020\nvenue: V\neprint: hal-01234\narchivePrefix: HAL\n"
    )
    assert run_cli("check", "--root", str(root)).returncode == 0
    assert (
        "    eprint = {hal-01234},\n    archivePrefix = {HAL}\n"
        in run_cli("export", "bibtex", "--root", str(root)).stdout
    )


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("'{BERT for Swiss German'", "the '{' at character 1 is never closed"),
        ("'BERT} for Swiss German'", "the '}' at character 5 closes no '{'"),
    ],
)
def test_a_title_with_unpaired_braces_is_an_error(tmp_path: Path, title: str, message: str) -> None:
    root = new_site(tmp_path / "site", f"title: {title}\nauthors: [A]\nyear: 2020\nvenue: V\n")
    result = run_cli("check", "--root", str(root))
    assert result.stderr.splitlines()[0] == (
        f"content/papers/hand.yaml:1:8: error: 'title': {message}; braces in a title mark what keeps its capitals, "
        "like {BERT}"
    )


MATHS = ["$k$", "$O(n \\log n)$", "$\\ell_1$", "$\\mathcal{O}(1)$", "$\\Delta$"]
TITLE_WORD = st.text(alphabet=st.sampled_from("aBé1-:&%_^~#(\\"), min_size=1, max_size=6)
TITLE_TEXT = st.lists(st.one_of(TITLE_WORD, TITLE_WORD.map("{{{}}}".format)), min_size=1, max_size=3).map("".join)
TITLE_MATH = st.tuples(st.sampled_from(MATHS), st.booleans(), st.sampled_from(["", "-NN", ":"])).map(
    lambda math: ("{" + math[0] + "}" if math[1] else math[0]) + math[2]
)


@given(st.lists(st.one_of(TITLE_TEXT, TITLE_MATH), min_size=1, max_size=6).map(" ".join))
def test_a_title_reads_back_from_its_bibtex_as_it_was(title: str) -> None:
    written = tex.canonical(title)
    assert tex.display(written) == " ".join(tex.display(title).split())
    assert re.sub(r"</?span[^>]*>", "", tex.csl(written)) == tex.display(written)
    if "--" not in written:  # BibTeX reads -- as a dash, as it should
        for escape in (bibtex_escape, latex_ascii):
            assert tex.canonical(decode_title(tex.bibtex(written, escape))) == written


def test_titles_that_cite_alike_are_the_same_paper() -> None:
    assert (
        tex.canonical("{BERT}: Pre-training  with {GeoMF++} and {$O(n)$}")
        == "BERT: Pre-training with GeoMF++ and $O(n)$"
    )
    assert tex.canonical("{Swiss German} {M}3 {$\\ell_1$}") == "{Swiss German} {M}3 {$\\ell_1$}"  # they protect more
