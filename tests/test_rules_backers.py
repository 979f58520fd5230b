"""Backers: requests, deliveries, commitment and exposure.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from engine_helpers import BLUE, ENGINE_DATA, P, ROOT, arena, end_round, fixture_world, load_world, patron
from game.engine import apply, IllegalAction, legal_actions, new_game, RequestSupport
from game.engine.backers import dispatch, open_packages, why_closed
from game.engine.economy import income, upkeep
from game.engine.rules import open_requests


# =====================================================================================
# Backers
# =====================================================================================


def deliveries_of(events, package):
    return [e for e in events if e.kind in ("delivery", "interdicted") and e.data.get("package") == package]


@pytest.mark.parametrize("package", ["drones", "guards", "cash"])
def test_requested_package_arrives_after_its_delay(package):
    s = arena()
    w = s.world
    k = w.kidx[("patron", package)]
    pk = w.packages[k].spec
    s.budget[patron(s)] = pk.cost  # exactly one delivery; the backer can send nothing else
    units_before = s.n_units
    treasury = s.treasury[BLUE]
    (ev,) = apply(s, RequestSupport("patron", package))
    assert ev.kind == "dispatch"  # commitment 100: the patron always agrees
    assert ev.data["arrives"] == 1 + pk.delay
    assert s.treasury[BLUE] == pytest.approx(treasury - pk.client_cost)
    assert s.budget[patron(s)] == 0.0
    arrived_on = None
    for _ in range(pk.delay + 2):
        turn = s.turn
        got = deliveries_of(end_round(s), package)
        if got:
            assert arrived_on is None, "delivered twice"
            (d,) = got
            assert d.kind == "delivery" and d.turn == turn
            arrived_on = turn
            new = list(range(units_before, s.n_units))
            assert len(new) == len(pk.units)
            for u in new:  # landed at Blue's port and airbase, under the right command
                assert s.u_owner[u] == BLUE and s.u_place[u] == P(s, "base")
                assert s.u_backer[u] == (patron(s) if pk.kind.value == "volunteers" else -1)
        elif arrived_on is None:
            assert s.n_units == units_before, f"units appeared before the delivery, on turn {turn}"
    assert arrived_on == 1 + pk.delay


def test_backer_dispatch_of_its_own_accord_arrives_after_the_delay():
    w = fixture_world("arena")
    k = w.kidx[("patron", "drones")]
    for seed in range(50):
        s = new_game(w, seed)
        s.budget[patron(s)] = 30.0
        for other, ref in enumerate(w.packages):  # leave the drones as the only package it can send
            if other != k:
                s.sent[other] = ref.spec.cap
        events = end_round(s)
        sent = [e for e in events if e.kind == "dispatch"]
        if sent:
            break
    else:
        pytest.fail("the patron never sent anything of its own accord")
    (ev,) = sent
    delay = w.packages[k].spec.delay
    assert ev.turn == 1 and ev.data["arrives"] == 1 + delay
    assert s.deliveries == [[1 + delay, k]]
    for turn in range(2, 1 + delay):
        assert not deliveries_of(end_round(s), "drones"), f"arrived early, on turn {turn}"
    assert s.turn == 1 + delay
    (d,) = deliveries_of(end_round(s), "drones")
    assert d.kind == "delivery" and d.turn == 1 + delay


def test_dispatch_queues_the_package_and_answers_rivals():
    s = arena()
    w = s.world
    k = w.kidx[("patron", "drones")]
    s.budget[patron(s)] = 30.0
    ev = dispatch(s, k)
    assert ev.kind == "dispatch"
    assert s.deliveries == [[1 + w.packages[k].spec.delay, k]]
    assert s.sent[k] == 1 and s.budget[patron(s)] == 0.0


def test_units_sent_for_a_time_go_home_when_it_ends():
    s = arena()
    w = s.world
    pk = w.packages[w.kidx[("patron", "raid")]].spec
    assert pk.duration == 2 and pk.delay == 0
    s.budget[patron(s)] = pk.cost
    n = s.n_units
    apply(s, RequestSupport("patron", "raid"))
    end_round(s)  # lands at the end of turn 1
    (u,) = range(n, s.n_units)
    for turn in (2, 3):  # it serves `duration` turns...
        assert s.turn == turn and s.u_alive[u]
        events = end_round(s)
    assert not s.u_alive[u] and s.u_str[u] == 0.0  # ...and leaves at the end of the last
    assert [e for e in events if e.kind == "withdrawal"]


def test_money_package_pays_the_client_on_arrival():
    s = arena()
    s.budget[patron(s)] = 10
    apply(s, RequestSupport("patron", "cash"))
    end_round(s)  # delay 1: nothing yet
    before = s.treasury[BLUE]
    events = end_round(s)
    (d,) = deliveries_of(events, "cash")
    assert d.kind == "delivery"
    # Blue was also paid its income, less upkeep, at the start of the new turn.
    assert s.treasury[BLUE] == pytest.approx(before + 25 + income(s, BLUE) - upkeep(s, BLUE))


@pytest.mark.parametrize("level, arrives", [(1.0, False), (0.0, True)])
def test_embargo_interdicts_deliveries(level, arrives):
    for seed in range(25):
        s = arena(seed)
        s.embargo = level
        s.budget[patron(s)] = 30
        apply(s, RequestSupport("patron", "drones"))
        n = s.n_units
        events = []
        for _ in range(3):
            events += end_round(s)
        (d,) = deliveries_of(events, "drones")
        assert (d.kind == "delivery") == arrives
        assert (s.n_units > n) == arrives


def test_partial_embargo_stops_about_that_share():
    stopped = 0
    n = 300
    for seed in range(n):
        s = arena(seed)
        s.embargo = 0.3
        k = s.world.kidx[("patron", "drones")]
        s.deliveries = [[1, k]]
        (d,) = deliveries_of(end_round(s), "drones")
        stopped += d.kind == "interdicted"
    assert abs(stopped / n - 0.3) < 0.08


def test_request_refused_when_the_backer_cannot_pay():
    s = arena()
    assert not any(isinstance(a, RequestSupport) for a in legal_actions(s))  # budget 0
    with pytest.raises(IllegalAction, match="no budget"):
        apply(s, RequestSupport("patron", "drones"))


def test_each_reason_a_package_cannot_go_closes_it_everywhere(tmp_path):
    """Why a package cannot go is stated once (backers.why_closed and the kernel under
    it): each reason alone makes the request's check refuse it in its own words, keeps
    it off the side's list of requests and off the list the backer sends from of its own
    accord; with no reason, all three let it through."""
    text = (ENGINE_DATA / "arena.yaml").read_text(encoding="utf-8")
    text = text.replace("geojson: ../../../assets", f"geojson: {ROOT / 'assets'}")
    drones = "drones: {name: Drone squadron, kind: drones,"
    assert drones in text
    # Turn 3 of the arena begins on 16 January.
    text = text.replace(drones, drones + " available_from: 2020-01-16, min_commitment: 40, client_cost: 20,")
    (tmp_path / "arena.yaml").write_text(text, encoding="utf-8")
    w = load_world(tmp_path / "arena.yaml")
    k = w.kidx[("patron", "drones")]
    pk = w.packages[k].spec

    def position(**change):
        s = new_game(w, 0)
        s.turn = 3
        b = patron(s)
        s.budget[b], s.commitment[b], s.treasury[BLUE] = 1000.0, 100.0, 1000.0
        for name, value in change.items():
            if name == "turn":
                s.turn = value
            else:
                getattr(s, name)[b if name in ("budget", "commitment") else BLUE if name == "treasury" else k] = value
        assert s.active == BLUE
        return s

    s = position()
    assert why_closed(s, k, float(s.treasury[BLUE])) is None
    assert k in open_requests(s, BLUE) and open_packages(s, np.array([k])) == [k]
    (ev,) = apply(s, RequestSupport("patron", "drones"))
    assert ev.kind == "dispatch"

    reasons = {
        "not on offer yet": dict(unlocked=False),
        f"has all been sent ({pk.cap})": dict(sent=pk.cap),
        "not available before 2020-01-16": dict(turn=2),
        "not committed enough (39 < 40)": dict(commitment=39.0),
        "has no budget left": dict(budget=pk.cost - 1),
        "it costs you 20M; you have 19.0M": dict(treasury=19.0),
    }
    for words, change in reasons.items():
        s = position(**change)
        assert words in why_closed(s, k, float(s.treasury[BLUE])), change
        assert k not in open_requests(s, BLUE), change
        with pytest.raises(IllegalAction, match=re.escape(words)):
            apply(s, RequestSupport("patron", "drones"))
        # The backer pays for what it sends of its own accord: the client's purse is no reason.
        assert open_packages(s, np.array([k])) == ([k] if "treasury" in change else []), change
