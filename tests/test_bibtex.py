"""BibTeX in and out: decoding, located errors, merging into hand-edited YAML, export, round trips."""

from __future__ import annotations

import re
import shutil
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_gen import tex
from site_gen.build import check
from site_gen.citations import bibtex_escape
from site_gen.importers.bibtex import parse
from tests.conftest import FIXTURES, REPO, run_cli

REAL_WORLD = FIXTURES / "bibtex" / "real-world.bib"
MALFORMED = FIXTURES / "bibtex" / "malformed.bib"
SITE = "title: T\nbase_url: https://x.example/\nauthor: {name: Defu Lian}\n"


def empty_site(root: Path) -> Path:
    """A site with no papers yet."""
    (root / "content").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text(SITE, encoding="utf-8")
    return root


def imported(key: str) -> dict[str, Any]:
    """One entry of the real-world fixture, as paper data."""
    papers, _ = parse(REAL_WORLD.read_text(encoding="utf-8"), "real-world.bib")
    return next(p.data for p in papers if p.name == f"entry '{key}'")


def model(root: Path) -> dict[str, dict[str, Any]]:
    """Every paper of a site as plain fields (without where it was written), by id."""
    catalog = check(root).catalog
    skip = ("origin", "_hash")
    return {
        e.id: {f.name: getattr(e.paper, f.name) for f in fields(e.paper) if f.name not in skip} for e in catalog.entries
    }


