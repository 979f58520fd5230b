"""The utility AI's considerations, compiled: ground power and threat per place, and the
scores of strikes, attacks and moves.

Each kernel computes what the plain statement of the AI (tests/reference_ai.py) does
for one candidate at a time, for all candidates in one pass, with the same arithmetic
in the same order, so that both pick the same order bit for bit.
"""

from __future__ import annotations

import numpy as np

from ..engine.air import _intercepts
from ..engine.combat import N_TERMS, _air_units_into, _battle_powers_with, _by_place_into, odds
from ..engine.jit import kernel, np_sum
from ..engine.reach import held_by_enemy
from ..engine.rules import _attack_pairs, _strike_reach

# A place is held when what stands in it (with its terrain) is this many times the enemy
# strength that could reach it next turn; only the shortfall calls for more troops, and
# only what is beyond it is free to leave. Battles are decided by a noisy ratio, so a
# bare match is a coin flip.
HOLD_MARGIN = 2.0


@kernel
def ground_power_into(n, u_alive, u_type, u_owner, u_place, u_str, t_ground, t_quality, power):
    """Ground strength × quality per (faction, place), added in unit order."""
    power[:, :] = 0.0
    for u in range(n):
        t = u_type[u]
        if u_alive[u] and t_ground[t]:
            power[u_owner[u], u_place[u]] += u_str[u] * t_quality[t]


@kernel
def enemy_into(f, enemies, power, enemy):
    """Enemy ground power per place."""
    F, P = power.shape
    enemy[:] = 0.0
    for g in range(F):
        if enemies[f, g]:
            for p in range(P):
                enemy[p] += power[g, p]


@kernel
def threat_into(enemy, hostile, owner, nbr_ptr, nbr_idx, threat):
    """What of the enemy's ground power (`enemy_into`) could strike each place next
    turn: from hostile neighbours, and at half weight from one step further back, through
    a hostile place or a neutral one (which an enemy column takes on its way; counting
    only hostile steps left a defender blind to a march through a town nobody holds)."""
    P = enemy.shape[0]
    near = np.zeros(P)
    for p in range(P):
        for j in range(nbr_ptr[p], nbr_ptr[p + 1]):
            if hostile[nbr_idx[j]]:
                near[p] += enemy[nbr_idx[j]]
    for p in range(P):
        total = 0.0
        for j in range(nbr_ptr[p], nbr_ptr[p + 1]):
            q = nbr_idx[j]
            if hostile[q] or owner[q] < 0:
                total += enemy[q] + 0.5 * near[q]
        threat[p] = total


@kernel
def fronts_into(f, owner, enemies, values, nbr_ptr, nbr_idx, hostile, front_near, border, staging):
    """Places held by the faction's enemies (`hostile`); places on or next to its own
    front line (`front_near`); the places it holds from which it could attack a
    neighbour, enemy or neutral (`border`); and for each of those, the value of the
    best neighbour it could attack (`staging`, 0 elsewhere)."""
    P = owner.shape[0]
    for p in range(P):
        hostile[p] = held_by_enemy(f, owner[p], enemies)
    front = np.zeros(P, dtype=np.bool_)
    for p in range(P):
        staging[p] = 0.0
        border[p] = False
        if owner[p] != f:
            continue
        for j in range(nbr_ptr[p], nbr_ptr[p + 1]):
            q = nbr_idx[j]
            if hostile[q]:
                front[p] = True
            if hostile[q] or owner[q] < 0:
                if not border[p] or values[q] > staging[p]:
                    staging[p] = values[q]
                border[p] = True
    for p in range(P):
        front_near[p] = front[p]
        for j in range(nbr_ptr[p], nbr_ptr[p + 1]):
            if front[nbr_idx[j]]:
                front_near[p] = True


