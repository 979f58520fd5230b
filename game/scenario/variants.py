"""Scenario variants: a file's raw data, and loading it with a change applied first.

`load_scenario(path, overrides)` covers changing values. Some questions need more:
the lab's `--set` must know what a path leads to (a list, a mapping, a value) before
it can build an override, and a counterfactual such as "what if this backer had stayed
out" takes things *out* of the data, which a merge cannot do. Both functions here
read the file exactly as `load_scenario` does (`extends:` resolved, marks kept), so a
problem in a variant is still reported at the line of the file it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .loader import LoadedScenario, _deep_merge, _Merged, _read_chain, load_scenario


def read_scenario_data(path: str | Path) -> dict:
    """The file's data as plain YAML values, `extends:` resolved, not yet validated."""
    return _read_chain(Path(path), _Merged(), [])


def load_scenario_variant(
    path: str | Path,
    overrides: dict | None = None,
    transform: Callable[[dict], dict] | None = None,
) -> LoadedScenario:
    """Like `load_scenario`, then `transform(data)` (given a private copy) before validation."""
    return load_scenario(path, overrides, transform)


def deep_merge(base: Any, child: Any) -> Any:
    """How overrides and `extends:` combine: mappings key by key, anything else replaced."""
    return _deep_merge(base, child)
