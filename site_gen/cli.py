"""The command line: the only place that prints errors and chooses exit codes."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from site_gen import __version__
from site_gen.build import build, check
from site_gen.content import CONTROL, MAX_FILE_MB
from site_gen.errors import SiteError, SiteErrors
from site_gen.validate import Invalid, base_url
from site_gen.write import refusal

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


def _name(value: str) -> str:
    """argparse type for --name: one line of text."""
    name = " ".join(value.split())
    if not name or CONTROL.search(name):
        raise argparse.ArgumentTypeError(
            f"{value!r}: give your name as your papers spell it, like --name 'Ada Lovelace'"
        )
    return name


def _root(value: str) -> Path:
    """argparse type for --root: an existing folder."""
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value!r} is not a folder")
    return path.resolve()


SUMMARIES = {
    "init": "start a site of your own: content/site.yaml for your name, and your papers",
    "build": "build the site into _site/ once",
    "serve": "build, preview with live reload, and rebuild on every save",
    "check": "check the content without writing a site",
    "import": "add papers from a BibTeX file or an ACL Anthology author page",
    "export": "write every paper as BibTeX",
}
DOCS = "docs/content-format.md describes the content: every key of content/site.yaml and of a paper."
ROOT_HELP = (
    "the site's folder: it holds content/, and optionally templates/ and static/ to override the generator's own"
)
MAX_FILE_HELP = f"the largest content file read, in MB (default: {MAX_FILE_MB:g})"


class HelpFormatter(argparse.HelpFormatter):
    """Help text in paragraphs, each wrapped, but for example lines (indented), kept as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        fill = super()._fill_text
        return "\n\n".join(p if p.startswith("  ") else fill(p, width, indent) for p in text.split("\n\n"))


def program() -> str:
    """site-gen as the user ran it, for commands they can paste: .venv/bin/site-gen if typed so, else site-gen."""
    typed = sys.argv[0]
    if os.path.basename(typed) != "site-gen":
        return "site-gen"  # python -m site_gen
    on_path = shutil.which("site-gen")
    return "site-gen" if on_path and os.path.samefile(on_path, typed) else typed


def _command(commands: Any, name: str, summary: str, description: str, example: str) -> argparse.ArgumentParser:
    """A subcommand with its one-line summary, its description, one example and where the docs are."""
    epilog = f"example:\n\n  {program()} {example}\n\n{DOCS}"
    return commands.add_parser(  # type: ignore[no-any-return]
        name, help=summary, description=description, epilog=epilog, formatter_class=HelpFormatter
    )


def _add_root(command: argparse.ArgumentParser) -> None:
    """--root, as every subcommand takes it."""
    command.add_argument(
        "--root", type=_root, default=Path.cwd(), metavar="DIR", help=f"{ROOT_HELP} (default: the current folder)"
    )


def parser() -> argparse.ArgumentParser:
    """The site-gen command line."""
    top = argparse.ArgumentParser(
        prog="site-gen",
        description="site-gen builds a publication website from the YAML files under content/.",
        epilog=f'examples:\n\n  {program()} init --name "Ada Lovelace" --from my.bib --replace\n  {program()} serve\n\n'
        f"'site-gen COMMAND --help' says more about a command.\n\n{DOCS}",
        formatter_class=HelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"site-gen {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND", title="commands")
    _init_command(commands)
    _build_command(commands)
    _serve_command(commands)
    _check_command(commands)
    _import_command(commands)
    _export_command(commands)
    return top


def _init_command(commands: Any) -> None:
    """site-gen init."""
    init = _command(
        commands,
        "init",
        SUMMARIES["init"],
        "Start a site of your own: write content/site.yaml for NAME and, with --from, your papers into "
        "content/papers/ (a file per year). When content/ already holds papers, init changes nothing unless "
        "given --replace, which keeps the old content/ as content.old/ (content.old-2/, content.old-3/, ... "
        "when that is taken): nothing is lost.",
        'init --name "Ada Lovelace" --from my.bib --replace',
    )
    _add_root(init)
    init.add_argument(
        "--name",
        required=True,
        type=_name,
        help="your name as your papers spell it; it is highlighted in every author list (required)",
    )
    init.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE",
        help="a BibTeX file (.bib) or an ACL Anthology author page saved as text, whose papers to import "
        "(default: none, start without papers)",
    )
    init.add_argument(
        "--replace", action="store_true", help="start over even if content/ holds papers; it is kept as content.old/"
    )


