"""The shipped JSON Schema and format reference are generated, current and complete."""

import datetime as dt
import functools
import json

import pytest
import yaml

from conftest import MINI, SCENARIOS, mini_text
from game.scenario.companion import is_companion_file
from game.scenario import load_scenario
from game.scenario.schema import EXAMPLES, json_schema, reference_markdown, schema_text, targets_schema_text
from game.scenario.yamlio import load_document

STALE = "is out of date with game/scenario/model.py; run `make schema` and commit the result"


def test_shipped_schema_is_current():
    shipped = (SCENARIOS / "scenario.schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text(), f"scenarios/scenario.schema.json {STALE}"


def test_shipped_reference_is_current():
    shipped = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    assert shipped == reference_markdown(), f"scenarios/README.md {STALE}"


def test_shipped_targets_schema_is_current():
    shipped = (SCENARIOS / "targets.schema.json").read_text(encoding="utf-8")
    assert shipped == targets_schema_text(), f"scenarios/targets.schema.json {STALE}"


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.targets.yaml")), ids=lambda p: p.name)
def test_targets_schema_accepts_shipped_targets(path):
    import jsonschema

    data = _jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = list(jsonschema.Draft202012Validator(json.loads(targets_schema_text())).iter_errors(data))
    assert not errors, [e.message for e in errors]
    assert path.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=targets.schema.json"


def test_schema_text_is_the_schema_in_canonical_form():
    # What `make schema` writes is the schema itself, indented and in field order, so a
    # change to a model shows in review as a small diff of the file.
    text = schema_text()
    assert json.loads(text) == json_schema()
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def _properties(node, where="#"):
    """Every (location, name, property) under any `properties` in the schema."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{where}/properties/{name}", name, prop
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{where}/{i}")


def test_every_property_has_a_description():
    props = list(_properties(json_schema()))
    assert len(props) > 100, "the walk found too few properties to be looking at the real schema"
    missing = [where for where, _, prop in props if not (isinstance(prop, dict) and str(prop.get("description", "")).strip())]
    assert not missing, "properties without a description (add one in model.py):\n" + "\n".join(missing)


def test_schema_knows_extends():
    assert json_schema()["properties"]["extends"]["type"] == "string"


def test_reference_lists_every_top_level_key():
    text = reference_markdown()
    for name in json_schema()["properties"]:
        assert f"| `{name}` |" in text


def _jsonable(value):
    """YAML gives dates; JSON Schema validators see the strings a JSON document would hold."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _read(path):
    # The game's own reader: plain PyYAML would read a key like `on:` as True (YAML 1.1).
    return _jsonable(load_document(path, path.name).data)


@functools.cache
def _validator():
    # Made once per process: checking the schema against the metaschema takes a fifth of
    # a second, and a validator only reads the schema it holds, so every test that asks
    # for one gets the same (the schema is generated from the same models every time).
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_schema_accepts_mini():
    validator = _validator()
    data = json.loads(json.dumps(_read(MINI)))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@pytest.mark.parametrize(
    "old, new",
    [
        ("  days_per_turn: 7", "  days_per_trun: 7"),  # unknown key
        ("population: 1000000", "population: -5"),  # below minimum
        ("kind: oil_field", "kind: oilfield"),  # not in the enum
        ("{effect: treasury,", "{effect: treasure,"),  # unknown effect
        ("colour: \"#2060c0\"", "colour: blue"),  # pattern
    ],
)
def test_schema_rejects_what_the_loader_rejects(old, new):
    validator = _validator()
    text = mini_text()
    assert text.count(old) == 1
    data = _jsonable(yaml.safe_load(text.replace(old, new)))
    assert list(validator.iter_errors(data)), f"the schema accepted {new!r}"


SHIPPED = sorted(p for p in SCENARIOS.glob("*.yaml") if not is_companion_file(p))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_schema_accepts_shipped_scenarios(path):
    # What editors check against the schema must agree with what the game loads.
    validator = _validator()
    data = _read(path)
    if "extends" in data:
        pytest.skip("the schema sees one file; its base is checked on its own")
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])


@pytest.mark.parametrize("title, text, example", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_in_the_reference_loads_and_does_what_it_says(title, text, example, tmp_path, monkeypatch):
    """Each example of the generated reference, over the mini scenario as base.yaml,
    loads and sets the values it shows."""
    (tmp_path / "base.yaml").write_text(mini_text(), encoding="utf-8")
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    spec = load_scenario("example.yaml").spec
    shown = yaml.safe_load(example)
    rules = shown.get("rules", {})
    days = shown.get("meta", {}).get("days_per_turn", 1) if shown.get("meta", {}).get("rates") == "day" else 1
    for section, values in rules.items():
        for key, value in values.items():
            got = getattr(getattr(spec.rules, section), key)
            assert got == value if days == 1 else got > value  # a day's rate grows to a turn's
    for tid, fields in shown.get("unit_types", {}).items():
        for key, value in fields.items():
            assert getattr(spec.unit_types[tid], key) == pytest.approx(value * days)
    for pid, fields in shown.get("map", {}).get("places", {}).items():
        for key, value in fields.items():
            assert getattr(spec.map.places[pid], key) == value
    for path in shown.get("remove", []):
        section, _, key = path.partition(".")
        if section == "events":
            assert key not in spec.events
    assert example.rstrip("\n") in reference_markdown()
