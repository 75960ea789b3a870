"""`handoff draft` end to end: every labelled case drafts, cites verbatim, and fails check until filled."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from handoffs.draft.extract import locate
from tests.conftest import CliResult

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "draft"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.yaml").is_file())
QUOTED_ITEM = re.compile(
    r"^- “(?P<quote>.*)”(?: \[[^\]]*\])? \(source: (?P<file>[^():;]+):(?P<line>\d+)(?:-(?P<end>\d+))?"
    r"(?P<also>(?:; [^():;]+:\d+(?:-\d+)?)*)\)$"
)
ALSO = re.compile(r"; (?P<file>[^():;]+):(?P<line>\d+)(?:-(?P<end>\d+))?")

Run = Callable[..., CliResult]


def draft_case(repo: Path, run_cli: Run, case: str, *extra: str) -> tuple[CliResult, Path | None]:
    shutil.copytree(CORPUS / case, repo / "evidence" / case)
    expected = yaml.safe_load((CORPUS / case / "expected.yaml").read_text(encoding="utf-8"))
    notes = [f"evidence/{case}/{name}" for name in expected["notes"]]
    result = run_cli(
        "draft",
        "--crm",
        f"evidence/{case}/{expected['crm']}",
        "--notes",
        *notes,
        "--from",
        "@dana-sales",
        "--to",
        "@raj-impl",
        "--kickoff",
        "2026-12-14",
        *extra,
    )
    created = sorted((repo / "handoffs").rglob("*.md"))
    return result, created[0] if created else None


@pytest.mark.parametrize("case", CASES)
def test_every_drafted_item_is_quoted_verbatim_at_its_cited_line(repo: Path, run_cli: Run, case: str) -> None:
    result, path = draft_case(repo, run_cli, case)
    assert result.exit_code == 0, result.err
    assert path is not None
    quoted = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("- “"):
            continue
        match = QUOTED_ITEM.match(line)
        assert match, f"a drafted item without a citation: {line}"  # nothing uncited is written
        source = (repo / match["file"]).read_text(encoding="utf-8").splitlines()
        end = locate(source, int(match["line"]), match["quote"])
        assert end == int(match["end"] or match["line"]), line
        for also in ALSO.finditer(match["also"]):  # a restatement cited too: a real line of a given file
            other = (repo / also["file"]).read_text(encoding="utf-8").splitlines()
            assert other[int(also["line"]) - 1].strip(), line
        quoted += 1
    assert quoted >= 10
    assert "found per section:" in result.out


@pytest.mark.parametrize("case", CASES)
def test_draft_parses_and_fails_check_only_on_placeholders(repo: Path, run_cli: Run, case: str) -> None:
    _, path = draft_case(repo, run_cli, case)
    assert path is not None
    result = run_cli("check", path, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.out)
    codes = {f["code"] for f in report["findings"] if f["severity"] == "error"}
    assert "HO000" not in codes
    assert "HO111" not in codes
    assert "HO110" not in codes
    assert "HO302" in codes  # the first milestone is left for a person to fill


def test_filling_the_placeholders_makes_the_draft_pass(repo: Path, run_cli: Run) -> None:
    _, path = draft_case(repo, run_cli, "harbor-logistics")
    assert path is not None
    text = path.read_text(encoding="utf-8")
    text = text.replace('"<first task of the receiving owner>"', '"Integration plan signed off"')
    text = text.replace('due: "<YYYY-MM-DD>"', "due: 2026-12-21")
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", path)
    assert result.exit_code == 0, result.out


def test_vague_sentences_and_custom_terms_are_marked_and_summarised(repo: Path, run_cli: Run) -> None:
    result, path = draft_case(repo, run_cli, "meridian-retail")
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert re.search(r"“We should be able to get the first wave live in roughly four weeks.*\[vague", text)
    assert "[custom term: pricing" in text
    assert "needs a human decision, most important first:" in result.out
    assert "Promised scope: vague (should, roughly, aim to, asap)" in result.out
    assert "Custom terms: pricing -> finance" in result.out
    # custom terms are listed before vague promises: they decide who must approve
    assert result.out.index("1. custom terms") < result.out.index("2. vague promises")
    front = yaml.safe_load(text.split("---")[1])
    assert front["stage"] == "advancing"
    assert front["deal"]["currency"] == "GBP"
    assert front["from"] == {"owner": "@dana-sales", "team": "sales"}  # team looked up in teams.yaml


def test_sections_without_evidence_are_placeholders_or_open_items(repo: Path, run_cli: Run) -> None:
    shutil.copytree(CORPUS / "kestrel-analytics", repo / "evidence")
    result = run_cli("draft", "--crm", "evidence/crm.json", "--type", "customer-success", "--to", "@kim-csm")
    assert result.exit_code == 0, result.err
    assert "Promised scope               MISSING (placeholder left)" in result.out
    path = repo / "handoffs/kestrel-analytics-gmbh/2026-11-23-customer-success.md"
    check = run_cli("check", path)
    assert "placeholder `<Nothing found in the sources for promised scope" in check.out

    shutil.rmtree(repo / "handoffs" / "kestrel-analytics-gmbh")
    result = run_cli(
        "draft", "--crm", "evidence/crm.json", "--type", "customer-success", "--gaps", "open", "--from", "@li-ae"
    )
    assert result.exit_code == 0, result.err
    text = path.read_text(encoding="utf-8")
    assert "- Nothing found in the sources for exclusions (open: @li-ae by 2026-11-26)" in text
    check = run_cli("check", path)
    assert "placeholder `<Nothing found" not in check.out
    assert "HO305" not in check.out


def test_never_overwrites_an_existing_file(repo: Path, run_cli: Run) -> None:
    _, path = draft_case(repo, run_cli, "harbor-logistics")
    assert path is not None
    before = path.read_bytes()
    again = run_cli("draft", "--crm", "evidence/harbor-logistics/crm.json", "--to", "@raj-impl")
    assert again.exit_code == 1
    assert "already exists" in again.err
    assert "nothing was overwritten" in again.err
    assert path.read_bytes() == before
    mine = repo / "my-draft.md"
    mine.write_text("keep me", encoding="utf-8")
    out = run_cli("draft", "--crm", "evidence/harbor-logistics/crm.json", "--out", mine)
    assert out.exit_code == 1
    assert mine.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"deal": {"name": "x"}}', "not a CRM deal export this tool knows; expected a Salesforce"),
        ('{"records": [{"attributes": {"type": "Opportunity"}, "Id": "1"}', "crm.json:1: not valid JSON"),
        ("Product,Qty\nWidget,2\n", "not a CRM deal export this tool knows"),
    ],
)
def test_bad_crm_exports_exit_1_with_a_clear_message(repo: Path, run_cli: Run, content: str, message: str) -> None:
    (repo / "crm.json").write_text(content, encoding="utf-8")
    result = run_cli("draft", "--crm", "crm.json")
    assert result.exit_code == 1
    assert message in result.err
    assert "Traceback" not in result.err
    assert not list((repo / "handoffs").rglob("*.md"))


def test_missing_inputs_are_clear_errors(repo: Path, run_cli: Run) -> None:
    missing = run_cli("draft", "--crm", "nope.json")
    assert missing.exit_code == 1
    assert "nope.json: no such file" in missing.err
    shutil.copytree(CORPUS / "harbor-logistics", repo / "evidence")
    no_notes = run_cli("draft", "--crm", "evidence/crm.json", "--notes", "evidence/missing.md")
    assert no_notes.exit_code == 1
    assert "missing.md: no such file" in no_notes.err
    bad_type = run_cli("draft", "--crm", "evidence/crm.json", "--type", "implementaton")
    assert bad_type.exit_code == 2
    assert "did you mean" in bad_type.err.lower()
    (repo / "hub.json").write_text('{"id": "5", "properties": {"dealname": "No company"}}', encoding="utf-8")
    no_customer = run_cli("draft", "--crm", "hub.json")
    assert no_customer.exit_code == 2
    assert "--customer" in no_customer.err


# --- the OpenAI-compatible backend through the command line ------------------------------


@pytest.fixture
def chat_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    state: dict[str, Any] = {"status": 200, "items": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            if state["status"] != 200:
                self.send_error(state["status"])
                return
            content = json.dumps({"items": state["items"]})
            body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("HANDOFF_LLM_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("HANDOFF_LLM_MODEL", "local-test")
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_openai_backend_output_is_verified_before_writing(
    repo: Path, run_cli: Run, chat_server: dict[str, Any]
) -> None:
    name = "evidence/harbor-logistics/discovery-call.md"
    chat_server["items"] = [
        {
            "section": "Promised scope",
            "file": name,
            "line": 19,
            "quote": "We will configure dock scheduling for the Savannah and Charleston sites.",
        },
        {
            "section": "Promised scope",
            "file": name,
            "line": 19,
            "quote": "We will configure dock scheduling for all five sites.",
        },
    ]
    result, path = draft_case(repo, run_cli, "harbor-logistics", "--backend", "openai")
    assert result.exit_code == 0, result.err
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "Savannah and Charleston sites.” (source: evidence/harbor-logistics/discovery-call.md:19)" in text
    assert "all five sites" not in text
    assert "dropped (not found verbatim at the cited line" in result.out
    assert "all five sites" in result.out
    assert "(backend: openai-compatible)" in result.out


def test_openai_backend_server_error_writes_nothing(repo: Path, run_cli: Run, chat_server: dict[str, Any]) -> None:
    chat_server["status"] = 500
    result, path = draft_case(repo, run_cli, "harbor-logistics", "--backend", "openai")
    assert result.exit_code == 1
    assert "answered HTTP 500" in result.err
    assert "Traceback" not in result.err
    assert path is None


# --- --open-pr ------------------------------------------------------------------------------


def test_open_pr_unavailable_keeps_the_draft_and_says_so(
    repo: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "handoffs.commands.open_pr", None)
    result, path = draft_case(
        repo,
        run_cli,
        "harbor-logistics",
        "--open-pr",
        "--milestone-title",
        "Plan agreed",
        "--milestone-due",
        "2026-12-21",
    )
    assert result.exit_code == 1
    assert "open-pr` is not available" in result.err
    assert path is not None
    assert path.is_file()


# --- what a rep can open a pull request from ------------------------------------------------


def test_files_outside_the_repository_are_cited_by_name_never_by_absolute_path(
    repo: Path, run_cli: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("downloads")
    for name in ("crm.json", "discovery-call.md"):
        shutil.copy(CORPUS / "harbor-logistics" / name, outside / name)
    result = run_cli(
        "draft", "--crm", outside / "crm.json", "--notes", outside / "discovery-call.md", "--to", "@raj-impl"
    )
    assert result.exit_code == 0, result.err
    drafted = next((repo / "handoffs").rglob("*.md")).read_text(encoding="utf-8")
    assert str(outside) not in drafted
    assert "(source: discovery-call.md:19)" in drafted
    assert "export: crm.json" in drafted
    assert "outside the repository" in result.out
    assert "commit them under evidence/" in result.out


def test_a_decision_role_only_in_the_crm_table_satisfies_ho503(repo: Path, run_cli: Run) -> None:
    (repo / "evidence").mkdir(exist_ok=True)
    shutil.copy(CORPUS / "harbor-logistics" / "crm.json", repo / "evidence" / "crm.json")
    (repo / "evidence" / "notes.md").write_text(
        "## People\n\n- Tomasz Nowak owns the WMS and is the technical lead for the integration.\n",
        encoding="utf-8",
    )
    result = run_cli("draft", "--crm", "evidence/crm.json", "--notes", "evidence/notes.md", "--to", "@raj-impl")
    assert result.exit_code == 0, result.err
    path = next((repo / "handoffs").rglob("*.md"))
    assert "| Grace Okafor | COO | economic buyer |" in path.read_text(encoding="utf-8")
    report = json.loads(run_cli("check", path, "--format", "json").out)
    assert "HO503" not in {f["code"] for f in report["findings"]}


def test_the_model_backend_is_chosen_on_the_command_line(
    repo: Path, run_cli: Run, chat_server: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = os.environ["HANDOFF_LLM_BASE_URL"]
    monkeypatch.delenv("HANDOFF_LLM_BASE_URL")
    monkeypatch.delenv("HANDOFF_LLM_MODEL")
    chat_server["items"] = [{"id": "S1", "section": "Customer goal"}, {"id": "S404", "section": "Promised scope"}]
    result, path = draft_case(
        repo, run_cli, "harbor-logistics", "--backend", "openai-compatible", "--url", url, "--model", "local-test"
    )
    assert result.exit_code == 0, result.err
    assert path is not None
    assert "(backend: openai-compatible)" in result.out
    assert "Promised scope: names a sentence it was not given" in result.out
    assert "## Customer goal" in path.read_text(encoding="utf-8")


def test_url_and_model_are_refused_for_the_offline_backend(repo: Path, run_cli: Run) -> None:
    result, path = draft_case(repo, run_cli, "harbor-logistics", "--url", "http://127.0.0.1:9/v1")
    assert result.exit_code == 2
    assert "for the openai-compatible backend" in result.err
    assert path is None


RENAMED = {"Promised scope": "What we sold", "Exclusions": "Not in the deal", "Key dates": "Dates that matter"}


def test_a_section_renamed_in_the_schema_is_drafted_under_its_new_name(repo: Path, run_cli: Run) -> None:
    # A team renames sections the way the schema says to: in every schema file that names them.
    for path in (repo / "schema").rglob("*"):
        if path.suffix in (".yaml", ".md"):
            text = path.read_text(encoding="utf-8")
            for old, new in RENAMED.items():
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
    result, path = draft_case(repo, run_cli, "brightline-dental")
    assert result.exit_code == 0, result.err
    assert path is not None
    text = path.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert not set(RENAMED) & set(headings)
    sold = text.split("## What we sold", 1)[1].split("\n## ", 1)[0]
    assert "“We will connect to their Dentrix" in sold
    out_of_deal = text.split("## Not in the deal", 1)[1].split("\n## ", 1)[0]
    assert "“Two-way patient chat is not included" in out_of_deal
    dates = text.split("## Dates that matter", 1)[1].split("\n## ", 1)[0]
    assert "“Kickoff in the week of 2026-12-07" in dates
    assert "What we sold" in result.out
    assert "Dates that matter" in result.out
    assert "Promised scope" not in result.out
    check = run_cli("check", path, "--format", "json")
    codes = {f["code"] for f in json.loads(check.out)["findings"] if f["severity"] == "error"}
    assert not codes & {"HO000", "HO110", "HO111"}  # every required section is there, by its new name
