"""Ground combat: a week of fighting for one place, resolved in one draw.

Power = strength × quality × supply × morale × (1 + artillery + air cover), and the
defender's is multiplied by its terrain. The ratio, scaled by a log-normal random
factor, decides who holds the place; both sides lose a share of strength that grows
with the odds against them. A big city falls slowly because urban terrain more than
doubles its defenders and every failed assault still costs the attacker.
"""

from __future__ import annotations

import math

import numpy as np

from .air import air_units_in_range, intercept_chance, spend_support_sortie
from .events import Event
from .politics import civilian_harm
from .state import GameState
from .supply import supplied


def morale(state: GameState, faction: int) -> float:
    floor = state.world.spec.rules.combat.morale_floor
    return floor + (1.0 - floor) * state.cohesion[faction] / 100.0


def attackers_at(state: GameState, faction: int, place: int) -> np.ndarray:
    """Units that join an attack from `place`: the faction's ready ground units there,
    including any a backer commands — they fight beside the client where they stand."""
    w = state.world
    n = state.n_units
    mask = (state.u_alive[:n] & state.u_ready[:n] & (state.u_place[:n] == place)
            & (state.u_owner[:n] == faction))
    idx = np.nonzero(mask)[0]
    return idx[w.t_ground[state.u_type[idx]]]


def defenders_at(state: GameState, place: int) -> np.ndarray:
    """The holder's ground and air-defence units at a place (none at a neutral one)."""
    w = state.world
    owner = int(state.owner[place])
    if owner < 0:
        return np.zeros(0, dtype=np.int64)
    idx = state.units_at(place, owner)
    return idx[w.t_ground[state.u_type[idx]] | w.t_ad[state.u_type[idx]]]


def _power(state: GameState, units: np.ndarray, faction: int, in_supply: bool) -> float:
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


def air_cover(state: GameState, faction: int, place: int) -> float:
    """Expected share of air support a faction can bring over a place (0..1)."""
    if len(air_units_in_range(state, faction, place)) == 0:
        return 0.0
    return 1.0 - intercept_chance(state, faction, place)


def battle_power(state: GameState, faction: int, origin: int, target: int) -> tuple[float, float]:
    """Expected attacker and defender power for an attack, before the random factor."""
    w = state.world
    rules = w.spec.rules.combat
    atk = attackers_at(state, faction, origin)
    a_power = _power(state, atk, faction, bool(supplied(state, faction)[origin]))
    a_power *= 1.0 + rules.air_support * air_cover(state, faction, target)
    owner = int(state.owner[target])
    # Armed locals fight for a neutral place, and for a held one that has kept its first allegiance.
    d_power = float(state.local_defence[target])
    if owner >= 0:
        dfd = defenders_at(state, target)
        d_power += _power(state, dfd, owner, bool(supplied(state, owner)[target]))
        d_power *= 1.0 + rules.air_support * air_cover(state, owner, target)
    return a_power, d_power * w.terrain_defence[target]


def win_chance(state: GameState, faction: int, origin: int, target: int) -> float:
    """Chance the attack takes the place: P(log-normal noise lifts the ratio past 1)."""
    a, d = battle_power(state, faction, origin, target)
    if a <= 0:
        return 0.0
    if d <= 0:
        return 1.0
    noise = state.world.spec.rules.combat.noise
    z = math.log(a / d) / max(noise, 1e-6)
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def _take_losses(state: GameState, units: np.ndarray, frac: float) -> float:
    """Take a share of the units' strength; return all they lost, a unit worn below the
    floor and so disbanded included."""
    before = float(np.sum(state.u_str[units]))
    state.u_str[units] *= 1.0 - frac
    state.prune(units)
    return before - float(np.sum(state.u_str[units]))


def retreat_destination(state: GameState, faction: int, place: int) -> int | None:
    """Where beaten defenders fall back: the held neighbour that is best supplied and nearest."""
    w = state.world
    sup = supplied(state, faction)
    options = [n for n in w.neighbours[place] if state.owner[n] == faction]
    if not options:
        return None
    return min(options, key=lambda n: (not sup[n], w.route_km[place, n], n))


