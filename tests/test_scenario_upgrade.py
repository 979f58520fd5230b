"""Format versions: a file of the previous version loads as it is and `sandtable upgrade`
rewrites it, keeping its comments, to a file that loads to the same scenario; a file
of a version this Sandtable does not know is refused where it says so."""

from __future__ import annotations

import pytest
from conftest import MINI
from lab_helpers import run_cli

from game.engine import World, new_game
from game.engine.economy import oil_income, oil_revenue, revenue_share
from game.scenario import ScenarioError, load_scenario
from game.scenario.upgrade import CURRENT

# The mini scenario as it was written in format version 1, with Red's fixed share of the
# oil money on its faction, one written as a block mapping, and comments that must survive.
V1 = f"""\
# A version 1 file.
meta:
  id: old_mini
  title: Old mini war
  format_version: 1   # the first format
  start_date: 2020-01-02
  last_turn: 20
  bounds: {{lat_min: 29.0, lat_max: 34.0, lon_min: 10.0, lon_max: 20.0}}
map:
  geojson: {MINI.parent.parent.parent / "assets" / "maps" / "libya.geojson"}
  places:
    capital: {{name: Capital, lat: 32.9, lon: 13.2, kind: city, population: 1000000, owner: blue,
              terrain: urban, features: [central_bank, capital, port], victory_points: 10}}
    hub: {{name: Hub, lat: 32.2, lon: 13.0, kind: town, population: 100000, owner: red, features: [supply_hub]}}
    field: {{name: Field, lat: 30.0, lon: 15.0, kind: oil_field, owner: red, oil_bpd: 300000}}
  routes:
    - {{a: capital, b: hub, kind: highway, km: 90}}
    # The desert track to the field.
    - {{a: hub, b: field, kind: track, km: 500}}
factions:
  blue:
    name: Blue Government
    short: BLU
    legitimacy: 70
    cohesion: 60
    colour: "#2060c0"
    enemies: [red]
    treasury: 100
    manpower: 5000
    income:
      base: 2
      oil_share: 0.05   # smuggled crude
    recruits: [militia]
    victory:
      - {{kind: survive, places: [capital]}}
  red:
    name: Red Army
    short: RED
    legitimacy: 40
    cohesion: 70
    colour: "#c04020"
    enemies: [blue]
    treasury: 150
    manpower: 8000
    income: {{oil_share: 0.25}}   # the bank pays its salaries too
    recruits: [militia]
    victory:
      - {{kind: capture, places: [capital], hold_turns: 2}}
unit_types:
  militia: {{name: Militia, category: militia, strength: 1000, quality: 0.8, speed_km: 150, upkeep: 0.5, cost: 2}}
units:
  - {{type: militia, owner: blue, place: capital, count: 3}}
  - {{type: militia, owner: red, place: hub, count: 3}}
"""


