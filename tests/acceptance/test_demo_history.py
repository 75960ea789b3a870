"""The demo tells the whole story: each example arrives as a reviewed, merged pull request.

`make demo` builds its site from the repository ``tools/setup/demo_history.py``
writes.  Every example must be merged by a merge commit whose ``Approved-by:``
trailers are exactly the approvals the joint approval requires, and the real
site built from it must show them in each approval record.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.factories import PROJECT, git

SCRIPT = PROJECT / "tools" / "setup" / "demo_history.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_history", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "repo"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(target)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    return target


def test_every_example_is_merged_with_the_verified_approvals(demo: Path) -> None:
    examples = sorted(p.relative_to(PROJECT).as_posix() for p in PROJECT.glob("handoffs/*/*.md"))
    merges = git(demo, "log", "--first-parent", "--merges", "--format=%H", "main").split()
    assert len(merges) == len(examples)
    merged = set()
    for sha in merges:
        message = git(demo, "log", "-1", "--format=%B", sha)
        assert re.match(r"Merge pull request #\d+ from example-org/handoff/", message)
        assert git(demo, "log", "-1", "--format=%cn", sha).strip() == "GitHub"
        [path] = git(demo, "diff", "--name-only", f"{sha}^1", sha).split()
        merged.add(path)
        approvers = re.findall(r"^Approved-by: (@\S+)$", message, flags=re.MULTILINE)
        text = (PROJECT / path).read_text(encoding="utf-8")
        owners = re.findall(r'owner: "(@[^"]+)"', text)[:2]  # from.owner, to.owner
        assert approvers[:2] == owners, path
        assert "Approvals-verified-by: handoff merge" in message
    assert merged == set(examples)


def test_the_riverbend_trailers_name_every_flagged_categorys_reviewer(demo: Path) -> None:
    log = git(demo, "log", "--merges", "--format=%B", "--grep", "riverbend-health", "main")
    assert re.findall(r"^Approved-by: (@\S+)$", log, flags=re.MULTILINE) == [
        "@dana-sales",
        "@raj-impl",
        "@frank-finance",
        "@lena-legal",
        "@nora-support",
        "@sam-sec",
    ]


def test_the_demo_site_shows_who_approved(demo: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("GITHUB_TOKEN", None)
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    site = tmp_path / "site"
    build = subprocess.run(
        [mkdocs, "build", "--strict", "-q", "-f", str(demo / "mkdocs.yml"), "--site-dir", str(site)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    page = (site / "handoffs/riverbend-health/2026-11-18-implementation/index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "(merge commit, by GitHub)" in text
    assert "@raj-impl (receiving owner): yes (@raj-impl)" in text
    assert "legal (legal reviewer): yes (@lena-legal)" in text
    assert "not recorded" not in text


def test_an_example_that_does_not_parse_stops_the_demo(tmp_path: Path) -> None:
    # An example that does not parse stops the demo with its path, rather than a page without a record.
    module = _script()
    source = tmp_path / "source"
    source.mkdir()
    for name in ("schema", "site-src", "site-theme", "evidence"):
        (source / name).symlink_to(PROJECT / name)
    for name in ("mkdocs.yml", "CODEOWNERS"):
        (source / name).write_bytes((PROJECT / name).read_bytes())
    (source / "handoffs" / "broken").mkdir(parents=True)
    (source / "handoffs" / "broken" / "2026-11-01-onboarding.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"broken/2026-11-01-onboarding\.md: the example does not parse"):
        module.build(tmp_path / "demo", source)
