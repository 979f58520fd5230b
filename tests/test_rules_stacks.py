"""Splitting a ground unit in two and merging two back: who may, how much, what is kept
(fighters, upkeep, power in battle, readiness), the engine's invariants after each, a
save that holds them, and the agents' list of orders, which never offers them.

Expected numbers come from the fixture's own rules (`unit_floor`, unit strengths).
"""

from __future__ import annotations

import numpy as np
import pytest

from engine_helpers import BLUE, RED, P, SHIPPED, T, arena, load_world, put, shipped_path, units_of
from game.engine import (
    EndTurn, IllegalAction, Merge, Move, Split, action_from_json, action_to_json, apply, legal_actions, new_game,
    why_illegal,
)
from game.engine.combat import battle_power
from game.engine.economy import upkeep
from game.engine.invariants import violations
from game.engine.persist import load_game, save_game, state_hash
from game.engine.stacks import DETACHED, merge_partners, split_range


def front_pair(s):
    """Blue's two infantry units at Front (the fixture puts them there, ready)."""
    a, b = units_of(s, BLUE, P(s, "front"))
    return a, b


def floor_of(s, u):
    return s.world.rules.supply.unit_floor * float(s.world.t_strength[s.u_type[u]])


# -- what a split and a merge do ------------------------------------------------------------


def test_a_split_makes_a_second_unit_of_the_same_kind_and_keeps_every_fighter():
    s = arena()
    a, _ = front_pair(s)
    s.u_names[a] = "First Brigade"
    before = (float(s.u_str[a]), upkeep(s, BLUE), battle_power(s, BLUE, P(s, "front"), P(s, "t_open")))
    (ev,) = apply(s, Split(a, 300.0))
    new = s.n_units - 1
    assert ev.kind == "stack" and ev.data["new"] == new
    assert (s.u_type[new], s.u_owner[new], s.u_place[new], s.u_militia[new], s.u_backer[new]) == \
        (s.u_type[a], BLUE, P(s, "front"), s.u_militia[a], -1)
    assert (float(s.u_str[a]), float(s.u_str[new])) == (before[0] - 300.0, 300.0)
    assert s.u_ready[new] and s.u_ready[a]  # splitting neither spends nor gives a turn's orders
    assert s.u_names[new] == "First Brigade" + DETACHED
    # Upkeep and power in battle are per fighter: the same with the stack split.
    assert upkeep(s, BLUE) == pytest.approx(before[1])
    assert battle_power(s, BLUE, P(s, "front"), P(s, "t_open")) == pytest.approx(before[2])
    assert violations(s) == []


def test_merging_back_restores_the_unit():
    s = arena()
    a, b = front_pair(s)
    strength = float(s.u_str[a])
    apply(s, Split(a, 400.0))
    new = s.n_units - 1
    assert merge_partners(s, new) == [a, b]  # any infantry of Blue's at Front can join it
    (ev,) = apply(s, Merge(new, a))
    assert ev.kind == "stack"
    assert float(s.u_str[a]) == strength and s.u_ready[a]
    assert not s.u_alive[new] and s.u_str[new] == 0.0
    assert violations(s) == []


def test_a_merged_unit_can_act_only_if_both_could():
    s = arena()
    a, b = front_pair(s)
    apply(s, Move(b, "link"))
    apply(s, Move(a, "link"))
    c = put(s, "inf", "blue", "link")  # ready
    apply(s, Merge(c, a))
    assert not s.u_ready[a]  # a had moved: merged, they wait together
    d = put(s, "inf", "blue", "link")
    apply(s, Merge(b, d))  # d ready, b spent
    assert not s.u_ready[d]


def test_a_split_of_a_spent_unit_gives_two_spent_units():
    s = arena()
    a, _ = front_pair(s)
    apply(s, Move(a, "link"))
    apply(s, Split(a, 500.0))
    assert not s.u_ready[a] and not s.u_ready[s.n_units - 1]


# -- refusals -----------------------------------------------------------------------------------


def _refused(s, action, message):
    before = state_hash(s)
    reason = why_illegal(s, action)
    assert reason is not None and message in reason, reason
    with pytest.raises(IllegalAction) as exc:
        apply(s, action)
    assert str(exc.value) == reason
    assert state_hash(s) == before, "a refused order must leave the state untouched"


@pytest.mark.parametrize("strength, message", [
    (0.0, "between 50 and 950 fighters can leave"),
    (49.0, "between 50 and 950"),
    (951.0, "between 50 and 950"),
    (1e9, "between 50 and 950"),
    (float("nan"), "as a number"),
    (float("inf"), "as a number"),
    ("half", "as a number (got 'half')"),
    (True, "as a number"),
    (None, "as a number"),
])
def test_a_split_must_leave_each_part_above_the_floor(strength, message):
    s = arena()
    a, _ = front_pair(s)
    # The floor is the rules' own: below it a worn unit breaks up at the next count.
    assert floor_of(s, a) == 50.0 and s.u_str[a] == 1000.0
    _refused(s, Split(a, strength), message)


def test_the_split_range_edges_are_allowed():
    s = arena()
    a, _ = front_pair(s)
    lo, hi = split_range(s, a)
    assert why_illegal(s, Split(a, lo)) is None and why_illegal(s, Split(a, hi)) is None
    apply(s, Split(a, hi))
    assert s.u_str[a] == pytest.approx(lo)
    assert "too small to split" in why_illegal(s, Split(a, 1.0))


