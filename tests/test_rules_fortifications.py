"""Prepared defences (`rules.fortification`): what works add to a defence, what wears
them down, what a change of hands leaves, and how a side digs them.

Expected numbers come from the scenario's own rule constants, so a retuned default
changes the expectation, not the verdict. Every random draw is seeded.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import mini_text
from engine_helpers import BLUE, P, RED, arena, check_invariants, clear_units, duel, end_round, put, units_of, \
    universe
from game.ai.agents import make_agent
from game.engine import Attack, DroneStrike, Fortify, IllegalAction, World, apply, legal_actions, new_game, \
    why_illegal
from game.engine import fortifications
from game.engine.combat import battle_power, battle_terms, resolve_attack
from game.engine.persist import SaveError, state_from_json, state_to_json
from game.scenario import ScenarioError, load_scenario

COST = 10.0


def with_rules(state, **fortification):
    """A new game of `state`'s scenario with `rules.fortification` changed."""
    spec = state.world.spec
    rules = spec.rules.fortification.model_copy(update=fortification)
    spec = spec.model_copy(update={"rules": spec.rules.model_copy(update={"fortification": rules})})
    return new_game(World(spec), 0)


def building(**extra):
    """The arena with works that can be dug for COST a level."""
    return with_rules(arena(), build_cost=COST, **extra)


# -- what works do ----------------------------------------------------------------------------


def test_each_level_of_works_lifts_the_defence_of_troops_and_locals_alike():
    s = duel()
    front, target = P(s, "front"), P(s, "t_open")
    a0, d0 = battle_power(s, BLUE, front, target)
    per_level = s.world.rules.fortification.defence_per_level
    assert per_level > 0
    fortifications.set_level(s, target, 2)
    a1, d1 = battle_power(s, BLUE, front, target)
    assert a1 == a0
    assert d1 == pytest.approx(d0 * (1 + 2 * per_level))
    # The breakdown a player reads says how much of the ground's factor is works.
    terms = battle_terms(s, BLUE, front, target)
    assert terms["works"] == pytest.approx(1 + 2 * per_level)
    assert terms["terrain"] == pytest.approx(s.world.terrain_defence[target] * (1 + 2 * per_level))
    # Armed locals alone behind the works gain as much.
    for u in units_of(s, RED, target):
        s.kill(u)
    s.local_defence[target] = 1000.0
    assert battle_power(s, BLUE, front, target)[1] == pytest.approx(1000.0 * s.ground[target])


def test_works_never_pass_the_top_level_or_fall_below_none():
    s = arena()
    p = P(s, "t_open")
    most = s.world.rules.fortification.max_level
    assert fortifications.set_level(s, p, most + 5) == most
    assert s.works[p] == most
    assert fortifications.wear(s, p, most + 1) == most
    assert s.works[p] == 0 and s.ground[p] == s.world.terrain_defence[p]
    assert check_invariants(s) == []


def test_a_strike_that_gets_through_wears_the_works_and_one_shot_down_does_not():
    s = arena()
    target = P(s, "t_open")
    fortifications.set_level(s, target, 2)
    drone = next(u for u in units_of(s, BLUE) if s.world.t_air[s.u_type[u]])
    apply(s, DroneStrike(drone, "t_open", "units"))
    wear = s.world.rules.fortification.wear_per_strike
    assert s.works[target] == pytest.approx(2 - wear)
    # A strike on the roads leaves the works alone.
    apply(s, DroneStrike(drone, "t_open", "supply"))
    assert s.works[target] == pytest.approx(2 - wear)
    # Under air defence that always brings the drone down, nothing is worn.
    shielded = arena()
    fortifications.set_level(shielded, target, 2)
    sam = put(shielded, "sam", "red", "t_open")
    shielded.world.t_intercept[shielded.u_type[sam]] = 1.0
    try:
        drone = next(u for u in units_of(shielded, BLUE) if shielded.world.t_air[shielded.u_type[u]])
        (report,) = apply(shielded, DroneStrike(drone, "t_open", "units"))
        assert report.data["intercepted"]
        assert shielded.works[target] == 2
    finally:
        shielded.world.t_intercept[shielded.u_type[sam]] = shielded.world.spec.unit_types["sam"].intercept


