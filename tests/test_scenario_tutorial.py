"""Tutorial files: `NAME.tutorial.yaml` beside a scenario, read like one and checked
against it; the shipped tutorial loads; the menu offers a tutorial only where one exists."""

from __future__ import annotations

import pytest

from client_helpers import click_element, frames, make_app
from conftest import MINI, SCENARIOS
from game.client.game_screen import GameScreen
from game.client.menu import MenuScreen
from game.client.tutorial import find_tutorials
from game.scenario import ScenarioError, load_scenario
from game.scenario.tutorial import SIGNS, load_tutorial, sign_known
from lab_helpers import run_cli

MINI_TUTORIAL = """\
format_version: 1
scenario: mini
summary: The mini war's first turn.
side: blue
seed: 4
steps:
  - sign: unit
    title: Pick a unit
    text: Click <a href='place:capital'>the capital</a>.
  - sign: ended1
    title: End the turn
    text: Press Enter.
    meanwhile:
      - window: AttackDialog
        text: Read the odds at <a href='place:hub'>Hub</a>.
  - title: Done
    text: That is all.
"""


def _mini_dir(tmp_path):
    scen = tmp_path / "mini.yaml"
    scen.write_text(MINI.read_text(encoding="utf-8").replace("../../assets", str(MINI.parent.parent.parent / "assets")),
                    encoding="utf-8")
    return scen


def _tutorial(tmp_path, text):
    scen = _mini_dir(tmp_path)
    path = tmp_path / "mini.tutorial.yaml"
    path.write_text(text, encoding="utf-8")
    return load_tutorial(path, load_scenario(scen).spec, scen)


def test_a_tutorial_file_reads_into_steps(tmp_path):
    t = _tutorial(tmp_path, MINI_TUTORIAL).tutorial
    assert (t.side, t.level, t.seed) == ("blue", "easy", 4)
    assert [st.sign for st in t.steps] == ["unit", "ended1", None]
    assert t.steps[1].meanwhile[0].window == "AttackDialog"


@pytest.mark.parametrize("old, new, message", [
    ("sign: unit", "sign: unti", "unknown sign 'unti' (did you mean 'unit'?)"),
    ("side: blue", "side: bleu", "unknown faction 'bleu' (did you mean 'blue'?)"),
    ("scenario: mini", "scenario: maxi", "this tutorial is for scenario 'maxi'"),
    ("place:capital", "place:capitol", "the link names an unknown place 'capitol' (did you mean 'capital'?)"),
    ("place:hub", "place:hubb", "the link names an unknown place 'hubb'"),
    ("window: AttackDialog", "window: AttackWindow", "window"),
    ("seed: 4", "seed: -4", "seed"),
])
def test_bad_tutorials_are_reported_where_they_are(tmp_path, old, new, message):
    text = MINI_TUTORIAL.replace(old, new)
    assert text != MINI_TUTORIAL
    with pytest.raises(ScenarioError) as info:
        _tutorial(tmp_path, text)
    problem = info.value.problems[0]
    assert message in problem.message, info.value.render()
    changed = next(i for i, (a, b) in enumerate(zip(MINI_TUTORIAL.splitlines(), text.splitlines())) if a != b) + 1
    assert problem.mark.file.endswith("mini.tutorial.yaml")
    assert problem.mark.line == changed, info.value.render()


def test_only_the_last_step_is_a_closing_page(tmp_path):
    with pytest.raises(ScenarioError) as info:
        _tutorial(tmp_path, MINI_TUTORIAL.replace("  - title: Done\n    text: That is all.\n", ""))
    assert "the last step has no sign" in info.value.render()
    with pytest.raises(ScenarioError) as info:
        _tutorial(tmp_path, MINI_TUTORIAL.replace("  - sign: unit\n", "  - title: x\n    text: y\n  - sign: unit\n"))
    assert "only the last step may leave out its sign" in info.value.render()


def test_signs_for_later_turns_are_known():
    assert all(sign_known(s) for s in SIGNS)
    assert sign_known("ended2") and sign_known("ended12")
    assert not sign_known("ended0") and not sign_known("ended") and not sign_known("moved")


def test_validate_checks_a_tutorial_against_its_scenario(capsys, tmp_path):
    _mini_dir(tmp_path)
    path = tmp_path / "mini.tutorial.yaml"
    path.write_text(MINI_TUTORIAL, encoding="utf-8")
    r = run_cli(capsys, "validate", path)
    assert r.code == 0 and r.out.strip() == "ok mini tutorial (3 steps, as blue)"
    path.write_text(MINI_TUTORIAL.replace("sign: unit", "sign: unti"), encoding="utf-8")
    r = run_cli(capsys, "validate", path)
    assert r.code == 1 and "mini.tutorial.yaml:7" in r.out and "Traceback" not in r.out + r.err
    alone = tmp_path / "other.tutorial.yaml"
    alone.write_text(MINI_TUTORIAL, encoding="utf-8")
    r = run_cli(capsys, "validate", alone)
    assert r.code == 1 and "does not exist" in r.err


def test_the_shipped_tutorial_loads_and_is_found():
    found = find_tutorials(SCENARIOS)
    assert [p.name for p in found] == ["tripoli_2019.yaml"]
    t = load_tutorial(SCENARIOS / "tripoli_2019.tutorial.yaml", load_scenario(found[0]).spec, found[0]).tutorial
    assert t.scenario == "tripoli_2019" and t.steps[-1].sign is None


def test_the_menu_offers_a_tutorial_only_where_there_is_one(tmp_path):
    scen_dir = tmp_path / "scenarios"
    scen_dir.mkdir()
    scen = _mini_dir(scen_dir)
    app = make_app(tmp_path, scenario_dir=scen_dir)
    try:
        app.show_menu()
        frames(app, 2)
        assert isinstance(app.screen, MenuScreen) and not app.screen.tutorial_button.is_enabled
        (scen_dir / "mini.tutorial.yaml").write_text(MINI_TUTORIAL, encoding="utf-8")
        app.show_menu()
        frames(app, 2)
        # The tutorial file is not listed as a scenario of its own.
        assert [e.path.name for e in app.screen.entries] == [scen.name]
        click_element(app, app.screen.tutorial_button)
        screen = app.screen
        assert isinstance(screen, GameScreen) and screen.coach.running
        assert screen.session.seed == 4 and screen.session.world.faction_ids[screen.session.human] == "blue"
        assert "Pick a unit" in screen.coach.text_box.html_text
    finally:
        app.close()
