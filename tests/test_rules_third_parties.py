"""A third party that no one plays and that fights no one (observers, peacekeepers):
on the arena of tests/data/engine/observers.yaml, a ceasefire hands Blue's front to
observers as a buffer; Red counts them among its enemies, at a price in legitimacy."""

from __future__ import annotations

import numpy as np
import pytest

from engine_helpers import BLUE, ENGINE_DATA, RED, P, arena, end_round, fixture_world, put, units_of
from game.ai.agents import make_agents, play_out
from game.engine import Attack, IllegalAction, Move, apply, legal_actions, new_game
from game.engine.supply import supplied
from game.engine.territory import capture
from game.lab.simulate import RunOptions, simulate
from game.lab.variant import Variant


def _buffer(s) -> int:
    """Red takes the front; at the round's end the broker hands it to the observers."""
    for u in units_of(s, BLUE, P(s, "front")):
        s.u_alive[u] = False
    capture(s, RED, P(s, "front"))
    end_round(s)
    s.pending.clear()
    return s.world.fidx["observers"]


def test_a_buffer_held_by_observers_cannot_be_attacked_crossed_or_supplied_through():
    s = arena(name="observers")
    obs = _buffer(s)
    w = s.world
    assert s.owner[P(s, "front")] == obs and units_of(s, obs, P(s, "front"))
    s.truce = 0  # the brokered truce aside: the buffer stands on its own
    # Blue, which does not count the observers among its enemies, may not attack them.
    put(s, "inf", "blue", "link")
    assert s.active == BLUE
    assert Attack("link", "front") not in legal_actions(s)
    with pytest.raises(IllegalAction):
        apply(s, Attack("link", "front"))
    # Nor march through, nor supply: the front was Blue's only road east.
    unit = put(s, "inf", "blue", "link")
    assert not any(isinstance(a, Move) and a.unit == unit and a.to in ("t_open", "t_urban") for a in legal_actions(s))
    assert not supplied(s, BLUE)[P(s, "front")]
    assert w.factions[obs].victory == [] and "observers" not in w.spec.outcomes()


def test_attacking_the_observers_is_possible_for_a_side_that_counts_them_as_enemies_at_its_price():
    s = arena(name="observers")
    obs = _buffer(s)
    s.truce = 0
    while s.active != RED:
        apply(s, legal_actions(s)[-1])
    put(s, "inf", "red", "t_open", 5000)
    legitimacy = s.legitimacy[RED]
    apply(s, Attack("t_open", "front"))
    assert s.losses[obs] > 0
    while s.active != BLUE:
        s.pending.clear()
        apply(s, legal_actions(s)[-1])
    assert s.legitimacy[RED] <= legitimacy - 15 + 1e-9


@pytest.mark.slow
def test_whole_games_with_a_third_party_end_in_a_verdict_for_one_of_the_sides(tmp_path):
    """The AI plays the observers too (they have nothing to attack), and the lab counts
    only the sides that can win."""
    w = fixture_world("observers")
    for seed in range(3):
        state = new_game(w, seed)
        play_out(state, make_agents(w, np.random.SeedSequence(seed), {f: "normal" for f in w.faction_ids}))
        assert state.over and state.winner != w.fidx["observers"]
    _, summary = simulate(Variant(str(ENGINE_DATA / "observers.yaml")), tmp_path / "run",
                          RunOptions(games=4, seed=1, executor="serial", jobs=1),
                          {"blue": "normal", "red": "normal", "observers": "normal"}, 0, report=True)
    assert list(summary["outcomes"]) == ["blue", "red", "draw"]
    assert "Ceasefire observers" not in (tmp_path / "run" / "report.md").read_text().split("## Game length")[0]