def test_an_assault_with_guns_wears_the_works_and_one_without_does_not():
    wear = arena().world.rules.fortification.wear_per_bombardment
    for attackers, worn in ((("inf", "inf"), 0.0), (("inf", "guns"), wear)):
        s = duel(attackers=attackers, target_defenders=[("inf", "t_open")] * 4)
        target = P(s, "t_open")
        fortifications.set_level(s, target, 3)
        (report,) = resolve_attack(s, BLUE, P(s, "front"), target)
        assert not report.data["won"]  # four defenders behind works hold
        assert s.works[target] == pytest.approx(3 - worn)


def test_a_place_that_changes_hands_keeps_a_share_of_its_works_and_the_diggers_stop():
    s = building()
    target = P(s, "t_open")
    fortifications.set_level(s, target, 2)
    s.active = RED
    apply(s, Fortify("t_open"))
    assert s.works_due[target] and s.works_by[target] == RED
    s.active = BLUE
    clear_units(s)
    put(s, "inf", "blue", "front")
    apply(s, Attack("front", "t_open"))  # nobody defends it: taken unopposed
    assert s.owner[target] == BLUE
    assert s.works[target] == pytest.approx(2 * s.world.rules.fortification.kept_on_capture)
    assert s.works_due[target] == 0 and s.works_by[target] == -1
    assert check_invariants(s) == []


# -- digging ------------------------------------------------------------------------------------


def test_a_level_costs_its_price_and_stands_after_its_turns():
    s = building()
    p = P(s, "front")
    turns = s.world.rules.fortification.build_turns
    assert turns == 2
    before = float(s.treasury[BLUE])
    (report,) = apply(s, Fortify("front"))
    assert s.treasury[BLUE] == pytest.approx(before - COST)
    assert report.kind == "works" and report.data["due"] == s.turn + turns - 1
    assert why_illegal(s, Fortify("front")) == f"a level of works is already being dug at {s.world.place_name(p)}"
    end_round(s)
    assert s.works[p] == 0  # the first round's end: still digging
    events = end_round(s)
    assert s.works[p] == 1 and s.ground[p] == pytest.approx(1 + s.world.rules.fortification.defence_per_level)
    assert [e.data["place"] for e in events if e.kind == "works"] == ["front"]
    assert s.works_due[p] == 0 and s.works_by[p] == -1
    assert check_invariants(s) == []


@pytest.mark.parametrize("case, reason", [
    ("no building", "no side can build works in this scenario"),
    ("not held", "you do not hold Open Target"),
    ("at the top", "already at the most there can be"),
    ("too poor", f"a level of works costs {COST:g}M"),
    ("no such place", "there is no place 'nowhere'"),
])
def test_a_level_that_cannot_be_dug_is_refused_with_its_reason(case, reason):
    s = arena() if case == "no building" else building()
    place = {"not held": "t_open", "no such place": "nowhere"}.get(case, "front")
    if case == "at the top":
        fortifications.set_level(s, P(s, "front"), s.world.rules.fortification.max_level)
    if case == "too poor":
        s.treasury[BLUE] = COST - 1
    assert reason in why_illegal(s, Fortify(place))
    with pytest.raises(IllegalAction):
        apply(s, Fortify(place))


def test_the_order_list_offers_a_level_exactly_where_one_may_be_dug():
    s = building()
    fortifications.set_level(s, P(s, "link"), s.world.rules.fortification.max_level)
    offered = {a for a in legal_actions(s) if isinstance(a, Fortify)}
    allowed = {a for a in universe(s) if isinstance(a, Fortify) and why_illegal(s, a) is None}
    assert offered == allowed == {Fortify("base"), Fortify("front")}
    # Without a price, no side may dig, and the list offers nothing.
    assert not any(isinstance(a, Fortify) for a in legal_actions(arena()))


