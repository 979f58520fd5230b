"""Scenario variants: a file's raw data, and loading it with a change applied first.

`load_scenario(path, overrides)` covers changing values. Some questions need more:
the lab's `--set` must know what a path leads to (a list, a mapping, a value) before
it can build an override, and a counterfactual such as "what if this backer had stayed
out" takes things *out* of the data, which a merge cannot do. Both functions here
read the file exactly as `load_scenario` does (`extends:` resolved, marks kept), so a
problem in a variant is still reported at the line of the file it came from.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import ScenarioError, display_path
from .loader import LoadedScenario, _deep_merge, _Merged, _read_chain, scenario_hash
from .locate import describe_error
from .model import Scenario
from .references import check_references
from .semantic import check_semantics


def read_scenario_data(path: str | Path) -> dict:
    """The file's data as plain YAML values, `extends:` resolved, not yet validated."""
    return _read_chain(Path(path), _Merged(), [])


def load_scenario_variant(
    path: str | Path,
    overrides: dict | None = None,
    transform: Callable[[dict], dict] | None = None,
) -> LoadedScenario:
    """Like `load_scenario`, then `transform(data)` (given a private copy) before validation.

    Values the transform keeps at their paths keep their marks; a value it moves (a
    list item after a deleted one) may be reported at its old position, so validate
    the untransformed variant first when precise marks matter."""
    path = Path(path)
    merged = _Merged()
    data = _read_chain(path, merged, [])
    if overrides:
        data = _deep_merge(data, overrides)
    if transform is not None:
        data = transform(copy.deepcopy(data))
    file = display_path(path)
    problems = check_references(data, merged, file)
    try:
        spec = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += [describe_error(err, data, merged, file) for err in exc.errors()]
        raise ScenarioError(problems, merged.lines) from None
    if problems:
        raise ScenarioError(problems, merged.lines)
    problems, geojson = check_semantics(spec, path, merged, file)
    if problems:
        raise ScenarioError(problems, merged.lines)
    return LoadedScenario(spec=spec, path=path, sha256=scenario_hash(spec), geojson=geojson)


def deep_merge(base: Any, child: Any) -> Any:
    """How overrides and `extends:` combine: mappings key by key, anything else replaced."""
    return _deep_merge(base, child)
