"""Truces that hold victory still and can be broken, and settlements (`engine/peace.py`),
on the arena of tests/data/engine/peace.yaml. Expected figures come from the fixture's
own `rules.truce`, so a retuned value changes the expectation, not the verdict."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine_helpers import BLUE, ENGINE_DATA, RED, P, arena, end_round, fixture_world, patron
from game.ai.utility import NormalAgent
from game.engine import (
    Attack, BreakTruce, ChooseOption, IllegalAction, World, apply, legal_actions, new_game, why_illegal,
)
from game.engine.backer_score import backer_score
from game.engine.peace import outcome
from game.engine.persist import state_from_json, state_to_json
from game.engine.territory import capture
from game.lab.compare import RunSummary, table
from game.lab.simulate import RunOptions, simulate
from game.lab.variant import Variant


def sponsor(s) -> int:
    return s.world.bidx["sponsor"]


def _red_signs(s) -> list:
    """Red takes Blue's front, is offered terms at the round's end, and signs them on its turn."""
    capture(s, RED, P(s, "front"))
    end_round(s)
    assert (RED, s.world.eidx["terms"]) in s.pending
    while s.active != RED:
        s.pending = [p for p in s.pending if p[0] == RED]
        apply(s, legal_actions(s)[-1])
    return apply(s, ChooseOption("terms", "sign"))


def _hold_redbase(s) -> None:
    """Blue takes Red's base, the place its capture victory names (held 3 turns to win)."""
    capture(s, BLUE, P(s, "redbase"))


@pytest.mark.parametrize("name, wins_under_truce", [("arena", True), ("peace", False)])
def test_a_truce_that_holds_victory_still_stops_the_checks(name, wins_under_truce):
    s = arena(name=name)
    _hold_redbase(s)
    s.truce = 10
    for _ in range(4):  # one more round than the condition's three
        end_round(s)
        s.pending.clear()
        if s.over:
            break
    assert s.over is wins_under_truce
    if not wins_under_truce:
        # The count stood still under the truce, and runs from there once it ends.
        assert s.hold[BLUE].max() == 0
        s.truce = 0
        end_round(s)
        end_round(s)
        assert not s.over
        end_round(s)
        assert s.winner == BLUE


def test_breaking_a_truce_costs_its_author_and_reopens_the_war():
    s = arena(name="peace")
    rules = s.world.rules.truce
    capture(s, BLUE, P(s, "t_open"))  # the sponsor brokers talks
    events = end_round(s)
    assert [e for e in events if e.kind == "truce" and e.data["broker"] == "sponsor"]
    assert s.truce == 3 and s.truce_broker == sponsor(s)
    assert "truce" in why_illegal(s, Attack("front", "t_urban"))
    before = s.clone()
    (report,) = apply(s, BreakTruce())
    assert report.data["broken_by"] == "blue" and "sponsor" == report.data["broker"]
    assert s.legitimacy[BLUE] == pytest.approx(before.legitimacy[BLUE] - rules.break_legitimacy)
    # Blue's own backer is put out; the broker, which backs Red, gains a grievance.
    assert s.commitment[patron(s)] == pytest.approx(min(100.0, before.commitment[patron(s)]) - rules.break_commitment)
    assert s.commitment[sponsor(s)] == pytest.approx(before.commitment[sponsor(s)] + rules.break_commitment)
    assert s.truce == 0 and s.truce_broker == -1
    assert why_illegal(s, Attack("front", "t_urban")) is None
    assert "no truce" in why_illegal(s, BreakTruce())


def test_a_truce_cannot_be_broken_where_the_scenario_does_not_allow_it():
    s = arena()
    s.truce = 2
    assert BreakTruce() not in list(legal_actions(s))
    with pytest.raises(IllegalAction, match="hold for all their turns"):
        apply(s, BreakTruce())
    s = arena(name="peace")
    s.truce = 2
    assert BreakTruce() in list(legal_actions(s))


