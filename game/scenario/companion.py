"""Files that sit beside a scenario and are read against it: `NAME.targets.yaml` (the
record the lab measures) and `NAME.tutorial.yaml` (the steps of its tutorial).

They are read as a scenario is: safely, every problem located at its line and column,
then their ids checked against the scenario they name. Lists of scenarios (the menu,
a save's search for its scenario) leave them out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Mark, Problem, ScenarioError, display_path
from .locate import describe_error, mark_for
from .model import Scenario
from .yamlio import YamlProblems, load_document

KINDS = ("targets", "tutorial")

M = TypeVar("M", bound=BaseModel)
# A check of a validated file against its scenario: (the file, the scenario, at) where
# at(path, message, key=False) records a problem located at that path of the document.
Check = Callable[[M, Scenario, Callable[..., None]], None]


def kind_of(path: str | Path) -> str | None:
    """'targets' or 'tutorial' for a companion file, None for anything else."""
    name = Path(path).name
    for kind in KINDS:
        if name.endswith((f".{kind}.yaml", f".{kind}.yml")):
            return kind
    return None


def is_companion_file(path: str | Path) -> bool:
    return kind_of(path) is not None


def companion_path(scenario_path: str | Path, kind: str) -> Path:
    """Where a scenario's companion of this kind lives: `NAME.KIND.yaml` beside `NAME.yaml`."""
    p = Path(scenario_path)
    return p.with_name(f"{p.stem}.{kind}.yaml")


def scenario_of(path: str | Path) -> Path:
    """The scenario a companion file sits beside: `NAME.yaml` for `NAME.KIND.yaml`."""
    p = Path(path)
    kind = kind_of(p)
    if kind is None:
        raise ValueError(f"{p} is not a companion file")
    return p.with_name(p.name.rsplit(f".{kind}.", 1)[0] + ".yaml")


class _Marks:
    """The marks of one document, shaped as `describe_error` expects."""

    def __init__(self, doc) -> None:
        self.value_marks = doc.value_marks
        self.key_marks = doc.key_marks


def load_companion(path: str | Path, model: type[M], spec: Scenario, check: Check, what: str, shape: str) -> M:
    """Read a companion file, validate it against `model`, then run `check` against the
    scenario; ScenarioError with every problem located. `what` ("a targets file") and
    `shape` (its top-level keys) make the message for a file that is not a mapping at all."""
    path = Path(path)
    file = display_path(path)
    try:
        doc = load_document(path, file)
    except YamlProblems as exc:
        raise ScenarioError(exc.problems, {file: exc.lines}) from None
    lines = {file: doc.lines}
    marks = _Marks(doc)
    if not isinstance(doc.data, dict):
        raise ScenarioError([Problem(Mark(file, 1, 1), f"{what} is a mapping: {shape}")], lines)
    try:
        value = model.model_validate(doc.data)
    except ValidationError as exc:
        raise ScenarioError([describe_error(err, doc.data, marks, file) for err in exc.errors()], lines) from None
    problems: list[Problem] = []

    def at(where: tuple, message: str, key: bool = False) -> None:
        problems.append(Problem(mark_for(where, marks, file, prefer_key=key), message))

    check(value, spec, at)
    if problems:
        raise ScenarioError(problems, lines)
    return value
