"""Every compiled kernel against the plain statement of its rule (reference_rules.py),
on states reached by seeded random play on every shipped scenario and the test ones,
then shaken: strengths, armed locals, cohesion and the holders of places changed at
random. Results must be equal bit for bit, since a seeded game must play the same
whichever computes them.

Runs are derandomized, so every run tries the same examples and a failure reproduces.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference_rules as ref
from engine_helpers import MINI, ROOT, fixture_world, load_world, random_actions, shipped_path
from game.engine import World, legal_actions, new_game
from game.engine import air, backers, combat, conditions, economy, rules, state as state_module, supply, territory, turn
from game.engine.jit import np_sum
from game.engine.world import shortest_paths

EXACT = settings(derandomize=True, database=None, deadline=None, max_examples=40,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])



@functools.cache
def _arena_where_strikes_fray() -> World:
    """The arena with `cohesion_per_strike`, off by default, switched on, so the strike
    kernel is checked against that rule too."""
    spec = fixture_world("arena").spec
    pol = spec.rules.politics.model_copy(update={"cohesion_per_strike": 0.7})
    return World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"politics": pol})}))


@functools.cache
def _tripoli_sieges_by_numbers() -> World:
    """The 2019 war with `siege_numbers`, off by default, switched on, so the siege
    kernel is checked against that rule on a real map."""
    spec = load_world(shipped_path("tripoli_2019")).spec
    combat = spec.rules.combat.model_copy(update={"siege_numbers": True})
    return World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"combat": combat})}))


@functools.cache
def _tripoli_under_cover() -> World:
    """The 2019 war with `rules.air.cover`, off by default, switched on, so the strike
    kernel is checked against that rule on a map of cities, mountains and desert."""
    spec = load_world(shipped_path("tripoli_2019")).spec
    air = spec.rules.air.model_copy(update={"cover": 1.0})
    return World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"air": air})}))


WORLDS = {"mini": lambda: load_world(MINI), "arena": lambda: fixture_world("arena"),
          "economies": lambda: fixture_world("economies"), "passes": lambda: fixture_world("passes"),
          "arena, strikes fray": _arena_where_strikes_fray, "arena, long roads": lambda: fixture_world("march"),
          "tripoli_2019": lambda: load_world(shipped_path("tripoli_2019")),
          "dignity_2014": lambda: load_world(shipped_path("dignity_2014")),
          "karabakh_2020": lambda: load_world(shipped_path("karabakh_2020")),
          "tripoli_2019, sieges by numbers": _tripoli_sieges_by_numbers,
          "tripoli_2019, cover from the air": _tripoli_under_cover}


@st.composite
def states(draw, shaken: bool = True):
    world = WORLDS[draw(st.sampled_from(sorted(WORLDS)))]()
    seed = draw(st.integers(0, 2**31))
    state = new_game(world, seed)
    random_actions(state, draw(st.integers(0, 600)), seed)
    if shaken and draw(st.booleans()):
        rng = np.random.default_rng(seed)
        n = state.n_units
        state.u_str[:n] *= rng.uniform(0.05, 2.0, n)
        state.local_defence *= rng.uniform(0.0, 3.0, world.P) * (rng.random(world.P) < 0.5)
        state.cohesion[:] = rng.uniform(0.0, 100.0, world.F)
        state.quality_bonus[:] = rng.uniform(0.0, 0.5, world.F)
        state.u_sorties[:n] = rng.integers(0, 3, n)
        state.treasury[:] = rng.uniform(-50.0, 400.0, world.F)
        state.blockade[:] = rng.random(world.F) < 0.3
        for p in rng.choice(world.P, size=draw(st.integers(0, 4)), replace=False).tolist():
            state.set_owner(p, int(rng.integers(-1, world.F)))
    return state


def _same_state(a, b) -> list[str]:
    """Names of the state's arrays and figures that differ between two states."""
    diffs = [name for name, value in vars(a).items()
             if isinstance(value, np.ndarray) and not np.array_equal(value, getattr(b, name), equal_nan=True)]
    diffs += [name for name in ("turn", "active", "truce", "winner", "n_units", "embargo")
              if getattr(a, name) != getattr(b, name)]
    if a.rng.bit_generator.state != b.rng.bit_generator.state:
        diffs.append("rng")
    return diffs


# -- arithmetic ---------------------------------------------------------------------------------

