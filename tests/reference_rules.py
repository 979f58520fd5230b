"""Plain statements of the rules whose live versions are compiled kernels.

Each function here is the rule written the obvious way, with numpy over the state's
arrays and nothing cached. The engine's kernels must agree with them bit for bit
(tests/test_kernels.py); they are test oracles, not used by the game.
"""

from __future__ import annotations

import math

import numpy as np

from game.engine.combat import air_cover, attackers_at, defenders_at, morale
from game.engine.state import GameState
from game.engine.supply import supplied


def power(state: GameState, units: np.ndarray, faction: int, in_supply: bool) -> float:
    w = state.world
    if len(units) == 0:
        return 0.0
    t = state.u_type[units]
    strength = state.u_str[units]
    base = float(np.sum(strength * (w.t_quality[t] + state.quality_bonus[faction])))
    art_share = float(np.sum(strength[w.t_artillery[t]])) / max(float(np.sum(strength)), 1.0)
    rules = w.spec.rules.combat
    mult = morale(state, faction) * (1.0 if in_supply else rules.out_of_supply)
    mult *= 1.0 + rules.artillery_support * min(1.0, art_share / rules.artillery_full_share)
    return base * mult


def battle_power(state: GameState, faction: int, origin: int, target: int) -> tuple[float, float]:
    w = state.world
    rules = w.spec.rules.combat
    atk = attackers_at(state, faction, origin)
    a_power = power(state, atk, faction, bool(supplied(state, faction)[origin]))
    a_power *= 1.0 + rules.air_support * air_cover(state, faction, target)
    owner = int(state.owner[target])
    d_power = float(state.local_defence[target])
    if owner >= 0:
        dfd = defenders_at(state, target)
        d_power += power(state, dfd, owner, bool(supplied(state, owner)[target]))
        d_power *= 1.0 + rules.air_support * air_cover(state, owner, target)
    return a_power, d_power * w.terrain_defence[target]


def win_chance(state: GameState, faction: int, origin: int, target: int) -> float:
    a, d = battle_power(state, faction, origin, target)
    if a <= 0:
        return 0.0
    if d <= 0:
        return 1.0
    noise = state.world.spec.rules.combat.noise
    z = math.log(a / d) / max(noise, 1e-6)
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
