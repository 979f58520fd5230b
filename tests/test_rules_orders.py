"""Orders: an illegal one is refused with one clear reason and the state untouched; why_illegal and legal_actions agree; units stay on their own side's ground and truces bind everyone.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine_helpers import (
    BLUE, MINI, P, RED, SHIPPED, T, arena, clear_units, duel, end_round, end_turn, fixture_world, fresh_paths,
    fresh_supply, load_world, check_invariants, F, off_own_ground, put, SeededRandom, shipped_path, units_of, universe,
)
from game.engine import (
    apply, Attack, BuyAllegiance, ChooseOption, DroneStrike, EndTurn, IllegalAction, legal_actions, Move, new_game,
    Recruit, Relocate, RequestSupport, World, why_illegal,
)
from game.ai.agents import make_agent
from game.engine.backers import red_lines_crossed
from game.engine.combat import battle_power, defenders_at, resolve_attack
from game.engine.territory import capture
from game.engine.persist import state_hash
from game.engine.supply import supplied


# =====================================================================================
# Illegal orders: one clear IllegalAction, and the state untouched
# =====================================================================================


def blue_unit(s, type_id, place):
    return next(u for u in units_of(s, BLUE, P(s, place)) if s.u_type[u] == T(s, type_id))


ILLEGAL = [
    ("moving an enemy unit", lambda s: Move(units_of(s, RED, P(s, "t_open"))[0], "t_open"), "that unit is not yours"),
    ("moving beyond speed", lambda s: Move(blue_unit(s, "inf", "base"), "front"),
     "Front is 120 km away by road; the unit covers 100 km a turn"),
    ("moving into enemy ground", lambda s: Move(blue_unit(s, "inf", "front"), "t_open"), "is not yours; attack it"),
    ("moving a unit that does not exist", lambda s: Move(999, "front"), "there is no unit 999"),
    ("moving to a place that does not exist", lambda s: Move(blue_unit(s, "inf", "front"), "atlantis"),
     "there is no place 'atlantis'"),
    ("attacking a non-adjacent place", lambda s: Attack("link", "t_open"), "no road joins Link directly to Open Target"),
    ("attacking from ground not held", lambda s: Attack("t_urban", "t_open"), "you do not hold Urban Target"),
    ("attacking your own place", lambda s: Attack("link", "front"), "Front is not held by an enemy"),
    ("attacking with nobody there", lambda s: Attack("link", "base"), "is not held by an enemy"),
    ("striking out of range", lambda s: DroneStrike(blue_unit(s, "drone", "base"), "far", "supply"),
     "Far Town is 613 km away; the range is 200 km"),
    ("striking with a ground unit", lambda s: DroneStrike(blue_unit(s, "inf", "front"), "t_open", "units"),
     "only drones and aircraft fly strikes"),
    ("striking an unknown kind", lambda s: DroneStrike(blue_unit(s, "drone", "base"), "t_open", "cows"),
     "strike kind must be one of"),
    ("hunting air defence where there is none", lambda s: DroneStrike(blue_unit(s, "drone", "base"), "t_open",
                                                                        "air_defence"),
     "there is no enemy air defence at Open Target"),
    ("relocating to a non-airbase", lambda s: Relocate(blue_unit(s, "drone", "base"), "front"),
     "Front is not an airbase you hold"),
    ("recruiting without money", lambda s: Recruit("inf", "base"), "Infantry cost 4M; you have 1.0M"),
    ("recruiting a type the faction cannot raise", lambda s: Recruit("elite", "base"), "cannot raise Elite infantry"),
    ("requesting from another side's backer", lambda s: RequestSupport("sponsor", "cash"), "Sponsor does not back you"),
    ("requesting an unknown package", lambda s: RequestSupport("patron", "nukes"), "no such backer or package"),
    ("buying a place that is not neutral", lambda s: BuyAllegiance("t_open"), "Open Target is not neutral"),
    ("answering a question nobody asked", lambda s: ChooseOption("offer", "accept"), "no such question"),
    ("an unknown order", lambda s: "surrender", "unknown order"),
]


@pytest.mark.parametrize("what, make, message", ILLEGAL, ids=[c[0] for c in ILLEGAL])
def test_illegal_order_raises_a_readable_message(what, make, message):
    s = arena()
    s.treasury[BLUE] = 1.0
    action = make(s)
    before = state_hash(s)
    assert action not in legal_actions(s)
    reason = why_illegal(s, action)
    assert reason is not None and message in reason
    with pytest.raises(IllegalAction) as exc:
        apply(s, action)
    assert str(exc.value) == reason
    assert state_hash(s) == before, "a refused order must leave the state untouched"


def test_recruiting_spends_money_and_men():
    s = arena()
    ut = s.world.spec.unit_types["inf"]
    treasury, manpower, n = s.treasury[BLUE], s.manpower[BLUE], s.n_units
    (ev,) = apply(s, Recruit("inf", "link"))
    assert ev.kind == "recruit"
    assert s.treasury[BLUE] == pytest.approx(treasury - ut.cost)
    assert s.manpower[BLUE] == pytest.approx(manpower - ut.manpower)
    assert s.n_units == n + 1
    u = n
    assert (s.u_owner[u], s.u_place[u], s.u_str[u]) == (BLUE, P(s, "link"), ut.strength)
    assert not s.u_ready[u]  # new units wait a turn
    s.manpower[BLUE] = 10
    with pytest.raises(IllegalAction, match="need 1000 recruits"):
        apply(s, Recruit("inf", "link"))


def capped(per_1000: float):
    """The arena with `rules.economy.recruits_per_1000` set and money and men to spare."""
    spec = arena().world.spec
    economy = spec.rules.economy.model_copy(update={"recruits_per_1000": per_1000})
    s = new_game(World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"economy": economy})})), 0)
    s.treasury[:] = 1000.0
    s.manpower[:] = 100_000.0
    return s


def test_a_town_gives_only_its_share_of_recruits_in_a_turn():
    s = capped(20.0)
    w = s.world
    link, base = P(s, "link"), P(s, "base")
    # 50,000 people at 20 per 1,000: one unit of 1,000 a turn; the base's 200,000 give four.
    assert w.recruit_cap[link] == pytest.approx(1000.0) and w.recruit_cap[base] == pytest.approx(4000.0)
    apply(s, Recruit("inf", "link"))
    assert s.raised[link] == w.spec.unit_types["inf"].manpower
    reason = why_illegal(s, Recruit("inf", "link"))
    assert reason.startswith("Link has given all the recruits it can this turn (1,000 of 1,000)")
    offered = {a.place for a in legal_actions(s) if isinstance(a, Recruit)}
    assert "link" not in offered and "base" in offered
    for _ in range(4):
        apply(s, Recruit("inf", "base"))
    assert why_illegal(s, Recruit("inf", "base")) is not None
    end_round(s)  # a new week, new recruits
    assert not s.raised.any()
    assert why_illegal(s, Recruit("inf", "link")) is None
    # With no limit, a town raises as many as the side can pay for.
    free = capped(0.0)
    for _ in range(6):
        apply(free, Recruit("inf", "link"))


def test_the_normal_ai_keeps_within_each_towns_recruits():
    s = capped(20.0)
    agent = make_agent("normal", 0)
    raised, filled = 0, set()
    while s.turn <= 2:
        a = agent.act(s)
        raised += isinstance(a, Recruit)
        apply(s, a)  # checked as a player's order is: a recruit past a town's share would be refused
        filled |= set(np.flatnonzero(s.raised >= s.world.recruit_cap).tolist())
    # It raised units, and some town gave all it could, so the limit was met, not avoided.
    assert raised > 0 and filled


def test_backer_commanded_unit_refuses_orders():
    s = arena()
    end_turn(s)
    assert s.active == RED
    contractor = next(u for u in units_of(s, RED) if s.u_backer[u] >= 0)
    assert not any(getattr(a, "unit", None) == contractor for a in legal_actions(s))
    with pytest.raises(IllegalAction, match="takes orders from Sponsor, not from you"):
        apply(s, Move(contractor, "t_open"))
    # Backer units alone at a place cannot be ordered to attack from it.
    clear_units(s)
    put(s, "contractor", "red", "t_open", backer="sponsor")
    with pytest.raises(IllegalAction, match="no ready ground units at Open Target"):
        apply(s, Attack("t_open", "front"))


def test_acting_on_a_finished_game():
    s = arena()
    s.winner, s.reason = BLUE, "test"
    with pytest.raises(IllegalAction, match="the game is over"):
        apply(s, EndTurn())
    assert list(legal_actions(s)) == []


def test_unit_that_has_moved_cannot_move_again():
    s = arena()
    u = blue_unit(s, "inf", "front")
    apply(s, Move(u, "link"))
    with pytest.raises(IllegalAction, match="already moved or fought"):
        apply(s, Move(u, "front"))


def test_buying_a_neutral_town():
    s = new_game(load_world(MINI), 0)
    cost = s.world.spec.map.places["village"].allegiance_cost
    treasury = s.treasury[BLUE]
    assert BuyAllegiance("village") in legal_actions(s)
    apply(s, BuyAllegiance("village"))
    assert s.owner[P(s, "village")] == BLUE
    assert s.treasury[BLUE] == pytest.approx(treasury - cost)


TRACE_WORLDS = ([("mini", MINI), ("arena", None), ("mini, supply through neutral places", MINI)]
                + [(sid, shipped_path(sid)) for sid in SHIPPED])


@pytest.mark.slow
@pytest.mark.parametrize("name, path", TRACE_WORLDS, ids=[n for n, _ in TRACE_WORLDS])
def test_traced_roads_and_supply_match_a_fresh_trace(name, path):
    """The engine keeps road distances and supply incrementally as places change hands
    and strikes cut roads; after every order they must equal a trace from scratch."""
    if path is not None and not path.exists():
        pytest.skip(f"{path.name} is not in the repository")
    w = load_world(path) if path is not None else fixture_world(name)
    if "neutral" in name:
        spec = w.spec
        supply = spec.rules.supply.model_copy(update={"through_neutral": True})
        w = World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"supply": supply})}))
    compared = 0
    for game in range(3):
        s = new_game(w, 40 + game)
        agent = SeededRandom(60 + game)
        while not s.over:
            apply(s, agent.act(s))
            for f in range(w.F):
                idx, km = fresh_paths(s, f)
                assert np.allclose(s.paths(f)[np.ix_(idx, idx)], km), f"{name}: roads of faction {f}, turn {s.turn}"
                assert (supplied(s, f) == fresh_supply(s, f)).all(), f"{name}: supply of faction {f}, turn {s.turn}"
                compared += 1
    assert compared > 100


# =====================================================================================
# why_illegal and legal_actions agree
# =====================================================================================


def consistency_worlds():
    names = [("mini", MINI), ("arena", None), ("events", None)]
    for sid in SHIPPED:
        names.append((sid, shipped_path(sid)))
    return names


@pytest.mark.slow
@pytest.mark.parametrize("name, path", consistency_worlds(), ids=[n for n, _ in consistency_worlds()])
def test_every_legal_action_passes_why_illegal(name, path):
    if path is not None and not path.exists():
        pytest.skip(f"{path.name} is not in the repository")
    w = load_world(path) if path is not None else fixture_world(name)
    games = 3 if name in SHIPPED else 30  # the small worlds' games are short
    checked = universes = 0
    for game in range(games):
        s = new_game(w, 500 + game)
        agent = SeededRandom(900 + game)
        steps = 0
        while not s.over and steps < 400:
            options = legal_actions(s)
            listed = list(options)
            assert len(set(listed)) == len(listed), "legal_actions lists an order twice"
            assert listed[-1] == EndTurn() or all(isinstance(a, ChooseOption) for a in listed)
            for a in listed:
                reason = why_illegal(s, a)
                assert reason is None, f"{name} seed {game} turn {s.turn}: legal {a} refused: {reason}"
            checked += 1
            if steps % 25 == 0:
                # And the other way round: whatever why_illegal accepts is listed.
                allowed = set(listed)
                for a in universe(s):
                    if why_illegal(s, a) is None:
                        assert a in allowed, f"{name} turn {s.turn}: {a} is allowed but not listed"
                universes += 1
            apply(s, agent.act(s))
            steps += 1
    assert checked > 500 and universes > 20


# =====================================================================================
# Units stay on their own side's ground; truces bind everyone
# =====================================================================================


def test_spawned_units_stand_on_their_own_ground():
    s = arena(name="bugs")
    events = end_round(s)  # 'reinforce' spawns a Blue unit at Red-held Urban Target
    assert [e for e in events if e.kind == "reinforce"]
    assert off_own_ground(s) == []


def test_defecting_units_end_on_their_new_sides_ground():
    s = arena(name="bugs")
    turncoat = next(u for u in range(s.n_units) if s.u_militia[u] >= 0)
    end_round(s)
    for u in range(s.n_units):  # remove what the spawn put on Red ground: only the defection matters here
        if s.u_alive[u] and s.u_place[u] == P(s, "t_urban") and s.u_owner[u] == BLUE:
            s.kill(u)
    events = end_round(s)  # the turncoats go over at the end of turn 2
    assert [e for e in events if e.kind == "defection"]
    assert s.u_owner[turncoat] == BLUE and s.u_alive[turncoat]
    assert s.owner[P(s, "far")] == BLUE  # the militia's home town goes over with it
    assert off_own_ground(s) == []
    assert s.owner[s.u_place[turncoat]] == BLUE


def test_a_place_turned_neutral_sends_its_garrison_back():
    from game.scenario.model import SetOwnerEffect
    from game.engine.scenario_events import apply_effect

    s = arena()
    garrison = units_of(s, BLUE, P(s, "front"))
    apply_effect(s, SetOwnerEffect(effect="set_owner", place="front", faction=None), "test")
    assert s.owner[P(s, "front")] == -1
    assert all(s.u_alive[u] and s.u_place[u] == P(s, "link") for u in garrison)  # the only Blue neighbour
    assert off_own_ground(s) == []


@pytest.mark.parametrize("keep", [False, True])
def test_a_place_handed_over_keeps_its_armed_locals_only_if_the_event_says_so(keep):
    from game.scenario.model import SetOwnerEffect
    from game.engine.scenario_events import apply_effect

    s = arena()
    p = P(s, "front")
    s.local_defence[p] = 2_500.0
    (report,) = apply_effect(s, SetOwnerEffect(effect="set_owner", place="front", faction="red", keep_locals=keep),
                             "test")
    assert s.owner[p] == F(s, "red")
    # A handover by agreement: the town's men now defend it for Red, and the news says so.
    # Otherwise they are gone, as when the place is taken in battle.
    assert s.local_defence[p] == (2_500.0 if keep else 0.0)
    assert ("with its 2,500 armed locals" in report.text) == keep
    assert check_invariants(s) == []



@pytest.mark.parametrize("rout", [0.0, 0.4, 1.0])
def test_a_place_taken_by_surprise_loses_the_routed_share_of_its_garrison(rout):
    from game.scenario.model import SetOwnerEffect
    from game.engine.scenario_events import apply_effect

    s = arena()
    p = P(s, "front")
    garrison = units_of(s, BLUE, p)
    before = {int(u): float(s.u_str[u]) for u in garrison}
    floor = s.world.rules.supply.unit_floor
    counted = float(s.losses[BLUE])
    (report,) = apply_effect(s, SetOwnerEffect(effect="set_owner", place="front", faction="red", rout=rout), "test")
    assert s.owner[p] == F(s, "red")
    lost = 0.0
    for u, strength in before.items():
        kept = strength * (1.0 - rout)
        if kept < floor * s.world.t_strength[s.u_type[u]]:
            # Worn below the floor, a unit is gone, as in battle.
            assert not s.u_alive[u]
            lost += strength
        else:
            # The rest fall back, as from any place that changes hands, smaller by the share.
            assert s.u_alive[u] and s.u_place[u] == P(s, "link")
            assert s.u_str[u] == pytest.approx(kept)
            lost += strength - kept
    # What an event's card tells the player before it fires (plain text, no pygame).
    from game.client.describe import effect_text

    told = effect_text(s.world, SetOwnerEffect(effect="set_owner", place="front", faction="red", rout=rout))
    assert (f"lose {rout:.0%} as they fall back" in told) == (rout > 0)
    # The side's count of losses (which events can test) takes them in, as a battle's.
    assert s.losses[BLUE] == pytest.approx(counted + lost)
    if rout == 0.0:
        assert "lost" not in report.data and "falls back" not in report.text
    else:
        assert report.data["lost"] == {"blue": pytest.approx(round(lost, 1))}
        assert f"BLU loses {lost:,.0f} as it falls back" in report.text
    assert check_invariants(s) == []

def test_only_the_holders_units_defend_a_place():
    s = duel()
    own = put(s, "inf", "blue", "t_open")  # as a defected unit would be
    assert own not in defenders_at(s, P(s, "t_open")).tolist()


def test_backer_drones_respect_a_truce():
    s = arena()
    clear_units(s)
    put(s, "drone", "red", "redbase", backer="sponsor")
    put(s, "inf", "blue", "front")
    s.truce = 3
    events = end_round(s)
    assert not [e for e in events if e.kind == "strike"]


def test_backer_drones_strike_when_there_is_no_truce():
    s = arena()
    clear_units(s)
    put(s, "drone", "red", "redbase", backer="sponsor")
    blue = put(s, "inf", "blue", "front")
    events = end_round(s)
    strikes = [e for e in events if e.kind == "strike"]
    assert len(strikes) == 3  # its three sorties, all on the only enemy force in reach
    assert all(e.data["place"] == "front" for e in strikes)
    assert s.u_str[blue] < 1000.0


def _arena_with(overrides: dict):
    from engine_helpers import ENGINE_DATA

    from game.engine import World
    from game.scenario.loader import load_scenario

    loaded = load_scenario(ENGINE_DATA / "arena.yaml", overrides=overrides)
    return new_game(World(loaded.spec, loaded.sha256), 0)


def _arena_with_rules(rules: dict):
    return _arena_with({"rules": rules})


# Red's sponsor answers Blue taking the open town, as Egypt answered a GNA drive on Jufra.
SPONSOR_RED_LINE = {"backers": {"sponsor": {"red_lines": [
    {"when": {"test": "owns", "faction": "blue", "place": "t_open"}, "commitment": 40}]}}}


def test_home_guard_defends_a_town_for_its_first_holder_until_it_falls():
    s = _arena_with_rules({"combat": {"home_guard": 10}})
    t_open = P(s, "t_open")
    assert s.local_defence[t_open] == pytest.approx(400.0)  # 40,000 people
    clear_units(s)
    put(s, "inf", "blue", "front")
    attack, defence = battle_power(s, BLUE, P(s, "front"), t_open)
    assert defence == pytest.approx(400.0)  # the locals alone hold the town
    (ev,) = resolve_attack(s, BLUE, P(s, "front"), t_open)
    assert ev.kind == "battle" and ev.data["defender_lost"] > 0  # a fight, not a walk-in
    fresh = _arena_with_rules({"combat": {"home_guard": 10}})
    capture(fresh, BLUE, t_open)
    assert fresh.local_defence[t_open] == 0.0  # the new holder has no armed locals
    assert fresh.local_defence[P(fresh, "front")] == pytest.approx(300.0)  # blue's own town keeps its men


def test_home_guard_max_caps_a_big_citys_armed_locals_and_no_small_towns():
    """At 10 per 1,000, Blue Base (200,000 people) would raise 2,000 and Front (30,000)
    300; with at most 1,000 a place the city has 1,000 and the town keeps its 300."""
    capped = _arena_with_rules({"combat": {"home_guard": 10, "home_guard_max": 1000}})
    free = _arena_with_rules({"combat": {"home_guard": 10}})
    base, front = P(free, "base"), P(free, "front")
    assert free.local_defence[base] == pytest.approx(2000.0)
    assert capped.local_defence[base] == pytest.approx(1000.0)
    assert capped.local_defence[front] == free.local_defence[front] == pytest.approx(300.0)


def test_a_strike_on_troops_also_hits_the_armed_locals():
    s = _arena_with_rules({"combat": {"home_guard": 10}})
    clear_units(s)
    t_open = P(s, "t_open")
    red = put(s, "inf", "red", "t_open")
    drone = put(s, "drone", "blue", "base")
    apply(s, DroneStrike(drone, "t_open", "units"))
    share = 1.0 - s.u_str[red] / 1000.0
    assert share > 0 and s.local_defence[t_open] == pytest.approx(400.0 * (1.0 - share))


def test_cohesion_moves_with_the_worth_of_a_lost_place():
    s = _arena_with_rules({"politics": {"cohesion_per_loss": 1.0, "cohesion_per_point": 2.0,
                                        "cohesion_gain_share": 0.5}})
    s.cohesion[:] = 50.0
    capture(s, BLUE, P(s, "redbase"))  # 3 victory points
    assert s.cohesion[RED] == pytest.approx(50.0 - 7.0)
    assert s.cohesion[BLUE] == pytest.approx(50.0 + 3.5)  # the taker gains half of it


def test_backer_fighters_go_where_the_client_is_pressed_hardest():
    """Contractors already on a front move to the client's place with the most enemy
    strength next door, rather than stay where they happen to be."""
    s = arena()
    clear_units(s)
    s.set_owner(P(s, "t_urban"), BLUE)
    put(s, "inf", "blue", "front")  # 1,000 against Open Target
    for _ in range(3):
        put(s, "inf", "blue", "t_urban")  # 3,000 against Red Base
    contractor = put(s, "contractor", "red", "t_open", backer="sponsor")
    end_round(s)
    assert s.u_place[contractor] == P(s, "redbase")


def test_red_lines_crossed_names_the_line_a_capture_would_set_off():
    s = _arena_with(SPONSOR_RED_LINE)
    w = s.world
    t_open = P(s, "t_open")
    crossed = red_lines_crossed(s, BLUE, t_open)
    assert [(w.backer_ids[b], line.commitment) for b, line in crossed] == [("sponsor", 40)]
    assert s.owner[t_open] == RED  # asking changes nothing
    assert red_lines_crossed(s, BLUE, P(s, "t_urban")) == []
    assert red_lines_crossed(s, RED, P(s, "front")) == []  # the line is drawn against Blue only
    s.redlines_fired.add((w.bidx["sponsor"], 0))
    assert red_lines_crossed(s, BLUE, t_open) == []  # a line crossed once deters no more


def test_backer_fighters_cross_a_stage_longer_than_a_weeks_march():
    """Contractors flown into a remote base (Wagner at Jufra) are not stranded there
    because the first road out is longer than a week's march: they make that one
    stage a turn, then march on as usual."""
    s = arena()
    clear_units(s)
    put(s, "inf", "blue", "front")
    contractor = put(s, "contractor", "red", "far", backer="sponsor")  # 600 km out, 200 km a turn
    assert s.paths(RED)[P(s, "far"), P(s, "redbase")] > s.world.t_speed[s.u_type[contractor]]
    end_round(s)
    assert s.u_place[contractor] == P(s, "redbase")
    end_round(s)
    assert s.u_place[contractor] in (P(s, "t_open"), P(s, "t_urban"))  # the places Blue presses
