"""Where the front moves: how often each place changes hands in a run, when it first
does and to whom (summary.json `front`, and its table in report.md)."""

from __future__ import annotations

import json
import statistics

import pytest
from lab_helpers import TRIPOLI

from game.lab.front import NEUTRAL, front_block, game_changes
from game.scenario import load_scenario

FACTIONS = ["blue", "red"]


def test_a_game_counts_each_change_of_holder_from_one_turn_end_to_the_next():
    record = [[0, "01."], [1, "01."], [2, "11."], [3, "10."], [4, "00."], [5, "0.1"]]
    changes, first, taker = game_changes(record, FACTIONS)
    # Place 0: red takes it on turn 2, blue takes it back on turn 4.
    # Place 1: blue on turn 3, then nobody's on turn 5. Place 2: red's from turn 5.
    assert changes.tolist() == [2, 2, 1]
    assert first.tolist() == [2, 3, 5]
    assert taker == ["red", "blue", "red"]
    changes, first, taker = game_changes([[0, "0"], [1, "."]], FACTIONS)
    assert (changes.tolist(), first.tolist(), taker) == ([1], [1], [NEUTRAL])
    changes, first, taker = game_changes([[0, "01"], [1, "01"]], FACTIONS)
    assert (changes.tolist(), first.tolist(), taker) == ([0, 0], [0, 0], [None, None])


def test_the_run_block_averages_over_games_and_leaves_out_places_that_never_moved():
    games = [
        [[0, "010"], [1, "110"], [2, "010"]],  # a: red, then blue again; b, c never
        [[0, "010"], [1, "010"], [2, "000"]],  # b: blue on turn 2
        [[0, "010"], [1, "110"], [2, "110"]],  # a: red on turn 1
    ]
    block = front_block(["a", "b", "c"], FACTIONS, games)
    assert block["games"] == 3
    assert block["changes_per_game"] == pytest.approx((2 + 1 + 1) / 3, abs=1e-3)
    assert [row["place"] for row in block["places"]] == ["a", "b"]  # most changes first; c never changed
    a, b = block["places"]
    assert a["changes"] == pytest.approx(1.0) and a["changed"]["count"] == 2 and a["changed"]["rate"] == pytest.approx(2 / 3)
    assert a["first_turn"] == 1.0 and a["first_taken_by"] == {"red": 1.0}
    assert b["changes"] == pytest.approx(1 / 3, abs=1e-3) and b["first_turn"] == 2.0
    assert b["first_taken_by"] == {"blue": 1.0}
    assert front_block(["a"], FACTIONS, []) == {"games": 0, "changes_per_game": None, "places": []}


@pytest.fixture
def tripoli_run(tripoli_random_run):
    return tripoli_random_run


def _records(out):
    """Each finished game's ownership record, read straight from results.jsonl."""
    lines = (out / "results.jsonl").read_text().splitlines()[1:]
    games = [json.loads(line) for line in lines if line.strip()]
    return [g["held"] for g in games if g["status"] == "ok"]


def test_summary_front_agrees_with_a_plain_count_of_the_stored_records(tripoli_run):
    out, summary = tripoli_run
    front = summary["front"]
    assert json.loads((out / "summary.json").read_text())["front"] == front
    records = _records(out)
    assert front["games"] == len(records) == 10
    places = list(load_scenario(TRIPOLI).spec.map.places)  # the record's characters are in map order
    per_game = []
    by_place: dict[int, list[int]] = {p: [] for p in range(len(places))}
    firsts: dict[int, list[int]] = {p: [] for p in range(len(places))}
    for record in records:
        total = 0
        for p in range(len(places)):
            seq = [(turn, code[p]) for turn, code in record]
            turns_changed = [t for (_, c0), (t, c1) in zip(seq, seq[1:]) if c1 != c0]
            by_place[p].append(len(turns_changed))
            if turns_changed:
                firsts[p].append(turns_changed[0])
            total += len(turns_changed)
        per_game.append(total)
    assert front["changes_per_game"] == pytest.approx(statistics.mean(per_game), abs=1e-3)
    assert front["changes_per_game"] > 0
    rows = {row["place"]: row for row in front["places"]}
    for p, pid in enumerate(places):
        if not firsts[p]:
            assert pid not in rows
            continue
        assert rows[pid]["changes"] == pytest.approx(statistics.mean(by_place[p]), abs=1e-3)
        assert rows[pid]["changed"]["count"] == len(firsts[p])
        assert rows[pid]["first_turn"] == statistics.median(firsts[p])
        assert sum(rows[pid]["first_taken_by"].values()) == pytest.approx(1.0, abs=1e-3)


def test_report_shows_where_the_front_moves(tripoli_run):
    out, summary = tripoli_run
    report = (out / "report.md").read_text()
    assert "### Where the front moves" in report
    assert f"Places changed hands {summary['front']['changes_per_game']:.1f} times a game" in report
    top = summary["front"]["places"][0]
    assert f"| {top['changes']:.2f} | {100 * top['changed']['rate']:.0f}% |" in report
