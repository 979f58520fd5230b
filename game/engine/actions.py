"""Orders a faction can give: small immutable values that serialise to JSON.

Places, backers, packages, unit types and scenario events are named by their
scenario ids (so saves and replays read well); units by their index in the game.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, fields


@dataclass(frozen=True, slots=True)
class Move:
    unit: int
    to: str


@dataclass(frozen=True, slots=True)
class Attack:
    """Ready ground units the faction commands at `origin` attack `target`: those named in
    `units`, or every one of them if it is None. Those left out stay where they are, ready."""

    origin: str
    target: str
    units: tuple[int, ...] | None = None


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
class Split:
    """`strength` fighters leave ground unit `unit` as a new unit of the same type, at
    the same place and as ready as it was (rules in `stacks`)."""

    unit: int
    strength: float


@dataclass(frozen=True, slots=True)
class Merge:
    """Ground unit `unit` joins `into`: same type, side and place; the merged unit can
    still act this turn only if both could (rules in `stacks`)."""

    unit: int
    into: int


@dataclass(frozen=True, slots=True)
class Recruit:
    unit_type: str
    place: str


@dataclass(frozen=True, slots=True)
class RequestSupport:
    backer: str
    package: str


@dataclass(frozen=True, slots=True)
class SendPackage:
    """A seated backer's order, given in its step at the start of its client's turn:
    send one of its packages, paid from its own budget (rules in `backers`)."""

    backer: str
    package: str


@dataclass(frozen=True, slots=True)
class BuyAllegiance:
    place: str


@dataclass(frozen=True, slots=True)
class Fortify:
    """Dig a level of works at a place the faction holds (rules in `fortifications`)."""

    place: str


@dataclass(frozen=True, slots=True)
class SetBlockade:
    on: bool


@dataclass(frozen=True, slots=True)
class BreakTruce:
    """Break the truce that holds and fight on at once, at the price the scenario sets
    (rules in `peace`)."""


@dataclass(frozen=True, slots=True)
class ChooseOption:
    event: str
    option: str


@dataclass(frozen=True, slots=True)
class EndTurn:
    pass


Action = (Move | Attack | DroneStrike | Relocate | Split | Merge | Recruit | RequestSupport | SendPackage
          | BuyAllegiance | Fortify | SetBlockade | BreakTruce | ChooseOption | EndTurn)
ACTION_TYPES = {cls.__name__: cls for cls in (Move, Attack, DroneStrike, Relocate, Split, Merge, Recruit, RequestSupport,
                                              SendPackage, BuyAllegiance, Fortify, SetBlockade, BreakTruce, ChooseOption,
                                              EndTurn)}
_REQUIRED = {cls: {f.name for f in fields(cls) if f.default is MISSING} for cls in ACTION_TYPES.values()}


def action_to_json(action: Action) -> dict:
    # An optional field left at None is left out, so orders read as they did before it existed.
    data = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(action).items()}
    return {"type": type(action).__name__, **{k: v for k, v in data.items() if v is not None or k in _REQUIRED[type(action)]}}


def action_from_json(data: dict) -> Action:
    if not isinstance(data, dict) or data.get("type") not in ACTION_TYPES:
        raise ValueError(f"not an action: {data!r}")
    cls = ACTION_TYPES[data["type"]]
    names = {f.name for f in fields(cls)}
    args = {k: v for k, v in data.items() if k != "type"}
    if not _REQUIRED[cls] <= set(args) <= names:
        raise ValueError(f"{cls.__name__} needs fields {sorted(_REQUIRED[cls])} (and may have "
                         f"{sorted(names - _REQUIRED[cls])}), got {sorted(args)}")
    if cls is Attack and args.get("units") is not None:
        units = args["units"]
        if not isinstance(units, list) or not all(type(u) is int for u in units):
            raise ValueError(f"Attack units must be a list of unit numbers, got {units!r}")
        args["units"] = tuple(units)
    return cls(**args)
