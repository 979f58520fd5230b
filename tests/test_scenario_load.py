"""Loading valid scenarios: extends, overrides, the content hash, immutability, shipped files."""

import dataclasses
import functools
import re
from pathlib import Path

import numpy as np
import pydantic
import pytest
import yaml

from conftest import ROOT, SCENARIOS, location, mini_text
from game.scenario import LoadedScenario, Scenario, ScenarioError, load_scenario, scenario_hash


def test_mini_loads(mini_path):
    loaded = load_scenario(mini_path)
    assert isinstance(loaded, LoadedScenario)
    assert isinstance(loaded.spec, Scenario)
    assert loaded.id == "mini"
    spec = loaded.spec
    assert set(spec.map.places) == {"capital", "hub", "east", "field", "village"}
    assert len(spec.map.routes) == 5
    assert set(spec.factions) == {"blue", "red"}
    assert spec.backers["patron"].packages["drones"].units[0].type == "drone"
    assert spec.meta.start_date.isoformat() == "2020-01-02"
    # The map is found relative to the scenario file, not the working directory.
    assert loaded.geojson["type"] == "FeatureCollection"
    assert loaded.path == mini_path
    assert re.fullmatch(r"[0-9a-f]{64}", loaded.sha256)


def test_defaults_filled_in(mini_path):
    spec = load_scenario(mini_path).spec
    assert spec.map.places["field"].terrain.value == "open"
    assert spec.events["windfall"].probability == 1.0
    assert spec.rules.combat.loss_rate > 0


def test_a_file_loaded_again_is_the_same_scenario_until_any_file_it_reads_changes(in_tmp):
    """Loading is cached (`scenario.cache`), but never past a change: to the file, to
    the file it extends, or to its map. A load with overrides is the caller's own."""
    from conftest import GEOJSON, MINI_GEOJSON_REF, MINI

    _write(in_tmp / "map.geojson", GEOJSON.read_text(encoding="utf-8"))
    _write(in_tmp / "base.yaml", MINI.read_text(encoding="utf-8").replace(MINI_GEOJSON_REF, "map.geojson"))
    _write(in_tmp / "child.yaml", "extends: base.yaml\nmeta: {id: variant}\n")
    first = load_scenario("child.yaml")
    assert load_scenario("child.yaml") is first
    assert load_scenario(Path("child.yaml").resolve()) is not first  # named another way, it names itself so
    # The file it extends changes: the title it inherits is the new one.
    _write(in_tmp / "base.yaml", (in_tmp / "base.yaml").read_text(encoding="utf-8").replace(
        "title: Mini war", "title: Mini war again"))
    second = load_scenario("child.yaml")
    assert second is not first and second.spec.meta.title == "Mini war again"
    # The map changes.
    data = (in_tmp / "map.geojson").read_text(encoding="utf-8")
    _write(in_tmp / "map.geojson", data.replace('"FeatureCollection"', '"FeatureCollection", "name": "edited"', 1))
    third = load_scenario("child.yaml")
    assert third is not second and third.geojson.get("name") == "edited"
    # The child itself changes, by a byte.
    _write(in_tmp / "child.yaml", "extends: base.yaml\nmeta: {id: variant2}\n")
    assert load_scenario("child.yaml").id == "variant2"
    # Overrides give a scenario of the caller's own, and leave the plain one alone.
    plain = load_scenario("child.yaml")
    changed = load_scenario("child.yaml", {"meta": {"title": "Overridden"}})
    assert changed is not plain and changed.spec.meta.title == "Overridden"
    assert load_scenario("child.yaml") is plain and plain.spec.meta.title == "Mini war again"


def test_the_bench_times_a_load_from_the_files_not_the_kept_copy(mini_path, monkeypatch):
    """`sandtable bench`'s load_ms is what reading a scenario costs: each of its loads
    parses the file again, though a plain load would hand back the kept one."""
    from game import bench
    from game.scenario import loader

    read = []
    real = loader.load_document
    monkeypatch.setattr(loader, "load_document", lambda *a, **k: read.append(a[0]) or real(*a, **k))
    load_scenario(mini_path)
    load_scenario(mini_path)
    assert len(read) <= 1  # the second plain load is the kept one
    read.clear()
    bench.bench_load(mini_path, repeats=3)
    assert len(read) == 3


