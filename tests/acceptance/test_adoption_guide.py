"""The README's adoption guide runs as written, from nothing to the first merged handoff.

The guide's shell block is executed by bash exactly as the README shows it, with
`https://github.com/...` redirected (git's ``insteadOf``) to local repositories and
the API pointed at the GitHub double.  What the guide then says happens on GitHub
(PR check, joint approval, merge, on-merge) is replayed with the commands the
adopted workflows run, and the adopted workflows themselves are linted.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.acceptance.test_workflows_lint import _actionlint, _zizmor
from tests.factories import PROJECT, git
from tests.github_double.server import GitHubDouble

VENV_BIN = Path(sys.executable).parent
HANDOFF = "handoffs/aldermoor-university/2026-11-23-customer-success.md"
GUIDE_MARKER = "<!-- adoption-guide:"


def guide_block() -> str:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    start = readme.index(GUIDE_MARKER)
    match = re.compile(r"```sh\n(?P<body>.*?)\n```", re.DOTALL).search(readme, start)
    assert match, "the adoption guide's ```sh block follows its marker"
    return match["body"]


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


class Adoption:
    """The machine of the guide: a release to clone, the team's GitHub repository, two people."""

    def __init__(self, tmp: Path, double: GitHubDouble) -> None:
        self.tmp = tmp
        self.double = double
        self.release = tmp / "example-org-handoffs.git"
        git(tmp, "clone", "--quiet", "--bare", str(PROJECT), str(self.release))
        git(self.release, "tag", "--force", "v0.2.0", "HEAD")
        self.origin = tmp / "acme-handoffs.git"
        git(tmp, "init", "--quiet", "--bare", "-b", "main", str(self.origin))
        self.gh = double.state.add_repo("acme/handoffs", private=True)
        self.gh.attach_git(self.origin)
        double.state.add_token("admin-token", "rita-revops")
        double.state.add_token("dana-token", "dana-sales")
        gitconfig = tmp / "gitconfig"
        gitconfig.write_text(
            "[user]\n\tname = Dana Sales\n\temail = dana@example.com\n"
            "[commit]\n\tgpgsign = false\n"
            f'[url "{self.release}"]\n\tinsteadOf = https://github.com/example-org/handoffs.git\n'
            f'[url "{self.origin}"]\n\tinsteadOf = https://github.com/acme/handoffs.git\n',
            encoding="utf-8",
        )
        self.work = tmp / "work"
        self.work.mkdir()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GIT_"))},
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(tmp),
            "GIT_CONFIG_GLOBAL": str(gitconfig),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GITHUB_API_URL": double.url,
            "HANDOFF_GITHUB_BACKOFF": "0",
            "ADMIN_TOKEN": "admin-token",
            "DANA_TOKEN": "dana-token",
            "NO_COLOR": "1",
        }

    def workflow_env(self, **extra: str) -> dict[str, str]:
        """What a workflow run of the adopted repository sees."""
        return {**self.env, "GITHUB_REPOSITORY": "acme/handoffs", "GITHUB_TOKEN": "workflow-token", **extra}

    def checkout(self, name: str, ref: str) -> Path:
        """actions/checkout of ``ref`` (fetch-depth 0)."""
        path = self.tmp / name
        git(self.tmp, "clone", "--quiet", str(self.origin), str(path))
        git(path, "checkout", "--quiet", ref)
        return path


@pytest.fixture
def adoption(tmp_path: Path, github_double: GitHubDouble) -> Adoption:
    return Adoption(tmp_path, github_double)


