"""Build the demo repository: the example handoffs arriving the way a team's handoffs do.

``make demo`` builds the site from the repository this script writes (default
``.demo/``), not from this project's own history, where the examples were
committed directly and so have no approval record.  Here each example is opened
as a pull request on its own branch on the day in its file name, reviewed by
the people the joint approval requires, and merged the next afternoon with the
message ``handoff merge`` writes: the ``Approved-by:`` trailers come from
``verified_approvers`` — the joint approval's own decision over the reviews —
never from typed text.  The reviews themselves (each required person approving
the head commit) are the one thing simulated: there is no GitHub here.

    .venv/bin/python tools/setup/demo_history.py [TARGET]
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from handoffs.config import Config, load_config
from handoffs.pr.approval import HandoffChange, Review, decide, requirements, roster
from handoffs.pr.documents import flagged_categories, parse_text
from handoffs.pr.merge_record import merge_message, verified_approvers

PROJECT = Path(__file__).resolve().parents[2]
PUBLISHED_AS = "example-org"  # the GitHub organisation of the demo repository
OPENED_BY = "handoffs-bot"  # the issue form's bot opens the pull requests
SETUP_FILES = ("schema", "site-src", "site-theme", "evidence", "mkdocs.yml", "CODEOWNERS")


def git(repo: Path, *args: str, who: str = "rita-revops", when: dt.datetime | None = None) -> str:
    """git with the identity and time of a person (or GitHub, for merges)."""
    name, email = ("GitHub", "noreply@github.com") if who == "github" else (who, f"{who}@users.noreply.github.com")
    stamp = (when or dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)).isoformat()
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": stamp}
    env |= {"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": stamp}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def build(target: Path, source: Path = PROJECT) -> list[str]:
    """Write the demo repository at ``target`` (which must not exist); the merge messages, oldest first."""
    target.mkdir(parents=True)
    git(target, "init", "--quiet", "-b", "main")
    for name in SETUP_FILES:
        origin = source / name
        if origin.is_dir():
            shutil.copytree(origin, target / name)
        else:
            shutil.copy2(origin, target / name)
    (target / "handoffs").mkdir()
    git(target, "add", "-A")
    git(target, "commit", "--quiet", "-m", "Set up the handoffs repository")
    config = load_config(target)
    examples = sorted(source.glob("handoffs/*/*.md"), key=lambda p: (p.name[:10], p.parent.name))
    return [_open_review_merge(target, config, number, path, source) for number, path in enumerate(examples, start=1)]


def _open_review_merge(target: Path, config: Config, number: int, example: Path, source: Path) -> str:
    relative = example.relative_to(source).as_posix()
    text = example.read_text(encoding="utf-8")
    doc = parse_text(text, relative, config)
    if doc is None or doc.front is None or doc.handoff_id is None:
        raise SystemExit(f"{relative}: the example does not parse; run `handoff check {relative}`")
    front = doc.front
    opened = dt.datetime.combine(dt.date.fromisoformat(example.name[:10]), dt.time(10, 0), tzinfo=dt.UTC)
    branch = f"handoff/{doc.handoff_id}"
    git(target, "checkout", "--quiet", "-b", branch, "main")
    (target / relative).parent.mkdir(parents=True, exist_ok=True)
    (target / relative).write_text(text, encoding="utf-8")
    git(target, "add", relative)
    git(target, "commit", "--quiet", "-m", f"Handoff: {front.title}", who=OPENED_BY, when=opened)
    head = git(target, "rev-parse", "HEAD")

    change = HandoffChange(path=relative, base=None, head=front, categories=flagged_categories(doc, config))
    needed, problems = requirements([change], config, OPENED_BY)
    # The simulated part: each requirement's first candidate approves the head commit.
    reviews = [Review(sorted(req.candidates)[0], "APPROVED", head) for req in needed]
    people = roster(config)
    decision = decide(needed, problems, reviews, author=OPENED_BY, head_sha=head, people=people)
    if not decision.satisfied:
        raise SystemExit(f"{relative}: the joint approval would not pass: {decision.description}")
    approvers = verified_approvers(needed, reviews, author=OPENED_BY, head_sha=head, people=people)
    message = f"Merge pull request #{number} from {PUBLISHED_AS}/{branch}\n\n" + merge_message(
        f"Handoff: {front.title}", approvers, head
    )
    merged = opened + dt.timedelta(days=1, hours=5)
    git(target, "checkout", "--quiet", "main")
    git(target, "merge", "--quiet", "--no-ff", "-m", message, branch, who="github", when=merged)
    return message


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else ".demo")
    if target.exists():
        shutil.rmtree(target)  # the demo is always rebuilt from the examples
    for message in build(target):
        print(
            message.splitlines()[0]
            + ": "
            + ", ".join(line.split(": ")[1] for line in message.splitlines() if line.startswith("Approved-by:"))
        )
    print(f"demo repository: {target}/ (build its site with `mkdocs build -f {target}/mkdocs.yml`)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
