"""The entry points other parts call: records from a repository, metrics, the site's series."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from handoffs.config import Config
from handoffs.metrics.analysis import CheckedFile, HandoffRecord, build_records
from handoffs.metrics.cache import AnalysisCache
from handoffs.metrics.compute import METRIC_KEYS, Metric, Selection, compute_metrics
from handoffs.metrics.history import read_history
from handoffs.metrics.reviews import ReviewData, Unavailable, load_review_data


def collect_records(
    root: Path, config: Config, today: dt.date, base: str | None = None, checked: Iterable[CheckedFile] = ()
) -> list[HandoffRecord]:
    """``checked``: working-tree files already checked (by the site build); versions with the same
    content are not checked again."""
    git_dir = root / ".git"
    commits_cache = git_dir / "handoff-metrics" / "commits-v1.json" if git_dir.is_dir() else None
    history = read_history(root, base or config.rules.base_branch, commits_cache, config.handoffs_dir)
    return build_records(root, history, config, today, AnalysisCache.for_repository(root), checked=checked)


def metrics_for(
    records: list[HandoffRecord],
    reviews: ReviewData | Unavailable,
    selection: Selection,
    today: dt.date,
    config: Config,
) -> dict[str, Metric]:
    selected = [r for r in records if selection.matches(r)]
    return compute_metrics(selected, reviews, today, config.reviewers_by_category())


def metrics_for_site(root: Path, config: Config, today: dt.date | None = None) -> dict[str, Any]:
    """Series for the dashboard: every metric per month (of the opening date), per team and per type.

    Shape: ``{"keys": [...], "overall": {key: metric}, "months": {"2026-11": {key: metric}},
    "teams": {team: {key: metric}}, "types": {type: {key: metric}}, "acceptance_target": 0.9}``.
    """
    day = today or dt.date.today()
    records = collect_records(root, config, day)
    return site_series(records, load_review_data(root, records, config), day, config)


def site_series(
    records: list[HandoffRecord], reviews: ReviewData | Unavailable, day: dt.date, config: Config
) -> dict[str, Any]:
    """``metrics_for_site`` from records already read (the site reads them once for every report)."""
    reviewers = config.reviewers_by_category()
    months: dict[str, list[HandoffRecord]] = defaultdict(list)
    teams: dict[str, list[HandoffRecord]] = defaultdict(list)
    types: dict[str, list[HandoffRecord]] = defaultdict(list)
    for record in records:
        months[record.opened_on.strftime("%Y-%m")].append(record)
        for team in dict.fromkeys(record.teams):
            teams[team].append(record)
        types[record.type].append(record)
    return {
        "keys": list(METRIC_KEYS),
        "acceptance_target": 0.9,
        "overall": compute_metrics(records, reviews, day, reviewers),
        "months": {m: compute_metrics(rs, reviews, day, reviewers) for m, rs in sorted(months.items())},
        "teams": {t: compute_metrics(rs, reviews, day, reviewers) for t, rs in sorted(teams.items())},
        "types": {t: compute_metrics(rs, reviews, day, reviewers) for t, rs in sorted(types.items())},
    }