@kernel
def best_strike(flyers, reach, enemy, front_near, intercept, values, strike_cost, ground, cover):
    """The strike worth most: (unit, place, kind, score), kind 0 for troops and 1 for air
    defence, unit −1 if none scores above 0. Each target is scored once, for the first
    squadron that can reach it; the first best wins. Troops are worth less to strike where
    their ground shelters them (`ground`, each place's defence, to the power `cover`:
    `rules.air.cover`)."""
    P = values.shape[0]
    best_u, best_p, best_k, best = -1, -1, -1, 0.0
    seen = np.zeros(P, dtype=np.bool_)
    for kind in range(2):
        seen[:] = False
        for i in range(flyers.shape[0]):
            for p in range(P):
                if not reach[i, kind, p] or seen[p]:
                    continue
                seen[p] = True
                risk = intercept[p]
                if kind == 0:
                    gain = enemy[p] / 1000.0 * (2.0 if front_near[p] else 0.7) * (1.0 + 0.2 * values[p])
                    if cover != 0.0:
                        gain /= ground[p] ** cover
                    gain -= strike_cost[p]
                else:
                    gain = 3.0 * risk + (1.5 if front_near[p] else 0.3)
                score = gain * (1.0 - risk)
                if score > best:
                    best_u, best_p, best_k, best = flyers[i], p, kind, score
    return best_u, best_p, best_k, best


@kernel
def attack_gains(f, origins, targets, a_power, d_power, noise, need, aggression, caution, values,
                 battle_cost, terrain, local_defence, garrison, power, enemy, hostile, nbr_ptr, nbr_idx, ptr, idx,
                 u_ready, u_type, u_owner, u_str, t_ground, t_quality, chance, gain):
    """For each attack, its chance of taking the place, and (where that chance is at
    least `need`, else NaN) what it is worth before any red line: the place's value at
    those odds, less the standing lost among civilians, weighed by whether the force
    can hold the place and by what the origin is left exposed to. `ptr` and `idx` group
    the living units by place (`combat._by_place`)."""
    going_of = np.empty(max(idx.shape[0], 1))
    for i in range(origins.shape[0]):
        origin, target = origins[i], targets[i]
        p = odds(a_power[i], d_power[i], noise)
        chance[i] = p
        if p < need:
            gain[i] = np.nan
            continue
        # The standing a battle costs: harm to the town's people, and for a place that
        # sides with nobody the rule's price of widening the war, which an empty base pays too.
        g = p * values[target] * (0.5 + 0.5 * aggression) - battle_cost[target]
        k = 0
        for j in range(ptr[origin], ptr[origin + 1]):
            u = idx[j]
            if u_ready[u] and u_owner[u] == f and t_ground[u_type[u]]:
                going_of[k] = u_str[u] * t_quality[u_type[u]]
                k += 1
        going = np_sum(going_of, k)
        counter = 0.0
        for j in range(nbr_ptr[target], nbr_ptr[target + 1]):
            q = nbr_idx[j]
            if q != origin and hostile[q]:
                counter += enemy[q]
        hold = min(1.0, going * terrain[target] / (counter + 1.0))
        if garrison[target] > 0:
            # A town whose people chose the enemy stays taken only under a garrison.
            hold = min(hold, going / garrison[target])
        g *= 0.3 + 0.7 * hold
        left = power[f, origin] - going + local_defence[origin]
        exposed = 0.0
        for j in range(nbr_ptr[origin], nbr_ptr[origin + 1]):
            q = nbr_idx[j]
            if q != target and hostile[q]:
                exposed += enemy[q]
        if exposed > 0:
            g -= caution * values[origin] * min(1.0, exposed / (left * terrain[origin] + 1.0)) * 0.5
        if garrison[origin] > 0:
            # ... and a town whose people chose the enemy rises behind a garrison that leaves it.
            g -= values[origin] * max(0.0, 1.0 - (power[f, origin] - going) / garrison[origin])
        gain[i] = g


@kernel
def reach_lists(reach):
    """A (unit, place) mask as lists: unit i's places are idx[ptr[i]:ptr[i + 1]], in place order."""
    k, P = reach.shape
    ptr = np.zeros(k + 1, dtype=np.int64)
    for i in range(k):
        ptr[i + 1] = ptr[i]
        for p in range(P):
            ptr[i + 1] += reach[i, p]
    idx = np.empty(ptr[k], dtype=np.int64)
    j = 0
    for i in range(k):
        for p in range(P):
            if reach[i, p]:
                idx[j] = p
                j += 1
    return ptr, idx


