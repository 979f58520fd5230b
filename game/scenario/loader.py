"""Load a scenario: read YAML safely, resolve `extends:`, validate, then check meaning.

Every stage collects all the problems it can before giving up, and each problem
is reported at the file, line and column of the value (or key) at fault.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .cache import cached, file_digest, keep
from .errors import Mark, Problem, ScenarioError, did_you_mean, display_path
from .locate import describe_error
from .model import Meta, Scenario
from .rates import per_turn
from .references import check_references
from .semantic import check_semantics
from .upgrade import CURRENT, UpgradeError, declared_version, upgrade, version_problem
from .yamlio import YamlProblems, load_document


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and what is needed to cite it: its path and content hash.

    The hash covers the validated content (after `extends` and overrides), so
    reformatting or commenting a file keeps saves valid while any rule change does not.
    """

    spec: Scenario
    path: Path
    sha256: str
    geojson: dict

    @property
    def id(self) -> str:
        return self.spec.meta.id


class _Merged:
    """Data merged across an `extends:` chain, with each value's mark from the file that set it."""

    def __init__(self) -> None:
        self.value_marks: dict = {}
        self.key_marks: dict = {}
        self.lines: dict[str, list[str]] = {}
        # Every file read, with a digest of its bytes taken before reading it (so that a
        # file changed meanwhile can only make a cached copy look stale, never fresh).
        self.files: list[tuple[Path, str | None]] = []


def _deep_merge(base: Any, child: Any) -> Any:
    # Mappings merge key by key; anything else in the child replaces the base value.
    if isinstance(base, dict) and isinstance(child, dict):
        out = dict(base)
        for k, v in child.items():
            out[k] = _deep_merge(base[k], v) if k in base else v
        return out
    return child


def _drop_prefix(marks: dict, path: tuple) -> None:
    for k in [k for k in marks if k[: len(path)] == path and len(k) > len(path)]:
        del marks[k]


def _remove(base: dict, removals: Any, doc, merged: _Merged, file: str, parent: str) -> None:
    """Take the named entries (dotted paths such as `events.sirte_defection` or
    `map.places.gharyan`) out of what the file extends, with their marks, so that nothing
    of them is left to merge or to report. Each must name an entry of a mapping there."""
    at = doc.value_marks.get(("remove",), doc.key_marks.get(("remove",), Mark(file, 1, 1)))
    if not isinstance(removals, list) or not all(isinstance(r, str) and r.strip() for r in removals):
        raise ScenarioError([Problem(at, "'remove' must be a list of dotted paths, e.g. [events.truce, "
                                     "map.places.gharyan]")], merged.lines)
    problems = []
    for i, text in enumerate(removals):
        where = doc.value_marks.get(("remove", i), at)
        parts = text.strip().split(".")
        node = base
        for depth, key in enumerate(parts):
            if not isinstance(node, dict):
                problems.append(Problem(where, f"'{'.'.join(parts[:depth])}' in {parent} is not a mapping, so "
                                        f"'{text}' names nothing to remove (a list is replaced whole)"))
                break
            if key not in node:
                hint = did_you_mean(key, [k for k in node if isinstance(k, str)])
                problems.append(Problem(where, f"'{text}' is not in {parent}, the file this one extends{hint}"))
                break
            if depth == len(parts) - 1:
                del node[key]
                path = tuple(parts)
                for marks in (merged.value_marks, merged.key_marks):
                    _drop_prefix(marks, path)
                    marks.pop(path, None)
            else:
                node = node[key]
    if problems:
        raise ScenarioError(problems, merged.lines)


def _read_chain(path: Path, merged: _Merged, stack: list[tuple[Path, Mark | None]]) -> Any:
    """Read a file and everything it extends; later files override earlier ones."""
    data, _version = _read_versioned(path, merged, stack)
    return data


def _upgrade_own(doc, version: object, merged: _Merged, inherited: Any = None) -> int:
    """Bring one file's own data to the current format version, in place, moving the marks
    of what a step moved; returns the version the file is written for."""
    at = doc.value_marks.get(("meta", "format_version"), Mark(doc.file, 1, 1))
    problem = version_problem(version)
    if problem:
        raise ScenarioError([Problem(at, problem)], merged.lines)
    if version == CURRENT:
        return version
    try:
        done = upgrade(doc.data, version, inherited)
    except UpgradeError as exc:
        raise ScenarioError([Problem(at, f"cannot read this format version {version} file: {exc}")],
                            merged.lines) from None
    for old, new in done.moves:
        for marks in (doc.value_marks, doc.key_marks):
            if old in marks:
                marks[new] = marks[old]
    return version


