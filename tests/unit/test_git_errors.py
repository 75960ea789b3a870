"""git.py's errors say what failed, and never repeat a credential given with ``-c``."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoffs.errors import HandoffError
from handoffs.git import run, run_remote


def test_a_failed_push_with_the_token_names_the_command_not_the_token(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "ghs_not-a-real-token-0123456789"
    monkeypatch.setenv("GITHUB_TOKEN", secret)
    # An https remote gets the token header; the closed local port makes the push fail offline.
    run(repo, "remote", "add", "origin", "https://127.0.0.1:9/acme/handoffs.git")
    with pytest.raises(HandoffError) as caught:
        run_remote(repo, "origin", "push", "-q", "origin", "HEAD:refs/heads/x")
    message = str(caught.value)
    assert message.startswith("git push -q failed: ")
    assert secret not in message
    assert "extraheader" not in message
    assert "basic" not in message.split(":", 1)[0]


def test_a_failed_command_without_options_is_named_as_before(repo: Path) -> None:
    with pytest.raises(HandoffError, match=r"^git rev-parse --verify failed: "):
        run(repo, "rev-parse", "--verify", "no-such-ref")