def _build_command(commands: Any) -> None:
    """site-gen build."""
    build_cmd = _command(
        commands,
        "build",
        SUMMARIES["build"],
        "Build the site once: read content/, check it, and write every page into the output folder. A build "
        "that finds errors prints them all, as PATH:LINE:COL: error: MESSAGE, and writes nothing: the previous "
        "site stays as it was.",
        "build --base-url https://ada.github.io/pubs/",
    )
    _add_root(build_cmd)
    build_cmd.add_argument("--out", type=Path, metavar="DIR", help="the folder to write into (default: ROOT/_site)")
    build_cmd.add_argument(
        "--base-url",
        type=_base_url,
        metavar="URL",
        help="the absolute address the site is published at, used in canonical links, the feed and the sitemap "
        "(default: base_url in content/site.yaml)",
    )
    build_cmd.add_argument(
        "--jobs", type=_jobs, metavar="N", help="processes rendering pages (default: one per core; same output)"
    )
    build_cmd.add_argument("--max-file-mb", type=float, default=MAX_FILE_MB, metavar="MB", help=MAX_FILE_HELP)


def _serve_command(commands: Any) -> None:
    """site-gen serve."""
    serve_cmd = _command(
        commands,
        "serve",
        SUMMARIES["serve"],
        "Build the site into ROOT/_site, serve it at http://HOST:PORT/ and rebuild what changed on every save "
        "under content/, templates/ and static/; the open page reloads by itself. While the content has "
        "errors, every page shows them (the last good build stays on disk until the fix). Ctrl+C stops it.",
        "serve --port 8001 --open",
    )
    _add_root(serve_cmd)
    serve_cmd.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on; 0.0.0.0 lets other machines in (default: 127.0.0.1, this machine only)",
    )
    serve_cmd.add_argument("--port", type=int, default=8000, help="the port to listen on (default: 8000)")
    serve_cmd.add_argument("--open", action="store_true", help="also open the site in a web browser")
    serve_cmd.add_argument("--max-file-mb", type=float, default=MAX_FILE_MB, metavar="MB", help=MAX_FILE_HELP)


def _check_command(commands: Any) -> None:
    """site-gen check."""
    check_cmd = _command(
        commands,
        "check",
        SUMMARIES["check"],
        "Check the content and templates as a build would, without writing a site. Every error is printed, as "
        "PATH:LINE:COL: error: MESSAGE; the exit status is 0 when there is none, 1 otherwise.",
        "check --links",
    )
    _add_root(check_cmd)
    check_cmd.add_argument(
        "--links", action="store_true", help="also build into a scratch folder and report broken internal links"
    )
    check_cmd.add_argument("--max-file-mb", type=float, default=MAX_FILE_MB, metavar="MB", help=MAX_FILE_HELP)


def _import_command(commands: Any) -> None:
    """site-gen import acl | bibtex."""
    import_cmd = _command(
        commands,
        "import",
        SUMMARIES["import"],
        "Add papers from another format to content/papers/. A paper you have already (the same DOI, id or "
        "BibTeX key, or the same title and year) only gets the fields it lacks, never overwritten; new papers "
        "go where yours are. Importing the same file twice changes nothing.",
        "import bibtex my.bib --dry-run",
    )
    formats = import_cmd.add_subparsers(dest="format", required=True, metavar="{acl,bibtex}", title="formats")
    acl = _command(
        formats,
        "acl",
        "an ACL Anthology author page, copied as text",
        "Add the papers of an ACL Anthology author page (https://aclanthology.org/people/...), selected in the "
        "browser, copied and saved as a text file. The page has no ids or PDF addresses; add id and pdf to the "
        "papers you want linked.",
        "import acl page.txt",
    )
    acl.add_argument("file", type=Path, metavar="FILE", help="the author page saved as text")
    _add_root(acl)
    acl.add_argument(
        "--force", action="store_true", help="replace the year files with the page's papers instead of merging"
    )
    acl.add_argument("--dry-run", action="store_true", help="print what would change, and change nothing")
    bib = _command(
        formats,
        "bibtex",
        "a BibTeX file",
        "Add the entries of a BibTeX file (from Google Scholar, DBLP, Zotero, the ACL Anthology, ...), LaTeX "
        "decoded to Unicode. Malformed entries are reported and skipped, the rest imported (exit status 1).",
        "import bibtex my.bib",
    )
    bib.add_argument("file", type=Path, metavar="FILE", help="the BibTeX file")
    _add_root(bib)
    bib.add_argument("--dry-run", action="store_true", help="print what would change, and change nothing")


