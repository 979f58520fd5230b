"""Munitions that strikes use up: each side's stocks, what one strike spends, and what
comes in (its own output each turn, and what packages bring). A type with no
`munition` strikes without counting anything, as every type did before stocks."""

from __future__ import annotations

import numpy as np

from .state import GameState


def armed_strike(state: GameState, faction: int) -> np.ndarray:
    """The strike figure of each unit type as the faction can use it now: a type whose
    munition the side has run out of strikes for nothing, so the rules' lists of strikes
    (which ask for a strike above 0) leave it out."""
    w = state.world
    if w.M == 0:
        return w.t_strike
    empty = (w.t_munition >= 0) & (state.stocks[faction, np.maximum(w.t_munition, 0)] <= 0)
    return np.where(empty, 0.0, w.t_strike) if empty.any() else w.t_strike


def armed_figures(state: GameState, faction: int) -> np.ndarray:
    """The type figures (`world.type_figures`) with the strike row as `armed_strike` has it."""
    w = state.world
    strike = armed_strike(state, faction)
    if strike is w.t_strike:
        return w.type_figures
    figures = w.type_figures.copy()
    figures[4] = strike
    return figures


def why_unarmed(state: GameState, unit: int) -> str | None:
    """Why the unit cannot strike for want of munitions, or None."""
    w = state.world
    m = int(w.t_munition[state.u_type[unit]])
    if m >= 0 and state.stocks[state.u_owner[unit], m] <= 0:
        return f"no {w.spec.munitions[w.munition_ids[m]].name.lower()} left"
    return None


def spend(state: GameState, unit: int) -> None:
    """A strike is flown: it uses one of its side's munitions, whether it gets through or not."""
    m = int(state.world.t_munition[state.u_type[unit]])
    if m >= 0:
        state.stocks[state.u_owner[unit], m] -= 1


def made(state: GameState, faction: int) -> None:
    """What the side makes or buys itself each turn comes in."""
    if state.world.M:
        state.stocks[faction] += state.world.stocks_per_turn[faction]


def delivered(state: GameState, faction: int, stocks: dict[str, int]) -> str:
    """A package's munitions join the client's stocks; returns what came, in words."""
    w = state.world
    for mid, count in stocks.items():
        state.stocks[faction, w.midx[mid]] += count
    return ", ".join(f"{count:,} {w.spec.munitions[mid].name.lower()}" for mid, count in stocks.items())
