"""site-gen import acl: the seed page into one YAML file per year, located errors, no overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from site_gen.importers.acl import parse
from tests.conftest import FIXTURES, run_cli

SEED = FIXTURES / "acl" / "defu-lian.txt"
EXPECTED = FIXTURES / "acl" / "expected"


def test_seed_imports_to_expected_yaml(tmp_path: Path) -> None:
    result = run_cli("import", "acl", str(SEED), "--root", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "content" / "papers").iterdir())
    assert written == sorted(p.name for p in EXPECTED.iterdir())
    for name in written:
        assert (tmp_path / "content" / "papers" / name).read_text(encoding="utf-8") == (
            (EXPECTED / name).read_text(encoding="utf-8")
        ), name


def test_seed_parses_every_paper_with_and_without_abstracts() -> None:
    page, errors = parse(SEED.read_text(encoding="utf-8"), "seed.txt")
    assert (page.author, errors) == ("Defu Lian", [])
    assert [p.year for p in page.papers] == [2024] * 6 + [2023] * 2 + [2022] * 2 + [2021] * 2
    assert all(p.has_pdf for p in page.papers)
    no_abstract = [p.title for p in page.papers if p.abstract is None]
    assert no_abstract == ["Assessing Dialogue Systems with Distribution Distances"]
    llama = next(p for p in page.papers if p.title.startswith("Llama2Vec"))
    assert llama.authors == ("Chaofan Li", "Zheng Liu", "Shitao Xiao", "Yingxia Shao", "Defu Lian")
    assert llama.abstract is not None and llama.abstract.endswith("https://github.com/FlagOpen/FlagEmbedding.")


def test_imported_content_builds(tmp_path: Path) -> None:
    assert run_cli("import", "acl", str(SEED), "--root", str(tmp_path)).returncode == 0
    (tmp_path / "content" / "site.yaml").write_text(
        "title: T\nbase_url: https://x.example/\nauthor: {name: Defu Lian}\n", encoding="utf-8"
    )
    result = run_cli("build", "--root", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "_site" / "papers").iterdir())) == 12


def test_import_merges_into_existing_files_and_force_replaces_them(tmp_path: Path) -> None:
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    mine = (
        "# mine: keep this\n- title: Learning to Substitute Spans towards Improving Compositional Generalization\n"
        "  authors: [Zhaoyi Li]\n  year: 2023\n  venue: ACL 2023\n  code: https://github.com/example/spans\n"
    )
    (papers / "2023.yaml").write_text(mine, encoding="utf-8")
    result = run_cli("import", "acl", str(SEED), "--root", str(tmp_path))
    assert result.returncode == 0
    assert (
        "content/papers/2023.yaml: fill abstract of 'Learning to Substitute Spans towards Improving "
        "Compositional Generalization'" in result.stdout.splitlines()
    )
    merged = (papers / "2023.yaml").read_text(encoding="utf-8")
    assert merged.startswith(mine)
    assert merged.count("Learning to Substitute Spans") == 1 and "Towards Anytime Fine-tuning" in merged
    again = run_cli("import", "acl", str(SEED), "--root", str(tmp_path))
    assert again.stdout == "imported 12 papers: 0 added, 0 completed, 12 unchanged\n"
    forced = run_cli("import", "acl", str(SEED), "--root", str(tmp_path), "--force")
    assert forced.returncode == 0
    assert (papers / "2023.yaml").read_text(encoding="utf-8") == (EXPECTED / "2023.yaml").read_text(encoding="utf-8")


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    result = run_cli("import", "acl", str(SEED), "--root", str(tmp_path), "--dry-run")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == (
        "content/papers/2024.yaml: would add 'M3-Embedding: Multi-Linguality, Multi-Functionality, "
        "Multi-Granularity Text Embeddings Through Self-Knowledge Distillation' (2024)"
    )
    assert result.stdout.splitlines()[-1] == (
        "would import 12 papers: 12 added, 0 completed, 0 unchanged; nothing written (--dry-run)"
    )
    assert not (tmp_path / "content").exists()


def test_paper_without_pdf_marker_and_single_author() -> None:
    text = "Ada Lovelace\n\n1843\n\nNotes on the Engine\nAda Lovelace\nTaylor's Scientific Memoirs\n\nAn abstract.\n"
    page, errors = parse(text, "page.txt")
    assert [(p.title, p.authors, p.has_pdf, p.abstract) for p in page.papers] == [
        ("Notes on the Engine", ("Ada Lovelace",), False, "An abstract.")
    ]
    assert errors == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ada\n\npdf\nA Title\nAda | Bob\nVenue\n",
            ["page.txt:3:1: error: paper before any year line; put a year like 2024 above it"],
        ),
        (
            "Ada\n\n2020\n\npdf\nOnly A Title\n",
            ["page.txt:5:1: error: expected a title line, an authors line (names separated by |) and a venue line"],
        ),
        (
            "Ada\n\n2020\n\nstray\n\npdf\nT\nA\nV\n",
            ["page.txt:5:1: error: unexpected text 'stray': expected a year, 'pdf' or a paper"],
        ),
        ("", ["page.txt:1:1: error: empty file: expected the author's name on the first line"]),
    ],
)
def test_unparseable_text_is_located(text: str, expected: list[str]) -> None:
    _, errors = parse(text, "page.txt")
    assert [str(e) for e in errors] == expected


def test_every_parse_error_is_reported_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Ada\n\npdf\nT\nA\nV\n\n2020\n\npdf\nonly\n", encoding="utf-8")
    result = run_cli("import", "acl", str(bad), "--root", str(tmp_path))
    assert result.returncode == 1
    assert [line.split(": error:")[0] for line in result.stderr.splitlines()[:-1]] == [f"{bad}:3:1", f"{bad}:10:1"]
    assert not (tmp_path / "content").exists()


MARTA = FIXTURES / "acl" / "marta-kowalczyk.txt"


def test_another_authors_page_with_a_year_of_one_paper(tmp_path: Path) -> None:
    """Reported: such a page crashed with KeyError: 'id' in importers/merge.py."""
    result = run_cli("import", "acl", str(MARTA), "--root", str(tmp_path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "content/papers/2024.yaml: add '“Is This a Question?”: Polar Questions and #Hashtags in Polish Social Media' "
        "(2024)",
        "content/papers/2024.yaml: add '@-Mentions Considered Harmful? Robust Named Entity Recognition for Noisy "
        "Slavic Text' (2024)",
        "content/papers/2023.yaml: add 'Yes, No, Maybe: Calibrating Confidence of Multilingual Question Answering "
        "Models' (2023)",
        "content/papers/2023.yaml: add 'Annotating Aspect in Polish: A Pilot Study' (2023)",
        "content/papers/2023.yaml: add 'Zero-Shot Cross-Lingual Transfer: What’s in a “Language” Anyway?' (2023)",
        "content/papers/2021.yaml: add 'Dziękuję! Politeness Markers: A Corpus Study of Customer Service Chats' (2021)",
        "imported 6 papers: 6 added, 0 completed, 0 unchanged",
    ]
    assert (tmp_path / "content" / "papers" / "2021.yaml").read_text(encoding="utf-8") == (
        "- title: 'Dziękuję! Politeness Markers: A Corpus Study of Customer Service Chats'\n"
        "  authors: [Marta Kowalczyk-Müller, Łukasz Wróbel]\n"
        "  year: 2021\n"
        "  venue: 'Proceedings of the 16th Conference of the European Chapter of the Association for Computational "
        "Linguistics: Main Volume'\n"
        "  abstract: >-\n"
        "    Politeness in Polish is marked by more than “proszę” and “dziękuję”. We annotate 12,000 customer service\n"
        "    chats for 14 politeness strategies; the corpus is available at https://example.org/dziekuje under CC\n"
        "    BY 4.0.\n"
    )


def test_a_malformed_paper_is_skipped_and_the_rest_imported(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Ada\n\n2020\n\npdf\nOnly A Title\n\nIts abstract.\n\nGood One\nAda | Bob\nV\n", encoding="utf-8")
    result = run_cli("import", "acl", str(page), "--root", str(tmp_path), "--dry-run")
    assert result.returncode == 1
    assert result.stderr == (
        f"{page}:5:1: error: expected a title line, an authors line (names separated by |) and a venue line\n"
    )
    assert result.stdout.splitlines() == [
        "content/papers/2020.yaml: would add 'Good One' (2020)",
        "would import 1 paper: 1 added, 0 completed, 0 unchanged; 1 skipped with errors; nothing written (--dry-run)",
    ]
    assert not (tmp_path / "content").exists()


SITE = "title: T\nbase_url: https://x.example/\nauthor: {name: Ada Lovelace}\n"
# Text YAML would read as something else, or not at all, if written unquoted.
SIGNIFICANT = [
    "2024", "yes", "No", "on", "null", "~", "true", "1:20", "0x1F", "012", "1e10", ".5", "3.14", "2024-05-01",
    "@home", "- dash", "key: value", "trailing colon:", "a #comment", "#hashtag", "[bracketed]", "{braced}",
    "!important", "&anchor", "*alias", "| pipe", "> greater", "%percent", "`tick`", "'single'", '"double"',
    "? question", "50% of <b>HTML</b> & more",
]  # fmt: skip


def author(text: str) -> str:
    """TEXT as a co-author's name ('|' separates names on the page)."""
    return text.removeprefix("| ")


