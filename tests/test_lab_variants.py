"""Scenario variants for the lab: `--set` overrides and the `--without` counterfactual."""

from __future__ import annotations

import copy

import pytest
from lab_helpers import DUEL, MINI, TRIPOLI, run_cli

from game.lab.counterfactual import without_backers
from game.lab.errors import LabError
from game.lab.overrides import apply_settings, overrides_for, parse_settings
from game.lab.variant import Variant, prepare
from game.scenario import load_scenario
from game.scenario.variants import load_scenario_variant, read_scenario_data


@pytest.fixture
def lab_cli(capsys):
    return lambda *argv: run_cli(capsys, *argv)


# -- --without ---------------------------------------------------------------------------------


@pytest.mark.parametrize("backer", list(read_scenario_data(TRIPOLI)["backers"]))
def test_without_each_tripoli_backer_validates_and_leaves_no_trace(backer):
    data = read_scenario_data(TRIPOLI)
    before = copy.deepcopy(data)
    cf = without_backers(data, [backer])
    assert data == before, "the transform must not change its input"
    loaded = load_scenario_variant(TRIPOLI, transform=lambda d: without_backers(d, [backer]).data)
    spec = loaded.spec
    assert backer not in spec.backers
    assert loaded.sha256 != load_scenario(TRIPOLI).sha256
    assert cf.notes and cf.notes[0].startswith(f"backers.{backer}: removed")
    # Nothing anywhere names it any more.
    dumped = spec.model_dump(mode="json")

    def names(node) -> bool:
        if isinstance(node, dict):
            return any((k in ("backer", "rivals") and (v == backer or (isinstance(v, list) and backer in v)))
                       or names(v) for k, v in node.items())
        if isinstance(node, list):
            return any(names(v) for v in node)
        return False

    assert not names(dumped)


def test_without_every_tripoli_backer_at_once_validates():
    data = read_scenario_data(TRIPOLI)
    every = list(data["backers"])
    loaded = load_scenario_variant(TRIPOLI, transform=lambda d: without_backers(d, every).data)
    assert loaded.spec.backers == {}


def test_without_turkey_drops_what_depends_on_it():
    cf = without_backers(read_scenario_data(TRIPOLI), ["turkey"])
    events = cf.data["events"]
    # Peace Storm needs Turkish commitment: it can never fire, so it goes.
    assert "peace_storm" not in events and "western_towns_flip" not in events
    # The memoranda are still a choice for the GNA, without the Turkish effects.
    sign = events["turkey_memoranda"]["choice"]["options"]["sign"]["effects"]
    assert all(e.get("backer") != "turkey" for e in sign)
    assert {"effect": "set_flag", "flag": "memoranda_signed"} in sign
    # Egypt's red line stays, without its effect on Turkey.
    (line,) = cf.data["backers"]["egypt"]["red_lines"]
    assert all(e.get("backer") != "turkey" for e in line["effects"])
    assert "turkey" not in cf.data["backers"]["uae"]["rivals"]
    assert any("peace_storm" in n and "dropped" in n for n in cf.notes)


def test_without_on_the_duel_removes_units_conditions_red_lines_and_flags():
    cf = without_backers(read_scenario_data(DUEL), ["patron"])
    d = cf.data
    assert "patron" not in d["backers"]
    assert all(u.get("backer") != "patron" for u in d["units"]) and len(d["units"]) == 3
    assert d["backers"]["rival"]["rivals"] == []
    assert d["backers"]["rival"]["red_lines"] == []  # its condition was on the patron's commitment
    # The pledge needed the patron's commitment; the event that waited on its flag goes too.
    assert "patron_pledge" not in d["events"] and "pledge_noted" not in d["events"]
    # The envoy's visit only had the patron's commitment and a message left: dropped.
    assert "patron_visit" not in d["events"]
    assert any("flag 'pledged'" in n for n in cf.notes)
    prepared = prepare(Variant(str(DUEL), without=("patron",)))
    assert prepared.notes == cf.notes


def test_condition_logic_after_removal():
    data = read_scenario_data(DUEL)
    data["events"]["either"] = {
        "name": "Either", "effects": [{"effect": "cohesion", "faction": "blue", "delta": 1}],
        "when": {"test": "any", "of": [{"test": "commitment_at_least", "backer": "patron", "value": 10},
                                       {"test": "turn_at_least", "turn": 3}]}}
    data["events"]["unless"] = {
        "name": "Unless", "effects": [{"effect": "cohesion", "faction": "blue", "delta": 1}],
        "when": {"test": "not", "of": {"test": "commitment_at_least", "backer": "patron", "value": 10}}}
    d = without_backers(data, ["patron"]).data
    assert d["events"]["either"]["when"] == {"test": "turn_at_least", "turn": 3}
    assert "when" not in d["events"]["unless"]  # "not committed" always holds now


