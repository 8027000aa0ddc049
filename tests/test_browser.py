"""What a reader clicks, in Chromium: the site served under a sub-path (/repo/) and opened from disk."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bench.corpus import write_corpus
from site_gen.build import build
from site_gen.links import crawl
from tests.conftest import REPO, SITES


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A plain static server, like GitHub Pages: no rewriting, no logging."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The default content (/repo/), the minimal fixture (/mini/) and a 1,000-paper corpus (/corpus/), also as file://."""
    root = tmp_path_factory.mktemp("served")
    build(REPO, root / "repo")
    build(SITES / "minimal", root / "mini")
    write_corpus(root / "corpus-source", 1000)
    build(root / "corpus-source", root / "corpus")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield {
        "repo": f"{base}/repo/",
        "mini": f"{base}/mini/",
        "repo_file": (root / "repo").as_uri() + "/",
        "mini_file": (root / "mini").as_uri() + "/",
        "corpus": f"{base}/corpus/",
        "corpus_file": (root / "corpus").as_uri() + "/",
        "corpus_dir": str(root / "corpus"),
    }
    server.shutdown()


@pytest.fixture
def problems(page: Page) -> Iterator[list[str]]:
    """Console errors, failed requests and HTTP errors seen while the test runs; must stay empty."""
    found: list[str] = []
    page.on("console", lambda msg: found.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: found.append(f"page error: {exc}"))
    page.on("requestfailed", lambda request: found.append(f"failed: {request.url}"))
    page.on("response", lambda r: found.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield found
    assert found == []


def visible_venues(page: Page) -> list[str]:
    """data-venue of every paper entry the reader can see."""
    return page.locator("[data-paper]:visible").evaluate_all("els => els.map(e => e.dataset.venue)")


@pytest.mark.parametrize("where", ["repo", "repo_file"])
def test_venue_filter_sets_the_address_and_back_undoes_it(
    page: Page, sites: dict[str, str], where: str, problems: list[str]
) -> None:
    page.goto(sites[where] + "index.html")
    assert len(visible_venues(page)) == 12
    control = page.locator('[data-filter-venue="findings-of-acl"]')
    control.click()
    assert visible_venues(page) == ["findings-of-acl"] * 7
    assert page.url.endswith("index.html?venue=findings-of-acl")
    expect(control).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-count]")).to_have_text("7 of 12 papers")
    expect(page.locator("section#y2022")).to_be_visible()
    expect(page.locator("section#y2023")).to_be_hidden()
    page.locator('[data-filter-venue="emnlp"]').click()
    assert visible_venues(page) == ["emnlp"]
    expect(page.locator("section#y2024")).to_be_hidden()
    page.go_back()
    assert visible_venues(page) == ["findings-of-acl"] * 7
    page.go_back()
    assert len(visible_venues(page)) == 12
    assert "venue=" not in page.url
    page.go_forward()
    assert visible_venues(page) == ["findings-of-acl"] * 7
    expect(control).to_have_attribute("aria-pressed", "true")


def test_deep_link_applies_the_filter(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.goto(sites["repo"] + "index.html?venue=acl")
    assert visible_venues(page) == ["acl"] * 3
    expect(page.locator('[data-filter-venue="acl"]')).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("lodz", 1),
        ("strasse", 1),
        ("olund", 1),
        ("ØLUND", 1),
        ("muller", 3),
        ("tiny things", 1),
        ("retrieval", 1),
        ("zzz", 0),
    ],
)
def test_search_ignores_case_and_diacritics(
    page: Page, sites: dict[str, str], query: str, count: int, problems: list[str]
) -> None:
    page.goto(sites["mini"] + "index.html")
    page.locator('input[type="search"]').fill(query)
    assert len(visible_venues(page)) == count


def test_search_combines_with_the_venue_filter(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.goto(sites["repo"] + "index.html")
    page.locator('input[type="search"]').fill("compositional")
    assert len(visible_venues(page)) == 3
    page.locator('[data-filter-venue="acl"]').click()
    assert visible_venues(page) == ["acl", "acl"]
    expect(page.locator("[data-count]")).to_have_text("2 of 12 papers")


def test_copy_button_copies_the_bibtex(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(sites["repo"] + "papers/2024.acl-long.191/index.html")
    page.get_by_role("button", name="Copy BibTeX").click()
    expect(page.locator(".copy-status")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        copied.startswith("@inproceedings{2024.acl-long.191,") and copied == page.locator("#bibtex-text").inner_text()
    )


def test_abstract_opens_without_javascript(browser: Browser, sites: dict[str, str]) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sites["repo"] + "index.html")
    details = page.locator("[data-paper] details").first
    expect(details.locator("p")).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("p")).to_be_visible()
    page.locator('[data-filter-venue="emnlp"]').click()
    assert page.url.endswith("/repo/venues/emnlp/index.html")
    assert visible_venues(page) == ["emnlp"]
    context.close()