def test_text_yaml_would_misread_is_written_so_it_reads_back_as_it_was(tmp_path: Path) -> None:
    papers = "".join(
        f"{title}\nAda Lovelace | {author(title)}\n{title}: A Venue\n\nAbstract of {title}: see https://x.org/{i}#top.\n\n"
        for i, title in enumerate(SIGNIFICANT)
    )
    page = tmp_path / "page.txt"
    page.write_text(f"Ada Lovelace\n\n1843\n\n{papers}", encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "site.yaml").write_text(SITE, encoding="utf-8")
    result = run_cli("import", "acl", str(page), "--root", str(tmp_path))
    assert (result.returncode, result.stderr) == (0, "")
    count = len(SIGNIFICANT)
    assert result.stdout.splitlines()[-1] == f"imported {count} papers: {count} added, 0 completed, 0 unchanged"
    read = yaml.safe_load((tmp_path / "content" / "papers" / "1843.yaml").read_text(encoding="utf-8"))
    assert read == [
        {
            "title": title,
            "authors": ["Ada Lovelace", author(title)],
            "year": 1843,
            "venue": f"{title}: A Venue",
            "abstract": f"Abstract of {title}: see https://x.org/{i}#top.",
        }
        for i, title in enumerate(SIGNIFICANT)
    ]
    built = run_cli("build", "--root", str(tmp_path))
    assert built.returncode == 0, built.stderr
    again = run_cli("import", "acl", str(page), "--root", str(tmp_path))
    assert again.stdout == f"imported {count} papers: 0 added, 0 completed, {count} unchanged\n"