def test_who_and_what_may_not_split_or_merge():
    s = arena()
    a, b = front_pair(s)
    red = units_of(s, RED, P(s, "t_open"))[0]
    drone = next(u for u in units_of(s, BLUE) if s.u_type[u] == T(s, "drone"))
    sam = put(s, "sam", "blue", "base")
    guards = put(s, "contractor", "blue", "front", backer="patron")
    far = units_of(s, BLUE, P(s, "base"))[0]
    elite = put(s, "elite", "blue", "front")
    _refused(s, Split(red, 100.0), "that unit is not yours")
    _refused(s, Split(999, 100.0), "there is no unit 999")
    _refused(s, Split(guards, 100.0), "takes orders from Patron")
    _refused(s, Split(drone, 2.0), "only ground units split")
    _refused(s, Split(sam, 20.0), "only ground units split")
    _refused(s, Merge(a, a), "cannot merge with itself")
    _refused(s, Merge(a, red), "that unit is not yours")
    _refused(s, Merge(a, far), "not at the same place")
    _refused(s, Merge(a, elite), "only units of the same type merge: Infantry and Elite infantry")
    _refused(s, Merge(a, guards), "takes orders from Patron")
    s.u_militia[b] = 0
    _refused(s, Merge(a, b), "militias of different towns")
    s.u_militia[b] = s.u_militia[a]
    s.u_expires[b] = s.turn + 3
    _refused(s, Merge(a, b), "different terms")
    s.u_expires[b] = 0
    apply(s, Merge(b, a))
    _refused(s, Merge(b, a), "there is no unit")  # b is gone


def test_no_split_while_a_question_waits_or_after_the_end():
    s = arena(name="events")
    a = units_of(s, BLUE, P(s, "front"))[0]
    s.pending.append((BLUE, s.world.eidx["offer"]))
    assert "first answer" in why_illegal(s, Split(a, 100.0))
    s.pending.clear()
    s.winner, s.reason = BLUE, "test"
    assert why_illegal(s, Split(a, 100.0)) == "the game is over"


# -- the agents never give them ------------------------------------------------------------------


@pytest.mark.parametrize("sid", SHIPPED)
def test_legal_actions_never_offer_a_split_or_merge(sid):
    """The AIs pick from legal_actions: with no Split or Merge there, seeded lab games are
    what they were before these orders existed."""
    w = load_world(shipped_path(sid))
    s = new_game(w, 3)
    rng = np.random.default_rng(3)
    for _ in range(150):
        if s.over:
            break
        options = list(legal_actions(s))
        assert not any(isinstance(a, (Split, Merge)) for a in options)
        apply(s, options[int(rng.integers(len(options)))])


# -- invariants over many orders, saves and replays ----------------------------------------------


def test_splits_and_merges_in_a_played_game_keep_the_invariants(tmp_path):
    """A seeded game of the 2019 scenario in which the side to move splits its stacks and
    merges them again between random orders: every invariant holds after each, each
    side's fighters are only moved between units, and a save of it loads to the same
    state and plays on the same."""
    w = load_world(shipped_path("tripoli_2019"))
    s = new_game(w, 11)
    rng = np.random.default_rng(11)
    splits = merges = 0
    for step in range(300):
        if s.over:
            break
        f = s.active
        mine = [u for u in range(s.n_units) if s.u_alive[u] and s.u_owner[u] == f and s.u_backer[u] < 0
                and w.t_ground[s.u_type[u]]]
        before = s.u_str[:s.n_units][s.u_alive[:s.n_units] & (s.u_owner[:s.n_units] == f)].sum()
        if mine and step % 3 == 0:
            u = int(rng.choice(mine))
            lo, hi = split_range(s, u)
            if lo <= hi and why_illegal(s, Split(u, lo)) is None:
                apply(s, Split(u, float(rng.uniform(lo, hi))))
                splits += 1
        elif mine and step % 3 == 1:
            for u in mine:
                partners = [v for v in merge_partners(s, u) if v != u]
                if partners and why_illegal(s, Merge(partners[0], u)) is None:
                    apply(s, Merge(partners[0], u))
                    merges += 1
                    break
        else:
            options = legal_actions(s)
            apply(s, options[int(rng.integers(len(options)))])
            continue
        after = s.u_str[:s.n_units][s.u_alive[:s.n_units] & (s.u_owner[:s.n_units] == f)].sum()
        assert after == pytest.approx(before), "a split or merge changed a side's fighters"
        assert violations(s) == [], (step, violations(s))
    assert splits > 20 and merges > 20
    path = tmp_path / "stacks.json"
    save_game(path, s)
    loaded = load_game(path, w)
    assert state_hash(loaded) == state_hash(s)
    for _ in range(40):  # and plays on the same, dice included
        if s.over:
            break
        a = legal_actions(s)[0] if s.pending else EndTurn()
        apply(s, a)
        apply(loaded, a)
    assert state_hash(loaded) == state_hash(s)


def test_split_and_merge_orders_read_back_from_json():
    for action in (Split(3, 250.0), Merge(4, 2)):
        data = action_to_json(action)
        assert action_from_json(data) == action
    assert action_to_json(Split(3, 250.0)) == {"type": "Split", "unit": 3, "strength": 250.0}
    with pytest.raises(ValueError, match="Split needs fields"):
        action_from_json({"type": "Split", "unit": 3})
    # A replay with a bad number is refused by the rules, in words, not with a traceback.
    s = arena()
    a, _ = front_pair(s)
    assert "as a number" in why_illegal(s, action_from_json({"type": "Split", "unit": a, "strength": "lots"}))
