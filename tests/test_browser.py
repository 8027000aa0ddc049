"""What a reader clicks, in Chromium: the site served under a sub-path (/repo/) and opened from disk."""

from __future__ import annotations

import functools
import http.server
import re
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
    """The default content (/repo/), the minimal and co-authors fixtures (/mini/, /co/) and a 1,000-paper corpus
    (/corpus/), also as file://."""
    root = tmp_path_factory.mktemp("served")
    build(REPO, root / "repo")
    build(SITES / "minimal", root / "mini")
    build(SITES / "coauthors", root / "co")
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
        "co": f"{base}/co/",
        "co_file": (root / "co").as_uri() + "/",
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


def visible_papers(page: Page) -> list[str]:
    """data-paper of every paper entry the reader can see, in order."""
    return page.locator("[data-paper]:visible").evaluate_all("els => els.map(e => e.dataset.paper)")


def shown_coauthors(page: Page) -> dict[str, str]:
    """Each co-author control the filters leave in the list (open or not), with its count."""
    return dict(
        page.locator("[data-filter-author]").evaluate_all(
            "els => els.filter(e => !e.parentNode.hidden).map(e => [e.dataset.filterAuthor, "
            "e.querySelector('.count').textContent])"
        )
    )


YING_WEI = ["2024.findings-acl.576", "2024.acl-long.351", "2023.findings-emnlp.808", "2023.acl-long.157"]


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
    expect(page.locator("[data-status]")).to_have_text("7 of 12 papers")
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
    expect(page.locator("[data-status]")).to_have_text("2 of 12 papers")


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


@pytest.mark.parametrize("where", ["repo", "repo_file"])
def test_coauthor_filter_sets_the_address_and_back_undoes_it(
    page: Page, sites: dict[str, str], where: str, problems: list[str]
) -> None:
    page.goto(sites[where] + "index.html")
    control = page.locator('[data-filter-author="ying-wei"]')
    expect(control).to_have_text("Ying Wei 4")
    control.click()
    assert visible_papers(page) == YING_WEI
    assert page.url.endswith("index.html?author=ying-wei")
    expect(control).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-status]")).to_have_text("4 of 12 papers")
    page.go_back()
    assert len(visible_papers(page)) == 12 and "author=" not in page.url
    expect(control).to_have_attribute("aria-pressed", "false")
    page.go_forward()
    assert visible_papers(page) == YING_WEI


def test_counts_on_the_other_controls_follow_the_choice_and_empty_ones_hide(
    page: Page, sites: dict[str, str], problems: list[str]
) -> None:
    page.goto(sites["repo"] + "index.html")
    page.locator('[data-filter-author="ying-wei"]').click()
    venues = page.locator("[data-filter-venue]:visible, [data-filter-all]")
    assert venues.all_inner_texts() == ["All 4", "Findings of ACL 1", "ACL 2", "Findings of EMNLP 1"]
    page.locator('[data-filter-author="ying-wei"]').click()
    page.locator('[data-filter-venue="emnlp"]').click()
    assert shown_coauthors(page) == {"shitao-xiao": "1", "zheng-liu": "1", "xing-xie": "1", "yingxia-shao": "1"}
    page.locator("[data-filter-all]").click()
    assert len(shown_coauthors(page)) == 36 and shown_coauthors(page)["ying-wei"] == "4"


