"""Money and men: oil revenue to the holder of the central bank, other income,
upkeep, and what happens to an army whose paymaster runs dry."""

from __future__ import annotations

import numpy as np

from .reports import Report
from .gauges import shift
from .jit import kernel, np_sum
from .state import GameState


def oil_flowing(state: GameState) -> np.ndarray:
    """Barrels per day actually produced at each place: a blockader's fields are shut."""
    shut = np.zeros(state.world.P, dtype=bool)
    held = state.owner >= 0
    shut[held] = state.blockade[state.owner[held]]
    return np.where(shut, 0.0, state.oil)


@kernel
def _oil_total(owner, oil, blockade):
    """Total of `oil_flowing`, added as numpy adds it."""
    P = owner.shape[0]
    flowing = np.empty(P)
    for p in range(P):
        flowing[p] = 0.0 if owner[p] >= 0 and blockade[owner[p]] else oil[p]
    return np_sum(flowing, P)


@kernel
def _people(f, owner, population):
    """People living in the faction's places, added as numpy adds them."""
    held = np.empty(owner.shape[0])
    k = 0
    for p in range(owner.shape[0]):
        if owner[p] == f:
            held[k] = population[p]
            k += 1
    return np_sum(held, k)


@kernel
def _upkeep(f, n, u_alive, u_owner, u_backer, u_type, u_str, t_upkeep, t_strength):
    cost = np.empty(max(n, 1))
    k = 0
    for u in range(n):
        if u_alive[u] and u_owner[u] == f and u_backer[u] < 0:
            t = u_type[u]
            cost[k] = t_upkeep[t] * u_str[u] / t_strength[t]
            k += 1
    return np_sum(cost, k)


def oil_revenue(state: GameState) -> float:
    """National oil revenue reaching the war chests this turn, in millions of dollars."""
    w = state.world
    eco = w.rules.economy
    return _oil_total(state.owner, state.oil, state.blockade) * w.days_per_turn * eco.oil_price_usd * eco.state_share / 1e6


def revenue_share(state: GameState, faction: int) -> float:
    """The central bank's holder gets what the others' fixed shares leave."""
    w = state.world
    shares = w.oil_shares
    bank_holders = set(o for o in state.owner[w.bank_places].tolist() if o >= 0)
    if faction in bank_holders:
        others = sum(shares[i] for i in range(w.F) if i not in bank_holders)
        return max(0.0, 1.0 - others) / len(bank_holders)
    return shares[faction]


def upkeep(state: GameState, faction: int) -> float:
    """Upkeep of the units the faction pays for (its backers pay for those they command)."""
    w = state.world
    return _upkeep(faction, state.n_units, state.u_alive, state.u_owner, state.u_backer, state.u_type, state.u_str,
                   w.t_upkeep, w.t_strength)


def income(state: GameState, faction: int) -> float:
    w = state.world
    inc = w.factions[faction].income
    people = _people(faction, state.owner, w.population)
    return inc.base + inc.per_100k_population * people / 100_000.0 + oil_revenue(state) * revenue_share(state, faction)


def income_phase(state: GameState, faction: int) -> list[Report]:
    w = state.world
    fid = w.faction_ids[faction]
    earned = income(state, faction)
    cost = upkeep(state, faction)
    state.treasury[faction] += earned - cost
    state.manpower[faction] += w.factions[faction].manpower_per_turn
    events = []
    if state.blockade[faction]:
        shift(state, "legitimacy", faction, -w.rules.economy.blockade_legitimacy, "the oil blockade")
    if state.treasury[faction] < 0:
        # Unpaid fighters drift away and the coalition frays.
        n = state.n_units
        mask = state.u_alive[:n] & (state.u_owner[:n] == faction) & (state.u_backer[:n] < 0)
        eco = w.rules.economy
        state.u_str[:n][mask] *= 1.0 - eco.unpaid_desertion
        shift(state, "cohesion", faction, -eco.unpaid_cohesion, "fighters unpaid")
        events.append(Report("economy", f"{w.faction_short(faction)} cannot pay its fighters; some go home",
                            state.turn, fid, {"treasury": round(float(state.treasury[faction]), 1)}))
    return events
