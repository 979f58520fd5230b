"""The scenario a lab run plays: a file, plus `--set` changes and `--without` backers.

Loading is strict in two steps: first the file with its `--set` overrides (so a bad
value is reported at the line it replaces), then, if backers are taken out, the
counterfactual data, validated again like a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..scenario import LoadedScenario, ScenarioError, load_scenario
from ..scenario.variants import load_scenario_variant, read_scenario_data
from .counterfactual import check_backer_ids, without_backers
from .errors import LabError
from .overrides import Setting, apply_settings, overrides_for, parse_settings


@dataclass(frozen=True)
class Variant:
    """What to load: the file as named, `--set` texts as typed, backers to leave out."""

    path: str
    sets: tuple[str, ...] = ()
    without: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"path": self.path, "sets": list(self.sets), "without": list(self.without)}


@dataclass
class Prepared:
    variant: Variant
    loaded: LoadedScenario
    settings: list[Setting] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the counterfactual changed

    @property
    def spec(self):
        return self.loaded.spec

    @property
    def sha256(self) -> str:
        return self.loaded.sha256


def _attribute(path: str, data: dict, settings: list[Setting], exc: ScenarioError) -> ScenarioError | LabError:
    """Turn the problems a set of overrides caused into one line per `--set`.

    Problems the file has on its own stay file problems (shown with their lines)."""
    try:
        load_scenario(path)
    except ScenarioError as own:
        return own
    lines: list[str] = []
    for s in settings:
        try:
            load_scenario(path, overrides_for(data, [s]))
        except ScenarioError as alone:
            for p in alone.problems:
                msg = p.message
                for prefix in (f"{s.dotted}: ", f"{_bracketed(s.path)}: "):
                    if msg.startswith(prefix):
                        msg = msg[len(prefix):]
                lines.append(f"--set {s.text}: {msg}")
    if not lines:  # only the combination fails
        joined = " ".join(f"--set {s.text}" for s in settings)
        lines = [f"{joined}: together: {p.message}" for p in exc.problems]
    return LabError(lines)


def _bracketed(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def prepare(variant: Variant) -> Prepared:
    """Load and check the variant; ScenarioError for a broken file, LabError for a bad
    `--set` or `--without` (one line per problem)."""
    path = Path(variant.path)
    if not path.is_file():
        raise LabError(f"{variant.path}: no such scenario file")
    data = read_scenario_data(path)
    problems: list[str] = []
    settings: list[Setting] = []
    try:
        settings = parse_settings(data, list(variant.sets))
    except LabError as exc:
        problems += exc.problems
    removed: list[str] = []
    try:
        removed = check_backer_ids(data, variant.without)
    except LabError as exc:
        problems += exc.problems
    for s in settings:
        if s.path[:1] == ("backers",) and len(s.path) > 1 and s.path[1] in removed:
            problems.append(f"--set {s.text}: changes backer '{s.path[1]}', which --without {s.path[1]} removes")
    if problems:
        raise LabError(problems)
    overrides = overrides_for(data, settings)
    try:
        loaded = load_scenario(path, overrides or None)
    except ScenarioError as exc:
        if not settings:
            raise
        raise _attribute(str(path), data, settings, exc) from None
    notes: list[str] = []
    if removed:
        changed = apply_settings(data, settings)
        cf = without_backers(changed, removed)
        notes = cf.notes
        try:
            loaded = load_scenario_variant(path, overrides or None, lambda d: without_backers(d, removed).data)
        except ScenarioError as exc:
            lines = [f"--without {' '.join(removed)}: the scenario without {'them' if len(removed) > 1 else 'it'} "
                     f"is not valid: {p.mark.file}:{p.mark.line}:{p.mark.col}: {p.message}" for p in exc.problems]
            raise LabError(lines) from None
    return Prepared(variant, loaded, settings, notes)
