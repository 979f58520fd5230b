"""Flow-style YAML read by hand (game/scenario/flow.py): brackets measured and lists
split with quoted text passed over."""

from __future__ import annotations

from game.scenario.flow import bracketed_length, split_top_level


def test_a_bracketed_value_is_measured_to_its_own_closing_bracket():
    line = "units: [{type: tb2, name: 'a ] b'}, {type: anka}]  # the drones"
    start = line.index("[")
    assert line[start:start + bracketed_length(line, start)] == "[{type: tb2, name: 'a ] b'}, {type: anka}]"
    inner = line.index("{")
    assert line[inner:inner + bracketed_length(line, inner)] == "{type: tb2, name: 'a ] b'}"
    assert bracketed_length("shares: {gna: 0.5, lna: [0.1", 8) is None  # goes on to the next line


def test_a_list_splits_only_at_commas_outside_brackets_and_quotes():
    assert split_top_level('1, "a,b", [2, {c: 3, d: 4}], x') == ["1", '"a,b"', "[2, {c: 3, d: 4}]", "x"]
    assert split_top_level("solo") == ["solo"]
    assert split_top_level("") == [""]