def test_without_unknown_backer_says_did_you_mean(lab_cli):
    with pytest.raises(LabError, match=r"no backer 'turky'.*did you mean 'turkey'"):
        without_backers(read_scenario_data(TRIPOLI), ["turky"])
    r = lab_cli("simulate", DUEL, "--without", "patronn", "--games", "2", "--executor", "serial")
    assert r.code == 2
    assert "sandtable: error: --without patronn: no backer 'patronn' in this scenario (did you mean 'patron'?)" in r.err


# -- --set --------------------------------------------------------------------------------------


def test_set_paths_and_values():
    data = read_scenario_data(DUEL)
    settings = parse_settings(data, ["backers.patron.commitment=40", "units.1.count=4",
                                     "rules.combat.noise=0.05", "backers.patron.packages.guard.cap=1",
                                     "factions.red.victory.0.hold_turns=3"])
    assert [s.path for s in settings][1] == ("units", 1, "count")
    loaded = load_scenario(DUEL, overrides_for(data, settings))
    spec = loaded.spec
    assert spec.backers["patron"].commitment == 40
    assert spec.units[1].count == 4 and spec.units[0].count == 2  # the rest of the list untouched
    assert spec.rules.combat.noise == 0.05 and spec.rules.backers.send_chance == 1.0  # merged, not replaced
    assert spec.backers["patron"].packages["guard"].cap == 1
    assert spec.factions["red"].victory[0].hold_turns == 3
    # The same thing with the file's own values changes nothing, hash included.
    same = parse_settings(data, ["backers.patron.commitment=100"])
    assert load_scenario(DUEL, overrides_for(data, same)).sha256 == load_scenario(DUEL).sha256
    assert apply_settings(data, []) == data


def test_set_on_a_section_the_file_leaves_out():
    data = read_scenario_data(MINI)
    assert "rules" not in data
    (s,) = parse_settings(data, ["rules.embargo=0.3"])
    assert load_scenario(MINI, overrides_for(data, [s])).spec.rules.embargo == 0.3


@pytest.mark.parametrize(
    "setting, message",
    [
        ("backers.patrn.commitment=5", "no backer 'patrn' in backers (did you mean 'patron'?)"),
        ("backers.patron.comitment=5", "unknown key 'comitment' in backers.patron (did you mean 'commitment'?)"),
        ("units.9.count=1", "units has 4 items; no item 9 (0 to 3)"),
        ("units.first.count=1", "units is a list; give an item number (0 to 3), not 'first'"),
        ("meta.title.short=x", "meta.title is 'Lab duel', which has no 'short'"),
        ("backers.patron.commitment", "expected PATH=VALUE"),
        ("backers.patron.commitment=[1", "the value is not valid YAML"),
        ("backers.patron.commitment=!!python/object:os.system x", "the value is not valid YAML"),
    ],
)
def test_bad_set_paths_are_located(lab_cli, setting, message):
    r = lab_cli("simulate", DUEL, "--set", setting, "--games", "2", "--executor", "serial")
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith(f"sandtable: error: --set {setting}: ")
    assert message in lines[0]


def test_bad_set_values_get_one_line_each(lab_cli, tmp_path):
    r = lab_cli("simulate", DUEL, "--set", "backers.patron.commitment=150", "--set", "meta.last_turn=0",
                "--set", "units.0.type=tank", "--set", "backers.patron.budget=5", "--out", tmp_path / "x",
                "--games", "2", "--executor", "serial")
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert lines == [
        "sandtable: error: --set backers.patron.commitment=150: Input should be less than or equal to 100 (got 150)",
        "sandtable: error: --set meta.last_turn=0: Input should be greater than or equal to 1 (got 0)",
        "sandtable: error: --set units.0.type=tank: unknown unit type 'tank' in units[0].type",
    ]
    assert not (tmp_path / "x").exists()


def test_set_on_a_removed_backer_is_refused():
    with pytest.raises(LabError, match="changes backer 'patron', which --without patron removes"):
        prepare(Variant(str(DUEL), ("backers.patron.commitment=50",), ("patron",)))


def test_a_broken_file_is_still_reported_at_its_lines(tmp_path, lab_cli):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DUEL.read_text().replace("last_turn: 12", "last_turn: twelve")
                   .replace("../../../assets", str(DUEL.parent.parent.parent.parent / "assets")))
    r = lab_cli("simulate", bad, "--set", "backers.patron.commitment=50", "--games", "2", "--executor", "serial")
    assert r.code == 1
    assert "bad.yaml:20:14: error: meta.last_turn" in r.err


def test_set_a_rule_table_entry_the_file_leaves_at_its_default():
    from game.scenario.model import Terrain

    spec = prepare(Variant(str(DUEL), ("rules.combat.terrain_defence.urban=3.5",))).spec
    table = spec.rules.combat.terrain_defence
    assert table[Terrain.urban] == 3.5
    assert table[Terrain.mountain] == 1.7 and table[Terrain.open] == 1.0  # the rest keep their defaults
    with pytest.raises(LabError, match="no key 'swamp'"):
        prepare(Variant(str(DUEL), ("rules.combat.terrain_defence.swamp=3.5",)))