def test_every_page_loads_without_failed_requests(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    for path in (
        "index.html",
        "papers/2024.findings-acl.137/index.html",
        "venues/findings-of-acl/index.html",
        "404.html",
    ):
        page.goto(sites["repo"] + path, wait_until="networkidle")
        assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui") or path == "404.html"


def test_clear_resets_search_and_venue(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.goto(sites["repo"] + "index.html?venue=findings-of-acl&q=llms")
    expect(page.locator('input[type="search"]')).to_have_value("llms")
    assert visible_venues(page) == ["findings-of-acl"] * 2
    clear = page.get_by_role("button", name="Clear")
    clear.click()
    assert len(visible_venues(page)) == 12
    expect(clear).to_be_hidden()
    assert "venue=" not in page.url and "q=" not in page.url
    expect(page.locator('input[type="search"]')).to_be_focused()


def test_filters_work_by_keyboard_with_visible_focus(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.goto(sites["repo"] + "index.html")
    control = page.locator('[data-filter-venue="acl"]')
    control.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Space")
    assert visible_venues(page) == ["acl"] * 3
    page.keyboard.press("Enter")
    assert len(visible_venues(page)) == 12


def test_search_and_copy_work_from_file(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.goto(sites["mini_file"] + "index.html")
    page.locator('input[type="search"]').fill("lodz")
    assert visible_venues(page) == ["acl"]
    page.goto(sites["repo_file"] + "papers/2024.acl-long.191/index.html")
    page.get_by_role("button", name="Copy BibTeX").click()
    expect(page.locator(".copy-status")).to_have_text("Copied")


def test_owner_header_and_abstract_links(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.goto(sites["mini"] + "index.html")
    expect(page.get_by_role("img", name="Photo of Zoë Müller")).to_be_visible()
    for label in ("Email", "ORCID", "GitHub"):
        expect(page.locator(".owner-links").get_by_role("link", name=label)).to_be_visible()
    page.goto(sites["repo"] + "papers/2024.acl-long.191/index.html")
    link = page.locator("section[aria-labelledby=abstract] a")
    expect(link).to_have_attribute("href", "https://github.com/FlagOpen/FlagEmbedding")


def test_phone_width_has_no_horizontal_scroll(browser: Browser, sites: dict[str, str]) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    for path in ("index.html", "papers/2024.findings-acl.137/index.html"):
        page.goto(sites["repo"] + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.close()


def test_print_shows_the_list_without_controls(page: Page, sites: dict[str, str]) -> None:
    page.goto(sites["repo"] + "index.html")
    page.emulate_media(media="print")
    expect(page.locator(".finder")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".paper-links").first).to_be_hidden()
    expect(page.locator("[data-paper]").first).to_be_visible()


def test_large_corpus_links_all_resolve(sites: dict[str, str]) -> None:
    assert crawl(Path(sites["corpus_dir"])) == []


@pytest.mark.parametrize("where", ["corpus", "corpus_file"])
def test_large_corpus_works_under_a_sub_path_and_from_disk(
    page: Page, sites: dict[str, str], where: str, problems: list[str]
) -> None:
    page.goto(sites[where] + "index.html", wait_until="networkidle")
    assert len(visible_venues(page)) == 1000
    page.locator('[data-filter-venue="tkde"]').click()
    shown = visible_venues(page)
    assert shown and set(shown) == {"tkde"}
    assert page.url.endswith("?venue=tkde")
    page.locator('input[type="search"]').fill("federated")
    assert 0 < len(visible_venues(page)) < len(shown)
    first_paper = page.locator("[data-paper]:visible a").first
    first_paper.click()
    page.wait_for_load_state("networkidle")
    assert page.locator('meta[name="citation_title"]').count() == 1
    page.get_by_role("link", name="TKDE").first.click()
    page.wait_for_load_state("networkidle")
    assert set(visible_venues(page)) == {"tkde"}