def test_np_sum_adds_in_numpys_order():
    """At every length up to well past numpy's block of 128 and its recursive halving,
    with magnitudes spread over fifteen orders so that any other order of adding shows."""
    rng = np.random.default_rng(2019)
    for n in range(0, 1100):
        a = rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 9, n)
        assert np_sum(a, n) == float(np.sum(a)), n
        # ... and of a prefix, as kernels use it on the filled part of a buffer.
        assert np_sum(a, n // 3) == float(np.sum(a[:n // 3])), n


# -- combat and the air war ----------------------------------------------------------------------


@given(states())
@EXACT
def test_battle_powers_match_the_rule(state):
    w = state.world
    rng = np.random.default_rng(state.n_units)
    for f in range(w.F):
        origins, targets = rules.attack_options(state, f)
        # Every legal attack, and pairs of any places: the rule is defined for both.
        origins = np.concatenate([origins, rng.integers(0, w.P, 8)])
        targets = np.concatenate([targets, rng.integers(0, w.P, 8)])
        a, d = combat.battle_powers(state, f, origins, targets)
        for i in range(len(origins)):
            assert (a[i], d[i]) == ref.battle_power(state, f, int(origins[i]), int(targets[i]))
        for i in range(min(len(origins), 6)):
            o, t = int(origins[i]), int(targets[i])
            assert combat.win_chance(state, f, o, t) == ref.win_chance(state, f, o, t)


@given(states())
@EXACT
def test_air_defence_and_air_cover_match_the_rule(state):
    w = state.world
    flyers, batteries = combat._air_units(state.n_units, state.u_alive, state.u_type, state.u_owner, state.u_place,
                                          state.u_sorties, state.owner, w.t_air, w.t_ad)
    for f in range(w.F):
        chances = air.intercept_chances(state, f)
        for p in range(w.P):
            assert chances[p] == air.intercept_chance(state, f, p) == air.intercept_at(state, f, p)
            cover = combat._cover(f, p, flyers, batteries, state.u_type, state.u_owner, state.u_place, state.u_str,
                                  w.enemies, w.t_intercept, w.t_strength, w.t_range, w.air_km)
            assert cover == combat.air_cover(state, f, p)
            best = air.best_placed(state, f, p)
            units = air.air_units_in_range(state, f, p)
            assert best == (int(units[np.argmax(state.u_sorties[units])]) if len(units) else -1)


@given(states())
@EXACT
def test_siege_pressure_matches_the_rule(state):
    from game.engine.siege import siege_pressures

    got = siege_pressures(state)
    for p in range(state.world.P):
        assert got[p] == ref.siege_pressure(state, p)




@given(states(), st.integers(0, 2**31))
@EXACT
def test_cut_roads_open_as_the_rule_says(state, seed):
    w = state.world
    state.interdicted[:] = np.random.default_rng(seed).random(w.P) < 0.3
    for f in range(w.F):
        fast, slow = state.clone(), state.clone()
        for s in (fast, slow):
            for g in range(w.F):
                supply.supplied(s, g)  # traced, so that dropping a trace shows
        turn.lift_cuts(fast, f)
        ref.lift_cuts(slow, f)
        assert _same_state(fast, slow) == []
        assert sorted(fast._supply) == sorted(slow._supply)

@given(states())
@EXACT
def test_a_round_of_sieges_matches_the_rule(state):
    from game.engine.siege import siege_phase

    fast, slow = state.clone(), state.clone()
    events = siege_phase(fast)
    expected = ref.siege_round(slow)
    assert _same_state(fast, slow) == []
    w = state.world
    assert [(e.faction, e.data["lost"], e.data["places"]) for e in events] == \
        [(w.faction_ids[f], round(lost, 1), [w.place_ids[p] for p in places]) for f, lost, places in expected]

@given(states(), st.integers(0, 2**31))
@EXACT
def test_strikes_match_the_rule(state, seed):
    w = state.world
    for f in range(w.F):
        flyers, reach = rules.strike_options(state, f)
        for i, kind_index, p in zip(*np.nonzero(reach)):
            kind = air.STRIKE_KINDS[kind_index]
            fast, slow = state.clone(), state.clone()
            fast.rng = np.random.default_rng(seed)
            slow.rng = np.random.default_rng(seed)
            events = air.strike(fast, int(flyers[i]), int(p), kind)
            damage = ref.strike(slow, int(flyers[i]), int(p), kind)
            assert _same_state(fast, slow) == []
            assert events[0].data["intercepted"] == (damage is None)
            if damage is not None and kind != "supply":
                assert events[0].data["damage"] == round(damage, 1)
            break  # one strike per faction and state keeps the test quick


@given(states(), st.integers(0, 2**31))
@EXACT
def test_battles_match_the_rule(state, seed):
    w = state.world
    for f in range(w.F):
        origins, targets = rules.attack_options(state, f)
        for o, t in list(zip(origins.tolist(), targets.tolist()))[:3]:
            fast, slow = state.clone(), state.clone()
            fast.rng = np.random.default_rng(seed)
            slow.rng = np.random.default_rng(seed)
            events = combat.resolve_attack(fast, f, o, t)
            out = ref.resolve_attack(slow, f, o, t)
            assert _same_state(fast, slow) == []
            if "ratio" in out:
                data = events[0].data
                assert (data["attacker_lost"], data["defender_lost"]) == (round(out["attacker_lost"]),
                                                                          round(out["defender_lost"]))


# -- roads and supply --------------------------------------------------------------------------------


@given(states())
@EXACT
def test_retreats_match_the_rule(state):
    for f in range(state.world.F):
        for p in range(state.world.P):
            assert territory.retreat_destination(state, f, p) == ref.retreat_destination(state, f, p)


@given(states())
@EXACT
def test_supply_matches_the_rule(state):
    for f in range(state.world.F):
        state.invalidate()
        assert np.array_equal(supply.supplied(state, f), ref.supplied(state, f))
        cut = supply._cut_off(f, state.n_units, state.u_alive, state.u_owner, state.u_type, state.u_place,
                              supply.supplied(state, f), state.world.t_ground, state.world.t_ad)
        assert np.array_equal(cut, ref.cut_off(state, f))


@given(states())
@EXACT
def test_attrition_matches_the_rule(state):
    for f in range(state.world.F):
        live, plain = state.clone(), state.clone()
        events = [e.to_json() for e in supply.attrition(live, f)]
        assert events == [e.to_json() for e in ref.attrition(plain, f)]
        assert _same_state(live, plain) == []


@given(states(), st.integers(0, 2**31))
@EXACT
def test_road_tracing_matches_the_rule(state, seed):
    w = state.world
    rng = np.random.default_rng(seed)
    assert np.array_equal(shortest_paths(w.route_km), ref.shortest_paths(w.route_km))
    for f in range(w.F):
        mine = state.owner == f
        weights = np.where(mine[:, None] & mine[None, :], w.route_km, np.inf)
        d = shortest_paths(weights, mine)
        assert np.array_equal(d, ref.shortest_paths(weights, mine))
        for p in rng.choice(w.P, size=min(4, w.P), replace=False).tolist():
            grown = mine.copy()
            grown[p] = True
            assert np.array_equal(state_module._add_place(d, w.route_km, grown, p), ref.add_place(d, w.route_km, grown, p))
            kept, expected = state_module._drop_place(d, p), ref.drop_place(d, p)
            assert (kept is None and expected is None) or np.array_equal(kept, expected)


# -- orders ------------------------------------------------------------------------------------------


@given(states())
@EXACT
def test_order_lists_match_the_rule(state):
    w = state.world
    for f in range(w.F):
        movers, reach = rules.move_options(state, f)
        expected_movers, expected_reach = ref.move_options(state, f)
        assert np.array_equal(movers, expected_movers) and np.array_equal(reach, expected_reach)
        flyers, strikes = rules.strike_options(state, f)
        expected_flyers, expected_strikes = ref.strike_options(state, f)
        assert np.array_equal(flyers, expected_flyers) and np.array_equal(strikes, expected_strikes)
        origins, targets = rules.attack_options(state, f)
        assert list(zip(origins.tolist(), targets.tolist())) == ref.attack_options(state, f)
        assert rules.politics_options(state, f) == ref.politics_options(state, f)
        assert rules.request_options(state, f) == ref.request_options(state, f)
        assert rules.recruit_towns(state, f).tolist() == ref.recruit_towns(state, f)


@given(states(), st.booleans())
@EXACT
def test_the_whole_order_list_matches_the_rule(state, truce):
    """`legal_actions` (its unit orders from one kernel, built on demand) lists the very
    orders, in the very order, of the plain statement: the random agent picks from it
    by position, so a seeded game depends on the order too."""
    if truce:
        state.truce = 2
    for f in range(state.world.F):
        state.active = f
        options = rules.legal_actions(state)
        expected = ref.legal_actions(state)
        assert list(options) == expected
        assert len(options) == len(expected)
        assert [options[i] for i in range(len(expected) - 1, -1, -7)] == expected[::-7]


@given(states(), st.integers(0, 2**31))
@EXACT
def test_packages_on_offer_match_the_rule(state, seed):
    w = state.world
    if not w.packages:
        return
    rng = np.random.default_rng(seed)
    state.commitment[:] = rng.uniform(0, 100, w.B)
    state.budget[:] = rng.uniform(0, 3 * max(float(w.pk_cost.max()), 1.0), w.B)
    state.turn = int(rng.integers(1, w.last_turn + 1))
    ks = np.arange(len(w.packages))
    assert backers.packages_open(state, ks).tolist() == [ref.package_open(state, k) for k in ks.tolist()]
    money = float(rng.uniform(0, 2 * max(float(w.pk_client_cost.max()), 1.0)))
    assert backers.open_packages(state, ks, money) == [k for k in ks.tolist() if ref.package_open(state, k)
                                                       and money >= w.packages[k].spec.client_cost]
    assert backers.open_packages(state, ks) == [k for k in ks.tolist() if ref.package_open(state, k)]


# -- money, backers, the turn ---------------------------------------------------------------------------


@given(states(), st.integers(0, 2**31))
@EXACT
def test_money_matches_the_rule(state, seed):
    w = state.world
    state.blockade[:] = np.random.default_rng(seed).random(w.F) < 0.5
    assert economy.oil_revenue(state) == ref.oil_revenue(state)
    for f in range(w.F):
        assert economy.revenue_share(state, f) == ref.revenue_share(state, f)
        assert economy.upkeep(state, f) == ref.upkeep(state, f)
        assert economy.income(state, f) == ref.income(state, f)



@given(states(), st.integers(0, 2**31))
@EXACT
def test_the_units_backers_command_are_picked_out_as_the_rule_says(state, seed):
    w = state.world
    n = state.n_units
    if w.B and seed % 2:
        state.u_backer[:n] = np.random.default_rng(seed).integers(-1, w.B, n)
    table = backers._commanded(n, state.u_alive, state.u_backer, state.u_type, state.u_owner, w.t_air, w.t_ground,
                               w.t_speed)
    units = np.flatnonzero(state.u_alive[:n] & (state.u_backer[:n] >= 0))
    types = state.u_type[units]
    assert table.tolist() == [units.tolist(), w.t_air[types].astype(int).tolist(), state.u_owner[units].tolist(),
                              (w.t_ground[types] & (w.t_speed[types] > 0)).astype(int).tolist()]

@given(states())
@EXACT
def test_backers_read_the_map_as_the_rule_does(state):
    w = state.world
    n = state.n_units
    for f in range(w.F):
        enemy = np.empty(w.P)
        backers._enemy_ground_into(f, n, state.u_alive, state.u_owner, state.u_type, state.u_place, state.u_str,
                                   w.enemies, w.t_ground, enemy)
        assert np.array_equal(enemy, ref.enemy_ground(state, f))
        assert backers.in_danger(state, f) == ref.in_danger(state, f)
    for u in np.flatnonzero(state.u_alive[:n]).tolist():
        f, t = int(state.u_owner[u]), int(state.u_type[u])
        if w.t_air[t]:
            target = backers._strike_target(u, f, n, state.u_alive, state.u_owner, state.u_type, state.u_place,
                                            state.u_str, state.owner, w.enemies, w.t_ground, w.t_range, w.air_km)
            assert (target if target >= 0 else None) == ref.strike_target(state, u, f)
        if not (w.t_ground[t] and w.t_speed[t] > 0):
            continue
        to = backers._march_unit(u, f, w.t_speed[t], n, state.u_alive, state.u_owner, state.u_type, state.u_place,
                                 state.u_str, state.owner, w.enemies, w.t_ground, state.paths(f), w.route_km,
                                 w.nbr_ptr, w.nbr_idx)
        assert (to if to >= 0 else int(state.u_place[u])) == ref.march_to_the_front(state, u, f)


@given(states())
@EXACT
def test_a_run_of_marches_moves_units_one_by_one_as_the_rule_does(state):
    w = state.world
    n = state.n_units
    for f in range(w.F):
        units = np.flatnonzero(state.u_owner[:n] == f)
        fast, slow = state.clone(), state.clone()
        backers._march_run(units, f, n, fast.u_alive, fast.u_owner, fast.u_type, fast.u_place, fast.u_str, fast.owner,
                           w.enemies, w.t_ground, w.t_speed, fast.paths(f), w.route_km, w.nbr_ptr, w.nbr_idx)
        for u in units.tolist():
            t = int(slow.u_type[u])
            if slow.u_alive[u] and w.t_ground[t] and w.t_speed[t] > 0:
                slow.u_place[u] = ref.march_to_the_front(slow, u, f)
        assert _same_state(fast, slow) == []


@given(states(shaken=False))
@EXACT
def test_a_new_turn_readies_the_units_as_the_rule_does(state):
    w = state.world
    n = state.n_units
    for f in range(w.F):
        fast = state.clone()
        turn._rested(f, n, fast.u_owner, fast.u_type, fast.u_ready, fast.u_sorties, w.t_sorties)
        slow = state.clone()
        mine = slow.u_owner[:n] == f
        slow.u_ready[:n][mine] = True
        slow.u_sorties[:n][mine] = w.t_sorties[slow.u_type[:n][mine]]
        assert _same_state(fast, slow) == []


def _conditions(cond):
    """A condition and every condition inside it."""
    if cond is not None:
        yield cond
        inner = getattr(cond, "of", None)
        for c in inner if isinstance(inner, list) else [inner] if inner is not None else []:
            yield from _conditions(c)


@given(states(), st.integers(0, 2**31))
@EXACT
def test_scenario_conditions_read_the_state_as_the_rule_does(state, seed):
    w = state.world
    rng = np.random.default_rng(seed)
    conds = [c for ev in w.events for c in _conditions(ev.when)]
    conds += [c for b in w.backers for line in b.red_lines for c in _conditions(line.when)]
    # Raise some of the flags the conditions test, and move some backers' commitment.
    state.flags |= {c.flag for c in conds if getattr(c, "test", "") == "flag" and rng.random() < 0.5}
    state.commitment[:] = rng.uniform(0, 100, w.B)
    for cond in conds:
        assert conditions.holds(state, cond) == ref.holds(state, cond), cond


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_event_windows_in_turns_match_the_dates(name):
    """An event may fire on a turn when its date window touches any of the turn's days."""
    w = WORLDS[name]()
    for i, ev in enumerate(w.events):
        lo, hi = w.event_turns[i]
        for t in range(0, w.last_turn + 3):
            first = w.date_of(t)
            last = w.date_of(t + 1) - dt.timedelta(days=1)
            touches = not ((ev.date_from and last < ev.date_from) or (ev.date_to and first > ev.date_to))
            assert (lo <= t <= hi) == touches, (ev.name, t)


@pytest.mark.slow
def test_kernels_stay_within_their_arrays():
    """Compiled code does not check its indices: a kernel that wrote past the end of an
    array would corrupt memory silently. Compiled again with bounds checks (in a fresh
    process and cache of its own), whole games of every agent must play without an IndexError."""
    code = ("from game.ai.agents import run_game, warm_up\n"
            "from game.engine import World\n"
            "from game.scenario import load_scenario\n"
            "for name in ('tests/data/mini.yaml', 'scenarios/tripoli_2019.yaml', 'scenarios/dignity_2014.yaml'):\n"
            "    loaded = load_scenario(name)\n"
            "    world = World(loaded.spec, loaded.sha256)\n"
            "    warm_up(world)\n"
            "    for level in ('normal', 'easy', 'random'):\n"
            "        run_game(world, 11, {f: level for f in world.faction_ids})\n")
    # The checked machine code is kept apart from the normal cache, in a folder that
    # game/engine/jit.py names for this version of the kernels' sources, so only the
    # first run after a change to them pays the 20 s of compiling.
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                         "sandtable-boundscheck")
    env = dict(os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=cache)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