@pytest.fixture
def old(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text(V1, encoding="utf-8")
    return path


def test_a_version_1_file_loads_with_its_oil_shares_in_an_economy_and_pays_as_before(old):
    spec = load_scenario(old).spec
    assert spec.meta.format_version == CURRENT == 2
    (eid, economy), = spec.economies.items()
    assert eid == "national" and economy.everywhere_else and economy.paid_to == "bank"
    assert economy.shares == {"blue": 0.05, "red": 0.25}
    state = new_game(World(spec, "x"), 0)
    # Blue holds the bank: it gets what Red's fixed share leaves, and Red its share.
    total = oil_revenue(state)
    assert total > 0
    assert oil_income(state, 0) == pytest.approx(total * 0.75)
    assert oil_income(state, 1) == pytest.approx(total * 0.25)


def test_upgrade_rewrites_the_file_keeps_its_comments_and_loads_to_the_same_scenario(old, capsys):
    before = load_scenario(old).sha256
    r = run_cli(capsys, "upgrade", old)
    assert r.code == 0, r.err
    assert "upgraded, and it loads to the same scenario" in r.out and "oil shares of blue, red" in r.out
    text = old.read_text(encoding="utf-8")
    assert load_scenario(old).sha256 == before
    assert "format_version: 2   # the first format" in text  # the value changed, its comment stayed
    assert "oil_share" not in text
    for comment in ("# A version 1 file.", "# The desert track to the field.", "# the bank pays its salaries too"):
        assert comment in text
    # Red's income held only its share, so it goes; Blue's block keeps its base.
    assert "income: {oil_share" not in text and "      base: 2\n" in text
    assert "# Added by `sandtable upgrade` from format version 1." in text
    # The original is kept beside it, byte for byte.
    assert (old.parent / "old.yaml.v1").read_text(encoding="utf-8") == V1
    again = run_cli(capsys, "upgrade", old)
    assert again.code == 0 and "already format version 2, nothing to do" in again.out


def test_check_changes_nothing_and_says_which_files_need_it(old, capsys, tmp_path):
    r = run_cli(capsys, "upgrade", "--check", old, MINI)
    assert r.code == 1 and "old.yaml: needs upgrading" in r.out and "mini.yaml: already format version 2" in r.out
    assert old.read_text(encoding="utf-8") == V1 and not (tmp_path / "old.yaml.v1").exists()


def test_a_child_of_version_1_takes_its_parents_version_and_adds_to_its_pot(old, tmp_path, capsys):
    child = tmp_path / "child.yaml"
    child.write_text("extends: old.yaml\nmeta: {id: child}\nfactions:\n  blue:\n    income: {oil_share: 0.1}\n",
                     encoding="utf-8")
    before = load_scenario(child)
    assert before.spec.economies["national"].shares == {"blue": 0.1, "red": 0.25}
    r = run_cli(capsys, "upgrade", "--no-backup", child)
    assert r.code == 0, r.err
    # The child adds its share to the pot its parent declares, and says its version now.
    text = child.read_text(encoding="utf-8")
    assert "format_version" not in text and "national:\n    shares:\n      blue: 0.1" in text
    assert not list(tmp_path.glob("*.v1"))
    assert load_scenario(child).sha256 == before.sha256


def test_a_value_the_upgrade_moves_is_still_reported_where_it_was_written(old):
    old.write_text(V1.replace("oil_share: 0.25", "oil_share: 2.5"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(old)
    line = next(i for i, text in enumerate(V1.splitlines(), 1) if "oil_share: 0.25" in text)
    (problem,) = info.value.problems
    assert problem.mark.line == line and "economies.national.shares.red" in problem.message


@pytest.mark.parametrize("version, said", [
    (3, "written in format version 3, newer than this Sandtable reads (1–2)"),
    (0, "there is no format version 0"),
    ("'1'", "must be a whole number from 1 to 2"),
])
def test_a_version_this_sandtable_cannot_read_is_refused_at_its_line(old, capsys, version, said):
    old.write_text(V1.replace("format_version: 1", f"format_version: {version}"), encoding="utf-8")
    r = run_cli(capsys, "validate", old)
    assert r.code == 1 and said in r.out and "old.yaml:5:19" in r.out and "Traceback" not in r.out + r.err
    r = run_cli(capsys, "upgrade", old)
    assert r.code == 1 and said in r.err and not (old.parent / "old.yaml.v1").exists()


def test_a_file_that_does_not_load_is_not_upgraded(old, capsys):
    broken = V1.replace("kind: track", "kind: trak")
    old.write_text(broken, encoding="utf-8")
    r = run_cli(capsys, "upgrade", old)
    assert r.code == 1 and "fix these first, then upgrade" in r.err and "did you mean 'track'" in r.err
    assert old.read_text(encoding="utf-8") == broken


def test_in_version_2_every_field_needs_an_economy_and_only_one_takes_the_rest(tmp_path):
    path = tmp_path / "v2.yaml"
    path.write_text(f"extends: {MINI}\nremove: [economies.national]\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "'field' produces oil but it has no region, so it is in no economy" in info.value.render()
    path.write_text(f"extends: {MINI}\neconomies:\n  other: {{name: Other, everywhere_else: true}}\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "economy 'national' already takes every place no other economy lists; only one may" in info.value.render()


def test_a_war_without_economies_has_no_oil_money(tmp_path):
    path = tmp_path / "dry.yaml"
    path.write_text(f"extends: {MINI}\nremove: [economies.national]\nmap:\n  places:\n    field: {{oil_bpd: 0}}\n",
                    encoding="utf-8")
    spec = load_scenario(path).spec
    state = new_game(World(spec, "x"), 0)
    assert state.world.E == 0 and oil_revenue(state) == 0.0
    assert oil_income(state, 0) == 0.0 and revenue_share(state, 0) == 0.0


def test_upgrade_over_a_folder_of_files_passes_the_targets_and_tutorials_by(capsys):
    """`sandtable upgrade scenarios/*.yaml` names the companion files too: they are left
    alone, with a line each, and do not fail the command."""
    from conftest import SCENARIOS

    files = sorted(SCENARIOS.glob("*.yaml"))
    r = run_cli(capsys, "upgrade", "--check", *files)
    assert r.code == 0, r.out + r.err
    assert "tripoli_2019.targets.yaml: a targets file" in r.out and "tripoli_2019.tutorial.yaml: a tutorial file" in r.out
    assert r.out.count("already format version 2") == len([f for f in files if f.name.count(".") == 1])


def test_a_file_that_names_no_version_is_told_so(tmp_path, capsys):
    path = tmp_path / "bare.yaml"
    path.write_text("meta: {id: bare}\n", encoding="utf-8")
    r = run_cli(capsys, "upgrade", path)
    assert r.code == 1 and "meta.format_version is missing" in r.err and "None" not in r.err
