"""Screenshots for the README: the default site's index, a paper page and a co-author's page, and the index of
a site whose owner has a photo, a bio and links (tests/sites/coauthors), on a desktop and a phone, light and dark.

python scripts/screenshots.py      (or: make screenshots)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a file (make screenshots), it finds bench/ beside it

from bench.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from site_gen.build import build  # noqa: E402

OUT = REPO / "docs" / "screenshots"
PAGES = {  # name: (site, page)
    "index": (REPO, "index.html"),
    "paper": (REPO, "papers/2024.findings-acl.137/index.html"),
    "author": (REPO, "authors/ying-wei/index.html"),
    "owner": (REPO / "tests" / "sites" / "coauthors", "index.html"),
}
VIEWS = {
    "desktop": ({"width": 1280, "height": 900}, "light"),
    "phone": ({"width": 360, "height": 780}, "light"),
    "dark": ({"width": 1280, "height": 900}, "dark"),
    "phone-dark": ({"width": 360, "height": 780}, "dark"),
}


def main() -> None:
    """Build the sites into a scratch folder and photograph them."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        built = {root: Path(scratch) / str(i) for i, root in enumerate({root for root, _ in PAGES.values()})}
        for root, out in built.items():
            build(root, out)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for view, (viewport, scheme) in VIEWS.items():
            page = browser.new_page(viewport=viewport, color_scheme=scheme)
            for name, (root, path) in PAGES.items():
                page.goto((built[root] / path).as_uri())
                target = OUT / f"{name}-{view}.png"
                page.screenshot(path=target)
                print(f"wrote {target.relative_to(REPO)}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
