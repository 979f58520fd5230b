"""The economy: income, oil, upkeep and desertion.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import pytest

from engine_helpers import BLUE, MINI, P, RED, end_turn, load_world, shipped_path, units_of
from game.engine import apply, IllegalAction, legal_actions, new_game, SetBlockade
from game.engine.economy import income, oil_revenue, revenue_share, upkeep


# =====================================================================================
# Economy
# =====================================================================================


def test_oil_revenue_goes_to_the_central_bank_holder():
    s = new_game(load_world(MINI), 0)
    w = s.world
    eco = w.spec.rules.economy
    expected = 300_000 * w.days_per_turn * eco.oil_price_usd * eco.state_share / 1e6
    assert oil_revenue(s) == pytest.approx(expected)
    # Blue holds the bank (capital); Red holds the field but has no fixed oil share.
    assert revenue_share(s, BLUE) == 1.0 and revenue_share(s, RED) == 0.0
    assert income(s, BLUE) == pytest.approx(expected)
    assert income(s, RED) == pytest.approx(0.0)
    s.owner[P(s, "capital")] = RED
    s.invalidate()
    assert income(s, RED) == pytest.approx(expected)
    assert income(s, BLUE) == pytest.approx(0.0)


def test_fixed_oil_shares_leave_the_rest_to_the_bank_holder():
    s = new_game(load_world(shipped_path("dignity_2014")), 0)
    w = s.world
    shares = w.spec.economies["national"].shares
    holder = int(s.owner[w.is_bank][0])
    others = sum(v for fid, v in shares.items() if w.fidx[fid] != holder)
    assert revenue_share(s, holder) == pytest.approx(1.0 - others)
    assert sum(revenue_share(s, f) for f in range(w.F)) == pytest.approx(1.0)


def test_blockade_by_the_field_holder_cuts_the_bank_holders_revenue():
    s = new_game(load_world(MINI), 0)
    end_turn(s)  # Red to move
    assert s.active == RED
    full = income(s, BLUE)
    assert full > 0
    control = s.clone()
    legit = s.legitimacy[RED]
    apply(s, SetBlockade(True))
    assert oil_revenue(s) == 0.0
    assert income(s, BLUE) == pytest.approx(full - oil_revenue(control))
    # Over the round Blue is paid that much less.
    end_turn(s)
    end_turn(control)
    assert s.active == control.active == BLUE
    assert control.treasury[BLUE] - s.treasury[BLUE] == pytest.approx(full)
    # Red pays in legitimacy at its next income phase, and can lift the blockade.
    end_turn(s)
    assert s.legitimacy[RED] == pytest.approx(legit - s.world.spec.rules.economy.blockade_legitimacy)
    apply(s, SetBlockade(False))
    assert oil_revenue(s) == pytest.approx(oil_revenue(control))


def test_blockade_needs_oil_to_shut():
    s = new_game(load_world(MINI), 0)
    assert SetBlockade(True) not in legal_actions(s)
    with pytest.raises(IllegalAction, match="no oil fields"):
        apply(s, SetBlockade(True))
    with pytest.raises(IllegalAction, match="already off"):
        apply(s, SetBlockade(False))


def test_upkeep_is_paid_at_the_start_of_each_turn():
    s = new_game(load_world(MINI), 0)
    w = s.world
    before = s.treasury[BLUE]
    end_turn(s)
    end_turn(s)  # a new round: Blue has been paid again
    assert s.treasury[BLUE] == pytest.approx(before + income(s, BLUE) - upkeep(s, BLUE))
    assert upkeep(s, BLUE) == pytest.approx(3 * w.spec.unit_types["militia"].upkeep)


def test_a_faction_that_cannot_pay_loses_fighters_and_cohesion():
    s = new_game(load_world(MINI), 0)
    end_turn(s)
    s.treasury[BLUE] = -500.0
    strength = s.u_str[units_of(s, BLUE)].copy()
    cohesion = s.cohesion[BLUE]
    end_turn(s)
    assert s.active == BLUE
    kept = 1.0 - s.world.spec.rules.economy.unpaid_desertion
    assert 0 < kept < 1
    assert s.u_str[units_of(s, BLUE)] == pytest.approx(strength * kept)
    assert s.cohesion[BLUE] < cohesion