def test_the_normal_ai_digs_in_where_a_threatened_place_is_worth_most_and_only_when_it_can():
    def blue_turn(s):
        """Blue's first turn with a company at the front and one at the base, and
        Red's stacks of four in both places next to the front: too strong to attack."""
        clear_units(s)
        put(s, "inf", "blue", "front")
        put(s, "inf", "blue", "base")
        for _ in range(4):
            put(s, "inf", "red", "t_open")
            put(s, "inf", "red", "t_urban")
        agent = make_agent("normal", 0)
        given, reasons = [], []
        while s.turn == 1 and s.active == BLUE:
            a = agent.act(s)
            given.append(a)
            reasons.append(agent.why)
            apply(s, a)
        return given, reasons

    given, reasons = blue_turn(building())
    dug = [(a, why) for a, why in zip(given, reasons) if isinstance(a, Fortify)]
    # Once a turn, at the front that faces Red's stacks, not at the base in the rear.
    assert dug == [(Fortify("front"), "dig in at Front: the threatened place most worth holding")]
    # Where nobody may dig, it never tries; nor with no money to spare.
    assert not any(isinstance(a, Fortify) for a in blue_turn(arena())[0])
    poor = building()
    poor.treasury[BLUE] = COST
    assert not any(isinstance(a, Fortify) for a in blue_turn(poor)[0])


# -- the scenario's say ---------------------------------------------------------------------------


def test_events_set_and_add_to_the_works_within_their_bounds(tmp_path):
    text = mini_text().replace("    village: {name: Village,", "    village: {name: Village, fortification: 1,")
    text += """
  dig:
    name: Engineers arrive
    date_from: 2019-01-01
    effects:
      - {effect: fortify, place: hub, level: 2}
      - {effect: fortify, place: village, delta: 5}
"""
    path = tmp_path / "dig.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    s = new_game(World(loaded.spec, loaded.sha256), 0)
    village, hub = P(s, "village"), P(s, "hub")
    assert s.works[village] == 1
    events = end_round(s)
    most = s.world.rules.fortification.max_level
    assert s.works[hub] == 2 and s.works[village] == most
    assert sum(e.kind == "works" for e in events) == 2
    assert check_invariants(s) == []


@pytest.mark.parametrize("edit, message", [
    (("    village: {name: Village,", "    village: {name: Village, fortification: 4,"),
     "place 'village' starts with 4 levels of works, but rules.fortification.max_level is 3"),
    (("effects:\n      - {effect: treasury", "effects:\n      - {effect: fortify, place: hub}\n      - {effect: treasury"),
     "give exactly one of `level`"),
])
def test_works_the_rules_cannot_hold_are_refused_with_their_place(edit, message, tmp_path):
    text = mini_text()
    assert edit[0] in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    shown = str(err.value)
    assert message in shown and "bad.yaml:" in shown


def test_works_and_digging_survive_a_save():
    s = building()
    fortifications.set_level(s, P(s, "base"), 1.5)
    apply(s, Fortify("front"))
    t = state_from_json(json.loads(json.dumps(state_to_json(s))), s.world)
    assert (t.works == s.works).all() and (t.works_due == s.works_due).all() and (t.works_by == s.works_by).all()
    assert np.array_equal(t.ground, s.ground)
    for game in (s, t):
        end_round(game)
        end_round(game)
    assert t.works[P(t, "front")] == s.works[P(s, "front")] == 1
    # A level under way at a place its digger does not hold is no position a game reaches.
    data = state_to_json(s)
    data["state"]["works_due"][P(s, "t_open")] = 9
    data["state"]["works_by"][P(s, "t_open")] = BLUE
    with pytest.raises(SaveError, match="does not hold the place"):
        state_from_json(data, s.world)


def test_random_games_with_digging_keep_every_invariant():
    """The random agent gives Fortify orders among the rest; whatever it digs, wears or
    takes, the works stay within their bounds and the state sound."""
    s = building()
    agents = [make_agent("random", np.random.SeedSequence(k)) for k in range(2)]
    dug = 0
    while not s.over:
        a = agents[s.active].act(s)
        dug += isinstance(a, Fortify)
        apply(s, a)
        assert check_invariants(s) == []
    assert dug > 0
