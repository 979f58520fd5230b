"""Backers: requests, deliveries, commitment and exposure.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import pytest

from engine_helpers import BLUE, P, arena, end_round, fixture_world, patron
from game.engine import apply, IllegalAction, legal_actions, new_game, RequestSupport
from game.engine.backers import dispatch
from game.engine.economy import income, upkeep


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
