"""The benchmark's reader figures count what a reader downloads, as GitHub Pages sends it."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

from bench.browser import gzipped, reader_bytes, served
from tests.conftest import SITES, run_cli


def built(tmp_path: Path) -> Path:
    """The minimal fixture site, built."""
    out = tmp_path / "out"
    assert run_cli("build", "--root", str(SITES / "minimal"), "--out", str(out)).returncode == 0
    return out


def test_reader_bytes_are_the_index_and_the_css_and_js_it_loads(tmp_path: Path) -> None:
    site = built(tmp_path)
    files = [site / "index.html", site / "static" / "site.css", site / "static" / "site.js"]
    assert reader_bytes(site) == {
        "reader_bytes": sum(path.stat().st_size for path in files),
        "reader_gzip_bytes": sum(len(gzipped(path.read_bytes())) for path in files),
    }


def test_the_bench_server_sends_text_gzipped_only_to_a_browser_that_accepts_it(tmp_path: Path) -> None:
    site = built(tmp_path)
    with served(site) as url:
        asked = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate"})
        with urllib.request.urlopen(asked) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()) == (site / "index.html").read_bytes()
        with urllib.request.urlopen(url + "index.html") as response:
            assert response.headers.get("Content-Encoding") is None
            assert response.read() == (site / "index.html").read_bytes()
