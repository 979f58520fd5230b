"""Munitions that strikes use up (`munitions`, a unit type's `munition`, a side's
`stocks` and `stocks_per_turn`, a package's `stocks`), on the arena of
tests/data/engine/munitions.yaml. Figures come from the fixture itself."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine_helpers import BLUE, ENGINE_DATA, arena, end_round, fixture_world, load_world, put
from game.ai.agents import make_agents, play_out
from game.engine import DroneStrike, IllegalAction, apply, legal_actions, new_game
from game.engine.backers import deliver
from game.engine.persist import state_from_json, state_to_json
from game.lab.simulate import RunOptions, simulate
from game.lab.variant import Variant


def _drone(s) -> int:
    w = s.world
    return next(u for u in range(s.n_units) if s.u_owner[u] == BLUE and w.t_air[s.u_type[u]])


def missiles(s) -> int:
    return int(s.stocks[BLUE, s.world.midx["missiles"]])


def _first_turn(s) -> int:
    """What Blue holds on its first turn: its stock, and that turn's output, which comes
    in at the start of each of its turns as its income does."""
    blue = s.world.spec.factions["blue"]
    return blue.stocks["missiles"] + blue.stocks_per_turn["missiles"]


def test_stocks_run_out_and_then_the_drones_cannot_strike():
    s = arena(name="munitions")
    drone = _drone(s)
    s.u_sorties[drone] = 10  # more sorties than missiles
    start = _first_turn(s)
    assert missiles(s) == start
    for left in range(start - 1, -1, -1):
        assert any(isinstance(a, DroneStrike) and a.unit == drone for a in legal_actions(s))
        apply(s, DroneStrike(drone, "t_open", "units"))
        assert missiles(s) == left
    # Sorties remain, but nothing to fire: the rules neither list a strike nor allow one.
    assert s.u_sorties[drone] > 0
    assert not any(isinstance(a, DroneStrike) for a in legal_actions(s))
    with pytest.raises(IllegalAction, match="no guided missiles left"):
        apply(s, DroneStrike(drone, "t_open", "units"))


def test_a_strike_shot_down_still_spends_its_missile():
    s = arena(name="munitions")
    drone = _drone(s)
    for _ in range(4):
        put(s, "sam", "red", "t_open")
    s.rng = np.random.Generator(np.random.PCG64(1))
    before = missiles(s)
    reports = apply(s, DroneStrike(drone, "t_open", "units"))
    assert missiles(s) == before - 1
    assert reports[0].kind == "strike"


def test_a_side_makes_its_own_each_turn_and_a_package_brings_more():
    s = arena(name="munitions")
    spec = s.world.spec
    made = spec.factions["blue"].stocks_per_turn["missiles"]
    start = _first_turn(s)
    end_round(s)  # Blue's next turn has begun: its output is in again
    assert missiles(s) == start + made
    shipment = spec.backers["patron"].packages["missiles"].stocks["missiles"]
    (report,) = deliver(s, s.world.kidx[("patron", "missiles")])
    assert missiles(s) == start + made + shipment
    assert "guided missiles" in report.data["stocks"]


def test_stocks_survive_a_save():
    s = arena(name="munitions")
    apply(s, DroneStrike(_drone(s), "t_open", "units"))
    back = state_from_json(json.loads(json.dumps(state_to_json(s))), s.world)
    assert back.stocks.tolist() == s.stocks.tolist()


def test_the_ai_never_fires_what_its_side_does_not_have():
    """Whole games of the normal AI: every order passes the rules' own check (agents give
    their orders unchecked, so one past the last missile would drive the stock below 0)."""
    w = fixture_world("munitions")
    for seed in range(3):
        state = new_game(w, seed)
        lows = []
        play_out(state, make_agents(w, np.random.SeedSequence(seed), {f: "normal" for f in w.faction_ids}),
                 on_action=lambda a, e, st: lows.append(int(st.stocks.min())))
        assert min(lows) == 0  # it fired all it had, and never one more


def test_the_lab_counts_each_sides_stocks_by_turn(tmp_path):
    out = tmp_path / "run"
    simulate(Variant(str(ENGINE_DATA / "munitions.yaml")), out, RunOptions(games=2, seed=1, executor="serial", jobs=1),
             {"blue": "normal", "red": "normal"}, 0, report=False)
    header, *rows = (out / "turns.csv").read_text().splitlines()
    cols = header.split(",")
    assert cols[-2:] == ["stock_missiles_blue", "stock_missiles_red"]
    first = dict(zip(cols, rows[0].split(",")))
    blue = load_world(ENGINE_DATA / "munitions.yaml").spec.factions["blue"]
    assert int(first["stock_missiles_blue"]) == blue.stocks["missiles"] + blue.stocks_per_turn["missiles"]
    assert int(first["stock_missiles_red"]) == 0