def test_terms_signed_end_the_war_in_a_settlement_with_each_sides_share():
    s = arena(name="peace")
    events = _red_signs(s)
    assert s.over and s.settled and s.winner == -1
    assert s.terms.tolist() == [0.7, 0.3]
    assert outcome(s) == "settlement"
    assert [e for e in events if e.kind == "victory" and e.data["settlement"]]
    assert len(legal_actions(s)) == 0


def test_a_frozen_front_gives_each_side_its_share_of_the_victory_points():
    s = arena(name="peace")
    capture(s, RED, P(s, "link"))
    end_round(s)
    w = s.world
    held = np.array([w.vp[s.owner == f].sum() for f in range(w.F)], dtype=float)
    assert s.settled and s.terms == pytest.approx(held / w.vp.sum())
    # Nothing after the settlement changes who won: the round's victory checks pass it by.
    assert s.winner == -1 and outcome(s) == "settlement"


def test_a_settled_game_and_a_brokered_truce_survive_a_save():
    s = arena(name="peace")
    s.truce, s.truce_broker = 2, sponsor(s)
    back = state_from_json(json.loads(json.dumps(state_to_json(s))), s.world)
    assert (back.truce, back.truce_broker) == (2, sponsor(s))
    capture(s, RED, P(s, "link"))
    end_round(s)
    back = state_from_json(json.loads(json.dumps(state_to_json(s))), s.world)
    assert back.settled and back.terms.tolist() == s.terms.tolist() and outcome(back) == "settlement"


def test_the_normal_ai_breaks_a_truce_only_when_ahead_and_the_fight_is_worth_the_price():
    s = arena(name="peace")
    s.truce = 3
    agent = NormalAgent(0)
    # Red holds more victory points than Blue in the arena: Red is ahead, Blue behind.
    assert agent._break_truce(s, RED) == BreakTruce()
    assert agent._break_truce(s, BLUE) is None
    # At a price above the side's appetite for a fight, it keeps the truce.
    dear = fixture_world("peace")
    rules = dear.spec.rules.model_copy(update={"truce": dear.spec.rules.truce.model_copy(
        update={"break_legitimacy": 100.0})})
    w = World(dear.spec.model_copy(update={"rules": rules}))
    s = new_game(w, 0)
    s.truce = 3
    assert agent._break_truce(s, RED) is None


def test_the_lab_counts_settlements_as_an_outcome_of_their_own(tmp_path):
    out = tmp_path / "peace"
    levels = {"blue": "normal", "red": "normal"}
    _, summary = simulate(Variant(str(ENGINE_DATA / "peace.yaml")), out,
                          RunOptions(games=20, seed=1, executor="serial", jobs=1), levels, 0, report=True)
    games = (out / "games.csv").read_text().splitlines()
    settled = sum(1 for line in games[1:] if ",settlement," in line)
    assert list(summary["outcomes"]) == ["blue", "red", "settlement", "draw"]
    assert summary["outcomes"]["settlement"]["count"] == settled > 0
    assert sum(o["count"] for o in summary["outcomes"].values()) == 20
    assert f"| a settlement | {settled} |" in (out / "report.md").read_text()
    # A war that cannot settle keeps the outcomes it always had.
    plain = tmp_path / "arena"
    _, summary = simulate(Variant(str(ENGINE_DATA / "arena.yaml")), plain,
                          RunOptions(games=2, seed=1, executor="serial", jobs=1), levels, 0, report=False)
    assert list(summary["outcomes"]) == ["blue", "red", "draw"]
    header, rows = table([RunSummary(out, json.loads((out / "summary.json").read_text()))])
    assert header[header.index("settlements")] and rows[0][header.index("settlements")].startswith(
        f"{100 * settled / 20:.1f}")


def test_a_backers_score_weighs_its_clients_terms_against_the_best_rivals():
    s = arena(name="peace")
    _red_signs(s)
    w = s.world
    (part,) = [p for p in backer_score(s, patron(s)) if p.name == "outcome"]
    assert part.points == pytest.approx(w.backers[patron(s)].score.outcome * (0.7 - 0.3))
    (part,) = [p for p in backer_score(s, sponsor(s)) if p.name == "outcome"]
    assert part.points == pytest.approx(w.backers[sponsor(s)].score.outcome * (0.3 - 0.7))
    assert "settlement" in part.why
