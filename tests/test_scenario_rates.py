"""Rates stated per day (`meta.rates: day`) load as the per-turn rates the engine runs on."""

from __future__ import annotations

import pytest

from conftest import location, mini_text
from engine_helpers import random_actions
from game.engine import World, apply, new_game
from game.engine.persist import state_hash
from game.scenario import ScenarioError, load_scenario
from game.scenario.rates import RATES

# A day's worth of some rates, over the mini scenario (whose own rates, such as the
# regulars' upkeep of 1, are then a day's worth too).
PER_DAY = """extends: base.yaml
meta: {rates: day}
rules:
  supply: {attrition: 0.01}
  economy: {unpaid_cohesion: 0.5}
unit_types:
  militia: {upkeep: 0.1}
  drone: {sorties: 1}
"""


def files(tmp_path, days: int, child: str) -> str:
    (tmp_path / "base.yaml").write_text(mini_text().replace("days_per_turn: 7", f"days_per_turn: {days}"),
                                        encoding="utf-8")
    path = tmp_path / "child.yaml"
    path.write_text(child, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("days", [2, 3, 7, 30])
def test_a_days_rates_load_as_a_turns_and_the_defaults_stay_per_turn(tmp_path, days):
    spec = load_scenario(files(tmp_path, days, PER_DAY)).spec
    plain = load_scenario(tmp_path / "base.yaml").spec
    assert spec.rules.supply.attrition == pytest.approx(1 - 0.99 ** days)  # a share lost compounds
    assert spec.rules.economy.unpaid_cohesion == pytest.approx(0.5 * days)  # an amount adds up
    assert spec.unit_types["militia"].upkeep == pytest.approx(0.1 * days)
    assert spec.unit_types["regular"].upkeep == pytest.approx(plain.unit_types["regular"].upkeep * days)
    assert spec.unit_types["drone"].sorties == days  # whole sorties
    # What the files do not state keeps the format's per-turn default.
    assert spec.rules.backers.decay == plain.rules.backers.decay
    assert spec.events["windfall"].probability == 1.0


def test_a_war_stated_per_day_plays_as_the_same_war_stated_per_turn(tmp_path):
    """Played with the same seed and orders, the daily file and the same war with each
    rate worked out by hand for its three-day turns give identical games."""
    daily = load_scenario(files(tmp_path, 3, PER_DAY)).spec
    by_hand = (f"extends: base.yaml\nrules:\n  supply: {{attrition: {1 - 0.99 ** 3!r}}}\n"
               "  economy: {unpaid_cohesion: 1.5}\nunit_types:\n"
               f"  militia: {{upkeep: {0.1 * 3!r}}}\n  regular: {{upkeep: 3}}\n  drone: {{sorties: 3, upkeep: 3}}\n")
    (tmp_path / "by_hand.yaml").write_text(by_hand, encoding="utf-8")
    plain = load_scenario(tmp_path / "by_hand.yaml").spec
    assert plain.model_dump() == daily.model_dump() | {"meta": plain.meta.model_dump()}
    a, b = new_game(World(daily), 5), new_game(World(plain), 5)
    for action in random_actions(a, 1500, seed=11):
        apply(b, action)
    assert (a.turn > 6 or a.over) and state_hash(a) == state_hash(b)


def test_a_daily_rate_that_becomes_impossible_over_a_turn_is_refused_where_it_is_written(tmp_path):
    child = "extends: base.yaml\nmeta: {rates: day}\nunit_types:\n  drone: {sorties: 10}\n"
    path = files(tmp_path, 7, child)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert "(the per-day rate 10 times meta.days_per_turn)" in problem.message
    assert (problem.mark.file.endswith("child.yaml"), problem.mark.line) == (True, location(child, "drone:")[0])


def test_every_rate_of_the_table_names_a_field_of_the_format(tmp_path):
    """Each path of the table leads to a number in a loaded scenario (defaults written out),
    so a renamed field cannot leave a rate unscaled without this failing."""
    data = load_scenario(files(tmp_path, 7, "extends: base.yaml\n")).spec.model_dump()
    for path, kind in RATES:
        assert kind in ("amount", "whole", "chance")
        nodes = [data]
        for key in path:
            nodes = [v for n in nodes for v in (n.values() if key == "*" else [n[key]])]
        assert nodes and all(isinstance(v, (int, float)) for v in nodes), path
