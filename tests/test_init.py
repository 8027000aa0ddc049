"""site-gen init: a site of one's own from a name and a file of papers; nothing already there is ever lost."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from tests.conftest import FIXTURES, REPO, SITES, run_cli, tree_digest, tree_files
from tests.test_quality import VNU

BIB = FIXTURES / "bibtex" / "anthology.bib"
NEXT = [
    "next:",
    "  1. edit content/site.yaml: your affiliation and links (base_url can stay as it is if you publish with the "
    "GitHub Pages workflow, which sets it)",
    "  2. preview the site: site-gen serve",
]
ADD = (
    "  3. add your papers: site-gen import bibtex FILE, or write them in content/papers/ "
    "(docs/content-format.md shows how)"
)
NO_PAPERS = (
    "no papers yet: add one to content/papers/ (docs/content-format.md shows how), or import yours with "
    "site-gen import bibtex FILE"
)


def init(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """site-gen init run in ROOT."""
    return run_cli("init", *args, cwd=root)


def test_init_starts_a_site_without_papers_that_builds_with_a_hint(tmp_path: Path) -> None:
    result = init(tmp_path, "--name", "Ada Lovelace")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == ["wrote content/site.yaml for Ada Lovelace", *NEXT, ADD]
    site = yaml.safe_load((tmp_path / "content" / "site.yaml").read_text(encoding="utf-8"))
    assert site == {
        "title": "Ada Lovelace — Publications",
        "base_url": "https://USER.github.io/REPO/",
        "author": {"name": "Ada Lovelace"},
    }
    assert (tmp_path / "content" / "papers").is_dir()
    built = run_cli("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert built.stdout.splitlines()[1:] == [NO_PAPERS]
    index = (tmp_path / "_site" / "index.html").read_text(encoding="utf-8")
    assert (
        "<p>No papers yet. To add yours, write them in <code>content/papers/</code> (<code>docs/content-format.md"
        "</code> shows how), or import a BibTeX file with <code>site-gen import bibtex FILE</code>.</p>"
    ) in index
    checked = run_cli("check", cwd=tmp_path)
    assert checked.stdout.splitlines() == ["ok: 0 papers, no errors", NO_PAPERS]


def test_a_site_with_papers_gets_no_empty_hint(tmp_path: Path) -> None:
    result = run_cli("build", "--root", str(SITES / "minimal"), "--out", str(tmp_path / "out"))
    assert len(result.stdout.splitlines()) == 1
    assert "No papers yet" not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_init_from_bibtex_writes_the_papers_a_file_per_year(tmp_path: Path) -> None:
    shutil.copy(BIB, tmp_path / "mine.bib")
    result = init(tmp_path, "--name", "Marta Kowalczyk-Müller", "--from", "mine.bib")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "wrote content/site.yaml for Marta Kowalczyk-Müller",
        "wrote content/papers/2024.yaml (2 papers)",
        "wrote content/papers/2023.yaml (2 papers)",
        "wrote content/papers/2021.yaml (1 paper)",
        "imported 5 papers from mine.bib",
        *NEXT,
    ]
    built = run_cli("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("built 5 papers, ")
    assert '<strong class="me">Marta Kowalczyk-Müller</strong>' in (tmp_path / "_site" / "index.html").read_text(
        encoding="utf-8"
    )


def test_init_from_an_acl_author_page(tmp_path: Path) -> None:
    result = init(tmp_path, "--name", "Defu Lian", "--from", str(FIXTURES / "acl" / "defu-lian.txt"))
    assert result.returncode == 0, result.stderr
    assert f"imported 12 papers from {FIXTURES / 'acl' / 'defu-lian.txt'}" in result.stdout.splitlines()
    assert "note:" not in result.stdout
    assert run_cli("check", cwd=tmp_path).stdout == "ok: 12 papers, no errors\n"


def test_init_notes_papers_that_do_not_list_the_name(tmp_path: Path) -> None:
    shutil.copy(BIB, tmp_path / "mine.bib")
    result = init(tmp_path, "--name", "M. Kowalczyk", "--from", "mine.bib")
    assert result.stdout.splitlines()[5] == (
        "note: M. Kowalczyk is not among the authors of any of the imported papers (most of them list 'Marta "
        "Kowalczyk-Müller'); add the spellings your papers use to author.aliases in content/site.yaml, so that "
        "they are highlighted"
    )


def test_init_refuses_to_replace_papers_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    before = tree_digest(root)
    result = init(root, "--name", "Ada Lovelace", "--from", str(BIB))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "site-gen: error: content/ already holds papers (content/papers/2024.yaml, content/papers/older.yaml); "
        "nothing was changed",
        "  to start over, add --replace: the old content/ is kept as content.old/",
        "  to add papers to this site instead: site-gen import bibtex FILE (or import acl FILE)",
    ]
    assert tree_digest(root) == before


def test_replace_keeps_every_old_content_under_a_numbered_name(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    first = tree_files(root / "content")
    result = init(root, "--name", "Ada Lovelace", "--replace")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "kept the old content/ as content.old/ (delete it once you no longer need it)"
    )
    second = tree_files(root / "content")
    assert init(root, "--name", "Grace Hopper", "--from", str(BIB)).returncode == 0  # content/ holds no papers
    assert (
        init(root, "--name", "Ada Lovelace", "--replace")
        .stdout.splitlines()[0]
        .startswith("kept the old content/ as content.old-3/")
    )
    assert tree_files(root / "content.old") == first
    assert tree_files(root / "content.old-2") == second
    assert len(tree_files(root / "content.old-3")) == 4  # site.yaml and three year files
    assert run_cli("build", cwd=root).returncode == 0


def test_a_bad_source_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    before = tree_digest(root)
    result = init(root, "--name", "Ada Lovelace", "--from", "missing.bib", "--replace")
    assert (result.returncode, result.stderr) == (
        1,
        "missing.bib:1:1: error: file not found\n1 error; nothing was written\n",
    )
    (root / "empty.bib").write_text("% nothing here\n", encoding="utf-8")
    result = init(root, "--name", "Ada Lovelace", "--from", "empty.bib", "--replace")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "empty.bib:1:1: error: no BibTeX entries found: expected entries like @article{key, title = {...}, ...}"
    )
    (root / "empty.bib").unlink()
    assert tree_digest(root) == before


def test_malformed_entries_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    result = init(tmp_path, "--name", "Alice Good", "--from", str(FIXTURES / "bibtex" / "malformed.bib"))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert errors and all(": error: " in line for line in errors)
    imported = next(line for line in result.stdout.splitlines() if line.startswith("imported"))
    assert (
        imported
        == f"imported 2 papers from {FIXTURES / 'bibtex' / 'malformed.bib'}; {len(errors)} skipped with errors (above)"
    )
    assert run_cli("check", cwd=tmp_path).returncode == 0


def test_a_name_is_written_as_yaml_reads_it_back(tmp_path: Path) -> None:
    name = "Seán O'Brien: #1 [PhD]"
    assert init(tmp_path, "--name", f"  {name} ").returncode == 0
    site = yaml.safe_load((tmp_path / "content" / "site.yaml").read_text(encoding="utf-8"))
    assert (site["title"], site["author"]["name"]) == (f"{name} — Publications", name)
    assert run_cli("build", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("args", [(), ("--name", " "), ("--name", "A\x01B")])
def test_init_without_a_usable_name_is_a_usage_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = init(tmp_path, *args)
    assert result.returncode == 2
    assert "--name" in result.stderr.splitlines()[-1]
    assert not (tmp_path / "content").exists()


def test_init_in_a_copy_of_this_repository_says_make_site(tmp_path: Path) -> None:
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    result = init(tmp_path, "--name", "Ada Lovelace")
    assert "  2. preview the site: make site" in result.stdout.splitlines()


def test_the_placeholder_base_url_is_replaced_when_published() -> None:
    workflow = (REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert 'make build BASE_URL="${{ steps.pages.outputs.base_url }}/"' in workflow
    dry = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "build", "BASE_URL=https://ada.github.io/pubs/"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert '.venv/bin/site-gen build --base-url "https://ada.github.io/pubs/"' in dry.stdout


def test_the_empty_site_is_valid_and_accessible(tmp_path: Path, browser: Browser) -> None:
    assert init(tmp_path, "--name", "Ada Lovelace").returncode == 0
    assert run_cli("build", cwd=tmp_path).returncode == 0
    site = tmp_path / "_site"
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stderr
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto((site / "index.html").as_uri())
        assert Axe().run(page).response["violations"] == []
        page.close()
