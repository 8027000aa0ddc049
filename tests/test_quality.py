"""Every page is valid HTML (Nu checker) and accessible (axe-core), in light and dark."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from site_gen.build import build
from tests.conftest import REPO, SITES

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default content and the minimal fixture, built once."""
    root = tmp_path_factory.mktemp("quality")
    build(REPO, root / "repo")
    build(SITES / "minimal", root / "mini")
    build(SITES / "coauthors", root / "co")
    return {"repo": root / "repo", "mini": root / "mini", "co": root / "co"}


def test_nu_html_checker_finds_no_errors(built: dict[str, Path]) -> None:
    assert VNU.is_file(), "the Nu checker is missing: run the tests with `make test`, which installs it"
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", *(str(site) for site in built.values())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


PAGES = [
    "index.html",
    "index.html?venue=findings-of-acl",
    "index.html?author=yingxia-shao",
    "papers/2024.acl-long.191/index.html",
    "venues/acl/index.html",
    "authors/ying-wei/index.html",
    "404.html",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(browser: Browser, built: dict[str, Path], scheme: str) -> None:
    page = browser.new_page(color_scheme=scheme)
    axe = Axe()
    urls = [built["repo"].as_uri() + "/" + path for path in PAGES]
    urls += [
        built["mini"].as_uri() + "/" + path
        for path in ("index.html", "about/index.html", "papers/2024.acl-long.1/index.html")
    ]
    urls += [built["co"].as_uri() + "/" + path for path in ("index.html", "authors/jose-garcia/index.html")]
    found = {}
    for url in urls:
        page.goto(url)
        violations = axe.run(page).response["violations"]
        found[url] = [(v["id"], len(v["nodes"])) for v in violations]
    page.close()
    assert found == {url: [] for url in urls}


def test_default_site_stays_within_its_page_weight_budget(built: dict[str, Path]) -> None:
    site = built["repo"]
    index, css, js = (len((site / name).read_bytes()) for name in ("index.html", "static/site.css", "static/site.js"))
    assert index + css + js < 60_000, (index, css, js)
    assert js < 8_000
