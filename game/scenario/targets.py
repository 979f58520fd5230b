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


class Targets(Strict):
    """A targets file: the record a scenario is measured against."""

    format_version: Literal[1] = Field(description="Version of this file format. Currently 1.")
    scenario: Id = Field(description="The `meta.id` of the scenario these targets are for.")
    checkpoints: list[Checkpoint] = Field(min_length=1, description="The dated checkpoints, in any order.")


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
        for s in [cp.source] if isinstance(cp.source, str) else cp.source or []:
            if s not in meta.sources:
                at(here + ("source",), f"unknown source '{s}' (not in the scenario's meta.sources)"
                                       f"{did_you_mean(s, meta.sources)}")
        for pid, who in cp.holds.items():
            if pid not in places:
                at(here + ("holds", pid), f"unknown place '{pid}'{did_you_mean(pid, places)}", key=True)
            for j, f in enumerate([who] if isinstance(who, str) else who):
                if f not in holders:
                    where = here + ("holds", pid) + (() if isinstance(who, str) else (j,))
                    at(where, f"unknown faction '{f}'{did_you_mean(f, holders)}; "
                              f"expected one of: {', '.join(holders)}")
        for fid in cp.places:
            if fid not in factions:
                at(here + ("places", fid), f"unknown faction '{fid}'{did_you_mean(fid, factions)}", key=True)
        for g, group in enumerate(cp.divided):
            for j, pid in enumerate(group):
                if pid not in places:
                    at(here + ("divided", g, j), f"unknown place '{pid}'{did_you_mean(pid, places)}")