@kernel
def defence_into(f, power, threat, local_defence, garrison, terrain, capital, values, supplied, caution, stand,
                 defend):
    """Per place, what stands in it with its terrain (`stand`), and what troops are
    worth there for holding it (`defend`): the shortfall between `stand` and HOLD_MARGIN
    times its threat, or (in a town whose people chose the enemy) the want of its
    garrison, times its value and the side's caution; a third of that where the place
    is cut off from supply. A seat of government at risk (`capital` marks them: see
    `utility.capitals_at_risk`) left to its armed locals with the enemy at the gates is a
    signal to every wavering ally: it needs troops of its own first."""
    P = values.shape[0]
    for p in range(P):
        own = power[f, p]
        stand[p] = (own + local_defence[p]) * terrain[p]
        shortfall = max(HOLD_MARGIN * threat[p] - stand[p], garrison[p] - own, 0.0)
        scale = 1.0 if supplied[p] else 0.3
        defend[p] = caution * shortfall * values[p] / 1000.0 * scale
        if capital[p] > 0 and own <= 0:
            defend[p] = max(defend[p], caution * values[p])


@kernel
def held_back_into(movers, reach_ptr, reach_idx, u_alive, u_ready, u_place, defend, vacated, held_back):
    """Per place, the greatest defence need (`defend`) among the other places that one
    of the side's ready units there could move to this turn: what an attack from the
    place leaves undone (`Personality.concentration`)."""
    held_back[:] = 0.0
    for i in range(movers.shape[0]):
        u = movers[i]
        if not (u_alive[u] and u_ready[u]):
            continue
        here = u_place[u]
        for j in range(reach_ptr[i], reach_ptr[i + 1]):
            p = reach_idx[j]
            if p != here and not vacated[p] and defend[p] > held_back[here]:
                held_back[here] = defend[p]


@kernel
def best_move(f, movers, reach_ptr, reach_idx, mover_home, home_ties, u_alive, u_ready, u_type, u_place, u_str,
              t_ground, t_quality, power, threat, local_defence, garrison, terrain, capital, values, staging, supplied,
              caution, drive, massing, vacated):
    """The move worth most: (unit, place, score), unit −1 if none scores above 0.

    A place needs troops for holding it (`defence_into`), and (at `drive` = boldness ×
    aggression) as a staging post next to places worth taking, a pull that halves once
    `massing` (the faction's personality) stands there already; a unit leaves a place
    only for one that needs it more than its own place does. It never bares a threatened
    place, nor leaves a capital at risk without troops of its own. A threatened place
    is worth less to a unit that could not, with what already stands there, match the
    enemy that threatens it. For a unit of a militia, the need and the cost of leaving
    at the militia's home town (`mover_home`) count (1 + `home_ties`) times. No unit
    goes where `vacated` marks that its side moved a unit out of this turn: scored one
    at a time, moves would otherwise trade units back and forth between two places that
    each need a little more than the other. The places mover i can reach are
    reach_idx[reach_ptr[i]:reach_ptr[i + 1]], in place order."""
    P = values.shape[0]
    need = np.empty(P)
    defend = np.empty(P)
    stand = np.empty(P)
    defence_into(f, power, threat, local_defence, garrison, terrain, capital, values, supplied, caution, stand, defend)
    for p in range(P):
        scale = 1.0 if supplied[p] else 0.3
        need[p] = defend[p] + drive * staging[p] / (1.0 + power[f, p] / massing) * scale
    best_u, best_p, best = -1, -1, 0.0
    for i in range(movers.shape[0]):
        u = movers[i]
        if not (u_alive[u] and u_ready[u]):
            continue
        t = u_type[u]
        here = u_place[u]
        left = max(power[f, here] - u_str[u] * t_quality[t], 0.0)
        if not t_ground[t] or (threat[here] > 0 and left + local_defence[here] <= 0) or (capital[here] > 0
                                                                                          and left <= 0):
            continue
        stays = (left + local_defence[here]) * terrain[here]
        keep = caution * values[here] / 1000.0 * max(HOLD_MARGIN * threat[here] - stays, garrison[here] - left, 0.0)
        home = mover_home[i]
        floor = max(need[here], keep) * (1.0 + home_ties if here == home else 1.0)
        for j in range(reach_ptr[i], reach_ptr[i + 1]):
            p = reach_idx[j]
            if vacated[p]:
                continue
            score = need[p] - floor - 0.05
            failing = 0.0
            if threat[p] > 0:
                # Do not reinforce failure: a unit that would not bring the place up to
                # the enemy's strength against it is lost with it. Its worth there is
                # cut by the square root of the share it would make up.
                hope = min(1.0, (stand[p] + u_str[u] * t_quality[t] * terrain[p]) / threat[p])
                failing = defend[p] * (1.0 - hope ** 0.5)
                score -= failing
            if p == home and home_ties > 0:
                score += home_ties * (need[p] - failing)
            if score > best:
                best_u, best_p, best = u, p, score
    return best_u, best_p, best


