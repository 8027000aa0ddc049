"""A cache on disk, ROOT/.cache/site-gen/: what YAML files read as and what Markdown renders to, by digest.

Safe to delete at any time: a missing or unreadable entry is only the work done again, and an entry
is found by the digest of the file's bytes, the reader's version, site-gen's and the digest of the
module whose rules made the value, so it never stands for other bytes, another PyYAML or other rules.
Entries are written beside their place and renamed into it, so a reader
sees a whole entry or none. Only values JSON reads back as they were are kept (yamlfile.plain).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import markdown_it
import yaml

from site_gen import __version__

FORMAT = 1
FOLDER = Path(".cache") / "site-gen"


def digest(data: bytes) -> str:
    """The name of some bytes in the cache."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _made_by(library: str, rules: str) -> str:
    """What a cached value is made by, for the name of its place: LIBRARY's version, site-gen's, FORMAT, and the
    digest of the module of site_gen named RULES, whose rules shape the value."""
    return f"{library}-{__version__}-{FORMAT}-{_module_digest(rules)[:16]}"


@functools.cache
def _module_digest(name: str) -> str:
    """The digest of a module of site_gen, as its source file reads."""
    return digest(resources.files("site_gen").joinpath(name).read_bytes())


class ParsedFiles:
    """Parsed YAML files by the digest of their bytes; with no folder, a cache that keeps nothing."""

    def __init__(self, root: Path | None) -> None:
        self.folder = root / FOLDER / f"yaml-{_made_by(yaml.__version__, 'yamlfile.py')}" if root is not None else None

    def get(self, key: str) -> tuple[bool, Any]:
        """(True, the value) if the cache has it, else (False, None)."""
        if self.folder is None:
            return False, None
        try:
            return True, json.loads((self.folder / f"{key}.json").read_bytes())
        except (OSError, ValueError):  # not there, or not whole: read the file instead
            return False, None

    def put(self, key: str, value: Any) -> None:
        """Keep VALUE for KEY, if the folder can be written (a read-only checkout just goes without)."""
        if self.folder is None:
            return
        _replace(self.folder / f"{key}.json", json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _replace(target: Path, text: str) -> bool:
    """Write TEXT to TARGET whole (another reader sees the old file or the new one), in the cache folder,
    made if need be; whether it could be written (a read-only checkout just goes without)."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        _make_folder(target.parent)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
        return True
    except (OSError, UnicodeError):
        temporary.unlink(missing_ok=True)
        return False


def _make_folder(folder: Path) -> None:
    """The cache folder, with a .gitignore that keeps it out of the user's repository."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder.parent.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# site-gen's cache: safe to delete\n*\n", encoding="utf-8")


class RenderedMarkdown:
    """Markdown rendered before, by the digest of its text, all in one file (read once, written once a build)."""

    def __init__(self, root: Path | None) -> None:
        name = f"markdown-{_made_by(markdown_it.__version__, 'markup.py')}.json"
        self.file = root / FOLDER / name if root is not None else None
        self._read: dict[str, str] | None = None
        self._kept: dict[str, str] = {}

    def known(self) -> dict[str, str]:
        """Everything the file holds (nothing, if it is missing or unreadable)."""
        if self._read is None:
            self._read = {}
            if self.file is not None:
                try:
                    found = json.loads(self.file.read_bytes())
                    self._read = found if isinstance(found, dict) else {}
                except (OSError, ValueError):
                    pass
        return self._read

    def add(self, rendered: dict[str, str]) -> None:
        """Keep RENDERED (digest -> HTML) too: the file holds what this process has asked for, its first build's
        texts (a whole site) and any edited since, so it never grows past one preview's edits."""
        if self.file is None:
            return
        self._kept.update(rendered)
        if self._kept != self.known() and _replace(
            self.file, json.dumps(self._kept, ensure_ascii=False, sort_keys=True)
        ):
            self._read = dict(self._kept)
