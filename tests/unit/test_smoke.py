from pathlib import Path

from tests.factories import write_handoff


def test_valid_handoff_passes(repo: Path, run_cli) -> None:
    write_handoff(repo)
    result = run_cli("check")
    assert result.exit_code == 0, result.out
    assert "0 error(s)" in result.out
