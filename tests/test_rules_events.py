"""Backers' red lines and the scenario's scripted events.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import pytest

from engine_helpers import BLUE, MINI, P, RED, arena, end_round, end_turn, load_world, patron, units_of, universe
from game.engine import (
    apply, Attack, ChooseOption, DroneStrike, EndTurn, IllegalAction, legal_actions, Move, new_game, why_illegal,
)
from game.engine.territory import capture
from game.engine.economy import income, upkeep


# =====================================================================================
# Red lines and scripted events
# =====================================================================================


def test_red_line_fires_when_crossed_and_not_before():
    s = arena(name="events")
    s.pending.clear()
    b = patron(s)
    for _ in range(2):
        events = end_round(s)
        s.pending.clear()
        assert not [e for e in events if e.kind == "red_line"]
        assert "patron_alarmed" not in s.flags
    control = s.clone()
    capture(s, RED, P(s, "link"))
    control.places_lost[BLUE] += 1  # the same danger, without crossing the line
    events = end_round(s)
    end_round(control)
    (ev,) = [e for e in events if e.kind == "red_line"]
    assert ev.text == "The patron will not let the hub fall."
    assert "patron_alarmed" in s.flags
    assert s.commitment[b] - control.commitment[b] == pytest.approx(30.0)
    # The red line's effects pay Blue 7 (the cut-off front's attrition also lowered its upkeep).
    paid = (income(s, BLUE) - upkeep(s, BLUE)) - (income(control, BLUE) - upkeep(control, BLUE))
    assert s.treasury[BLUE] - control.treasury[BLUE] == pytest.approx(7.0 + paid)
    # It fires once.
    s.pending.clear()
    assert not [e for e in end_round(s) if e.kind == "red_line"]


def test_conditional_event_fires_when_its_condition_holds_and_not_before():
    s = arena(name="events")
    for _ in range(3):
        events = end_round(s)
        s.pending.clear()
        assert not [e for e in events if e.data.get("event") == "front_falls"]
    cohesion = s.cohesion[BLUE]
    capture(s, RED, P(s, "front"))
    events = end_round(s)
    s.pending.clear()
    assert [e.text for e in events if e.kind == "scripted"] == ["The front falls"]
    assert "front_lost" in s.flags
    # Capture itself costs cohesion_per_loss; the event takes 10 more; a quiet turn gives none back.
    loss = s.world.spec.rules.politics.cohesion_per_loss
    assert s.cohesion[BLUE] == pytest.approx(cohesion - loss - 10)
    assert not [e for e in end_round(s) if e.kind == "scripted"]  # not repeatable


def test_dated_event_fires_only_in_its_window():
    # mini.yaml's windfall is dated 2020-02-01: turn 5 (2020-01-30 .. 02-05) is the first whose days reach it.
    s = new_game(load_world(MINI), 0)
    for _ in range(4):
        assert not [e for e in end_round(s) if e.kind == "scripted"]
    assert s.turn == 5
    assert [e.data["event"] for e in end_round(s) if e.kind == "scripted"] == ["windfall"]


def test_pending_choice_restricts_orders_to_the_answer():
    s = arena(name="events")
    assert s.pending == []
    end_round(s)  # the offer fires at the end of turn 1
    assert s.turn == 2 and s.active == BLUE
    assert list(legal_actions(s)) == [ChooseOption("offer", "accept"), ChooseOption("offer", "refuse")]
    for order in (EndTurn(), Move(0, "link"), Attack("front", "t_open")):
        with pytest.raises(IllegalAction, match="first answer: Take the money"):
            apply(s, order)
    with pytest.raises(IllegalAction, match="not one of the options"):
        apply(s, ChooseOption("offer", "maybe"))
    refuse = s.clone()
    treasury = s.treasury[BLUE]
    events = apply(s, ChooseOption("offer", "accept"))
    assert events[0].kind == "choice" and events[0].data == {"event": "offer", "option": "accept"}
    assert s.treasury[BLUE] == pytest.approx(treasury + 50)
    assert "accepted" in s.flags
    assert s.pending == []
    assert EndTurn() in legal_actions(s) and len(legal_actions(s)) > 1
    with pytest.raises(IllegalAction, match="no such question"):
        apply(s, ChooseOption("offer", "accept"))
    legit = refuse.legitimacy[BLUE]
    apply(refuse, ChooseOption("offer", "refuse"))
    assert refuse.legitimacy[BLUE] == pytest.approx(legit - 5)
    assert refuse.treasury[BLUE] == treasury and "accepted" not in refuse.flags


def test_a_choice_for_one_faction_does_not_hold_up_the_other():
    s = arena(name="events")
    end_turn(s)
    assert s.active == RED
    s.pending.append((BLUE, s.world.eidx["offer"]))
    options = legal_actions(s)
    assert EndTurn() in options and not any(isinstance(a, ChooseOption) for a in options)
    with pytest.raises(IllegalAction, match="no such question"):
        apply(s, ChooseOption("offer", "accept"))


def test_two_questions_are_answered_in_turn():
    s = arena(name="events")
    end_round(s)
    s.pending.append((BLUE, s.world.eidx["second_offer"]))
    apply(s, ChooseOption("offer", "refuse"))
    assert list(legal_actions(s)) == [ChooseOption("second_offer", "sell"), ChooseOption("second_offer", "keep")]
    apply(s, ChooseOption("second_offer", "keep"))
    assert s.pending == [] and EndTurn() in legal_actions(s)


def test_answers_accepted_are_the_answers_offered():
    s = arena(name="events")
    end_round(s)
    s.pending.append((BLUE, s.world.eidx["second_offer"]))
    offered = set(legal_actions(s))
    accepted = {a for a in universe(s) if why_illegal(s, a) is None}
    assert accepted == offered


def test_truce_forbids_attacks_and_strikes():
    s = arena()
    s.truce = 2
    options = legal_actions(s)
    assert not any(isinstance(a, (Attack, DroneStrike)) for a in options)
    with pytest.raises(IllegalAction, match="truce"):
        apply(s, Attack("front", "t_open"))
    drone = next(u for u in units_of(s, BLUE) if s.world.t_air[s.u_type[u]])
    with pytest.raises(IllegalAction, match="truce"):
        apply(s, DroneStrike(drone, "t_open", "units"))


def attack_allowed_on_turns(s, turns):
    """For each of the next `turns` turns: may Blue attack (as far as the truce goes)?"""
    allowed = []
    for _ in range(turns):
        assert s.active == BLUE
        # The truce is checked before anything else about the attack.
        allowed.append("truce" not in (why_illegal(s, Attack("front", "redbase")) or ""))
        end_round(s)
        s.pending.clear()
    return allowed


@pytest.mark.parametrize("place, turns", [("t_open", 2), ("t_urban", 1)])
def test_event_truce_lasts_the_turns_it_names(place, turns):
    s = arena(name="events")
    capture(s, BLUE, P(s, place))  # ceasefire (2 turns) / short_ceasefire (1 turn) fire at this round's end
    events = end_round(s)
    assert [e for e in events if e.kind == "scripted" and "easefire" in e.text]
    s.pending.clear()
    assert attack_allowed_on_turns(s, turns + 1) == [False] * turns + [True]
