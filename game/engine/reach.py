"""Questions half the rules ask: is this place held by an enemy of this side (or open
to its attack), can this drone, aircraft or air-defence battery reach that place from
where it stands, and can this ground unit march that road in a turn.

Each is stated once here, in two forms that must agree: a scalar kernel for the
compiled loops of the rules, the air war, the backers' policy and the AI, and a numpy
form over every place at once for plain code. A place nobody holds (owner -1) is no
enemy's, though it is open to attack.
"""

from __future__ import annotations

import numpy as np

from .jit import kernel


@kernel
def held_by_enemy(f, holder, enemies):
    """Whether a place held by `holder` (-1: nobody) is held by an enemy of side `f`."""
    return holder >= 0 and enemies[f, holder]


@kernel
def attackable(f, holder, enemies):
    """Whether side `f` may attack a place held by `holder`: an enemy's, or nobody's
    (a neutral town is taken by force as well as bought)."""
    return holder < 0 or enemies[f, holder]


def enemy_held(world, owner: np.ndarray, f: int) -> np.ndarray:
    """`held_by_enemy` for every place of `owner` at once (a mask over places)."""
    # np.maximum keeps the index valid for unheld places, which the first test rules out.
    return (owner >= 0) & world.enemies[f, np.maximum(owner, 0)]


@kernel
def within_reach(air_km, t_range, t, base, place):
    """Whether a unit of type `t` standing at `base` reaches `place`: its range, in km as
    the crow flies, covers the distance (an air unit's strike radius, a battery's
    umbrella)."""
    return air_km[base, place] <= t_range[t]


def reaching(world, types: np.ndarray, bases: np.ndarray, place: int) -> np.ndarray:
    """`within_reach` for units of `types` at `bases` at once (a mask over them)."""
    return world.air_km[bases, place] <= world.t_range[types]


@kernel
def marches(t_speed, route_km, t, origin, target):
    """Whether a ground unit of type `t` covers the road from `origin` to `target` in a
    turn's march: its speed, in effective km, is at least the road's (infinite where no
    road joins them). `rules.movement.attack_within_march` holds attacks to it."""
    return t_speed[t] >= route_km[origin, target]


def marching(world, types: np.ndarray, origins: np.ndarray, target: int | None = None) -> np.ndarray:
    """`marches` for units of `types` at `origins` to every place at once: a (unit,
    place) mask, true only along a road or for the place a unit stands on. Given
    `target`, to that place alone (a mask over the units): an attack asks about one
    place, and the whole table cost more than the rest of its check."""
    if target is not None:
        return world.t_speed[types] >= world.route_km[origins, target]
    return world.t_speed[types][:, None] >= world.route_km[origins]
