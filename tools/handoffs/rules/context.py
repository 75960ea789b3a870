"""What every rule may consult besides the document: configuration, today, git."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handoffs.config import Config

if TYPE_CHECKING:  # git is asked only for kicked-off/completed handoffs; a plain check never loads it
    from handoffs.git import BaseTree


@dataclass(frozen=True)
class RuleContext:
    config: Config
    today: dt.date
    base_tree: Callable[[], BaseTree]  # asked lazily: only kicked-off/completed handoffs need git