@kernel
def best_recruit(worth, threat, towns):
    """The best of raising each type (of strength `worth` for the money) at each town,
    likelier where the threat is greater: (type index, town index, score); the first
    best, type by type and town by town."""
    best_t, best_p, best = -1, -1, 0.0
    for i in range(worth.shape[0]):
        for j in range(towns.shape[0]):
            score = worth[i] * (1.0 + threat[towns[j]] / 2000.0) / 100.0
            if score > best:
                best_t, best_p, best = i, j, score
    return best_t, best_p, best


# What `decide` may consider, as bits of its `stages` argument.
STRIKE, ATTACK, MOVE = 1, 2, 4
# What it found.
STRUCK, ATTACKED, MOVED, NOTHING, ASK_DETERRENCE, BUDGET_SPENT = 0, 1, 2, 3, 4, 5
# Which parts of a view are stale, as indices into its `stale` flags.
GROUND, FORCES, OWN, NO_STRIKE, AIR_DEFENCE, THREAT = 0, 1, 2, 3, 4, 5


@kernel
def decide(stages, stale, only, deterrence, f, truce, need, aggression, caution, drive, noise, massing, cover,
           concentration, home_ties,
           n, u_alive, u_ready, u_owner, u_backer, u_type, u_place, u_str, u_sorties,
           owner, local_defence, cohesion, quality_bonus, supply, movers, reach_ptr, reach_idx, mover_home,
           enemies, t_air, t_strike, t_ground, t_ad, t_intercept, t_strength, t_range, t_quality, t_artillery, air_km,
           terrain, edge, population, capital, combat_params, nbr_ptr, nbr_idx, route_km, t_speed,
           values, strike_cost, battle_cost, hostile, front_near, border, staging, power, enemy, threat, intercept,
           garrison, left, found_units, ptr, idx, flyers, batteries, force, scratch, out_i, out_f):
    """One order's worth of thought: the best strike, else the best attack, else the
    best move, among the `stages` asked for, bringing the view's stale parts up to date
    first. Returns what it found (STRUCK, ATTACKED, MOVED or NOTHING) with the order in
    `out_i` and its score or odds in `out_f`; or ASK_DETERRENCE with a target in
    out_i[0] whose red lines (which only Python can read) must be weighed first.

    `stale` flags the parts of the view to work out again; `only` masks the places whose
    attacks are in question (cleared once none is worth launching); `deterrence` holds
    each target's red-line cost, NaN where not yet weighed; `found_units` to `scratch`
    hold the units by place and the air units once worked out, and room for a place's
    units (see `plan`)."""
    if stale[GROUND]:
        fronts_into(f, owner, enemies, values, nbr_ptr, nbr_idx, hostile, front_near, border, staging)
        stale[GROUND] = 0
    if stale[OWN] or stale[FORCES]:
        ground_power_into(n, u_alive, u_type, u_owner, u_place, u_str, t_ground, t_quality, power)
        stale[OWN] = 0
    if stale[FORCES]:
        enemy_into(f, enemies, power, enemy)
        stale[FORCES] = 0
        stale[THREAT] = 1  # worked out when first needed: strikes and attacks do without
    if stale[AIR_DEFENCE]:
        _intercepts(f, n, u_alive, u_type, u_owner, u_place, u_str, enemies, t_ad, t_intercept, t_strength, t_range,
                    air_km, intercept)
        stale[AIR_DEFENCE] = 0
    if stages & STRIKE and not stale[NO_STRIKE]:
        own_flyers, strikes = _strike_reach(f, truce, n, u_alive, u_owner, u_backer, u_type, u_place, u_sorties, owner,
                                        enemies, t_air, t_strike, t_ground, t_ad, t_range, air_km)
        unit, place, kind, score = best_strike(own_flyers, strikes, enemy, front_near, intercept, values, strike_cost,
                                               terrain, cover)
        if unit >= 0:
            out_i[0], out_i[1], out_i[2] = unit, place, kind
            out_f[0] = score
            return STRUCK
        stale[NO_STRIKE] = 1
    if stages & ATTACK and not truce and only.any():
        origins, targets = _attack_pairs(f, n, u_alive, u_ready, u_owner, u_backer, u_type, u_place, owner, enemies,
                                         t_ground, nbr_ptr, nbr_idx, only, t_speed, route_km, combat_params[5])
        k = origins.shape[0]
        a_power = np.empty(k)
        d_power = np.empty(k)
        if not found_units[0]:
            # Units by place and the air units, for every attack weighed in this plan:
            # moves do not change them for the attack's purposes (a unit that moved is
            # no longer ready, and air units do not move).
            _by_place_into(n, u_alive, u_place, ptr, idx)
            found_units[1], found_units[2] = _air_units_into(n, u_alive, u_type, u_owner, u_place, u_sorties, owner,
                                                             t_air, t_ad, flyers, batteries)
            found_units[0] = 1
        _battle_powers_with(f, origins, targets, ptr, idx, flyers[:found_units[1]], batteries[:found_units[2]], force,
                            scratch, np.empty(N_TERMS), u_ready, u_type, u_owner, u_place, u_str, owner, local_defence,
                            cohesion, quality_bonus, supply, enemies, t_ground, t_ad, t_intercept, t_strength, t_range,
                            t_quality, t_artillery, air_km, terrain, edge, combat_params, a_power, d_power, t_speed,
                            route_km)
        chance = np.empty(k)
        gain = np.empty(k)
        attack_gains(f, origins, targets, a_power, d_power, noise, need, aggression, caution, values,
                     battle_cost, terrain, local_defence, garrison, power, enemy, hostile, nbr_ptr, nbr_idx, ptr, idx,
                     u_ready, u_type, u_owner, u_str, t_ground, t_quality, chance, gain)
        if concentration > 0:
            # What the attacking units leave undone: the most pressing defence of a place
            # of the side that they could reach by a move instead.
            if stale[THREAT]:
                threat_into(enemy, hostile, owner, nbr_ptr, nbr_idx, threat)
                stale[THREAT] = 0
            P = owner.shape[0]
            defend = np.empty(P)
            held_back = np.empty(P)
            defence_into(f, power, threat, local_defence, garrison, terrain, capital, values, supply[f], caution,
                         np.empty(P), defend)
            held_back_into(movers, reach_ptr, reach_idx, u_alive, u_ready, u_place, defend, left, held_back)
            for i in range(k):
                gain[i] -= concentration * held_back[origins[i]]
        best, best_score = -1, 0.0
        for i in range(k):
            # Only an attack worth something before any red line can be the best.
            if not gain[i] > 0:
                continue
            cost = deterrence[targets[i]]
            if np.isnan(cost):
                out_i[0] = targets[i]
                return ASK_DETERRENCE
            score = gain[i] - cost
            if score > best_score:
                best, best_score = i, score
        if best >= 0:
            out_i[0], out_i[1] = origins[best], targets[best]
            out_f[0] = chance[best]
            return ATTACKED
        only[:] = False
    if stale[THREAT]:
        threat_into(enemy, hostile, owner, nbr_ptr, nbr_idx, threat)
        stale[THREAT] = 0
    if stages & MOVE and movers.shape[0]:
        unit, place, score = best_move(f, movers, reach_ptr, reach_idx, mover_home, home_ties, u_alive, u_ready,
                                       u_type, u_place, u_str, t_ground, t_quality, power, threat, local_defence,
                                       garrison, terrain, capital, values, staging, supply[f], caution, drive, massing,
                                       left)
        if unit >= 0:
            out_i[0], out_i[1] = unit, place
            out_f[0] = score
            return MOVED
    return NOTHING


