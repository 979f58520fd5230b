"""Targets: what the record says a scenario's war looked like, as data the lab checks.

A targets file sits beside its scenario (`tripoli_2019.targets.yaml` beside
`tripoli_2019.yaml`) and lists dated *checkpoints*: on a date, who held which places,
how many places each side held, which fronts were still split, whether the war was
still undecided. The lab counts, for each checkpoint, the share of games inside it,
and the share inside at every one of them: the games that look like the war.

The file is read like a scenario: safely, with every problem located at its line and
column, and its ids checked against the scenario it names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .companion import companion_path, kind_of, load_companion
from .errors import did_you_mean
from .model import Id, Scenario, SourceRef, Strict

NEUTRAL = "neutral"  # stands for "held by no side" wherever a faction is named

Holder = Annotated[
    Union[Id, list[Id]],
    Field(description="A faction id, `neutral` for a place no side holds, or a list of them (any one will do)."),
]


class Band(Strict):
    """How many places a side held: at least `min`, at most `max` (either may be left out)."""

    min: int | None = Field(None, ge=0, description="Fewest places the side may hold.")
    max: int | None = Field(None, ge=0, description="Most places the side may hold.")

    @model_validator(mode="after")
    def _ordered(self) -> "Band":
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is more than max ({self.max})")
        return self


class Checkpoint(Strict):
    """What the record says held on one date. A game is inside the checkpoint when every
    test given here is true of it at the end of the turn that holds the date (or of its
    final position, if it ended sooner)."""

    id: Id = Field(description="Short name of the checkpoint; the lab's tables and games.csv use it.")
    date: Union[dt.date, Literal["end"]] = Field(
        description="The date, within the scenario's span, or `end` for the position the game ended in.")
    name: str = Field(min_length=1, max_length=160, description="What the record says, in a line, for reports.")
    source: SourceRef = Field(description="Id (or ids) in the scenario's `meta.sources` that back this checkpoint.")
    holds: dict[Id, Holder] = Field(
        default_factory=dict, description="Place id → who held it on the date (a faction, `neutral`, or a list).")
    places: dict[Id, Band] = Field(
        default_factory=dict, description="Faction id → the band of how many places it held on the date.")
    divided: list[Annotated[list[Id], Field(min_length=2)]] = Field(
        default_factory=list,
        description="Groups of places that were still split: no single side held every place of a group.")
    undecided: bool = Field(
        False, description="True when no side had won by the date: the game is still being played "
        "(at `end`: it went on to the scenario's last turn).")

    @model_validator(mode="after")
    def _tests_something(self) -> "Checkpoint":
        if not (self.holds or self.places or self.divided or self.undecided):
            raise ValueError("a checkpoint needs at least one test: holds, places, divided or undecided")
        if not self.source:
            raise ValueError("a checkpoint needs a source: the id of what the record rests on")
        return self


class RunOf(Strict):
    """Which games a measure is taken over: the scenario as it is, or without some of its
    backers, or with other AI levels."""

    without: list[Id] = Field(default_factory=list, description="Backers left out entirely, as `--without` does.")
    ai: dict[Id, str] = Field(
        default_factory=dict, description="Faction id → the AI level that plays it (`easy`, `normal`, `hard@1`, …), "
        "as `--ai` does; a faction not named plays `normal`.")

    games: int | None = Field(
        None, ge=1, le=200_000, description="Games in this run, where it should differ from `--games` (a run of "
        "the search AI costs far more a game).")

    def key(self) -> tuple:
        return (tuple(sorted(self.without)), tuple(sorted(self.ai.items())), self.games)

    def label(self) -> str:
        parts = [f"without {', '.join(self.without)}"] if self.without else []
        parts += [f"{f} {level}" for f, level in sorted(self.ai.items())]
        return "; ".join(parts) or "historical"


class Measure(Strict):
    """An end-state claim of the record, as a share of games (or a median turn) that must
    fall within a band, or lie clearly below or above another measure. Exactly one of
    `wins`, `holds`, `low_turn` and `inside` says what is measured."""

    id: Id = Field(description="Short name of the measure; `below`/`above` and the tables use it.")
    name: str = Field(min_length=1, max_length=160, description="What the record says, in a line, for reports.")
    source: SourceRef = Field(description="Id (or ids) in the scenario's `meta.sources` that back this measure.")
    run: RunOf = Field(default_factory=RunOf, description="The games it is taken over (all of the scenario if left out).")
    wins: Id | None = Field(None, description="The share of games this faction wins (or `draw`: that end drawn; `settlement`: that end in a settlement).")
    holds: dict[Id, Holder] = Field(
        default_factory=dict, description="The share of games that end with each of these places held as given "
        "(place id → a faction, `neutral`, or a list).")
    low_turn: Id | None = Field(
        None, description="The median turn of this faction's low point (its fewest places) in the games it "
        "recovered from, as `momentum` in summary.json counts it.")
    inside: Id | None = Field(
        None, description="The share of games inside this dated checkpoint of the file, or `every` for the games "
        "inside all of them (those that look like the war).")
    among_wins_of: Id | None = Field(
        None, description="Count only the games this faction won (for `wins` and `holds`).")
    min: float | None = Field(None, ge=0, description="Least the measure may be: a share from 0 to 1, or a turn.")
    max: float | None = Field(None, ge=0, description="Most the measure may be: a share from 0 to 1, or a turn.")
    below: Id | None = Field(
        None, description="Another measure's id: this one is met only if its 95% interval lies wholly below that "
        "one's (a measurably smaller share).")
    above: Id | None = Field(None, description="As `below`, wholly above.")

    @model_validator(mode="after")
    def _one_thing(self) -> "Measure":
        given = [k for k in ("wins", "holds", "low_turn", "inside") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("a measure needs exactly one of wins, holds, low_turn or inside"
                             + (f" (it has {', '.join(given)})" if given else ""))
        if self.min is None and self.max is None and self.below is None and self.above is None:
            raise ValueError("a measure needs a band (min, max) or a comparison (below, above)")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is more than max ({self.max:g})")
        if self.low_turn is None:
            for bound in ("min", "max"):
                value = getattr(self, bound)
                if value is not None and value > 1:
                    raise ValueError(f"{bound} {value:g}: a share runs from 0 to 1 (0.6 for 60%)")
        elif self.among_wins_of or self.below or self.above:
            raise ValueError("low_turn is a median turn: among_wins_of, below and above apply to shares")
        if not self.source:
            raise ValueError("a measure needs a source: the id of what the record rests on")
        return self


class Targets(Strict):
    """A targets file: the record a scenario is measured against."""

    format_version: Literal[1] = Field(description="Version of this file format. Currently 1.")
    scenario: Id = Field(description="The `meta.id` of the scenario these targets are for.")
    checkpoints: list[Checkpoint] = Field(min_length=1, description="The dated checkpoints, in any order.")
    measures: list[Measure] = Field(
        default_factory=list, description="End-state claims: shares of games and turns, checked by "
        "`sandtable check-targets`.")


@dataclass(frozen=True)
class LoadedTargets:
    targets: Targets
    path: Path

    @property
    def checkpoints(self) -> list[Checkpoint]:
        return self.targets.checkpoints



def default_targets_path(scenario_path: str | Path) -> Path:
    """Where a scenario's targets live: `NAME.targets.yaml` beside `NAME.yaml`."""
    return companion_path(scenario_path, "targets")