def test_coauthor_venue_and_search_combine(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.goto(sites["repo"] + "index.html?venue=acl&author=ying-wei")
    assert visible_papers(page) == ["2024.acl-long.351", "2023.acl-long.157"]
    expect(page.locator("[data-status]")).to_have_text("2 of 12 papers")
    page.locator('input[type="search"]').fill("benchmarking")
    assert visible_papers(page) == ["2024.acl-long.351"]
    expect(page.locator('[data-filter-author="ying-wei"] .count')).to_have_text("1")
    page.locator('[data-filter-author="ying-wei"]').click()
    assert "venue=acl" in page.url and "q=benchmarking" in page.url and "author=" not in page.url
    assert visible_papers(page) == ["2024.acl-long.351"]
    page.go_back()
    assert "author=ying-wei" in page.url and visible_papers(page) == ["2024.acl-long.351"]


def test_year_links_lead_only_to_years_with_papers_shown(
    page: Page, sites: dict[str, str], problems: list[str]
) -> None:
    page.goto(sites["repo"] + "index.html")
    years = page.locator(".chart-years a:visible")
    assert years.all_inner_texts() == ["2021", "2022", "2023", "2024"]
    page.locator('[data-filter-venue="emnlp"]').click()
    assert years.all_inner_texts() == ["2021"]
    expect(page.locator('.chart [data-year="2024"]')).to_have_class("empty")
    page.locator('[data-filter-venue="emnlp"]').click()
    page.locator('[data-filter-author="ying-wei"]').click()
    assert years.all_inner_texts() == ["2023", "2024"]
    expect(page.locator('.chart [data-year="2024"]')).not_to_have_class("empty")


def test_clicking_a_year_or_its_bar_jumps_to_it(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.goto(sites["repo"] + "index.html")
    page.locator(".chart-years a", has_text="2022").click()
    assert page.url.endswith("index.html#y2022")
    expect(page.locator("#h2022")).to_be_in_viewport()
    page.evaluate("window.scrollTo(0, 0)")
    bar = page.locator('.chart [data-year="2021"]').bounding_box()
    assert bar is not None
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    expect(page).to_have_url(re.compile(r"index\.html#y2021$"))
    expect(page.locator("#h2021")).to_be_in_viewport()


def test_the_long_coauthor_list_shows_a_dozen_and_the_rest_by_keyboard(
    page: Page, sites: dict[str, str], problems: list[str]
) -> None:
    page.goto(sites["repo"] + "index.html")
    expect(page.locator("[data-filter-author]:visible")).to_have_count(12)
    summary = page.locator("details.more summary")
    expect(summary).to_have_text("24 more co-authors")
    page.locator("[data-filter-author]").nth(11).focus()
    page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-filter-author]:visible")).to_have_count(36)
    page.keyboard.press("Tab")
    thirteenth = page.locator("[data-filter-author]").nth(12)
    expect(thirteenth).to_be_focused()
    page.keyboard.press("Space")
    assert page.url.endswith("?author=yingxia-shao")
    assert visible_papers(page) == ["2024.acl-long.191", "2021.emnlp-main.640"]


def test_a_link_to_a_coauthor_further_down_the_list_opens_it(
    page: Page, sites: dict[str, str], problems: list[str]
) -> None:
    page.goto(sites["repo"] + "index.html?author=yingxia-shao")
    control = page.locator('[data-filter-author="yingxia-shao"]')
    expect(control).to_be_visible()
    expect(control).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-status]")).to_have_text("2 of 12 papers")


def test_coauthor_pages_work_without_javascript(browser: Browser, sites: dict[str, str]) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sites["repo"] + "index.html")
    page.locator("details.more summary").click()
    page.locator('[data-filter-author="yingxia-shao"]').click()
    assert page.url.endswith("/repo/authors/yingxia-shao/index.html")
    assert visible_papers(page) == ["2024.acl-long.191", "2021.emnlp-main.640"]
    expect(page.locator("h1")).to_have_text("Yingxia Shao")
    page.locator(".paper-authors a", has_text="Shitao Xiao").first.click()
    assert page.url.endswith("/repo/authors/shitao-xiao/index.html")
    page.locator(".paper-title a").first.click()
    page.locator(".paper-authors a", has_text="Zheng Liu").click()
    assert page.url.endswith("/repo/authors/zheng-liu/index.html")
    context.close()


@pytest.mark.parametrize("where", ["co", "co_file"])
def test_coauthors_without_latin_letters_filter_and_link(
    page: Page, sites: dict[str, str], where: str, problems: list[str]
) -> None:
    page.goto(sites[where] + "index.html")
    control = page.get_by_role("button", name="王芳 3")
    control.click()
    slug = control.get_attribute("data-filter-author") or ""
    assert re.fullmatch(r"author-[0-9a-f]{8}", slug) and page.url.endswith("index.html?author=" + slug)
    assert visible_papers(page) == ["2024.acl-long.1", "2023.emnlp-main.1", "2022.neurips.1"]
    expect(page.locator("[data-status]")).to_have_text("3 of 5 papers")
    page.go_back()
    page.locator('input[type="search"]').fill("σωκρατης")
    assert visible_papers(page) == ["2023.acl-long.2"]
    page.locator(".paper-authors a", has_text="Σωκράτης Παπαδόπουλος").click()
    expect(page.locator("h1")).to_have_text("Σωκράτης Παπαδόπουλος")
    assert visible_papers(page) == ["2023.acl-long.2"]