@given(states(), st.integers(0, 2**31))
@EXACT
def test_the_random_agents_short_check_agrees_with_why_illegal(state, seed):
    """Orders of a turn's list, more and more of them stale as orders are given, judged both ways."""
    rng = np.random.default_rng(seed)
    if state.over or any(f == state.active for f, _ in state.pending):
        return
    options = legal_actions(state)
    turn, side = state.turn, state.active
    for _ in range(8):
        if state.over or (state.turn, state.active) != (turn, side) or state.pending:
            return
        for i in rng.permutation(len(options))[:40].tolist():
            action = options[i]
            assert rules.why_illegal_unasked(state, action) == rules.why_illegal(state, action)
        picked = options[int(rng.integers(len(options)))]
        if rules.why_illegal(state, picked) is None:
            rules.apply(state, picked)


# The figures the invariants' compiled pass reads, each with values a damaged state could
# hold (good ones among them): the pass must say "sound" exactly when the plain checks
# state nothing.
FIGURES = {
    "u_str": [-1.0, 0.0, np.nan, np.inf, 500.0], "u_alive": [True, False], "u_place": [-1, 0, 999],
    "u_owner": [-1, 0, 9], "u_type": [-1, 0, 999], "u_backer": [-2, -1, 0, 99], "u_sorties": [-1, 0, 2],
    "owner": [-2, -1, 0, 9], "legitimacy": [-1.0, 0.0, 50.0, 100.0, 101.0, np.nan],
    "cohesion": [-0.5, 100.0, 100.5, np.inf], "treasury": [-50.0, np.nan, np.inf, 10.0],
    "manpower": [-1.0, 0.0, np.nan], "budget": [-1.0, 0.0, np.nan, 5.0], "commitment": [-1.0, 0.0, 100.0, 101.0],
    "sent": [-1, 0, 1, 99], "harm": [-1.0, 0.0, np.nan], "local_defence": [-1.0, 0.0, 5.0, np.nan],
    "raised": [-1.0, 0.0, np.inf, 800.0], "works": [-0.5, 0.0, 1.5, 3.0, 3.5, np.nan], "works_due": [-1, 0, 5],
    "works_by": [-1, 0, 1, 9],
}


