"""The rules engine: pure Python and numpy, no pygame and nothing from ai, lab or client.

    world = World(loaded.spec, loaded.sha256)
    state = new_game(world, seed=7)
    for action in legal_actions(state): ...
    reports = apply(state, action)         # or IllegalAction with a readable reason
"""

from __future__ import annotations

from .actions import (
    Action,
    Attack,
    BreakTruce,
    BuyAllegiance,
    ChooseOption,
    DroneStrike,
    EndTurn,
    Fortify,
    Merge,
    Move,
    Recruit,
    Relocate,
    RequestSupport,
    SendPackage,
    SetBlockade,
    Split,
    action_from_json,
    action_to_json,
)
from .reports import Report
from .rules import IllegalAction, apply, legal_actions, why_illegal
from .state import GameState
from .turn import new_game
from .world import World


__all__ = [
    "Action", "Attack", "BreakTruce", "BuyAllegiance", "ChooseOption", "DroneStrike", "EndTurn", "Fortify", "GameState",
    "IllegalAction", "Merge", "Move", "Recruit", "Relocate", "Report", "RequestSupport", "SendPackage", "SetBlockade",
    "Split", "World",
    "action_from_json", "action_to_json", "apply", "legal_actions", "new_game", "why_illegal",
]