@pytest.mark.parametrize(
    ("key", "field", "expected"),
    [
        ("muller2021", "authors", ["Jörg Müller", "José García", "Lilja Øvrelid"]),
        ("muller2021", "title", "Über-Efficient Retrieval for {S}traße Names"),
        ("kowalski:2019", "title", "Cross-lingual {NER} for Łódź and Beyond"),
        ("kowalski:2019", "authors", ["Łukasz Kowalski", "Ayşe Yılmaz", "Zoë Dubois"]),
        (
            "ligo2016",
            "authors",
            ["The LIGO Scientific Collaboration", "The Virgo Collaboration", "B. P. Abbott", "et al."],
        ),
        (
            "li-etal-2024-llama2vec",
            "venue",
            "Proceedings of the 62nd Annual Meeting of the Association for "
            "Computational Linguistics (Volume 1: Long Papers)",
        ),
        ("chen-etal-2024-m3", "publisher", "Association for Computational Linguistics"),
        ("chen-etal-2024-m3", "month", "August"),
        ("wsdm2022", "month", 2),
        ("quoted2016", "title", "Quoted Concatenated Title"),
        ("percent2023", "title", "50% Less Memory with 10× Fewer Parameters & No Tricks"),
        ("underscore2020", "title", "The _private_ Field and the # Sign"),
        ("underscore2020", "tags", ["privacy", "graphs", "recsys"]),
        ("oconnor2022", "title", "Apostrophes, Quotes and “Smart” Punctuation – a Survey"),
        ("oconnor2022", "authors", ["Brendan O'Connor", "Jennifer D'Souza", "Thanh Nguyễn"]),
        ("jr2018", "authors", ["Martin Luther King, Jr.", "John Doe, III"]),
        ("smith2020report", "authors", ["John Smith", "Dirk van der Berg"]),
        ("nordic2017", "authors", ["Søren Østergaard", "Bjørn Ælfric", "Anna Straßer"]),
        ("math2021", "title", r"On the $\ell_1$ Norm and {$O(n \log n)$} Algorithms"),
        ("vaswani2017attention", "venue", "arXiv preprint arXiv:1706.03762"),
        ("vaswani2017attention", "eprint", "1706.03762"),
        ("vaswani2017attention", "archivePrefix", "arXiv"),
        ("vaswani2017attention", "primaryClass", "cs.CL"),
        (
            "devlin2018bert",
            "title",
            "{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        ),
        ("devlin2018bert", "type", "article"),
        ("Vries:2020", "title", "{BERTje}: A {D}utch {BERT} Model"),
        ("muller2021", "volume", 33),
        ("aaai2020", "number", "05"),
        ("lian2016thesis", "type", "phdthesis"),
        ("lian2016thesis", "venue", "University of Science and Technology of China"),
        ("smith2020report", "venue", "Max-Planck-Institut für Informatik"),
        ("dataset2022", "venue", "https://allenai.org/data"),
        ("doiurl2015", "doi", "10.1145/2806416.2806417"),
        ("muller2021", "pages", "1200--1215"),
        ("DBLP:journals/tois/LianXZ20", "bibkey", "DBLP:journals/tois/LianXZ20"),
        ("DBLP:journals/tois/LianXZ20", "id", "dblp-journals-tois-lianxz20"),
        ("emphtitle2012", "title", "Emphasised and Bold Words in a Title"),
    ],
)
def test_latex_and_bibtex_constructs_are_decoded(key: str, field: str, expected: object) -> None:
    assert imported(key)[field] == expected


def exported(file: str, key: str) -> dict[str, Any]:
    """One entry of a real-shaped export under tests/fixtures/bibtex, as paper data."""
    papers, errors = parse((FIXTURES / "bibtex" / file).read_text(encoding="utf-8"), file)
    assert errors == []
    return next(p.data for p in papers if p.name == f"entry '{key}'")


@pytest.mark.parametrize(
    ("file", "key", "field", "expected"),
    [
        (
            "anthology.bib",
            "kowalczyk-muller-etal-2024-question",
            "title",
            "“Is This a Question?”: Polar Questions and #Hashtags in {P}olish Social Media",
        ),
        (
            "anthology.bib",
            "dubois-etal-2023-zero",
            "authors",
            ["Zoë Dubois", "Marta Kowalczyk-Müller", "Łukasz Wróbel", "Piotr Żuławski", "Jiří Dvořák"],
        ),
        ("dblp.bib", "DBLP:conf/coling/LiZ20", "authors", ["Wei Li", "Hai Zhao"]),
        ("dblp.bib", "DBLP:conf/emnlp/Kowalczyk-MullerL23", "authors", ["Marta Kowalczyk-Müller", "François Lefèvre"]),
        ("dblp.bib", "DBLP:journals/tacl/SatoA23", "doi", "10.1162/TACL_A_00588"),
        ("dblp.bib", "DBLP:journals/tacl/SatoA23", "url", "https://doi.org/10.1162/tacl_a_00588"),
        (
            "zotero.bib",
            "dubois_zero-shot_2023",
            "title",
            "Zero-{Shot} {Cross}-{Lingual} {Transfer}: {What}’s in a “{Language}” {Anyway}?",
        ),
        ("zotero.bib", "wang_mianxiang_2023", "authors", ["王晓明", "李伟"]),
        (
            "zotero.bib",
            "ivanova_transliteratsiya_2023",
            "authors",
            ["Ольга Иванова", "Амаль Хаддад", "Дмитрий Соколов"],
        ),
        ("scholar.bib", "haddad2022survey", "authors", ["Amal Haddad", "Nizar Habash", "et al."]),
        (
            "scholar.bib",
            "kowalczyk2021dziekuje",
            "title",
            "Dziękuję! Politeness Markers: A Corpus Study of Customer Service Chats",
        ),
        ("biblatex.bib", "haddadDialectIDScale2024", "year", 2024),
        ("biblatex.bib", "haddadDialectIDScale2024", "month", 8),
        ("biblatex.bib", "haddadDialectIDScale2024", "address", "Bangkok, Thailand"),
        (
            "biblatex.bib",
            "ivanovaTransliterationArabicCyrillic2023",
            "venue",
            "Transactions of the Association for Computational Linguistics",
        ),
        (
            "biblatex.bib",
            "satoTranslatingHonorificsKeigoaware2024",
            "authors",
            ["Yuki Sato", "山田太郎", "Kenji Suzuki"],
        ),
        ("biblatex.bib", "satoTranslatingHonorificsKeigoaware2024", "venue", "arXiv preprint arXiv:2405.01234"),
        ("biblatex.bib", "satoNeuralMethodsJapanese2021", "venue", "The University of Tokyo"),
    ],
)
def test_real_exports_are_read_as_their_tools_mean_them(file: str, key: str, field: str, expected: object) -> None:
    assert exported(file, key)[field] == expected


def test_an_entry_the_site_would_refuse_is_located_and_skipped(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    bib = tmp_path / "refused.bib"
    bib.write_text(
        "@article{ok, title = {Fine}, author = {Doe, Jane}, journal = {J}, year = 2020}\n"
        "  @article{spring, title = {Seasonal}, author = {Doe, Jane}, journal = {J}, year = 2021, month = {Spring}}\n"
        "@misc{bell, title = {Ding\x07Dong}, author = {Doe, Jane}, howpublished = {Web}, year = 2022}\n",
        encoding="utf-8",
    )
    result = run_cli("import", "bibtex", str(bib), "--root", str(root))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{bib}:2:3: error: entry 'spring': 'month': expected a month like August, Aug or 8, got text ('Spring')",
        f"{bib}:3:1: error: entry 'bell': 'title': control character U+0007 is not allowed in text; remove it",
    ]
    assert result.stdout.splitlines() == [
        "content/papers/2020.yaml: add 'Fine' (2020)",
        "imported 1 paper: 1 added, 0 completed, 0 unchanged; 2 skipped with errors",
    ]
    assert sorted(model(root)) == ["ok"]


def test_fixture_has_fifty_real_world_entries() -> None:
    papers, errors = parse(REAL_WORLD.read_text(encoding="utf-8"), "real-world.bib")
    assert len(papers) >= 50 and errors == []


def test_malformed_entries_are_located_and_the_rest_imported(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    result = run_cli("import", "bibtex", str(MALFORMED), "--root", str(root))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{MALFORMED}:8:1: error: entry 'noyear' has no year; add year = {{...}}",
        f"{MALFORMED}:14:1: error: malformed entry, skipped: Unexpected block start: `@article`. "
        "Was still looking for field-value closing `}`",
        f"{MALFORMED}:26:1: error: duplicate key 'good1'; this entry is skipped (give it its own key)",
        f"{MALFORMED}:33:1: error: entry 'novenue' names no venue; add booktitle, journal or howpublished",
        f"{MALFORMED}:39:1: error: unknown @string macro 'undefinedmacro'; "
        "define it with @string{undefinedmacro = ...}",
    ]
    summary = "imported 2 papers: 2 added, 0 completed, 0 unchanged; 5 skipped with errors"
    assert result.stdout.splitlines()[-1] == summary
    assert sorted(model(root)) == ["good1", "good2"]


def test_import_twice_changes_nothing(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    assert run_cli("import", "bibtex", str(REAL_WORLD), "--root", str(root)).returncode == 0
    files = {p: p.read_bytes() for p in (root / "content" / "papers").iterdir()}
    again = run_cli("import", "bibtex", str(REAL_WORLD), "--root", str(root))
    count = len(parse(REAL_WORLD.read_text(encoding="utf-8"), "real-world.bib")[0])
    summary = f"imported {count} papers: 0 added, 0 completed, {count} unchanged\n"
    assert (again.returncode, again.stdout) == (0, summary)
    assert {p: p.read_bytes() for p in (root / "content" / "papers").iterdir()} == files
    assert run_cli("build", "--root", str(root)).returncode == 0


HAND_EDITED = (
    "# My papers of 2024. Keep this comment.\n"
    "- id: 2024.findings-acl.137   # the Anthology id\n"
    '  title: "M3-embedding: multi-linguality, multi-functionality, multi-granularity text embeddings '
    'through self-knowledge distillation"\n'
    "  authors: [Jianlyu Chen, Defu Lian]\n"
    "  year: 2024\n"
    "  venue: Findings of ACL 2024  # short on purpose\n"
    "  selected: true\n"
)


def test_merge_fills_only_unset_fields_and_keeps_comments_and_order(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    papers = root / "content" / "papers"
    papers.mkdir()
    (papers / "2024.yaml").write_text(HAND_EDITED, encoding="utf-8")
    dry = run_cli("import", "bibtex", str(REAL_WORLD), "--root", str(root), "--dry-run")
    assert dry.returncode == 0
    assert dry.stdout.splitlines()[0] == (
        "content/papers/2024.yaml: would fill bibkey, month, pages, address, publisher, doi, url of "
        "'M3-embedding: multi-linguality, multi-functionality, multi-granularity text embeddings through "
        "self-knowledge distillation'"
    )
    assert (papers / "2024.yaml").read_text(encoding="utf-8") == HAND_EDITED
    assert sorted(p.name for p in papers.iterdir()) == ["2024.yaml"]
    assert run_cli("import", "bibtex", str(REAL_WORLD), "--root", str(root)).returncode == 0
    merged = (papers / "2024.yaml").read_text(encoding="utf-8")
    assert merged.startswith(
        HAND_EDITED.replace("  selected: true\n", "  selected: true\n  bibkey: chen-etal-2024-m3\n")
    )
    assert "  doi: 10.18653/v1/2024.findings-acl.137\n" in merged
    assert merged.lower().count("multi-granularity text embeddings") == 1, "the matched paper is not added again"
    paper = model(root)["2024.findings-acl.137"]
    assert (paper["title"][:13], paper["venue"], paper["selected"]) == (
        "M3-embedding:",
        "Findings of ACL 2024",
        True,
    )


BROKEN = "@article{broken,\n  title = {Missing closing brace,\n  author = {Broken, Bob},\n  year = {2019},\n"


def test_dry_run_of_a_file_whose_only_entry_is_malformed(tmp_path: Path) -> None:
    """Reported: this printed "nothing to change" and then "the others were imported"."""
    root = empty_site(tmp_path / "site")
    bib = tmp_path / "broken.bib"
    bib.write_text(BROKEN, encoding="utf-8")
    result = run_cli("import", "bibtex", str(bib), "--root", str(root), "--dry-run")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"{bib}:1:1: error: malformed entry, skipped: Unexpectedly reached end of file.",
        "1 error; nothing was written",
    ]


def test_dry_run_with_a_malformed_entry_and_one_already_there(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    good = "@article{good, title = {Good}, author = {Doe, Jane}, journal = {J}, year = 2020}\n"
    bib = tmp_path / "mixed.bib"
    bib.write_text(good, encoding="utf-8")
    assert run_cli("import", "bibtex", str(bib), "--root", str(root)).returncode == 0
    bib.write_text(BROKEN + "\n" + good, encoding="utf-8")
    result = run_cli("import", "bibtex", str(bib), "--root", str(root), "--dry-run")
    assert result.returncode == 1
    assert result.stderr == (
        f"{bib}:1:1: error: malformed entry, skipped: Unexpected block start: `@article`. "
        "Was still looking for field-value closing `}`\n"
    )
    assert result.stdout == (
        "would import 1 paper: 0 added, 0 completed, 1 unchanged; 1 skipped with errors; nothing written (--dry-run)\n"
    )


YEAR_2023 = (
    "- title: First\n  authors: [Ann Lee]\n  year: 2023\n  venue: V\n"
    "\n"
    "- title: Second\n  authors: [Ann Lee]\n  year: 2023\n  venue: W  # as printed\n"
)
NEW_2023 = "@inproceedings{lee2023third, title = {Third}, author = {Lee, Ann}, booktitle = {Proc. of X}, year = 2023}"


@pytest.mark.parametrize("gap", ["\n", ""])
def test_new_entries_are_spaced_like_the_entries_already_there(tmp_path: Path, gap: str) -> None:
    """Reported: new entries were appended to an existing file without the blank line its entries have."""
    root = empty_site(tmp_path / "site")
    (root / "content" / "papers").mkdir()
    mine = YEAR_2023.replace("\n\n", "\n" + gap)
    (root / "content" / "papers" / "2023.yaml").write_text(mine, encoding="utf-8")
    bib = tmp_path / "third.bib"
    bib.write_text(NEW_2023, encoding="utf-8")
    result = run_cli("import", "bibtex", str(bib), "--root", str(root))
    assert result.stdout.splitlines() == [
        "content/papers/2023.yaml: add 'Third' (2023)",
        "imported 1 paper: 1 added, 0 completed, 0 unchanged",
    ]
    assert (root / "content" / "papers" / "2023.yaml").read_text(encoding="utf-8") == mine + gap + (
        "- id: lee2023third\n  title: Third\n  authors: [Ann Lee]\n  year: 2023\n  venue: Proc. of X\n"
    )
    assert run_cli("build", "--root", str(root)).returncode == 0


def test_filled_fields_are_named_and_go_in_after_the_papers_last_line(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    (root / "content" / "papers").mkdir()
    mine = YEAR_2023.replace("- title: Second", "- id: lee2023second\n  title: Second") + "\n# more to come\n"
    (root / "content" / "papers" / "2023.yaml").write_text(mine, encoding="utf-8")
    bib = tmp_path / "second.bib"
    bib.write_text(
        "@inproceedings{lee2023second, title = {Second}, author = {Lee, Ann}, booktitle = {W}, year = 2023,\n"
        "  pages = {1--9}, doi = {10.1234/second}}\n",
        encoding="utf-8",
    )
    result = run_cli("import", "bibtex", str(bib), "--root", str(root))
    assert result.stdout.splitlines() == [
        "content/papers/2023.yaml: fill pages, doi of 'Second'",
        "imported 1 paper: 0 added, 1 completed, 0 unchanged",
    ]
    assert (root / "content" / "papers" / "2023.yaml").read_text(encoding="utf-8") == mine.replace(
        "# as printed\n", "# as printed\n  pages: 1--9\n  doi: 10.1234/second\n"
    )


def test_new_papers_follow_a_one_file_per_paper_layout(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    papers = root / "content" / "papers"
    papers.mkdir()
    (papers / "mine.yaml").write_text("title: Mine\nauthors: [A]\nyear: 2020\nvenue: V\n", encoding="utf-8")
    bib = tmp_path / "one.bib"
    bib.write_text("@article{new-one, title={New}, author={B}, journal={J}, year=2021}\n", encoding="utf-8")
    assert run_cli("import", "bibtex", str(bib), "--root", str(root)).returncode == 0
    assert sorted(p.name for p in papers.iterdir()) == ["mine.yaml", "new-one.yaml"]
    assert (papers / "new-one.yaml").read_text(encoding="utf-8").startswith("id: new-one\ntype: article\ntitle: New\n")


def test_export_keeps_keys_types_and_leaves_site_only_fields_out(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(REPO / "tests" / "sites" / "minimal", root)
    result = run_cli("export", "bibtex", "--root", str(root))
    assert result.returncode == 0
    text = result.stdout
    assert text.startswith("@inproceedings{2024.acl-long.1,\n    title = {Ølund Retrieval: Łódź \\& Straße")
    assert "@article{2019-chen-knowledge-graphs-for-recommendation," in text
    assert "author = {Müller, Zoë and Ølund, Jan}" in text
    for site_only in ("code =", "github.com/example/olund", "static/papers", "selected", "tags", "recsys"):
        assert site_only not in text.replace("[the code](https://github.com/example/olund)", ""), site_only
    ascii_text = run_cli("export", "bibtex", "--root", str(root), "--ascii").stdout
    assert 'M\\"uller, Zo\\"e' in ascii_text and "{\\L}\\'od\\'z" in ascii_text and ascii_text.isascii()


def test_user_bibtex_wins_verbatim(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    (root / "content" / "papers").mkdir()
    own = "@misc{mine, note = {exactly as I wrote it}}"
    (root / "content" / "papers" / "p.yaml").write_text(
        f"title: T\nauthors: [A]\nyear: 2020\nvenue: V\nbibtex: '{own}'\n", encoding="utf-8"
    )
    assert run_cli("export", "bibtex", "--root", str(root)).stdout == own + "\n"


def bibliographic(papers: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Papers without the site-only fields, which an export leaves out by design."""
    return {key: {k: v for k, v in paper.items() if k not in ("tags", "selected")} for key, paper in papers.items()}


def test_import_export_import_gives_the_same_model(tmp_path: Path) -> None:
    first = empty_site(tmp_path / "first")
    assert run_cli("import", "bibtex", str(REAL_WORLD), "--root", str(first)).returncode == 0
    exported = tmp_path / "exported.bib"
    assert run_cli("export", "bibtex", "--root", str(first), "--out", str(exported)).returncode == 0
    second = empty_site(tmp_path / "second")
    assert run_cli("import", "bibtex", str(exported), "--root", str(second)).returncode == 0
    assert bibliographic(model(second)) == bibliographic(model(first))
    ascii_export = tmp_path / "ascii.bib"
    assert run_cli("export", "bibtex", "--root", str(first), "--ascii", "--out", str(ascii_export)).returncode == 0
    third = empty_site(tmp_path / "third")
    assert run_cli("import", "bibtex", str(ascii_export), "--root", str(third)).returncode == 0
    assert bibliographic(model(third)) == bibliographic(model(first))


def test_default_content_survives_export_and_import(tmp_path: Path) -> None:
    exported = tmp_path / "default.bib"
    assert run_cli("export", "bibtex", "--out", str(exported)).returncode == 0
    root = empty_site(tmp_path / "site")
    assert run_cli("import", "bibtex", str(exported), "--root", str(root)).returncode == 0
    assert model(root) == model(REPO)


@given(st.text(alphabet=st.sampled_from("aZ é{}\\&%$#_~^ł\n")))
def test_bibtex_escapes_specials_alike_in_ascii_and_accented_text(text: str) -> None:
    escaped = bibtex_escape(text)
    assert escaped == "".join(bibtex_escape(c) for c in text)
    assert bibtex_escape("é" + text)[1:] == escaped
    assert bibtex_escape("50% of {x}_1 & é") == r"50\% of \{x\}\_1 \& é"


@given(st.text(alphabet=st.sampled_from("aZé1_ -\n\t")))
def test_case_protection_braces_exactly_the_words_with_inner_capitals_or_digits(title: str) -> None:
    mixed = re.compile(r"\w[A-Z]|[A-Z].*\d|\d.*[A-Z]")
    expected = " ".join("{" + word + "}" if mixed.search(word) else word for word in title.split(" "))
    assert tex.bibtex(title, lambda text: text) == expected


def test_one_paper_from_several_exports_is_completed_never_overwritten(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    page = FIXTURES / "acl" / "marta-kowalczyk.txt"
    assert run_cli("import", "acl", str(page), "--root", str(root)).returncode == 0
    first = model(root)
    outputs = [
        run_cli("import", "bibtex", str(FIXTURES / "bibtex" / name), "--root", str(root)).stdout.splitlines()
        for name in ("anthology.bib", "dblp.bib", "zotero.bib")
    ]
    question = "'“Is This a Question?”: Polar Questions and #Hashtags in Polish Social Media'"
    assert (
        outputs[0][0] == f"content/papers/2024.yaml: fill bibkey, month, pages, address, publisher, url of {question}"
    )
    assert outputs[0][-1] == "imported 5 papers: 0 added, 5 completed, 0 unchanged"
    assert outputs[1] == [  # its EMNLP paper is found by its DOI, written in capitals by DBLP
        "content/papers/2023.yaml: add 'C-Idioms: Measuring How Well Language Models Understand Chinese "
        "Four-Character Idioms' (2023)",
        "content/papers/2020.yaml: add 'Null or Not? Recovering Dropped Pronouns in Chinese Dialogue' (2020)",
        "content/papers/2023.yaml: add 'True or False: Fact Verification over Japanese Wikipedia Tables, "
        "Revisited' (2023)",
        "content/papers/2022.yaml: add '1:20 Scale Models of Dialogue: Small Language Models for Task-Oriented "
        "Chat' (2022)",
        "imported 5 papers: 4 added, 0 completed, 1 unchanged",
    ]
    assert outputs[2][:2] == [  # Zotero's @misc is no type for DBLP's venue 'CoRR': not filled in
        "content/papers/2023.yaml: fill tags of 'Zero-Shot Cross-Lingual Transfer: What’s in a “Language” Anyway?'",
        "content/papers/2023.yaml: fill month, publisher, note, tags, abstract of 'C-Idioms: Measuring How Well "
        "Language Models Understand Chinese Four-Character Idioms'",
    ]
    last = model(root)
    for paper_id, paper in first.items():
        assert {key: last[paper_id][key] for key, value in paper.items() if value} == {
            key: value for key, value in paper.items() if value
        }
    assert last["dblp-journals-corr-abs-2310-04567"]["type"] == "article"  # DBLP's; an arXiv venue implies misc