def _export_command(commands: Any) -> None:
    """site-gen export bibtex."""
    export_cmd = _command(
        commands,
        "export",
        SUMMARIES["export"],
        "Write the site's papers in another format.",
        "export bibtex --out publications.bib",
    )
    targets = export_cmd.add_subparsers(dest="format", required=True, metavar="{bibtex}", title="formats")
    bib_out = _command(
        targets,
        "bibtex",
        "every paper as BibTeX",
        "Write every paper as BibTeX, newest first, in UTF-8 or (--ascii) with LaTeX escapes.",
        "export bibtex --out publications.bib",
    )
    _add_root(bib_out)
    bib_out.add_argument("--ascii", action="store_true", help='LaTeX escapes like {\\"u} instead of UTF-8 letters')
    bib_out.add_argument("--out", type=Path, metavar="FILE", help="write to FILE (default: standard output)")


def short_usage() -> str:
    """What `site-gen` alone prints: the commands, one line each, and where to read more."""
    commands = [f"  {name:<8} {summary}" for name, summary in SUMMARIES.items()]
    more = f"'site-gen COMMAND --help' says more about a command. {DOCS}"
    return "\n".join(["usage: site-gen COMMAND [OPTIONS]", "", "commands:", *commands, "", more])


def report(errors: Sequence[SiteError], command: str) -> int:
    """Print every error to stderr, then how many (and, where COMMAND writes files, that it wrote none); the
    content exit code."""
    for error in errors:
        print(error, file=sys.stderr)
    count = f"{len(errors)} error{'' if len(errors) == 1 else 's'}"
    print(count if command == "check" else f"{count}; nothing was written", file=sys.stderr)
    return EXIT_CONTENT


def run_build(args: argparse.Namespace) -> int:
    """site-gen build."""
    root: Path = args.root
    out: Path = (args.out or root / "_site").resolve()
    if refused(root, out):
        return EXIT_USAGE
    built = build(root, out, args.base_url, args.max_file_mb, args.jobs)
    print(f"built {built.papers} papers, {built.pages} pages, {built.files} files into {out} in {built.seconds:.2f} s")
    if not built.papers:
        print(no_papers_hint())
    return EXIT_OK


def refused(root: Path, out: Path) -> bool:
    """Whether writing ROOT's site into OUT could destroy what is not a built site; if so, it says why."""
    reason = refusal(root, out)
    if reason:
        print(f"site-gen: error: {reason}", file=sys.stderr)
    return reason is not None


def no_papers_hint() -> str:
    """What a site without papers is told: how to add one."""
    return (
        f"no papers yet: add one to content/papers/ (docs/content-format.md shows how), or import yours with "
        f"{program()} import bibtex FILE"
    )


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
    if not ready.catalog.entries:
        print(no_papers_hint())
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    """site-gen serve."""
    from site_gen.serve import serve

    if refused(args.root, args.root / "_site"):
        return EXIT_USAGE
    return serve(args.root, args.host, args.port, open_browser=args.open, max_file_mb=args.max_file_mb)


def run_init(args: argparse.Namespace) -> int:
    """site-gen init: what was done and what to do next; a refusal says why and how to go on."""
    from site_gen.start import Refused, start

    try:
        started = start(args.root, args.name, args.source, replace=args.replace)
    except Refused as refused:
        first, *rest = refused.lines(program())
        print(f"site-gen: error: {first}", *rest, sep="\n", file=sys.stderr)
        return EXIT_CONTENT
    for error in started.skipped:
        print(error, file=sys.stderr)
    print(*started.lines(), *started.next_steps(_preview(args.root), program()), sep="\n")
    return EXIT_CONTENT if started.skipped else EXIT_OK


def _preview(root: Path) -> str:
    """The command that previews ROOT: make site in a copy of this repository, else site-gen serve."""
    makefile = root / "Makefile"
    if makefile.is_file() and "site-gen serve" in makefile.read_text(encoding="utf-8", errors="replace"):
        return "make site" if root == Path.cwd() else f"make -C {shlex.quote(str(root))} site"
    return f"{program()} serve" + ("" if root == Path.cwd() else f" --root {shlex.quote(str(root))}")


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


COMMANDS = {
    "init": run_init,
    "build": run_build,
    "check": run_check,
    "serve": run_serve,
    "import": run_import,
    "export": run_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user mistakes print as located errors, never as tracebacks."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(short_usage(), file=sys.stderr)
        return EXIT_USAGE
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SiteErrors as exc:
        return report(exc.errors, args.command)
    except KeyboardInterrupt:
        return 130
