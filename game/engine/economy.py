"""Money and men: oil revenue by the scenario's economies (a pot for the holder of a
central bank, or fields that pay whoever holds them), other income, upkeep, and what
happens to an army whose paymaster runs dry."""

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
def _oil_total(owner, oil, blockade, economy_of, e, f):
    """What the fields of economy `e` produce (only those faction `f` holds, if f >= 0),
    added as numpy adds `oil_flowing` over them."""
    P = owner.shape[0]
    flowing = np.empty(P)
    k = 0
    for p in range(P):
        if economy_of[p] == e and (f < 0 or owner[p] == f):
            flowing[k] = 0.0 if owner[p] >= 0 and blockade[owner[p]] else oil[p]
            k += 1
    return np_sum(flowing, k)


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


def stream_revenue(state: GameState, e: int, faction: int = -1, shut: bool = True) -> float:
    """Revenue of economy `e` reaching the war chests this turn, in millions of dollars:
    all of it, or what the fields `faction` holds produce; with `shut` false, as if no
    blockade shut any field (what the AI weighs before one)."""
    w = state.world
    blockade = state.blockade if shut else np.zeros(w.F, dtype=bool)
    total = _oil_total(state.owner, state.oil, blockade, w.economy_of, e, faction)
    return total * w.days_per_turn * w.economy_price[e] * w.economy_state_share[e] / 1e6


def bank_share(state: GameState, e: int, faction: int) -> float:
    """A bank-paid economy's share for the faction: the bank's holder gets what the others'
    fixed shares leave."""
    w = state.world
    shares = w.economy_shares[e]
    bank_holders = set(o for o in state.owner[w.economy_banks[e]].tolist() if o >= 0)
    if faction in bank_holders:
        others = sum(shares[i] for i in range(w.F) if i not in bank_holders)
        return max(0.0, 1.0 - others) / len(bank_holders)
    return shares[faction]


def oil_income(state: GameState, faction: int) -> float:
    """What the faction draws from every economy this turn."""
    w = state.world
    out = 0.0
    for e in w.economies_used:
        if w.economy_to_bank[e]:
            out += stream_revenue(state, e) * bank_share(state, e, faction)
        else:
            out += stream_revenue(state, e, faction)
    return out


def oil_revenue(state: GameState) -> float:
    """All the oil revenue reaching the war chests this turn, in millions of dollars."""
    return sum(stream_revenue(state, e) for e in state.world.economies_used)


def revenue_share(state: GameState, faction: int) -> float:
    """The faction's share of all the oil revenue, were no field shut: what it would lose
    most by a blockade. With one economy, its share of that."""
    w = state.world
    pots = {e: stream_revenue(state, e, shut=False) for e in w.economies_used}
    used = [e for e, pot in pots.items() if pot > 0] or w.economies_used[:1]
    if not used:
        return 0.0  # a war with no oil

    def share(e: int) -> float:
        if w.economy_to_bank[e]:
            return bank_share(state, e, faction)
        return stream_revenue(state, e, faction, shut=False) / pots[e] if pots[e] > 0 else 0.0

    if len(used) == 1:
        return share(used[0])
    return sum(pots[e] * share(e) for e in used) / sum(pots[e] for e in used)


def upkeep(state: GameState, faction: int) -> float:
    """Upkeep of the units the faction pays for (its backers pay for those they command)."""
    w = state.world
    return _upkeep(faction, state.n_units, state.u_alive, state.u_owner, state.u_backer, state.u_type, state.u_str,
                   w.t_upkeep, w.t_strength)


def income(state: GameState, faction: int) -> float:
    w = state.world
    inc = w.factions[faction].income
    people = _people(faction, state.owner, w.population)
    return inc.base + inc.per_100k_population * people / 100_000.0 + oil_income(state, faction)


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
