"""Whole builds through the CLI: atomic, deterministic, overridable, and complete."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import markupsafe

from site_gen.memo import Memory
from site_gen.render import Renderer, sitemaps
from site_gen.templates import make_templates
from site_gen.write import held, write_changes, write_file
from tests.conftest import REPO, SITES, run_cli, tree_digest, tree_files


def build(root: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> None:
    """A build that must succeed."""
    result = run_cli("build", "--root", str(root), "--out", str(out), *extra, env=env)
    assert result.returncode == 0, result.stderr


def test_failed_build_leaves_previous_site_byte_identical(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    out = tmp_path / "out"
    build(root, out)
    before = tree_digest(out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    (root / "content" / "papers" / "zz.yaml").write_text("- title: [unclosed\n", encoding="utf-8")
    result = run_cli("build", "--root", str(root), "--out", str(out))
    assert result.returncode == 1
    assert tree_digest(out) == before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_template_runtime_error_leaves_previous_site(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    out = tmp_path / "out"
    build(root, out)
    before = tree_digest(out)
    (root / "templates").mkdir()
    (root / "templates" / "feed.xml").write_text("<feed>{{ papers[0].nope.deeper }}</feed>\n", encoding="utf-8")
    result = run_cli("build", "--root", str(root), "--out", str(out))
    assert result.returncode == 1
    assert result.stderr.startswith("templates/feed.xml:1:1: error: template error: ")
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_same_content_gives_identical_bytes_whatever_the_time_zone_and_locale(tmp_path: Path) -> None:
    build(SITES / "minimal", tmp_path / "one", env={"TZ": "UTC", "LC_ALL": "C"})
    build(SITES / "minimal", tmp_path / "two", env={"TZ": "Asia/Kolkata", "LC_ALL": "C.UTF-8"})
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_file_order_does_not_change_the_output(tmp_path: Path) -> None:
    build(SITES / "minimal", tmp_path / "one")
    renamed = tmp_path / "renamed"
    shutil.copytree(SITES / "minimal", renamed)
    papers = renamed / "content" / "papers"
    (papers / "older.yaml").rename(papers / "0-older.yaml")
    build(renamed, tmp_path / "two")
    assert tree_files(tmp_path / "one") == tree_files(tmp_path / "two")


def test_root_templates_and_static_override_file_by_file(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(
        '{% extends "base.html" %}{% block main %}<p class="custom">{{ page.title }}</p>{% endblock %}\n',
        encoding="utf-8",
    )
    (root / "static" / "site.css").write_text("body { color: red }\n", encoding="utf-8")
    build(root, tmp_path / "out")
    out = tmp_path / "out"
    assert '<p class="custom">About</p>' in (out / "about" / "index.html").read_text(encoding="utf-8")
    assert (out / "static" / "site.css").read_text(encoding="utf-8") == "body { color: red }\n"
    assert (out / "static" / "site.js").read_bytes() == (REPO / "static" / "site.js").read_bytes()
    assert 'class="paper-list"' in (out / "index.html").read_text(encoding="utf-8")


def test_every_output_kind_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(SITES / "minimal", out)
    for name in (
        "index.html",
        "404.html",
        ".nojekyll",
        "robots.txt",
        "publications.bib",
        "publications.json",
        "feed.xml",
        "sitemap.xml",
        "about/index.html",
        "venues/acl/index.html",
        "papers/2024.acl-long.1/index.html",
        "papers/2024.acl-long.1/2024.acl-long.1.bib",
    ):
        assert (out / name).is_file(), name
    assert (out / "CNAME").read_text(encoding="utf-8") == "pubs.example.org\n"


def test_feed_sitemap_and_csl_json_parse(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(SITES / "minimal", out)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(out / "feed.xml").getroot()
    entries = feed.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}updated") for e in entries] == [
        "2024-08-01T00:00:00Z",
        "2024-01-01T00:00:00Z",
        "2019-01-01T00:00:00Z",
    ]
    assert entries[0].findtext(f"{atom}id") == "https://zoe.example.org/pubs/papers/2024.acl-long.1/"
    locs = [
        e.text for e in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert locs[0] == "https://zoe.example.org/pubs/" and len(locs) == 1 + 3 + 3 + 2 + 1  # index, papers, venues,
    assert "https://zoe.example.org/pubs/authors/jan-olund/" in locs  # co-authors, pages
    csl = json.loads((out / "publications.json").read_text(encoding="utf-8"))
    assert csl[0]["author"][1] == {"given": "Jan", "family": "Ølund"}
    assert csl[2]["type"] == "article-journal"


def test_base_url_flag_overrides_site_yaml_only_in_absolute_urls(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(SITES / "minimal", out, "--base-url", "https://user.github.io/repo")
    page = (out / "papers" / "2024.acl-long.1" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://user.github.io/repo/papers/2024.acl-long.1/">' in page
    assert 'content="https://user.github.io/repo/static/papers/olund.pdf"' in page
    assert 'href="../../static/site.css"' in page


def test_content_text_is_escaped_and_markdown_has_no_raw_html(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(SITES / "minimal", out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "<img src=x" not in index and "&lt;img src=x onerror=alert(1)&gt;" in index
    assert "&lt;b&gt;evaluation&lt;/b&gt;" in index
    about = (out / "about" / "index.html").read_text(encoding="utf-8")
    assert "&lt;em&gt;Raw HTML stays text.&lt;/em&gt;" in about
    paper = (out / "papers" / "2024.acl-long.1" / "index.html").read_text(encoding="utf-8")
    ld = paper.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in ld and json.loads(ld)["headline"].endswith("<script>alert(1)</script>")


def test_out_inside_content_or_at_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    for out in (root, root / "content" / "x", tmp_path):
        result = run_cli("build", "--root", str(root), "--out", str(out))
        assert result.returncode == 2, out
    assert (root / "content" / "site.yaml").is_file()


def test_stale_staging_folder_from_a_killed_build_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = tmp_path / ".out.tmp-killed"
    stale.mkdir()
    (stale / "index.html").write_text("half", encoding="utf-8")
    build(SITES / "minimal", out)
    assert not stale.exists()


def test_build_defaults_to_root_site_folder(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    result = run_cli("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "_site" / "index.html").is_file()
    assert os.listdir(root / "_site" / "papers")


def test_parallel_rendering_gives_the_same_bytes(tmp_path: Path) -> None:
    from bench.corpus import write_corpus

    root = tmp_path / "corpus"
    write_corpus(root, 400, seed=3)
    build(root, tmp_path / "one", "--jobs", "1")
    build(root, tmp_path / "two", "--jobs", "2")
    build(root, tmp_path / "three", "--jobs", "3")
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two") == tree_digest(tmp_path / "three")


def test_a_template_error_in_a_rendering_process_is_located(tmp_path: Path) -> None:
    from bench.corpus import write_corpus

    root = tmp_path / "corpus"
    write_corpus(root, 400, seed=3)
    (root / "templates").mkdir()
    (root / "templates" / "paper.html").write_text("{{ paper.no_such_field.deeper }}\n", encoding="utf-8")
    result = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), "--jobs", "2")
    assert result.returncode == 1
    assert result.stderr.startswith("templates/paper.html:1:1: error: template error: ")
    assert not (tmp_path / "out").exists()


def test_sitemaps_past_the_protocol_limit_become_an_index(tmp_path: Path) -> None:
    templates = make_templates((REPO / "templates",))
    paths = ("", "papers/a/", "papers/b/", "papers/c/", "venues/acl/")
    renderer = Renderer(Memory())
    files = {r.path: b"".join(held(r.run(renderer))) for r in sitemaps(templates, "https://u.github.io/r/", paths, 2)}
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag == f"{ns}sitemapindex"
    assert [e.text for e in index.iter(f"{ns}loc")] == [f"https://u.github.io/r/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = [
        e.text
        for name in ("sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml")
        for e in ET.fromstring(files[name]).iter(f"{ns}loc")
    ]
    assert listed == ["https://u.github.io/r/" + p for p in paths]
    single = {r.path for r in sitemaps(templates, "https://u.github.io/r/", paths)}
    assert single == {"sitemap.xml"}


def test_templates_escape_values_but_not_markup(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text(
        "{{ v }}|{{ m }}|{% macro k(x) %}<i>{{ x }}</i>{% endmacro %}{{ k(v) }}|{% set s %}{{ v }}{% endset %}{{ s }}"
    )
    env = make_templates((tmp_path,)).env
    page = env.get_template("t.html").render(v="<a & 'b'>", m=markupsafe.Markup("<br>"))
    assert page == "&lt;a &amp; &#39;b&#39;&gt;|<br>|<i>&lt;a &amp; &#39;b&#39;&gt;</i>|&lt;a &amp; &#39;b&#39;&gt;"


def test_a_file_of_more_pieces_than_one_system_call_takes_is_written_whole(tmp_path: Path) -> None:
    pieces = [f"piece {i}\n".encode() for i in range(3000)] + [b"", b"end"]
    write_file(str(tmp_path / "f"), pieces)
    assert (tmp_path / "f").read_bytes() == b"".join(pieces)


def test_a_rebuild_rewrites_a_file_only_when_one_of_its_pieces_differs(tmp_path: Path) -> None:
    (tmp_path / "same").write_bytes(b"abcdef")
    (tmp_path / "late").write_bytes(b"abcdef")
    files = [("same", [b"ab", b"", b"cdef"]), ("late", [b"abc", b"deX"]), ("new", [b"n", b"ew"])]
    assert write_changes(tmp_path, files, {}, []) == ("late", "new")
    assert [(tmp_path / name).read_bytes() for name in ("same", "late", "new")] == [b"abcdef", b"abcdeX", b"new"]


def test_a_template_may_loop_over_a_years_papers_itself(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "minimal", root)
    (root / "templates").mkdir()
    (root / "templates" / "_years.html").write_text(
        '{% from "_paper.html" import entry %}{% for group in years %}<h2>{{ group.year }}</h2><ol>'
        "{% for paper in group.papers %}{{ entry(paper, root) }}{% endfor %}</ol>"
        "<p data-count-{{ group.year }}>{{ group.papers|length }}</p>{% endfor %}",
        encoding="utf-8",
    )
    build(root, tmp_path / "out")
    looped = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    build(SITES / "minimal", tmp_path / "plain")
    plain = (tmp_path / "plain" / "index.html").read_text(encoding="utf-8")
    assert looped.count("data-paper=") == plain.count("data-paper=") == 3 + 1  # one paper is also in Selected work
    assert "<p data-count-2024>2</p>" in looped
    venue = (tmp_path / "out" / "venues" / "acl" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../papers/2024.acl-long.1/index.html"' in venue