def _read_versioned(path: Path, merged: _Merged, stack: list[tuple[Path, Mark | None]]) -> tuple[Any, object]:
    """`_read_chain`, with the format version the file is written for: its own
    `meta.format_version`, or else that of the file it extends. Each file is upgraded
    from its own version before the merge, so a child may be older or newer than its
    parent."""
    file = display_path(path)
    resolved = path.resolve()
    for i, (seen, _mark) in enumerate(stack):
        if seen == resolved:
            chain = [display_path(p) for p, _ in stack[i:]] + [file]
            cycle = " -> ".join(chain)
            # Report it at every `extends:` in the loop, so each file shows its part.
            problems = [Problem(m, f"'extends' cycle: {cycle}") for _, m in stack[i:] if m]
            raise ScenarioError(problems or [Problem(Mark(file, 1, 1), f"'extends' cycle: {cycle}")], merged.lines)
    merged.files.append((resolved, file_digest(resolved)))
    try:
        doc = load_document(path, file)
    except YamlProblems as exc:
        merged.lines[file] = exc.lines
        raise ScenarioError(exc.problems, merged.lines) from None
    merged.lines[file] = doc.lines
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__ if doc.data is not None else "nothing"
        kind = {"list": "a list", "str": "a single string", "int": "a number", "float": "a number",
                "bool": "true or false", "date": "a date", "datetime": "a date"}.get(kind, kind)
        raise ScenarioError(
            [Problem(Mark(file, 1, 1), f"the top level must be a mapping (meta:, map:, factions:, ...), not {kind}")],
            merged.lines,
        )
    data = doc.data
    own = declared_version(data)
    parent = data.get("extends", None)
    if parent is None:
        # With no version at all, validation says the field is missing.
        version = _upgrade_own(doc, CURRENT if own is None else own, merged)
        data.pop("extends", None)
        removals = data.pop("remove", None)
        if removals is not None:
            at = doc.key_marks.get(("remove",), Mark(file, 1, 1))
            raise ScenarioError([Problem(at, "'remove' takes entries out of the file named by 'extends', and this "
                                         "file extends none")], merged.lines)
        merged.value_marks.update(doc.value_marks)
        merged.key_marks.update(doc.key_marks)
        return data, version
    here = doc.value_marks.get(("extends",), Mark(file, 1, 1))
    if not isinstance(parent, str) or not parent.strip() or "\0" in parent:  # NUL: the OS would raise
        raise ScenarioError([Problem(here, "'extends' must be the path of another scenario file")], merged.lines)
    base_path = (path.parent / parent).resolve() if not Path(parent).is_absolute() else Path(parent)
    if not base_path.exists():
        raise ScenarioError([Problem(here, f"'extends' names a file that does not exist: {parent}")], merged.lines)
    base, inherited = _read_versioned(base_path, merged, stack + [(resolved, here)])
    version = _upgrade_own(doc, inherited if own is None else own, merged, base)
    data.pop("extends", None)
    removals = data.pop("remove", None)
    if removals is not None:
        _remove(base, removals, doc, merged, file, display_path(base_path))
    # The child's marks win wherever the child sets a value.
    for key, value in data.items():
        if not isinstance(value, dict):
            _drop_prefix(merged.value_marks, (key,))
            _drop_prefix(merged.key_marks, (key,))
    merged.value_marks.update(doc.value_marks)
    merged.key_marks.update(doc.key_marks)
    return _deep_merge(base, data), version


def _rates_per_turn(data: Any) -> dict[tuple, Any]:
    """With `meta.rates: day`, scale the rates the file writes to a turn's worth, in place
    (`rates`); returns each scaled path's per-day value, for messages about them."""
    meta = data.get("meta") if isinstance(data, dict) else None
    if not isinstance(meta, dict) or meta.get("rates") != "day":
        return {}
    days = meta.get("days_per_turn", Meta.model_fields["days_per_turn"].default)
    if type(days) is not int or not 1 <= days <= 92:
        return {}  # validation reports the turn length itself
    return {path: before for path, before, _ in per_turn(data, days)}


def load_scenario(
    path: str | Path,
    overrides: dict | None = None,
    transform: Callable[[dict], dict] | None = None,
) -> LoadedScenario:
    """Load and fully check a scenario file; raise ScenarioError listing every problem.

    `overrides` is a nested mapping merged over the file's data before validation
    (the lab's `--set` uses it, so overridden values are checked like the file).
    `transform(data)`, given a private copy, may change the data in ways a merge cannot
    (taking things out, for counterfactuals); values it keeps at their paths keep their
    marks, while a value it moves (a list item after a deleted one) may be reported at
    its old position.
    """
    path = Path(path)
    plain = not overrides and transform is None
    if plain and (hit := cached(path)) is not None:
        return hit
    merged = _Merged()
    data = _read_chain(path, merged, [])
    if overrides:
        data = _deep_merge(data, overrides)
    if transform is not None:
        data = transform(copy.deepcopy(data))
    file = display_path(path)
    problems = check_references(data, merged, file)
    scaled = _rates_per_turn(data)
    try:
        spec = Scenario.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problem = describe_error(err, data, merged, file)
            if tuple(err["loc"]) in scaled:
                problem = Problem(problem.mark, problem.message + f" (the per-day rate {scaled[tuple(err['loc'])]:g} "
                                  "times meta.days_per_turn)")
            problems.append(problem)
        raise ScenarioError(problems, merged.lines) from None
    if problems:
        raise ScenarioError(problems, merged.lines)
    problems, geojson = check_semantics(spec, path, merged, file)
    if problems:
        raise ScenarioError(problems, merged.lines)
    loaded = LoadedScenario(spec=spec, path=path, sha256=scenario_hash(spec), geojson=geojson)
    if plain:
        keep(path, merged.files, loaded)
    return loaded


def scenario_hash(spec: Scenario) -> str:
    """Hash of the validated content, independent of formatting and comments."""
    blob = json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
