"""The golden build: tests/sites/minimal built into tests/golden/minimal.

    python -m tests.golden refresh     (or: make golden)

The generator's own static assets are left out of the golden copy (the test checks they are
copied verbatim), so a style change does not need a golden refresh.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from site_gen.build import build

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "tests" / "sites" / "minimal"
GOLDEN = REPO / "tests" / "golden" / "minimal"
OWN_ASSETS = sorted(
    "static/" + p.relative_to(REPO / "static").as_posix() for p in (REPO / "static").rglob("*") if p.is_file()
)


def without_own_assets(files: dict[str, bytes]) -> dict[str, bytes]:
    """A built tree's files minus the generator's static assets."""
    return {name: data for name, data in files.items() if name not in OWN_ASSETS}


def refresh() -> None:
    """Rebuild the golden folder from the fixture site."""
    shutil.rmtree(GOLDEN, ignore_errors=True)
    build(SITE, GOLDEN)
    for name in OWN_ASSETS:
        (GOLDEN / name).unlink()
    for folder in sorted(GOLDEN.rglob("*"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    print(f"refreshed {GOLDEN.relative_to(REPO)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["refresh"]:
        sys.exit("usage: python -m tests.golden refresh")
    refresh()