def capture(state: GameState, faction: int, place: int) -> float:
    """Change a place's owner (-1: it turns neutral); whoever else is left there falls
    back to a neighbour their side holds, or is lost. Returns the strength lost for want
    of somewhere to fall back to."""
    w = state.world
    old = int(state.owner[place])
    state.set_owner(place, faction)
    state.local_defence[place] = 0.0
    if old >= 0:
        state.places_lost[old] += 1
        pol = w.spec.rules.politics
        loss = pol.cohesion_per_loss + pol.cohesion_per_point * float(w.vp[place])
        state.cohesion[old] = max(0.0, state.cohesion[old] - loss)
        if faction >= 0:
            # Winning lifts a coalition as losing frays it, so a place that changes hands
            # back and forth does not by itself wear both sides out.
            state.cohesion[faction] = min(100.0, state.cohesion[faction] + pol.cohesion_gain_share * loss)
    trapped = 0.0
    for u in state.units_at(place):
        o = int(state.u_owner[u])
        if o == faction:
            continue
        dest = retreat_destination(state, o, place)
        if dest is None:
            trapped += float(state.u_str[u])
            state.kill(int(u))
        else:
            state.u_place[u] = dest
    return trapped


def resolve_attack(state: GameState, faction: int, origin: int, target: int) -> list[Event]:
    w = state.world
    rules = w.spec.rules.combat
    name, fshort = w.place_name(target), w.faction_short(faction)
    atk = attackers_at(state, faction, origin)
    owner = int(state.owner[target])
    dfd = defenders_at(state, target) if owner >= 0 else np.zeros(0, dtype=np.int64)
    a_power, d_power = battle_power(state, faction, origin, target)
    # Spend one sortie of air support on each side that had it counted.
    spend_support_sortie(state, faction, target)
    if owner >= 0:
        spend_support_sortie(state, owner, target)
    state.u_ready[atk] = False
    if d_power <= 0:
        capture(state, faction, target)
        state.u_place[atk] = target
        return [Event("capture", f"{fshort} takes {name} unopposed", state.turn, w.faction_ids[faction],
                      {"place": w.place_ids[target], "from": w.place_ids[origin]})]
    ratio = a_power / d_power * math.exp(rules.noise * float(state.rng.standard_normal()))
    a_frac = min(rules.max_loss, rules.loss_rate * float(np.clip(1.0 / ratio, 0.25, 3.0)))
    d_frac = min(rules.max_loss, rules.loss_rate * float(np.clip(ratio, 0.25, 3.0)))
    a_lost = _take_losses(state, atk, a_frac)
    d_lost = _take_losses(state, dfd, d_frac) if owner >= 0 else 0.0
    locals_lost = float(state.local_defence[target]) * d_frac
    state.local_defence[target] -= locals_lost
    d_lost += locals_lost
    art = float(np.sum(state.u_str[atk][w.t_artillery[state.u_type[atk]]])) > 0
    harm = civilian_harm(state, faction, target, rules.battle_harm * (rules.artillery_harm if art else 1.0))
    won = ratio >= 1.0
    data = {"origin": w.place_ids[origin], "place": w.place_ids[target], "ratio": round(ratio, 3),
            "attacker_lost": round(a_lost), "defender_lost": round(d_lost), "won": won, "harm": round(harm, 1),
            "defender": w.faction_ids[owner] if owner >= 0 else None}
    if not won:
        return [Event("battle", f"{fshort} assault on {name} repulsed ({a_lost:.0f} vs {d_lost:.0f} lost)",
                      state.turn, w.faction_ids[faction], data)]
    routed = ratio >= rules.rout_ratio and owner >= 0
    if routed:
        d_lost += _take_losses(state, dfd[state.u_alive[dfd]], rules.rout_loss)
        state.cohesion[owner] = max(0.0, state.cohesion[owner] - w.spec.rules.politics.cohesion_per_loss)
    d_lost += capture(state, faction, target)
    data["defender_lost"] = round(d_lost)
    alive = atk[state.u_alive[atk]]
    state.u_place[alive] = target
    verb = "routs the defenders of" if routed else "takes"
    data["routed"] = routed
    return [Event("battle", f"{fshort} {verb} {name} ({a_lost:.0f} vs {d_lost:.0f} lost)", state.turn,
                  w.faction_ids[faction], data)]
