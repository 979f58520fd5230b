"""The momentum figures: each side's low point per game (games.csv) and, over the games
it recovered from, when that low came (summary.json, report)."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from lab_helpers import DUEL, random_levels

from game.lab.momentum import RECOVERY, LowPoint, low_points, momentum
from game.lab.play import TURN_STATS
from game.lab.simulate import RunOptions, simulate
from game.lab.variant import Variant


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text())))


def _turn_row(turn: int, *places: int) -> list:
    """A turn row as the TurnTracker writes it, with only the places filled in."""
    row: list = [turn]
    for p in places:
        row += [p] + [0] * (len(TURN_STATS) - 1)
    return row + [0]  # one backer's deliveries


def test_low_point_is_the_last_turn_with_the_fewest_places():
    rows = [_turn_row(0, 5, 3), _turn_row(1, 4, 4), _turn_row(2, 2, 5), _turn_row(3, 2, 6), _turn_row(4, 5, 3)]
    blue, red = low_points(rows, 2)
    assert blue == LowPoint(turn=3, places=2, end=5) and blue.recovered  # held at 2 for two turns, then back up
    assert red == LowPoint(turn=4, places=3, end=3) and not red.recovered  # at the low at the start and the end
    assert not LowPoint(4, 2, 2 + RECOVERY - 1).recovered
    assert low_points([], 2) == []


def test_momentum_counts_only_recoveries():
    games = [[LowPoint(2, 1, 5), LowPoint(0, 3, 3)],
             [LowPoint(6, 0, 4), LowPoint(1, 2, 9)],
             [LowPoint(9, 4, 5), LowPoint(3, 1, 2)]]
    m = momentum(["blue", "red"], games)
    assert m["recovery_places"] == RECOVERY
    assert m["factions"]["blue"] == {"count": 2, "mean": 4.0, "median": 4.0, "p10": 2.4, "p90": 5.6}
    assert m["factions"]["red"]["count"] == 1 and m["factions"]["red"]["median"] == 1.0
    assert momentum(["blue"], [])["factions"]["blue"] == {"count": 0, "mean": None, "median": None, "p10": None,
                                                         "p90": None}


def _lows_from_turns(turns: list[dict], game: int, faction: str) -> tuple[int, int, int]:
    """(low turn, low places, final places) worked out from turns.csv alone."""
    mine = sorted(((int(t["turn"]), int(t[f"places_{faction}"])) for t in turns if int(t["game"]) == game))
    fewest = min(p for _, p in mine)
    return max(turn for turn, p in mine if p == fewest), fewest, mine[-1][1]


def test_duel_low_points_match_the_turn_rows(tmp_path):
    out = tmp_path / "d"
    simulate(Variant(str(DUEL)), out, RunOptions(games=16, seed=3, executor="serial", jobs=1), random_levels(DUEL),
             report=False)
    games, turns = _rows(out / "games.csv"), _rows(out / "turns.csv")
    header = list(games[0])
    assert header[-5:] == ["low_turn_blue", "low_places_blue", "low_turn_red", "low_places_red", "error"]
    lows_seen = set()
    for g in games:
        for f in ("blue", "red"):
            turn, places, _ = _lows_from_turns(turns, int(g["index"]), f)
            assert (int(g[f"low_turn_{f}"]), int(g[f"low_places_{f}"])) == (turn, places), (g["index"], f)
            lows_seen.add(turn)
    assert lows_seen != {0}, "every low at the start: these games do not exercise the turn at all"


@pytest.fixture
def tripoli_run(tripoli_random_run):
    return tripoli_random_run


def test_summary_momentum_agrees_with_the_csv_files(tripoli_run):
    out, summary = tripoli_run
    assert json.loads((out / "summary.json").read_text())["momentum"] == summary["momentum"]
    games, turns = _rows(out / "games.csv"), _rows(out / "turns.csv")
    for f in ("gna", "lna"):
        recovered = []
        for g in games:
            turn, places, end = _lows_from_turns(turns, int(g["index"]), f)
            assert (int(g[f"low_turn_{f}"]), int(g[f"low_places_{f}"])) == (turn, places)
            if end - places >= RECOVERY:
                recovered.append(turn)
        m = summary["momentum"]["factions"][f]
        assert m["count"] == len(recovered) > 0
        p10, p50, p90 = np.percentile(recovered, [10, 50, 90])
        assert (m["median"], m["p10"], m["p90"]) == pytest.approx((p50, p10, p90), abs=1e-4)


def test_report_shows_when_the_tide_turns(tripoli_run):
    out, summary = tripoli_run
    report = (out / "report.md").read_text()
    assert "### When the tide turns" in report and "charts/momentum.png" in report
    gna = summary["momentum"]["factions"]["gna"]
    assert f"| GNA | {gna['count']} | {gna['median']:g} |" in report
    assert (out / "charts" / "momentum.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- how the sides moved: returned moves and a capital left bare --------------------------------


def test_the_tracker_counts_returned_moves_and_a_bare_capital():
    from engine_helpers import P, load_world, units_of
    from game.engine import apply, new_game
    from game.engine import actions as A
    from game.lab.play import TurnTracker

    from conftest import MINI

    s = new_game(load_world(MINI), 0)
    blue, red = s.world.fidx["blue"], s.world.fidx["red"]
    capital, village = P(s, "capital"), P(s, "village")
    s.owner[village] = blue  # the village sides with Blue, so its militia may move there
    a, b, c = units_of(s, blue, capital)
    s.u_place[c] = village
    tracker = TurnTracker(s.world, s)

    def order(action):
        tracker.see(apply(s, action), s)

    order(A.Move(a, "village"))  # out of the capital
    assert tracker.returned[blue] == 0
    order(A.Move(c, "capital"))  # into the place a unit just left: shuttling
    assert tracker.returned[blue] == 1
    order(A.Move(b, "village"))  # and into the village, which c left
    assert tracker.returned[blue] == 2
    order(A.EndTurn())
    assert tracker.capital_emptied[blue] == 0  # c holds the capital

    while s.active != blue:  # Red passes
        order(A.EndTurn())
    order(A.Move(c, "village"))
    assert units_of(s, blue, capital) == []
    order(A.EndTurn())  # Blue ends its turn with the capital bare and Red's regulars next door at the hub
    assert tracker.capital_emptied[blue] == 1
    # A new turn forgets the last one's departures: c's move counts as nothing.
    assert tracker.returned[blue] == 2 and tracker.returned[red] == 0 and tracker.capital_emptied[red] == 0


def test_territory_floor_is_the_low_of_the_median_with_finished_games_carried():
    from game.lab.momentum import territory_floor
    from game.lab.play import TURN_STATS

    def row(turn, blue, red):
        out = [turn] + [0] * (2 * len(TURN_STATS))
        out[1 + TURN_STATS.index("places")] = blue
        out[1 + len(TURN_STATS) + TURN_STATS.index("places")] = red
        return out

    games = [
        [row(0, 5, 5), row(1, 4, 6), row(2, 2, 8), row(3, 6, 4)],
        [row(0, 5, 5), row(1, 3, 7), row(2, 3, 7), row(3, 3, 7)],
        [row(0, 5, 5), row(1, 1, 9)],  # ended on turn 1: carried to turn 3 as it stood
    ]
    floor = territory_floor(["blue", "red"], games)
    # Blue by turn: medians of (5,5,5), (4,3,1), (2,3,1), (6,3,1) = 5, 3, 2, 3: lowest 2, at turn 2.
    assert floor["blue"] == {"median_low": 2.0, "turn": 2}
    # Red: medians 5, 7, 8, 7 -> lowest 5 at the start.
    assert floor["red"] == {"median_low": 5.0, "turn": 0}
    assert territory_floor(["blue"], []) == {"blue": {"median_low": None, "turn": None}}