# --------------------------------------------------------------------------- extends


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_extends_child_overrides_base(in_tmp):
    _write(in_tmp / "base.yaml", mini_text())
    _write(
        in_tmp / "child.yaml",
        "# a variant\nextends: base.yaml\nmeta:\n  id: variant\n  last_turn: 30\n"
        "map:\n  places:\n    hub: {population: 123}\n",
    )
    base = load_scenario("base.yaml")
    child = load_scenario("child.yaml")
    assert child.id == "variant"
    assert child.spec.meta.last_turn == 30
    assert child.spec.map.places["hub"].population == 123
    # Mappings merge key by key: what the child does not say comes from the base.
    assert child.spec.meta.title == base.spec.meta.title
    assert child.spec.map.places["hub"].name == "Hub"
    assert child.spec.map.places["capital"] == base.spec.map.places["capital"]
    assert child.spec.map.routes == base.spec.map.routes
    assert child.sha256 != base.sha256


def test_extends_list_replaces_base_list(in_tmp):
    _write(in_tmp / "base.yaml", mini_text())
    _write(in_tmp / "child.yaml", "extends: base.yaml\nunits:\n  - {type: drone, owner: red, place: east}\n")
    spec = load_scenario("child.yaml").spec
    assert [(u.type, u.owner) for u in spec.units] == [("drone", "red")]