def test_selected_work_opens_the_index_and_hides_while_filtering(
    page: Page, sites: dict[str, str], problems: list[str]
) -> None:
    page.goto(sites["co"] + "index.html")
    selected = page.locator('[data-section="selected"]')
    expect(selected.locator("h2")).to_have_text("Selected work")
    assert visible_papers(page)[:2] == ["2024.acl-long.1", "2024.acl-long.1"]  # first selected, then in 2024
    page.locator('input[type="search"]').fill("scripts")
    expect(selected).to_be_hidden()
    assert visible_papers(page) == ["2024.acl-long.1"]
    expect(page.locator("[data-status]")).to_have_text("1 of 5 papers")
    page.get_by_role("button", name="Clear").click()
    expect(selected).to_be_visible()
    page.locator('[data-filter-venue="acl"]').click()
    expect(selected).to_be_hidden()
    assert set(visible_venues(page)) == {"acl"}


def test_tags_are_shown_and_searchable(page: Page, sites: dict[str, str], problems: list[str]) -> None:
    page.goto(sites["co"] + "index.html")
    page.locator('input[type="search"]').fill("multilingual")
    assert visible_papers(page) == ["2024.acl-long.1"]
    expect(page.locator("[data-paper]:visible .paper-tags li")).to_have_text(["retrieval", "multilingual"])


@pytest.mark.parametrize("where", ["co", "co_file"])
def test_a_tag_leads_to_the_index_searching_for_it(page: Page, sites: dict[str, str], where: str) -> None:
    page.goto(sites[where] + "papers/2023.emnlp-main.1/index.html")
    page.locator(".paper-tags").get_by_role("link", name="Retrieval").click()
    expect(page.locator('input[type="search"]')).to_have_value("Retrieval")
    assert visible_papers(page) == ["2024.acl-long.1", "2023.emnlp-main.1"]
    page.locator("[data-paper='2024.acl-long.1'] .paper-tags").get_by_role("link", name="multilingual").click()
    expect(page.locator('input[type="search"]')).to_have_value("multilingual")
    assert visible_papers(page) == ["2024.acl-long.1"]


def test_the_owner_header_shows_the_photo_affiliation_bio_and_links(
    page: Page, sites: dict[str, str], problems: list[str]
) -> None:
    page.goto(sites["co"] + "index.html")
    owner = page.locator(".owner")
    photo = owner.locator("img.owner-photo")
    expect(photo).to_have_attribute("alt", "Photo of Wei Zhang")
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 240
    expect(owner.locator(".affiliation")).to_have_text("Example University")
    expect(owner.locator(".bio em")).to_have_text("retrieval")
    links = owner.locator(".owner-links a")
    expect(links).to_have_text(["Email", "Google Scholar", "DBLP", "ORCID", "GitHub", "Homepage"])
    assert links.locator("svg.icon[aria-hidden=true]").count() == 6
    assert all(box and box["height"] > 10 for box in (links.nth(i).locator("svg").bounding_box() for i in range(6)))


@pytest.mark.parametrize("where", ["repo", "corpus"])
def test_the_index_keeps_its_height_while_scrolling(page: Page, sites: dict[str, str], where: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(sites[where] + "index.html")
    if where == "corpus":  # a long list: each paper laid out once, the reader pausing (site.js, settle)
        page.wait_for_selector("[data-papers][data-settled]", state="attached", timeout=30_000)
    before = page.evaluate("document.documentElement.scrollHeight")
    heights = set()
    for top in range(0, before, 700):
        page.evaluate(f"window.scrollTo(0, {top})")
        page.wait_for_timeout(20)
        heights.add(page.evaluate("document.documentElement.scrollHeight"))
    assert heights == {before}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_chart_colours_stand_out_from_the_page(browser: Browser, sites: dict[str, str], scheme: str) -> None:
    page = browser.new_page(color_scheme=scheme)
    page.goto(sites["repo"] + "index.html")
    colours = page.evaluate(
        "() => [getComputedStyle(document.body).backgroundColor, "
        "...Array.from(document.querySelectorAll('.chart rect, .chart .key'), e => "
        "e.tagName === 'rect' ? getComputedStyle(e).fill : getComputedStyle(e).backgroundColor)]"
    )
    background, bars = colours[0], set(colours[1:])
    assert len(bars) == 4
    assert all(contrast(background, bar) >= 3 for bar in bars), (background, bars)
    page.close()


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
