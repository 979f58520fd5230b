"""Previews (`engine.preview`): what an attack or a strike is likely to cost, from the
rules' own trial runs on copies of the game."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine_helpers import BLUE, P, arena, clear_units, put
from game.engine import actions as A
from game.engine import apply
from game.engine.combat import win_chance
from game.engine.persist import state_hash
from game.engine.preview import preview, trial_seeds


def _attack_arena(seed: int = 0):
    """Blue's 2 infantry at the Front against Red's 2 at the Open Target: an even fight."""
    s = arena(seed)
    clear_units(s)
    for _ in range(2):
        put(s, "inf", "blue", "front")
        put(s, "inf", "red", "t_open")
    return s


def test_a_preview_leaves_the_game_as_it_was_and_gives_the_same_answer_twice():
    s = _attack_arena()
    before = state_hash(s)
    draws = s.rng.bit_generator.state
    order = A.Attack("front", "t_open")
    first = preview(s, order)
    assert state_hash(s) == before and s.rng.bit_generator.state == draws
    assert preview(s, order) == first


def test_an_attacks_preview_agrees_with_the_rules_odds():
    """The share of trial runs that take the place is the rules' own chance, within the
    sampling error of 200 runs; both sides lose fighters in every battle."""
    s = _attack_arena()
    p = preview(s, A.Attack("front", "t_open"))
    chance = win_chance(s, BLUE, P(s, "front"), P(s, "t_open"))
    assert chance == pytest.approx(0.5)
    assert abs(p.success - chance) <= 3 * math.sqrt(chance * (1 - chance) / p.samples) + 1e-9
    assert 0 < p.own_lost.low <= p.own_lost.mean <= p.own_lost.high
    assert 0 < p.enemy_lost.low <= p.enemy_lost.mean <= p.enemy_lost.high


def test_the_preview_counts_the_losses_the_rules_report():
    """Carrying the order out for real, with each of the preview's own dice, gives back
    the preview's figures: the losses are the ones the battle report states."""
    s = _attack_arena()
    order = A.Attack("front", "t_open")
    p = preview(s, order, samples=20)
    seeds = trial_seeds(s, order, 20)
    lost = []
    for seed in seeds:
        copy = s.clone()
        copy.rng = np.random.Generator(np.random.PCG64(seed))
        (battle,) = [e for e in apply(copy, order) if e.kind in ("battle", "capture")]
        lost.append(battle.data["attacker_lost"])
    assert p.own_lost.mean == pytest.approx(float(np.mean(lost)))


def test_a_strikes_preview_gives_the_harm_the_rules_then_record():
    s = arena(0)
    clear_units(s)
    drone = put(s, "drone", "blue", "base")
    put(s, "inf", "red", "t_open")
    order = A.DroneStrike(drone, "t_open", "units")
    p = preview(s, order)
    assert p.success == 1.0  # no air defence: every trial run gets through
    harm_before, legitimacy_before = float(s.harm.sum()), float(s.legitimacy[BLUE])
    apply(s, order)
    assert float(s.harm.sum()) - harm_before == pytest.approx(p.harm_if_success)
    assert float(s.legitimacy[BLUE]) - legitimacy_before == pytest.approx(p.legitimacy_if_success)
    assert p.harm_if_success > 0 and p.legitimacy_if_success < 0


def test_a_refused_order_has_no_preview():
    s = _attack_arena()
    with pytest.raises(ValueError, match="."):
        preview(s, A.Attack("base", "t_open"))  # not next to it
    with pytest.raises(TypeError):
        preview(s, A.EndTurn())
