"""The golden build: tests/sites/minimal built into tests/golden/minimal.

python -m tests.golden refresh     (or: make golden)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from site_gen.build import build

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "tests" / "sites" / "minimal"
GOLDEN = REPO / "tests" / "golden" / "minimal"


def refresh() -> None:
    """Rebuild the golden folder from the fixture site."""
    shutil.rmtree(GOLDEN, ignore_errors=True)
    build(SITE, GOLDEN)
    print(f"refreshed {GOLDEN.relative_to(REPO)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["refresh"]:
        sys.exit("usage: python -m tests.golden refresh")
    refresh()
