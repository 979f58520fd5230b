"""Orders a faction can give: small immutable values that serialise to JSON.

Places, backers, packages, unit types and scenario events are named by their
scenario ids (so saves and replays read well); units by their index in the game.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True, slots=True)
class Move:
    unit: int
    to: str


@dataclass(frozen=True, slots=True)
class Attack:
    """Every ready ground unit the faction commands at `origin` attacks `target`."""

    origin: str
    target: str


@dataclass(frozen=True, slots=True)
class DroneStrike:
    """One sortie of a drone or aircraft unit. `kind`: units, air_defence or supply."""

    unit: int
    target: str
    kind: str = "units"


@dataclass(frozen=True, slots=True)
class Relocate:
    """Move a drone, aircraft or air-defence unit to another held airbase or place."""

    unit: int
    to: str


@dataclass(frozen=True, slots=True)
class Recruit:
    unit_type: str
    place: str


@dataclass(frozen=True, slots=True)
class RequestSupport:
    backer: str
    package: str


@dataclass(frozen=True, slots=True)
class BuyAllegiance:
    place: str


@dataclass(frozen=True, slots=True)
class SetBlockade:
    on: bool


@dataclass(frozen=True, slots=True)
class ChooseOption:
    event: str
    option: str


@dataclass(frozen=True, slots=True)
class EndTurn:
    pass


Action = Move | Attack | DroneStrike | Relocate | Recruit | RequestSupport | BuyAllegiance | SetBlockade | ChooseOption | EndTurn
ACTION_TYPES = {cls.__name__: cls for cls in (Move, Attack, DroneStrike, Relocate, Recruit, RequestSupport, BuyAllegiance, SetBlockade, ChooseOption, EndTurn)}


def action_to_json(action: Action) -> dict:
    return {"type": type(action).__name__, **asdict(action)}


def action_from_json(data: dict) -> Action:
    if not isinstance(data, dict) or data.get("type") not in ACTION_TYPES:
        raise ValueError(f"not an action: {data!r}")
    cls = ACTION_TYPES[data["type"]]
    names = {f.name for f in fields(cls)}
    args = {k: v for k, v in data.items() if k != "type"}
    if set(args) != names:
        raise ValueError(f"{cls.__name__} needs fields {sorted(names)}, got {sorted(args)}")
    return cls(**args)