def test_extends_resolves_relative_to_the_file_not_the_cwd(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub" / "base.yaml", mini_text())
    _write(tmp_path / "sub" / "child.yaml", "extends: base.yaml\nmeta: {title: Elsewhere}\n")
    monkeypatch.chdir(tmp_path)
    assert load_scenario("sub/child.yaml").spec.meta.title == "Elsewhere"


def test_a_child_elsewhere_reads_its_parents_map_from_the_parents_folder(tmp_path, monkeypatch):
    """The shipped scenario names its map relative to scenarios/; a file in another folder
    that extends it finds the map there, as the parent's author meant."""
    _write(tmp_path / "child.yaml", f"extends: {SCENARIOS / 'tripoli_2019.yaml'}\nmeta: {{title: Elsewhere}}\n")
    monkeypatch.chdir(tmp_path)
    loaded = load_scenario("child.yaml")
    assert loaded.spec.meta.title == "Elsewhere" and loaded.geojson["type"] == "FeatureCollection"
    # A child that names a map of its own reads it from its own folder.
    _write(tmp_path / "own.yaml", f"extends: {SCENARIOS / 'tripoli_2019.yaml'}\nmap: {{geojson: nowhere.geojson}}\n")
    with pytest.raises(ScenarioError, match=re.escape(f"looked for {tmp_path / 'nowhere.geojson'}")):
        load_scenario("own.yaml")


def test_extends_chain_of_three(in_tmp):
    _write(in_tmp / "a.yaml", mini_text())
    _write(in_tmp / "b.yaml", "extends: a.yaml\nmeta: {title: B, last_turn: 25}\n")
    _write(in_tmp / "c.yaml", "extends: b.yaml\nmeta: {title: C}\n")
    meta = load_scenario("c.yaml").spec.meta
    assert (meta.title, meta.last_turn, meta.id) == ("C", 25, "mini")


def test_a_child_removes_entries_it_inherits_and_can_give_one_again_whole(in_tmp):
    _write(in_tmp / "base.yaml", mini_text())
    _write(in_tmp / "child.yaml", "extends: base.yaml\nremove: [events.windfall, backers.patron]\n"
           "map:\n  places:\n    village: {name: New Village, lat: 32.5, lon: 14.0, kind: town}\n")
    spec = load_scenario("child.yaml").spec
    assert "windfall" not in spec.events and "patron" not in spec.backers
    # Given again without a removal, an entry merges field by field and keeps what it had.
    village = spec.map.places["village"]
    assert (village.name, village.allegiance_cost, village.local_defence) == ("New Village", 5, 300)
    # Removed and given again, it is replaced whole: nothing of the old one is left.
    _write(in_tmp / "whole.yaml", "extends: base.yaml\nremove: [map.places.village]\n"
           "map:\n  places:\n    village: {name: New Village, lat: 32.5, lon: 14.0, kind: town}\n")
    village = load_scenario("whole.yaml").spec.map.places["village"]
    assert (village.name, village.allegiance_cost, village.local_defence) == ("New Village", 0, 0)


@pytest.mark.parametrize("child, message, at", [
    ("extends: base.yaml\nremove: [events.windfal]\n", "'events.windfal' is not in base.yaml, the file this one "
     "extends (did you mean 'windfall'?)", "events.windfal"),
    ("extends: base.yaml\nremove: [meta.title.x]\n", "'meta.title' in base.yaml is not a mapping", "meta.title.x"),
    ("extends: base.yaml\nremove: events\n", "'remove' must be a list of dotted paths", "events"),
    # Taking out a place that the parent's roads still join leaves them naming nothing:
    # reported in the parent, at the road, where the author sees what depended on it.
    ("extends: base.yaml\nremove: [map.places.village]\n", "village", None),
])
def test_a_removal_that_cannot_be_made_is_refused_where_it_is_written(in_tmp, child, message, at):
    base = _write(in_tmp / "base.yaml", mini_text())
    _write(in_tmp / "child.yaml", child)
    with pytest.raises(ScenarioError) as info:
        load_scenario("child.yaml")
    problems = info.value.problems
    assert any(message in p.message for p in problems), [p.message for p in problems]
    if at is not None:
        assert [(p.mark.file, p.mark.line) for p in problems] == [("child.yaml", 2)]
        assert at in child.splitlines()[1]
    else:
        text = base.read_text(encoding="utf-8")
        assert {(p.mark.file, p.mark.line) for p in problems} == {
            ("base.yaml", location(text, "{a: capital, b: village")[0]),
            ("base.yaml", location(text, "{a: village, b: east")[0])}


def test_remove_without_extends_is_refused(in_tmp):
    _write(in_tmp / "alone.yaml", mini_text() + "remove: [events.windfall]\n")
    with pytest.raises(ScenarioError, match="this file extends none"):
        load_scenario("alone.yaml")


def test_extends_errors_point_at_the_file_that_set_the_value(in_tmp):
    base_text = mini_text().replace("population: 20000", "population: -7")
    child_text = "extends: base.yaml\nmeta:\n  title: Child\n  last_turn: 0\nmap:\n  places:\n    hub: {popultion: 5}\n"
    _write(in_tmp / "base.yaml", base_text)
    _write(in_tmp / "child.yaml", child_text)
    with pytest.raises(ScenarioError) as info:
        load_scenario("child.yaml")
    where = {(p.mark.file, p.mark.line, p.mark.col): p.message for p in info.value.problems}
    # Set in the child: reported in the child.
    assert "last_turn" in where[("child.yaml", *location(child_text, "last_turn: 0", offset=11))]
    assert "did you mean 'population'" in where[("child.yaml", *location(child_text, "popultion"))]
    # Inherited unchanged: reported in the base, where the author must fix it.
    assert "population" in where[("base.yaml", *location(base_text, "population: -7", offset=12))]
    assert len(where) == 3
    # The rendering quotes each file's own line.
    rendered = str(info.value)
    assert "    hub: {popultion: 5}" in rendered
    assert "population: -7" in rendered


def test_extends_child_replacing_a_value_takes_over_its_mark(in_tmp):
    # The base's `enemies` list is fine; the child's replacement is not and must be blamed.
    _write(in_tmp / "base.yaml", mini_text())
    child_text = "extends: base.yaml\nfactions:\n  red:\n    enemies: [blue, nobody]\n"
    _write(in_tmp / "child.yaml", child_text)
    with pytest.raises(ScenarioError) as info:
        load_scenario("child.yaml")
    [problem] = info.value.problems
    assert (problem.mark.file, problem.mark.line, problem.mark.col) == ("child.yaml", *location(child_text, "nobody"))
    assert "unknown faction 'nobody'" in problem.message


# --------------------------------------------------------------------------- overrides


def test_overrides_apply(mini_path):
    base = load_scenario(mini_path)
    loaded = load_scenario(mini_path, overrides={"meta": {"last_turn": 5}, "factions": {"red": {"treasury": 1.5}}})
    assert loaded.spec.meta.last_turn == 5
    assert loaded.spec.factions["red"].treasury == 1.5
    assert loaded.spec.factions["red"].manpower == base.spec.factions["red"].manpower
    assert loaded.spec.meta.title == base.spec.meta.title
    assert loaded.sha256 != base.sha256


def test_overrides_are_validated(mini_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(mini_path, overrides={"meta": {"last_turn": -5}})
    [problem] = info.value.problems
    assert "meta.last_turn" in problem.message and "-5" in problem.message
    assert problem.mark.line >= 1 and problem.mark.col >= 1


def test_overrides_do_not_touch_the_caller_data(mini_path):
    overrides = {"meta": {"last_turn": 5}}
    load_scenario(mini_path, overrides=overrides)
    assert overrides == {"meta": {"last_turn": 5}}


# --------------------------------------------------------------------------- hash


def test_hash_ignores_formatting_and_comments(in_tmp):
    text = mini_text()
    _write(in_tmp / "a.yaml", text)
    data = yaml.safe_load(text)
    # Same content, different layout: block style, other key order, comments, quoting.
    reformatted = "# reformatted\n" + yaml.safe_dump(data, default_flow_style=False, sort_keys=True, indent=4)
    reformatted = reformatted.replace("title: Mini war", "title: 'Mini war'  # quoted now")
    assert reformatted != text
    _write(in_tmp / "b.yaml", reformatted)
    a, b = load_scenario("a.yaml"), load_scenario("b.yaml")
    assert a.spec == b.spec
    assert a.sha256 == b.sha256 == scenario_hash(a.spec)


def test_hash_changes_when_a_value_changes(in_tmp):
    text = mini_text()
    _write(in_tmp / "a.yaml", text)
    _write(in_tmp / "b.yaml", text.replace("km: 90", "km: 91"))
    _write(in_tmp / "c.yaml", text.replace("delta: 20", "delta: 20.5"))
    hashes = {load_scenario(n).sha256 for n in ("a.yaml", "b.yaml", "c.yaml")}
    assert len(hashes) == 3


def test_hash_counts_defaults_written_out(in_tmp):
    # Writing a default explicitly does not change what the scenario means, nor its hash.
    text = mini_text()
    _write(in_tmp / "a.yaml", text)
    _write(in_tmp / "b.yaml", text.replace("  days_per_turn: 7\n", "  days_per_turn: 7\n  on_timeout: points\n"))
    assert load_scenario("a.yaml").sha256 == load_scenario("b.yaml").sha256


def test_hash_is_stable_across_processes(mini_path):
    # Pin it to the content: a plain sha256 of canonical JSON, no per-run salt.
    import hashlib
    import json

    spec = load_scenario(mini_path).spec
    blob = json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    assert load_scenario(mini_path).sha256 == hashlib.sha256(blob.encode()).hexdigest()


# --------------------------------------------------------------------------- immutability


def test_scenario_is_frozen(mini_path):
    loaded = load_scenario(mini_path)
    with pytest.raises(pydantic.ValidationError):
        loaded.spec.meta.title = "changed"
    with pytest.raises(pydantic.ValidationError):
        loaded.spec.map.places["capital"].owner = "red"
    with pytest.raises(pydantic.ValidationError):
        loaded.spec.rules = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.sha256 = "0" * 64
    assert loaded.spec.meta.title == "Mini war"


# --------------------------------------------------------------------------- errors as data


def test_scenario_error_lists_every_problem_with_marks(write_scenario):
    path = write_scenario(("  days_per_turn: 7", "  days_per_trun: 7"), ("{a: hub, b: field,", "{a: hub, b: capitl,"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = info.value.problems
    assert len(problems) == 2
    assert problems == sorted(problems, key=lambda p: (p.mark, p.message))
    for p in problems:
        assert p.mark.file == "s.yaml" and p.mark.line >= 1 and p.mark.col >= 1 and p.message
    assert str(info.value).count(": error: ") == 2


# --------------------------------------------------------------------------- shipped scenarios


TRIPOLI = SCENARIOS / "tripoli_2019.yaml"


def _tripoli():
    if not TRIPOLI.exists():
        pytest.skip("scenarios/tripoli_2019.yaml is not written yet")
    return _load_spec(TRIPOLI)


@functools.cache
def _load_spec(path: Path):
    return load_scenario(path).spec


def test_tripoli_minimum_counts():
    spec = _tripoli()
    assert len(spec.map.places) >= 35
    assert len(spec.map.routes) >= 50
    assert len(spec.backers) >= 6
    dated = [e for e in spec.events.values() if e.historical and (e.date_from or e.date_to)]
    assert len(dated) >= 15, f"only {len(dated)} historical events with dates"


@pytest.mark.parametrize("name", ["Tripoli", "Mitiga", "Gharyan", "Tarhuna", "Watiya", "Misrata", "Sirte", "Jufra", "Benghazi"])
def test_tripoli_has_place(name):
    spec = _tripoli()
    names = [p.name for p in spec.map.places.values()]
    assert any(name.lower() in n.lower() for n in names), f"no place named like {name!r} in {names}"


# --------------------------------------------------------------------------- no scenario ids in code

LIBYA_WORDS = re.compile(r"\b(gna|lna|turkey|tripoli|haftar)\b", re.IGNORECASE)


def test_no_scenario_ids_in_the_game_package():
    # Ids live in YAML and tests only; the engine must work for any scenario.
    hits = []
    for path in sorted((ROOT / "game").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LIBYA_WORDS.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not hits, "scenario-specific words in game/:\n" + "\n".join(hits)


def test_the_id_scan_would_notice():
    assert LIBYA_WORDS.search("if owner == 'GNA':")
    assert LIBYA_WORDS.search("# Haftar's offensive")
    assert not LIBYA_WORDS.search("DEFAULT = 'tripoli_2019.yaml'")  # a file name, not an id


def test_tripoli_puts_a_decision_to_each_side_in_its_first_five_turns():
    """A player of either side is asked something real early on: a choice event whose
    window opens by turn 5, with answers that do different things."""
    spec = _tripoli()
    start = spec.meta.start_date
    first: dict[str, int] = {}
    for ev in spec.events.values():
        if ev.choice is None or ev.date_from is None:
            continue
        turn = (ev.date_from - start).days // spec.meta.days_per_turn + 1
        effects = {oid: repr(opt.effects) for oid, opt in ev.choice.options.items()}
        assert len(set(effects.values())) == len(effects), f"{ev.name}: two answers do the same"
        f = ev.choice.faction
        first[f] = min(first.get(f, turn), turn)
    assert set(first) >= set(spec.factions), f"no decision for {set(spec.factions) - set(first)}"
    assert max(first.values()) <= 5, first


def test_tripoli_ai_answers_the_early_decisions_as_the_record_did():
    """The AI is offered the same questions and, in a seeded game, gives the answers of
    2019 (each question's default, which is the record's answer)."""
    from game.ai.agents import make_agents, play_out
    from game.engine import World, new_game
    from game.engine.actions import ChooseOption

    world = World(_tripoli())
    gs, ags = np.random.SeedSequence(11).spawn(2)
    state = new_game(world, gs)
    agents = make_agents(world, ags, {f: "normal" for f in world.faction_ids})
    answers = {}

    def seen(action, events, st):
        if isinstance(action, ChooseOption):
            answers[action.event] = action.option

    play_out(state, agents, on_action=seen)
    early = {"volcano_of_anger", "ghadames_postponed", "turkish_drones_offer", "tajoura_strike"}
    assert early <= set(answers), answers
    for eid in early:
        assert answers[eid] == world.spec.events[eid].choice.default, (eid, answers[eid])


def _choice_openings(spec) -> dict[str, list[int]]:
    """Per faction, the turns on which its choice events' windows open. A conditional or
    chancy event counts from its window's first turn, the earliest it could fire; one with
    no start date from turn 1."""
    start, days = spec.meta.start_date, spec.meta.days_per_turn
    opens: dict[str, list[int]] = {f: [] for f in spec.factions}
    for ev in spec.events.values():
        if ev.choice is None:
            continue
        turn = 1 if ev.date_from is None else (ev.date_from - start).days // days + 1
        opens[ev.choice.faction].append(turn)
    return opens


MAX_TURNS_WITHOUT_A_DECISION = 8


def _long_silences(spec) -> dict[str, dict[tuple[int, int], int]]:
    """Per faction, the stretches from turn 1 to the last turn between one choice window's
    opening and the next that are longer than MAX_TURNS_WITHOUT_A_DECISION."""
    last = spec.meta.last_turn
    out = {}
    for f, turns in _choice_openings(spec).items():
        marks = sorted({1, *(t for t in turns if t <= last), last})
        out[f] = {(a, b): b - a for a, b in zip(marks, marks[1:]) if b - a > MAX_TURNS_WITHOUT_A_DECISION}
    return out


def test_tripoli_keeps_putting_decisions_to_each_side_through_the_war():
    """Not only early on: across the whole campaign each side's choice events open at most
    eight turns apart, from turn 1 to the last turn, so that nobody plays two months of war
    with nothing to decide."""
    spec = _tripoli()
    openings = _choice_openings(spec)
    long = {f: gaps for f, gaps in _long_silences(spec).items() if gaps}
    assert not long, {f: (sorted(openings[f]), gaps) for f, gaps in long.items()}


def test_the_silence_test_would_notice_a_long_silence():
    # The LNA's decisions after the first 30 weeks taken away: the last 35 turns are quiet.
    spec = _tripoli()
    start = spec.meta.start_date
    events = {eid: (ev.model_copy(update={"choice": None})
                    if ev.choice is not None and ev.choice.faction == "lna" and ev.date_from
                    and (ev.date_from - start).days >= 7 * 30 else ev)
              for eid, ev in spec.events.items()}
    quiet = spec.model_copy(update={"events": events})
    assert _long_silences(quiet)["lna"]
    assert not _long_silences(quiet)["gna"]


# The decisions added to fill the long quiet stretches of the campaign (issue 15); each is put
# to the AI, which must answer as the record did.
LATER_DECISIONS = {
    "eastern_war_chest", "gharyan_raid_plan", "sudanese_fighters_offered", "salaries_in_the_east",
    "islamist_charge", "emirati_drone_war", "final_battle", "syrians_for_tripoli", "syrians_for_haftar",
    "popular_mandate", "irini_at_sea", "russian_jets_jufra",
}


def test_tripoli_ai_answers_the_later_decisions_as_the_record_did():
    """Seeded normal-against-normal games, played until every one of these questions has
    been put: every answer the AI gives is the question's default, the record's answer."""
    from game.ai.agents import make_agents, play_out
    from game.engine import World, new_game
    from game.engine.actions import ChooseOption

    spec = _tripoli()
    assert LATER_DECISIONS <= {eid for eid, ev in spec.events.items() if ev.choice is not None}
    world = World(spec)
    answers: dict[str, set[str]] = {}

    def seen(action, events, st):
        if isinstance(action, ChooseOption):
            answers.setdefault(action.event, set()).add(action.option)

    for seed in range(20):
        gs, ags = np.random.SeedSequence(seed).spawn(2)
        state = new_game(world, gs)
        play_out(state, make_agents(world, ags, {f: "normal" for f in world.faction_ids}), on_action=seen)
        if LATER_DECISIONS <= set(answers):
            break
    assert LATER_DECISIONS <= set(answers), sorted(LATER_DECISIONS - set(answers))
    wrong = {eid: opts for eid, opts in answers.items()
             if eid in LATER_DECISIONS and opts != {spec.events[eid].choice.default}}
    assert not wrong, wrong
