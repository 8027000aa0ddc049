"""site-gen import acl: the seed page into one YAML file per year, located errors, no overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_gen.errors import SiteErrors
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
    page = parse(SEED.read_text(encoding="utf-8"), "seed.txt")
    assert page.author == "Defu Lian"
    assert [p.year for p in page.papers] == [2024] * 6 + [2023] * 2 + [2022] * 2 + [2021] * 2
    assert all(p.has_pdf for p in page.papers)
    no_abstract = [p.title for p in page.papers if p.abstract is None]
    assert no_abstract == ["Assessing Dialogue Systems with Distribution Distances"]
    llama = next(p for p in page.papers if p.title.startswith("Llama2Vec"))
    assert llama.authors == ["Chaofan Li", "Zheng Liu", "Shitao Xiao", "Yingxia Shao", "Defu Lian"]
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
    assert again.stdout == "nothing to change: every paper is already there\n"
    forced = run_cli("import", "acl", str(SEED), "--root", str(tmp_path), "--force")
    assert forced.returncode == 0
    assert (papers / "2023.yaml").read_text(encoding="utf-8") == (EXPECTED / "2023.yaml").read_text(encoding="utf-8")


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    result = run_cli("import", "acl", str(SEED), "--root", str(tmp_path), "--dry-run")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == (
        "would content/papers/2024.yaml: add 'M3-Embedding: Multi-Linguality, Multi-Functionality, "
        "Multi-Granularity Text Embeddings Through Self-Knowledge Distillation' (2024)"
    )
    assert not (tmp_path / "content").exists()


def test_paper_without_pdf_marker_and_single_author() -> None:
    text = "Ada Lovelace\n\n1843\n\nNotes on the Engine\nAda Lovelace\nTaylor's Scientific Memoirs\n\nAn abstract.\n"
    page = parse(text, "page.txt")
    assert [(p.title, p.authors, p.has_pdf, p.abstract) for p in page.papers] == [
        ("Notes on the Engine", ["Ada Lovelace"], False, "An abstract.")
    ]


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
    with pytest.raises(SiteErrors) as caught:
        parse(text, "page.txt")
    assert [str(e) for e in caught.value.errors] == expected


def test_every_parse_error_is_reported_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Ada\n\npdf\nT\nA\nV\n\n2020\n\npdf\nonly\n", encoding="utf-8")
    result = run_cli("import", "acl", str(bad), "--root", str(tmp_path))
    assert result.returncode == 1
    assert [line.split(": error:")[0] for line in result.stderr.splitlines()[:-1]] == [f"{bad}:3:1", f"{bad}:10:1"]
    assert not (tmp_path / "content").exists()