def test_the_guide_runs_as_written_to_the_first_merged_handoff(adoption: Adoption) -> None:
    guide = run(["bash", "-euo", "pipefail", "-c", guide_block()], adoption.work, adoption.env)
    assert guide.returncode == 0, guide.stdout + guide.stderr
    assert "workflows pinned to example-org/handoffs/.github/actions/setup-handoff@" in guide.stdout
    assert "1 handoff file checked: 0 error(s)" in guide.stdout
    team = adoption.work / "acme-handoffs"

    # The adopted repository holds no tools of its own: only handoffs, rules, site and GitHub files.
    tracked = set(git(team, "ls-files").split())
    assert not [p for p in tracked if p.startswith(("tools/", "tests/", "requirements/"))]
    assert {"CODEOWNERS", "mkdocs.yml", "schema/teams.yaml", ".github/workflows/pr-check.yml"} <= tracked
    ruleset = [r.name for r in adoption.gh.rulesets.values()]
    assert ruleset, "setup-github created the ruleset"

    [pull] = adoption.gh.pulls()
    assert pull.user == "dana-sales"
    assert pull.pull is not None
    head_ref = pull.pull.head_ref
    assert git(team, "diff", "--name-only", f"origin/main...origin/{head_ref}").split() == [HANDOFF]

    # 1. PR check, in a checkout of the pull request, as pr-check.yml runs it.
    pr_checkout = adoption.checkout("pr-checkout", f"origin/{head_ref}")
    event = adoption.tmp / "pull_request.json"
    base, head = git(pr_checkout, "rev-parse", "origin/main").strip(), git(pr_checkout, "rev-parse", "HEAD").strip()
    event.write_text(
        json.dumps({"pull_request": {"number": pull.number, "base": {"sha": base}, "head": {"sha": head}}}),
        encoding="utf-8",
    )
    env = adoption.workflow_env(GITHUB_EVENT_PATH=str(event))
    for command in (["handoff", "pr-check"], ["handoff", "codeowners", "--check"]):
        result = run(command, pr_checkout, env)
        assert result.returncode == 0, result.stdout + result.stderr
    assert set(pull.pull.requested_reviewers) == {"kim-csm"}

    # 2. Joint approval, from a checkout of the base branch: the receiving owner and
    #    a sales teammate standing in for the author.
    main = adoption.checkout("main-checkout", "main")
    approvals = ["handoff", "approvals", "--pr", str(pull.number)]
    pull.add_review("kim-csm")
    assert run(approvals, main, adoption.workflow_env()).returncode == 1  # still waiting for sales
    pull.add_review("li-ae")
    decided = run(approvals, main, adoption.workflow_env())
    assert decided.returncode == 0, decided.stdout + decided.stderr
    [status] = [s for s in adoption.gh.statuses_for(pull.head_sha) if s.context == "handoff/joint-approval"][:1]
    assert status.state == "success"

    # 3. Merge with the verified approvals (merge.yml), then on-merge on the push to main.
    before = git(main, "rev-parse", "HEAD").strip()
    merge = run(["handoff", "merge", "--pr", str(pull.number)], main, adoption.workflow_env())
    assert merge.returncode == 0, merge.stdout + merge.stderr
    git(main, "pull", "--quiet", "--ff-only", "origin", "main")
    after = git(main, "rev-parse", "HEAD").strip()
    message = git(main, "log", "-1", "--format=%B", after)
    assert re.findall(r"^Approved-by: (@\S+)$", message, flags=re.MULTILINE) == ["@li-ae", "@kim-csm"]
    merged = run(["handoff", "on-merge", "--before", before, "--after", after], main, adoption.workflow_env())
    assert merged.returncode == 0, merged.stdout + merged.stderr
    [issue] = [i for i in adoption.gh.issues.values() if i.pull is None and "first-milestone" in i.labels]
    assert issue.assignees == ["kim-csm"]
    assert "(due 2027-01-22)" in issue.title


def test_the_adopted_workflows_pass_actionlint_and_zizmor(adoption: Adoption) -> None:
    team = adoption.tmp / "team"
    team.mkdir()
    git(team, "init", "--quiet", "-b", "main")
    adopted = run(
        ["handoff", "adopt", "--release", str(adoption.release), "--ref", "v0.2.0", "--source", "example-org/handoffs"],
        team,
        adoption.env,
    )
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr
    workflows = sorted(p.name for p in (team / ".github" / "workflows").glob("*.yml"))
    assert "self-check.yml" not in workflows
    assert {"pr-check.yml", "joint-approval.yml", "on-merge.yml", "publish.yml"} <= set(workflows)
    for name in workflows:
        text = (team / ".github" / "workflows" / name).read_text(encoding="utf-8")
        assert "pip install" not in text
        assert "./.github/" not in text
    lint = _actionlint(team)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    audit = _zizmor(team / ".github")
    findings = json.loads(audit.stdout)
    assert audit.returncode == 0, audit.stdout
    assert findings == []