def is_targets_file(path: str | Path) -> bool:
    return kind_of(path) == "targets"


def load_targets(path: str | Path, spec: Scenario) -> LoadedTargets:
    """Read and check a targets file against the scenario it is for; ScenarioError with
    every problem located, as for a scenario."""
    targets = load_companion(path, Targets, spec, _check, "a targets file",
                             "format_version:, scenario:, checkpoints:")
    return LoadedTargets(targets, Path(path))


def _check(targets: Targets, spec: Scenario, at) -> None:
    """What needs the scenario: its id, places, factions, sources and span."""
    meta = spec.meta
    if targets.scenario != meta.id:
        at(("scenario",), f"these targets are for scenario '{targets.scenario}', but the scenario is '{meta.id}'")
    places, factions = list(spec.map.places), list(spec.factions)
    holders = factions + [NEUTRAL]
    last_day = meta.start_date + dt.timedelta(days=meta.days_per_turn * meta.last_turn - 1)
    seen: set[str] = set()
    for i, cp in enumerate(targets.checkpoints):
        here = ("checkpoints", i)
        if cp.id in seen:
            at(here + ("id",), f"checkpoint id '{cp.id}' is used twice")
        seen.add(cp.id)
        if isinstance(cp.date, dt.date) and not meta.start_date <= cp.date <= last_day:
            at(here + ("date",), f"{cp.date} is outside the scenario's span ({meta.start_date} to {last_day}, "
                                 f"{meta.last_turn} turns of {meta.days_per_turn} days)")
        _check_sources(at, here, cp.source, meta)
        _check_holds(at, here, cp.holds, places, holders)
        for fid in cp.places:
            if fid not in factions:
                at(here + ("places", fid), f"unknown faction '{fid}'{did_you_mean(fid, factions)}", key=True)
        for g, group in enumerate(cp.divided):
            for j, pid in enumerate(group):
                if pid not in places:
                    at(here + ("divided", g, j), f"unknown place '{pid}'{did_you_mean(pid, places)}")
    _check_measures(targets, spec, at, places, factions, holders)