# The rows of a view's tables (`plan`'s `figures` and `marks`) and of its `params`.
VALUES, STRIKE_COST, BATTLE_COST, STAGING, ENEMY, THREAT, INTERCEPT, DETERRENCE, GARRISON = range(9)
HOSTILE, FRONT_NEAR, ONLY, BORDER, LEFT = range(5)
NEED, AGGRESSION, CAUTION, DRIVE, NOISE, MASSING, COVER, CONCENTRATION, HOME_TIES = range(9)


@kernel
def plan(budget, stages, f, truce, n, params, stale, figures, marks, power, supply, movers, reach_ptr, reach_idx,
         mover_home,
         u_alive, u_ready, u_owner, u_backer, u_type, u_place, u_str, u_sorties,
         owner, local_defence, cohesion, quality_bonus,
         type_figures, type_kinds, enemies, air_km, place_figures, edge, combat_params, nbr_ptr, nbr_idx, route_km,
         out_i, out_f):
    """`decide` again and again for as long as it finds a move, up to `budget` orders,
    each time as if the moves found so far were made: a move is certain (the unit is
    at its new place and has acted), so a run of moves can be worked out at once and
    given one by one. Returns how many moves it found (rows of `out_i` and `out_f`)
    and what `decide` found after them (in the next row), or BUDGET_SPENT.

    The view's figures, marks and params come as tables (rows as named above) and the
    world's unit-type and place figures as `World.type_figures`, `type_kinds` and
    `place_figures`, to keep a call from Python short."""
    t_quality, t_strength, t_range, t_intercept, t_strike = (type_figures[0], type_figures[1], type_figures[2],
                                                             type_figures[3], type_figures[4])
    t_ground, t_air, t_ad, t_artillery = type_kinds[0], type_kinds[1], type_kinds[2], type_kinds[3]
    terrain, population, capital = place_figures[0], place_figures[1], place_figures[2]
    ready = u_ready.copy()
    place = u_place.copy()
    left = marks[LEFT].copy()  # the agent marks the places it left as it gives the moves
    only = marks[ONLY]
    room = max(n, 1)
    found_units = np.zeros(3, dtype=np.int64)
    ptr = np.empty(owner.shape[0] + 1, dtype=np.int64)
    idx = np.empty(room, dtype=np.int64)
    flyers = np.empty(room, dtype=np.int64)
    batteries = np.empty(room, dtype=np.int64)
    force = np.empty(room, dtype=np.int64)
    scratch = np.empty((3, room))
    k = 0
    while True:
        found = decide(stages, stale, only, figures[DETERRENCE], f, truce, params[NEED], params[AGGRESSION],
                       params[CAUTION], params[DRIVE], params[NOISE], params[MASSING], params[COVER],
                       params[CONCENTRATION], params[HOME_TIES],
                       n, u_alive, ready, u_owner, u_backer, u_type, place, u_str, u_sorties,
                       owner, local_defence, cohesion, quality_bonus, supply, movers, reach_ptr, reach_idx, mover_home,
                       enemies, t_air, t_strike, t_ground, t_ad, t_intercept, t_strength, t_range, t_quality,
                       t_artillery, air_km, terrain, edge, population, capital, combat_params, nbr_ptr, nbr_idx,
                       route_km, type_figures[5],
                       figures[VALUES], figures[STRIKE_COST], figures[BATTLE_COST], marks[HOSTILE],
                       marks[FRONT_NEAR], marks[BORDER], figures[STAGING], power, figures[ENEMY], figures[THREAT],
                       figures[INTERCEPT], figures[GARRISON], left, found_units, ptr, idx, flyers, batteries, force,
                       scratch, out_i[k],
                       out_f[k:k + 1])
        if found != MOVED:
            return k, found
        unit, to = out_i[k, 0], out_i[k, 1]
        # What the move changes, as the agent would see it after the move: only its own
        # power at the two places, and so only the attacks from them, if any can be
        # launched from there at all.
        only[place[unit]] |= marks[BORDER, place[unit]]
        only[to] |= marks[BORDER, to]
        if params[CONCENTRATION] > 0:
            # ... and, for a side that holds its forces for the defence, every attack
            # whose units could have gone to either place instead.
            for p in range(owner.shape[0]):
                only[p] |= marks[BORDER, p]
        stale[OWN] = 1
        left[place[unit]] = True
        place[unit] = to
        ready[unit] = False
        k += 1
        if k >= budget:
            return k, BUDGET_SPENT
