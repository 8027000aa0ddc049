"""The small fixture site builds to exactly the golden output, file by file."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO, run_cli, tree_files
from tests.golden import GOLDEN, OWN_ASSETS, SITE, without_own_assets


def test_minimal_site_matches_golden_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--root", str(SITE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    built, golden = tree_files(out), tree_files(GOLDEN)
    for name in OWN_ASSETS:
        assert built[name] == (REPO / name).read_bytes(), f"{name} is not copied verbatim"
    built = without_own_assets(built)
    assert sorted(built) == sorted(golden), "file lists differ; run `make golden` if the change is intended"
    for name in sorted(golden):
        assert built[name] == golden[name], f"{name} differs from tests/golden/minimal; run `make golden` if intended"