def _check_sources(at, here: tuple, source, meta) -> None:
    for s in [source] if isinstance(source, str) else source or []:
        if s not in meta.sources:
            at(here + ("source",), f"unknown source '{s}' (not in the scenario's meta.sources)"
                                   f"{did_you_mean(s, meta.sources)}")


def _check_holds(at, here: tuple, holds: dict, places: list, holders: list) -> None:
    for pid, who in holds.items():
        if pid not in places:
            at(here + ("holds", pid), f"unknown place '{pid}'{did_you_mean(pid, places)}", key=True)
        for j, f in enumerate([who] if isinstance(who, str) else who):
            if f not in holders:
                where = here + ("holds", pid) + (() if isinstance(who, str) else (j,))
                at(where, f"unknown faction '{f}'{did_you_mean(f, holders)}; expected one of: {', '.join(holders)}")


def _check_measures(targets: Targets, spec: Scenario, at, places: list, factions: list, holders: list) -> None:
    meta, backers = spec.meta, list(spec.backers)
    ids = [m.id for m in targets.measures]
    seen: set[str] = set()
    for i, m in enumerate(targets.measures):
        here = ("measures", i)
        if m.id in seen:
            at(here + ("id",), f"measure id '{m.id}' is used twice")
        seen.add(m.id)
        _check_sources(at, here, m.source, meta)
        for j, b in enumerate(m.run.without):
            if b not in backers:
                at(here + ("run", "without", j), f"unknown backer '{b}'{did_you_mean(b, backers)}")
        for fid in m.run.ai:
            if fid not in factions:
                at(here + ("run", "ai", fid), f"unknown faction '{fid}'{did_you_mean(fid, factions)}", key=True)
        for key in ("low_turn", "among_wins_of"):
            fid = getattr(m, key)
            if fid is not None and fid not in factions:
                at(here + (key,), f"unknown faction '{fid}'{did_you_mean(fid, factions)}")
        ends = spec.outcomes()
        if m.wins is not None and m.wins not in ends:
            at(here + ("wins",), f"unknown faction '{m.wins}'{did_you_mean(m.wins, factions)}; "
                                 f"expected one of: {', '.join(ends)}")
        _check_holds(at, here, m.holds, places, holders)
        checkpoints = [cp.id for cp in targets.checkpoints] + ["every"]
        if m.inside is not None and m.inside not in checkpoints:
            at(here + ("inside",), f"unknown checkpoint '{m.inside}'{did_you_mean(m.inside, checkpoints)}; "
                                   f"expected one of: {', '.join(checkpoints)}")
        for key in ("below", "above"):
            other = getattr(m, key)
            if other is not None and (other not in ids or other == m.id):
                at(here + (key,), f"'{other}' is not another measure of this file{did_you_mean(other, ids)}")
