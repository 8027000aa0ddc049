"""The command line: the only place that prints errors and chooses exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from site_gen import __version__
from site_gen.build import build, check
from site_gen.content import MAX_FILE_MB
from site_gen.errors import SiteError, SiteErrors
from site_gen.validate import Invalid, base_url

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _base_url(value: str) -> str:
    """argparse type for --base-url."""
    try:
        return base_url(value)
    except Invalid as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _jobs(value: str) -> int:
    """argparse type for --jobs: a positive whole number."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def _root(value: str) -> Path:
    """argparse type for --root: an existing folder."""
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value!r} is not a folder")
    return path.resolve()


def parser() -> argparse.ArgumentParser:
    """The site-gen command line."""
    top = argparse.ArgumentParser(prog="site-gen", description="Build a publication website from YAML.")
    top.add_argument("--version", action="version", version=f"site-gen {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="build the site once")
    build_cmd.add_argument("--root", type=_root, default=Path.cwd(), help="folder holding content/ (default: .)")
    build_cmd.add_argument("--out", type=Path, help="output folder (default: ROOT/_site)")
    build_cmd.add_argument("--base-url", type=_base_url, help="absolute URL the site is published at")
    build_cmd.add_argument("--max-file-mb", type=float, default=MAX_FILE_MB, help="largest content file read")
    build_cmd.add_argument(
        "--jobs", type=_jobs, default=None, help="rendering processes (default: one per core; the output is the same)"
    )

    serve_cmd = commands.add_parser("serve", help="build, serve and rebuild on every change")
    serve_cmd.add_argument("--root", type=_root, default=Path.cwd())
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--open", action="store_true", help="open the site in a web browser")
    serve_cmd.add_argument("--max-file-mb", type=float, default=MAX_FILE_MB, help="largest content file read")

    check_cmd = commands.add_parser("check", help="validate the content without writing a site")
    check_cmd.add_argument("--root", type=_root, default=Path.cwd())
    check_cmd.add_argument("--links", action="store_true", help="also build and crawl for broken internal links")
    check_cmd.add_argument("--max-file-mb", type=float, default=MAX_FILE_MB, help="largest content file read")

    import_cmd = commands.add_parser("import", help="turn another format into paper YAML")
    formats = import_cmd.add_subparsers(dest="format", required=True, metavar="FORMAT")
    acl = formats.add_parser("acl", help="an ACL Anthology author-page text")
    acl.add_argument("file", type=Path)
    acl.add_argument("--root", type=_root, default=Path.cwd())
    acl.add_argument("--force", action="store_true", help="replace the year files instead of merging into them")
    acl.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    bib = formats.add_parser("bibtex", help="a BibTeX file")
    bib.add_argument("file", type=Path)
    bib.add_argument("--root", type=_root, default=Path.cwd())
    bib.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")

    export_cmd = commands.add_parser("export", help="write the papers in another format")
    targets = export_cmd.add_subparsers(dest="format", required=True, metavar="FORMAT")
    bib_out = targets.add_parser("bibtex", help="every paper as BibTeX")
    bib_out.add_argument("--root", type=_root, default=Path.cwd())
    bib_out.add_argument("--ascii", action="store_true", help="LaTeX escapes instead of UTF-8")
    bib_out.add_argument("--out", type=Path, help="write to this file (default: standard output)")
    return top


def report(errors: Sequence[SiteError]) -> int:
    """Print every error to stderr; the content exit code."""
    for error in errors:
        print(error, file=sys.stderr)
    noun = "error" if len(errors) == 1 else "errors"
    print(f"{len(errors)} {noun}; nothing was written", file=sys.stderr)
    return EXIT_CONTENT


def run_build(args: argparse.Namespace) -> int:
    """site-gen build."""
    root: Path = args.root
    out: Path = (args.out or root / "_site").resolve()
    if out == root or root.is_relative_to(out) or out.is_relative_to(root / "content"):
        print(
            f"site-gen: error: --out {out} would overwrite the site's own files; choose another folder", file=sys.stderr
        )
        return EXIT_USAGE
    built = build(root, out, args.base_url, args.max_file_mb, args.jobs)
    print(f"built {built.papers} papers, {built.pages} pages, {built.files} files into {out} in {built.seconds:.2f} s")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """site-gen check."""
    ready = check(args.root, max_file_mb=args.max_file_mb)
    if args.links:
        from site_gen.links import check_links

        broken = check_links(ready)
        for line in broken:
            print(line, file=sys.stderr)
        if broken:
            return EXIT_CONTENT
    print(f"ok: {len(ready.catalog.entries)} papers, no errors")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    """site-gen serve."""
    from site_gen.serve import serve

    return serve(args.root, args.host, args.port, open_browser=args.open, max_file_mb=args.max_file_mb)


def run_import(args: argparse.Namespace) -> int:
    """site-gen import acl | bibtex: merge into content/papers/, never clobbering what is there; say what was done."""
    if args.format == "acl":
        from site_gen.importers.acl import import_file

        outcome = import_file(args.file, args.root, force=args.force, dry_run=args.dry_run)
    else:
        from site_gen.importers.bibtex import import_file as import_bibtex

        outcome = import_bibtex(args.file, args.root, dry_run=args.dry_run)
    for line in outcome.lines():
        print(line)
    for error in outcome.skipped:
        print(error, file=sys.stderr)
    print(outcome.summary())
    return EXIT_CONTENT if outcome.skipped else EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """site-gen export bibtex: every paper, in site order."""
    from site_gen.citations import bibtex

    ready = check(args.root)
    text = "\n".join(bibtex(entry, ascii_only=args.ascii, abstract=True) for entry in ready.catalog.entries)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


COMMANDS = {"build": run_build, "check": run_check, "serve": run_serve, "import": run_import, "export": run_export}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user mistakes print as located errors, never as tracebacks."""
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SiteErrors as exc:
        return report(exc.errors)
    except KeyboardInterrupt:
        return 130