@pytest.mark.parametrize("name", ["mini", "arena", "tripoli_2019"])
def test_the_invariants_compiled_pass_agrees_with_their_plain_statement(name):
    from game.engine.invariants import number_violations, numbers_sound

    w = load_world(MINI) if name == "mini" else (fixture_world(name) if name == "arena"
                                                  else load_world(shipped_path(name)))
    base = new_game(w, 3)
    random_actions(base, 60, seed=3)
    assert numbers_sound(base) and number_violations(base) == []
    checked = 0
    for field, values in FIGURES.items():
        size = len(getattr(base, field))
        for where in sorted({0, size // 2, size - 1}):
            for value in values:
                s = base.clone()
                arr = getattr(s, field)
                if size == 0 or (isinstance(value, float) and arr.dtype.kind != "f"):
                    continue
                arr[where] = value
                if field == "works":  # the multiplier follows the works, as the rules keep it
                    s.ground[:] = w.ground(np.nan_to_num(s.works))
                assert numbers_sound(s) == (number_violations(s) == []), (field, where, value, number_violations(s))
                checked += 1
    assert checked > 150


def test_compiled_kernels_are_kept_under_their_package_not_their_clones_path(tmp_path):
    """numba files a cached kernel under a hash of its folder's absolute path, so every
    clone compiled everything again; the project's locator files it under the package's
    name in the folder named for the kernels' sources, which any clone of them finds."""
    import inspect

    from game.engine import jit

    np_sum(np.zeros(3), 3)  # compiled, or loaded from the cache, and so filed
    here = jit.CACHE / "engine"
    assert any(p.name.startswith("jit.np_sum-") and p.suffix == ".nbi" for p in here.iterdir())
    locator = jit.ProjectCacheLocator.from_function(np_sum.py_func, inspect.getfile(np_sum.py_func))
    assert locator.get_cache_path() == str(here)
    # A function from outside the package is left to numba's own locators.
    outside = tmp_path / "engine" / "elsewhere.py"
    outside.parent.mkdir()
    outside.write_text("def f():\n    return 1\n", encoding="utf-8")
    namespace: dict = {}
    exec(compile(outside.read_text(encoding="utf-8"), str(outside), "exec"), namespace)
    assert jit.ProjectCacheLocator.from_function(namespace["f"], str(outside)) is None