def test_papers_the_site_would_give_one_id_get_ids_of_their_own(tmp_path: Path) -> None:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "content" / "site.yaml").write_text(SITE, encoding="utf-8")
    mine = "title: Notes on the Analytical Engine, Part One\nauthors: [Ada Lovelace]\nyear: 1843\nvenue: Memoirs\n"
    (tmp_path / "content" / "papers" / "notes.yaml").write_text(mine, encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text(
        "Ada Lovelace\n\n1843\n\n"
        "Notes on the Analytical Engine, Part Two\nAda Lovelace\nMemoirs\n\n"
        "Notes on the Analytical Engine, Part Three\nAda Lovelace\nMemoirs\n",
        encoding="utf-8",
    )
    result = run_cli("import", "acl", str(page), "--root", str(tmp_path))
    assert result.stdout.splitlines() == [
        "content/papers/1843-lovelace-notes-on-the-analytical-engine-2.yaml: add 'Notes on the Analytical Engine, "
        "Part Two' (1843)",
        "content/papers/1843-lovelace-notes-on-the-analytical-engine-3.yaml: add 'Notes on the Analytical Engine, "
        "Part Three' (1843)",
        "imported 2 papers: 2 added, 0 completed, 0 unchanged",
    ]
    written = (tmp_path / "content" / "papers" / "1843-lovelace-notes-on-the-analytical-engine-2.yaml").read_text(
        encoding="utf-8"
    )
    assert written.startswith("id: 1843-lovelace-notes-on-the-analytical-engine-2\ntitle: ")
    assert run_cli("build", "--root", str(tmp_path)).returncode == 0


def test_page_shapes_a_copy_may_have() -> None:
    text = (
        "Ada Lovelace\nAlso published as: A. A. Lovelace\n\nCountess of Lovelace\n\n"
        "1843\npdf bib abs\nNotes: A Translation\nAda Lovelace|Luigi Menabrea\nTaylor's Scientific Memoirs\n\n"
        "1842\n\nbib\nA Letter\n Ada Lovelace \nCorrespondence\nIt continues\non two lines.\n"
    )
    page, errors = parse(text, "page.txt")
    assert (page.author, errors) == ("Ada Lovelace", [])
    assert [(p.title, p.authors, p.year, p.venue, p.has_pdf, p.abstract, p.line) for p in page.papers] == [
        (
            "Notes: A Translation",
            ("Ada Lovelace", "Luigi Menabrea"),
            1843,
            "Taylor's Scientific Memoirs",
            True,
            None,
            7,
        ),
        ("A Letter", ("Ada Lovelace",), 1842, "Correspondence", False, "It continues on two lines.", 14),
    ]


def test_the_users_files_must_read_before_anything_is_merged_into_them(tmp_path: Path) -> None:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    broken = "- title: Mine\n  authors: [Ada\n  year: 1843\n"
    (tmp_path / "content" / "papers" / "1843.yaml").write_text(broken, encoding="utf-8")
    result = run_cli("import", "acl", str(MARTA), "--root", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "1 error; nothing was written"
    assert result.stderr.startswith("content/papers/1843.yaml:")
    assert sorted(p.name for p in (tmp_path / "content" / "papers").iterdir()) == ["1843.yaml"]


def test_windows_line_endings_are_kept(tmp_path: Path) -> None:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    mine = "- title: Mine\r\n  authors: [Ada]\r\n  year: 2023\r\n  venue: V\r\n"
    (tmp_path / "content" / "papers" / "2023.yaml").write_bytes(mine.encode())
    assert run_cli("import", "acl", str(MARTA), "--root", str(tmp_path)).returncode == 0
    written = (tmp_path / "content" / "papers" / "2023.yaml").read_bytes()
    assert written.startswith(mine.encode()) and written.count(b"\n") == written.count(b"\r\n") > 10


def test_force_names_the_papers_it_drops(tmp_path: Path) -> None:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    mine = "- title: Mine of 2023\n  authors: [Marta Kowalczyk-Müller]\n  year: 2023\n  venue: V\n"
    (tmp_path / "content" / "papers" / "2023.yaml").write_text(mine, encoding="utf-8")
    result = run_cli("import", "acl", str(MARTA), "--root", str(tmp_path), "--force", "--dry-run")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "content/papers/2024.yaml: would replace with 2 papers",
        "content/papers/2023.yaml: would replace with 3 papers, dropping 'Mine of 2023'",
        "content/papers/2021.yaml: would replace with 1 paper",
        "would import 6 papers: 6 in year files replaced whole; nothing written (--dry-run)",
    ]
    assert (tmp_path / "content" / "papers" / "2023.yaml").read_text(encoding="utf-8") == mine
