"""Hostile and broken input: nothing crashes, nothing leaks, nothing is lost.

Fuzzed content trees build or fail with located errors only; injected markup renders inert;
paths cannot leave the root; alias bombs and huge files fail fast; a killed build leaves the old
site or the new one.
"""

from __future__ import annotations

import contextlib
import html.parser
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser

from bench.corpus import write_corpus
from site_gen.cli import main
from site_gen.write import MARKER, MARKER_TEXT
from tests.conftest import SITES, run_cli, tree_digest

ERROR_LINE = re.compile(r"^[^:\s][^:]*:\d+:\d+: error: .+$")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
PAPER_KEYS = [
    "id",
    "title",
    "authors",
    "year",
    "venue",
    "venue_short",
    "pdf",
    "abstract",
    "month",
    "pages",
    "doi",
    "url",
    "code",
    "award",
    "selected",
    "tags",
    "bibtex",
    "type",
    "bibkey",
    "authrs",
    "zzz",
]
SITE_OK = "title: T\nbase_url: https://x.example/\nauthor: {name: Ada Lovelace}\n"

scalars = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.sampled_from(
        ["2024", "javascript:alert(1)", "../../x", "10.1/x", "https://ok.example/a.pdf", "static/x.pdf", ""]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
papers = st.lists(st.dictionaries(st.sampled_from(PAPER_KEYS), values, max_size=10), max_size=4)


@st.composite
def paper_file(draw: st.DrawFn) -> bytes:
    """A papers file: valid or broken YAML, with BOMs, CRLF, tabs, truncation, deep nesting or junk."""
    base = yaml.safe_dump(draw(papers), allow_unicode=True, sort_keys=False)
    if draw(st.booleans()):
        base = "\n".join(
            [
                f"- title: {draw(st.text(max_size=20))}",
                f"  authors: [{draw(st.text(max_size=10))}]",
                f"  year: {draw(st.integers(0, 99999))}",
                f"  venue: {draw(st.text(max_size=20))}",
            ]
        )
    mangle = draw(st.sampled_from(["none", "bom", "crlf", "tabs", "truncate", "deep", "junk", "empty", "long"]))
    if mangle == "bom":
        base = "\ufeff" + base
    elif mangle == "crlf":
        base = base.replace("\n", "\r\n")
    elif mangle == "tabs":
        base = base.replace("  ", "\t")
    elif mangle == "truncate":
        base = base[: draw(st.integers(0, len(base)))]
    elif mangle == "deep":
        depth = draw(st.integers(1, 3000))
        base = "title: " + "[" * depth + "]" * draw(st.integers(0, depth)) + "\n"
    elif mangle == "junk":
        base = draw(st.text(max_size=200))
    elif mangle == "empty":
        base = ""
    elif mangle == "long":
        base = f"- title: {'x' * 200_000}\n  authors: [A]\n  year: 2020\n  venue: V\n"
    return base.encode("utf-8", "surrogatepass") if mangle != "junk" else base.encode("utf-8", "replace")


def run_build(root: Path, out: Path) -> tuple[int, str]:
    """The real CLI in-process: its exit code and what it printed to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--root", str(root), "--out", str(out)])
    return code, err.getvalue()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=st.lists(paper_file(), min_size=1, max_size=3), site=st.one_of(st.just(SITE_OK.encode()), paper_file()))
def test_fuzzed_content_builds_or_fails_with_located_errors_only(files: list[bytes], site: bytes) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root, out = Path(scratch) / "site", Path(scratch) / "out"
        (root / "content" / "papers").mkdir(parents=True)
        (root / "content" / "site.yaml").write_bytes(site)
        for i, data in enumerate(files):
            (root / "content" / "papers" / f"p{i}.yaml").write_bytes(data)
        out.mkdir()
        (out / "index.html").write_text("the previous site", encoding="utf-8")
        (out / MARKER).write_bytes(MARKER_TEXT)  # a folder a build wrote: one that did not is never touched
        before = tree_digest(out)
        code, stderr = run_build(root, out)
        assert code in (0, 1)
        lines = stderr.splitlines()
        if code == 1:
            assert lines and all(ERROR_LINE.match(line) for line in lines[:-1]), lines[:5]
            assert lines[-1].endswith("nothing was written")
            assert tree_digest(out) == before
        else:
            assert stderr == ""
            assert (out / "index.html").read_text(encoding="utf-8") != "the previous site"


ATTACKS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
    "{{ 7*7 }}",
    "-->",
    "\u202egnp.exe\u200b",
    "javascript:alert(3)",
    "' onmouseover='alert(4)",
]


def hostile_site(root: Path) -> None:
    """A site with an attack string in every text field."""
    attack = " ".join(ATTACKS)
    (root / "content" / "papers").mkdir(parents=True)
    (root / "content" / "pages").mkdir()
    site = {
        "title": attack,
        "base_url": "https://x.example/",
        "author": {
            "name": "Ada " + attack,
            "aliases": [attack],
            "affiliation": attack,
            "bio": attack,
            "links": {"homepage": 'https://x.example/"onmouseover="alert(5)'},
        },
    }
    (root / "content" / "site.yaml").write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    paper = {
        "id": "p1",
        "title": attack,
        "authors": [attack, "Ada " + attack],
        "year": 2024,
        "venue": attack,
        "venue_short": attack,
        "abstract": attack + " [x](javascript:alert(6)) <img src=x onerror=alert(7)>",
        "award": attack,
        "tags": [attack],
        "address": attack,
        "note": attack,
        "pages": attack,
        "code": 'https://x.example/?a="><script>alert(8)</script>',
    }
    (root / "content" / "papers" / "p.yaml").write_text(yaml.safe_dump([paper], allow_unicode=True), encoding="utf-8")
    (root / "content" / "pages" / "about.md").write_text(f"# About {attack}\n\n{attack}\n", encoding="utf-8")


class ScriptAudit(html.parser.HTMLParser):
    """Every script element and every on* attribute of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self.bad_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self.scripts.append(dict(attrs))
        if tag == "link" and dict(attrs) == {"rel": "icon", "href": "data:,"}:
            return  # the 404 page's empty icon, which stops browsers asking for /favicon.ico
        for name, value in attrs:
            if name in ("href", "src") and value and re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                self.bad_links.append(value)


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile site, built."""
    root = tmp_path_factory.mktemp("hostile") / "site"
    hostile_site(root)
    out = root.parent / "out"
    result = run_cli("build", "--root", str(root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


DATA_SCRIPTS = ("application/ld+json", "application/json")  # data, never run


def test_every_page_has_only_the_sites_own_scripts_and_no_handlers(hostile_out: Path) -> None:
    pages = sorted(hostile_out.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        audit = ScriptAudit()
        text = page.read_text(encoding="utf-8")
        audit.feed(text)
        assert audit.handlers == [] and audit.bad_links == [], page
        for script in audit.scripts:
            own = (script.get("src") or "").endswith("static/site.js") or script.get("type") in DATA_SCRIPTS
            assert own or (page.name == "404.html" and script == {}), (page, script)
        assert "49" not in text.replace("2024", ""), "template syntax in content was evaluated"
        for data in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', text, re.S):
            json.loads(data)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S):
            assert ATTACKS[0] in json.dumps(json.loads(block), ensure_ascii=False)


def test_no_dialog_fires_in_the_browser(browser: Browser, hostile_out: Path) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ("index.html", "papers/p1/index.html", "about/index.html", "404.html"):
        page.goto((hostile_out / path).as_uri())
        page.wait_for_timeout(200)
        for link in page.locator("a").all()[:40]:
            link.dispatch_event("mouseover")
    venues = sorted((hostile_out / "venues").iterdir())
    page.goto((venues[0] / "index.html").as_uri())
    page.close()
    assert dialogs == []


@pytest.mark.parametrize("bad_id", ["..", "../x", "/etc/x", "C:\\\\x", "a\\u0000b", ".hidden", "A/B"])
def test_ids_that_would_leave_the_output_are_errors(tmp_path: Path, bad_id: str) -> None:
    root = tmp_path / "site"
    (root / "content" / "papers").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text(SITE_OK, encoding="utf-8")
    (root / "content" / "papers" / "p.yaml").write_text(
        f'id: "{bad_id}"\ntitle: T\nauthors: [A]\nyear: 2020\nvenue: V\n', encoding="utf-8"
    )
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and result.stderr.startswith("content/papers/p.yaml:1:5: error: 'id': ")
    assert not (tmp_path / "out").exists() and not (tmp_path / "etc").exists()


def test_symlinked_content_file_pointing_outside_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    outside = tmp_path / "outside.yaml"
    outside.write_text("title: Secret\nauthors: [A]\nyear: 2020\nvenue: V\n", encoding="utf-8")
    os.symlink(outside, root / "content" / "papers" / "linked.yaml")
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/papers/linked.yaml:1:1: error: symlink points outside the site root; copy the file in instead"
    )


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
title: *i
authors: *i
year: *i
venue: *i
month: *i
tags: *i
"""


def test_alias_bomb_fails_fast_with_located_errors(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content" / "papers").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text(SITE_OK, encoding="utf-8")
    (root / "content" / "papers" / "bomb.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    started = time.monotonic()
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"))
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert (
        result.stderr.splitlines()[0] == "content/papers/bomb.yaml:1:1: error: unknown key 'a'; known keys: "
        "abstract, address, archivePrefix, authors, award, bibkey, bibtex, code, data, doi, eprint, id, month, note, "
        "number, pages, pdf, poster, primaryClass, publisher, selected, slides, tags, title, type, url, venue, "
        "venue_short, video, volume, year"
    )


def test_files_over_the_size_limit_are_not_read(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    big = root / "content" / "papers" / "big.yaml"
    big.write_text(
        "- title: Big\n  authors: [A]\n  year: 2020\n  venue: V\n  abstract: " + "x" * 6_000_000 + "\n",
        encoding="utf-8",
    )
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/papers/big.yaml:1:1: error: file is 6.0 MB, over the 5 MB "
        "limit; split it into smaller files or raise --max-file-mb"
    )
    assert run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), "--max-file-mb", "10").returncode == 0


def test_a_fault_at_any_write_leaves_the_old_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_gen import write
    from site_gen.build import build

    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    out = tmp_path / "out"
    build(root, out)
    before = tree_digest(out)
    (root / "content" / "site.yaml").write_text(
        (root / "content" / "site.yaml").read_text(encoding="utf-8").replace("Publications", "Papers"), encoding="utf-8"
    )
    calls = {"n": 0}
    real_write, real_copy, real_exchange = write.write_file, shutil.copyfile, write._exchange

    def counting(limit: int) -> Any:
        def check() -> None:
            calls["n"] += 1
            if calls["n"] > limit:
                raise OSError("injected fault")

        return check

    faults = 0
    for limit in range(1000):
        calls["n"] = 0
        fault = counting(limit)
        monkeypatch.setattr(write, "write_file", lambda path, data, f=fault: (f(), real_write(path, data))[1])
        monkeypatch.setattr(shutil, "copyfile", lambda a, b, f=fault, **k: (f(), real_copy(a, b, **k))[1])
        monkeypatch.setattr(write, "_exchange", lambda a, b, f=fault: (f(), real_exchange(a, b))[1])
        try:
            build(root, out)
        except OSError:
            faults += 1
            assert tree_digest(out) == before, f"fault after {limit} writes"
            assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
            continue
        break
    assert faults > 20, "every write and the swap had a fault injected before the build went through"
    assert "Papers" in (out / "index.html").read_text(encoding="utf-8")


def test_killing_a_build_leaves_the_old_site_or_the_new_one(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_corpus(root, 300, seed=11)
    site_yaml = root / "content" / "site.yaml"
    original = site_yaml.read_text(encoding="utf-8")
    out, reference = tmp_path / "out", tmp_path / "reference"
    digests = []
    for title in ("First Edition", "Second Edition"):
        site_yaml.write_text(original.replace("Publications", title), encoding="utf-8")
        assert run_cli("build", "--root", str(root), "--out", str(reference / title)).returncode == 0
        digests.append(tree_digest(reference / title))
    assert run_cli("build", "--root", str(root), "--out", str(out)).returncode == 0
    for i, delay in enumerate([0.3, 0.6, 0.9, 1.2, 1.5, 2.0]):
        site_yaml.write_text(
            original.replace("Publications", ("First Edition", "Second Edition")[i % 2]), encoding="utf-8"
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "site_gen", "build", "--root", str(root), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert tree_digest(out) in digests, f"killed after {delay} s: a mix of two builds"
    assert run_cli("build", "--root", str(root), "--out", str(out)).returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_output_does_not_depend_on_the_order_files_were_created(tmp_path: Path) -> None:
    outs = []
    for order in (1, -1):
        root = tmp_path / f"order{order}"
        (root / "content" / "papers").mkdir(parents=True)
        shutil.copy(SITES / "minimal" / "content" / "site.yaml", root / "content" / "site.yaml")
        shutil.copytree(SITES / "minimal" / "static", root / "static")
        for source in sorted((SITES / "minimal" / "content" / "papers").iterdir())[::order]:
            shutil.copy(source, root / "content" / "papers" / source.name)
        shutil.copytree(SITES / "minimal" / "content" / "pages", root / "content" / "pages")
        out = tmp_path / f"out{order}"
        env = {"TZ": "Pacific/Chatham" if order == 1 else "UTC", "LC_ALL": "C.UTF-8" if order == 1 else "C"}
        assert run_cli("build", "--root", str(root), "--out", str(out), env=env).returncode == 0
        outs.append(tree_digest(out))
    assert outs[0] == outs[1]
