"""Hostile and broken scenario files, each through `sandtable validate`.

Every case must end with exit status 1 and a located message (FILE:LINE:COL: error:),
never an exception or a traceback. Expected locations are computed from the text
of the file under test, so they stay exact when mini.yaml is edited.
"""

import contextlib
import os
import threading
import time
from pathlib import Path

import pytest

from conftest import GEOJSON, location, mini_text


def test_empty_file(cli, in_tmp):
    Path("empty.yaml").write_bytes(b"")
    r = cli("validate", "empty.yaml")
    assert r.code == 1
    r.assert_error("empty.yaml", 1, 1, "file is empty")
    assert len(r.errors()) == 1


@pytest.mark.parametrize("body", ["   \n\n\t\n", "# just a comment\n   # and another\n\n", "---\n", "---\n...\n"])
def test_whitespace_or_comment_only_file(cli, in_tmp, body):
    Path("blank.yaml").write_text(body, encoding="utf-8")
    r = cli("validate", "blank.yaml")
    assert r.code == 1
    r.assert_error("blank.yaml", 1, 1, "file is empty")


def test_non_utf8_byte_is_located(cli, in_tmp):
    # A multi-byte character before the bad byte: the column counts characters, as editors do.
    text = mini_text().replace("  title: Mini war", "  title: Mïni war")
    raw = text.encode("utf-8").replace("Mïni war".encode(), "Mïni".encode() + b"\xff war")
    Path("latin.yaml").write_bytes(raw)
    line, col = location(text, "Mïni war", offset=len("Mïni"))
    r = cli("validate", "latin.yaml")
    assert r.code == 1
    # The line is quoted up to the bad byte, with the caret just after it.
    shown = text[: text.index("Mïni war") + len("Mïni")]
    msg = r.assert_error("latin.yaml", line, col, "not valid UTF-8", source=shown)
    assert "0xff" in msg


def test_bom_is_accepted(cli, in_tmp):
    Path("bom.yaml").write_bytes(b"\xef\xbb\xbf" + mini_text().encode("utf-8"))
    r = cli("validate", "bom.yaml")
    assert (r.code, r.out.strip()) == (0, "ok mini")


def test_tab_indentation(cli, write_scenario):
    path = write_scenario(("\n  id: mini\n", "\n\tid: mini\n"))
    text = path.read_text()
    line, _ = location(text, "\tid: mini")
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", line, 1, "not tabs", source=text)


@pytest.mark.parametrize(
    "cut_after, phrase",
    [
        ("  format_vers", "could not find expected ':'"),  # mid block mapping
        ("lat_min: 29.0, lat_max: 34.0,", "expected the node content"),  # mid flow mapping
        ("    - {a: hub, b: east", "expected ',' or '}'"),  # mid flow mapping, inside a list
        ("features: [central_bank, cap", "expected ',' or ']'"),  # mid flow sequence
    ],
)
def test_truncated_yaml(cli, in_tmp, cut_after, phrase):
    full = mini_text()
    text = full[: full.index(cut_after) + len(cut_after)]
    Path("cut.yaml").write_text(text, encoding="utf-8")
    # The parser notices at the end of the text: the end of its last line.
    line = text.count("\n") + 1
    col = len(text.rsplit("\n", 1)[-1]) + 1
    r = cli("validate", "cut.yaml")
    assert r.code == 1
    r.assert_error("cut.yaml", line, col, phrase)


@pytest.mark.parametrize(
    "body, what",
    [
        ("- meta\n- map\n", "not a list"),
        ("just some words\n", "not a single string"),
        ("42\n", "not a number"),
        ("true\n", "not true or false"),
    ],
)
def test_top_level_not_a_mapping(cli, in_tmp, body, what):
    Path("top.yaml").write_text(body, encoding="utf-8")
    r = cli("validate", "top.yaml")
    assert r.code == 1
    r.assert_error("top.yaml", 1, 1, "top level must be a mapping", source=body)
    assert what in r.errors()[0]


def test_wrong_types(cli, write_scenario):
    path = write_scenario(
        ("population: 1000000,", 'population: "lots",'),  # string for a number
        ("    enemies: [red]\n", "    enemies: {red: 1}\n"),  # mapping for a list
        ("  sources:\n    t1: {title: Test source}\n", "  sources: [t1, t2]\n"),  # list for a mapping
    )
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, '"lots"'), "valid integer", source=text)
    r.assert_error("s.yaml", *location(text, "{red: 1}"), "valid list", source=text)
    r.assert_error("s.yaml", *location(text, "[t1, t2]"), "valid dictionary", source=text)
    # With meta.sources broken, the citation of `t1` is not reported as an unknown source as well.
    assert not any("unknown source" in e for e in r.errors()), r.text
    assert len(r.errors()) == 3, r.text


def test_negative_and_absurd_numbers(cli, write_scenario):
    path = write_scenario(
        ("population: 20000", "population: -5"),
        ("{a: hub, b: east, kind: road, km: 900}", "{a: hub, b: east, kind: road, km: 1.0e+12}"),
        ("    date_from: 2020-02-01\n", "    date_from: 2020-02-01\n    probability: 3\n"),
        ("  last_turn: 20", "  last_turn: 99999999999999999999999999"),
    )
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    msg = r.assert_error("s.yaml", *location(text, "population: -5", offset=12), "greater than or equal to 0", source=text)
    assert "map.places.village.population" in msg
    r.assert_error("s.yaml", *location(text, "km: 1.0e+12", offset=4), "less than or equal to 5000", source=text)
    r.assert_error("s.yaml", *location(text, "probability: 3", offset=13), "less than or equal to 1", source=text)
    r.assert_error("s.yaml", *location(text, "last_turn: 9", offset=11), "less than or equal to 1000", source=text)
    assert len(r.errors()) == 4, r.text


def test_nan_and_infinity_refused(cli, write_scenario):
    path = write_scenario(("lat: 32.9", "lat: .nan"), ("treasury: 150", "treasury: .inf"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, ".nan"), "map.places.capital.lat", source=text)
    r.assert_error("s.yaml", *location(text, ".inf"), "factions.red.treasury", source=text)


def test_unknown_place_in_route_suggests(cli, write_scenario):
    path = write_scenario(("{a: hub, b: field,", "{a: hub, b: capitl,"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    msg = r.assert_error("s.yaml", *location(text, "capitl"), "unknown place 'capitl'", source=text)
    assert "did you mean 'capital'" in msg


def test_misspelt_key_suggests(cli, write_scenario):
    path = write_scenario(("  days_per_turn: 7", "  days_per_trun: 7"), ("terrain: urban,", "terain: urban,"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    msg = r.assert_error("s.yaml", *location(text, "days_per_trun"), "unknown key 'days_per_trun'", source=text)
    assert "did you mean 'days_per_turn'" in msg
    msg = r.assert_error("s.yaml", *location(text, "terain"), "unknown key 'terain'", source=text)
    assert "did you mean 'terrain'" in msg


def test_bad_id_as_key_points_at_the_key(cli, write_scenario):
    path = write_scenario(("\n  red:\n", "\n  Red:\n"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    msg = r.assert_error("s.yaml", *location(text, "Red:"), "bad id 'Red'", source=text)
    assert msg.split(": error: ")[1].startswith("factions:")
    # References to the old id suggest the near miss.
    assert any("unknown faction 'red'" in e and "did you mean 'Red'" in e for e in r.errors()), r.text


def test_duplicate_keys_name_both_lines(cli, write_scenario):
    path = write_scenario(("  last_turn: 20\n", "  last_turn: 20\n  title: Second title\n"))
    text = path.read_text()
    first_line, _ = location(text, "  title: Mini war")
    r = cli("validate", path)
    assert r.code == 1
    msg = r.assert_error("s.yaml", *location(text, "title: Second"), "duplicate key 'title'", source=text)
    assert f"first defined at line {first_line}" in msg


def test_duplicate_keys_in_flow_mapping(cli, write_scenario):
    path = write_scenario(("{a: capital, b: hub, kind: highway, km: 90}", "{a: capital, b: hub, kind: highway, km: 90, a: hub}"))
    text = path.read_text()
    line, _ = location(text, "a: hub}")
    r = cli("validate", path)
    assert r.code == 1
    msg = r.assert_error("s.yaml", *location(text, "a: hub}"), "duplicate key 'a'", source=text)
    assert f"first defined at line {line}" in msg


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["touch {out}"]',
        '!!python/object/apply:subprocess.check_call [["touch", "{out}"]]',
        '!!python/object/new:builtins.open ["{out}", "w"]',
        '!!python/name:os.system',
        "!custom {out}",
    ],
)
def test_code_execution_tags_refused_and_not_run(cli, write_scenario, in_tmp, tag):
    out = in_tmp / "pwned"
    value = tag.format(out=out)
    path = write_scenario(("  title: Mini war", f"  title: {value}"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, value), "is not allowed", source=text)
    assert not out.exists(), "the tag ran code"


def test_billion_laughs_refused_fast(cli, in_tmp):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    Path("lol.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.perf_counter()
    r = cli("validate", "lol.yaml")
    assert time.perf_counter() - start < 5
    assert r.code == 1
    assert len(r.errors()) == 1
    assert r.errors()[0].startswith("lol.yaml:1:") and "expands to more than" in r.errors()[0]


def test_merge_key_bomb_refused_fast(cli, in_tmp):
    # Merging empty mappings creates no values, yet 9**10 merges would never finish.
    lines = ["a0: &a0 {}"]
    for i in range(1, 11):
        lines.append(f"a{i}: &a{i} {{<<: [" + ", ".join([f"*a{i - 1}"] * 9) + "]}")
    Path("merge.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.perf_counter()
    r = cli("validate", "merge.yaml")
    assert time.perf_counter() - start < 5
    assert r.code == 1
    assert "expands to more than" in r.text


@pytest.mark.parametrize("body", ["a: &a [1, *a]\n", "a: &a {x: 1, <<: *a}\n"])
def test_self_referencing_alias_refused(cli, in_tmp, body):
    Path("loop.yaml").write_text(body, encoding="utf-8")
    r = cli("validate", "loop.yaml")
    assert r.code == 1
    assert len(r.errors()) == 1 and r.errors()[0].startswith("loop.yaml:1:")
    assert "nesting deeper than" in r.text


def test_deep_nesting_refused(cli, in_tmp):
    body = "meta: " + "[" * 20_000 + "]" * 20_000 + "\n"
    Path("deep.yaml").write_text(body, encoding="utf-8")
    r = cli("validate", "deep.yaml")
    assert r.code == 1
    assert len(r.errors()) == 1 and r.errors()[0].startswith("deep.yaml:1:")
    assert "nesting deeper than" in r.text
    # The 40 kB line is not echoed whole under the message.
    assert max(len(ln) for ln in r.text.splitlines()) < 300


def test_huge_file_refused(cli, in_tmp):
    with open("big.yaml", "wb") as fh:
        fh.write(b"meta:\n  id: big\n")
        fh.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    start = time.perf_counter()
    r = cli("validate", "big.yaml")
    assert time.perf_counter() - start < 5
    assert r.code == 1
    r.assert_error("big.yaml", 1, 1, "too large")


def test_extends_cycle_reported_in_both_files(cli, in_tmp):
    a = "# a\nextends: b.yaml\nmeta: {title: A}\n"
    b = "meta: {title: B}\nextends: a.yaml\n"
    Path("a.yaml").write_text(a)
    Path("b.yaml").write_text(b)
    r = cli("validate", "a.yaml")
    assert r.code == 1
    r.assert_error("a.yaml", *location(a, "b.yaml"), "'extends' cycle", source=a)
    r.assert_error("b.yaml", *location(b, "a.yaml"), "'extends' cycle", source=b)
    assert "a.yaml -> b.yaml -> a.yaml" in r.text


def test_extends_itself(cli, in_tmp):
    Path("self.yaml").write_text("extends: ./self.yaml\n")
    r = cli("validate", "self.yaml")
    assert r.code == 1
    r.assert_error("self.yaml", 1, 10, "'extends' cycle")


def test_extends_missing_file(cli, in_tmp):
    text = "meta: {title: X}\nextends: nowhere/base.yaml\n"
    Path("child.yaml").write_text(text)
    r = cli("validate", "child.yaml")
    assert r.code == 1
    r.assert_error("child.yaml", *location(text, "nowhere/"), "does not exist: nowhere/base.yaml", source=text)


@pytest.mark.parametrize("value", ["[a.yaml]", "''", '"base\\0.yaml"'])
def test_extends_not_a_path(cli, in_tmp, value):
    text = f"extends: {value}\n"
    Path("child.yaml").write_text(text)
    r = cli("validate", "child.yaml")
    assert r.code == 1
    r.assert_error("child.yaml", 1, 10, "'extends' must be the path")


def test_missing_scenario_file(cli, in_tmp):
    r = cli("validate", "no_such_file.yaml")
    assert r.code == 1
    r.assert_error("no_such_file.yaml", 1, 1, "file not found")


def test_directory_instead_of_file(cli, in_tmp):
    Path("adir.yaml").mkdir()
    r = cli("validate", "adir.yaml")
    assert r.code == 1
    r.assert_error("adir.yaml", 1, 1, "is a directory")


@contextlib.contextmanager
def fifo(name: str):
    """A named pipe, like /dev/zero a file that is not a file; unlike it, harmless if read.

    Opening it for reading waits for a writer, so should the loader ever open it, a
    writer turns up after a few seconds, and the test fails instead of hanging.
    """
    os.mkfifo(name)
    done = threading.Event()
    rescued = []

    def unblock():
        deadline = time.monotonic() + 5
        while not done.wait(0.05):
            if time.monotonic() > deadline:
                try:
                    os.close(os.open(name, os.O_WRONLY | os.O_NONBLOCK))
                    rescued.append(True)
                except OSError:  # no reader yet
                    continue

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    try:
        yield Path(name)
    finally:
        done.set()
        thread.join()
    assert not rescued, f"{name} was opened for reading: the loader waited for a writer"


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


@needs_fifo
def test_named_pipe_refused_without_blocking(cli, in_tmp):
    with fifo("pipe.yaml"):
        r = cli("validate", "pipe.yaml")
    assert r.code == 1
    r.assert_error("pipe.yaml", 1, 1, "not a regular file")


def test_unreadable_file(cli, write_scenario, monkeypatch):
    # Root may read anything, so simulate the permission error rather than chmod.
    import game.scenario.yamlio as yamlio

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    path = write_scenario()
    monkeypatch.setattr(yamlio, "open", denied, raising=False)
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", 1, 1, "cannot read file: Permission denied")


def test_merge_keys_work(cli, write_scenario):
    path = write_scenario(
        ("- {a: capital, b: hub, kind: highway, km: 90}", "- &trunk {a: capital, b: hub, kind: highway, km: 90}"),
        ("- {a: capital, b: village, kind: road, km: 80}", "- {<<: *trunk, b: village, kind: road, km: 80}"),
        ("    recruits: [militia, regular]\n", "    recruits: [militia, regular]\n    <<: {short: XXX, leader: Merged}\n"),
    )
    r = cli("validate", path)
    assert (r.code, r.out.strip()) == (0, "ok mini"), r.text

    from game.scenario import load_scenario

    spec = load_scenario(path).spec
    assert spec.map.routes[3].a == "capital" and spec.map.routes[3].b == "village"
    assert spec.map.routes[3].km == 80
    red = spec.factions["red"]
    assert red.short == "RED", "an explicit key must win over a merged one"
    assert red.leader == "Merged"


def test_unknown_effect_suggests(cli, write_scenario):
    path = write_scenario(("{effect: treasury,", "{effect: treasure,"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    msg = r.assert_error("s.yaml", *location(text, "{effect: treasure"), "unknown effect 'treasure'", source=text)
    assert "did you mean 'treasury'" in msg


def test_route_joining_place_to_itself(cli, write_scenario):
    path = write_scenario(("{a: hub, b: field,", "{a: hub, b: hub,"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, "{a: hub, b: hub"), "two different places", source=text)


def test_disconnected_map(cli, write_scenario):
    path = write_scenario(("    - {a: hub, b: field, kind: track, km: 500}\n", ""))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, "field: {"), "place 'field' cannot be reached", source=text)
    assert len(r.errors()) == 1


def test_unreachable_points_victory(cli, write_scenario):
    path = write_scenario(("{kind: survive, places: [capital]}", "{kind: points, points: 500}"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    msg = r.assert_error("s.yaml", *location(text, "points: 500", offset=8), "victory needs 500 points", source=text)
    assert "only has 17" in msg  # 10 + 2 + 5 in mini.yaml


def test_backer_with_no_packages(cli, write_scenario):
    text = mini_text()
    start = text.index("    packages:\n")
    end = text.index("events:")
    path = write_scenario(text=text[:start] + text[end:])
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, "patron:"), "nothing to send", source=text)


@pytest.mark.parametrize("target", ["nowhere.geojson", ".", '"nul\\0byte.geojson"', pytest.param("pipe.geojson", marks=needs_fifo)])
def test_map_file_missing_or_not_a_file(cli, write_scenario, target):
    # A directory, a path the OS cannot take, a pipe (or device) that may never end: none is read.
    path = write_scenario((f"geojson: {GEOJSON}", f"geojson: {target}"))
    text = path.read_text()
    with fifo("pipe.geojson") if target == "pipe.geojson" else contextlib.nullcontext():
        r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, f"geojson: {target}", offset=9), "map file not found", source=text)


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b"\xff\xfe{}",
        b'{"type": "FeatureCollection", "features": [' + b"[" * 100_000,  # nested past the stack
    ],
)
def test_map_file_not_geojson(cli, write_scenario, in_tmp, content):
    Path("broken.geojson").write_bytes(content)
    path = write_scenario((f"geojson: {GEOJSON}", "geojson: broken.geojson"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, "broken.geojson"), "not readable GeoJSON", source=text)


def test_keys_that_yaml_would_not_keep_as_text(cli, in_tmp):
    # `2020-13-45` looks like a date but is not one; `~` is null. Both are reported as written.
    text = "2020-13-45: x\n~: y\nyes: z\n"
    Path("keys.yaml").write_text(text)
    r = cli("validate", "keys.yaml")
    assert r.code == 1
    r.assert_error("keys.yaml", 1, 1, "unknown key '2020-13-45'", source=text)
    r.assert_error("keys.yaml", 2, 1, "unknown key '~'", source=text)
    r.assert_error("keys.yaml", 3, 1, "unknown key 'yes'", source=text)


def test_several_problems_all_reported(cli, write_scenario):
    path = write_scenario(
        ("  days_per_turn: 7", "  days_per_trun: 7"),  # misspelt key
        ("population: 20000", "population: -5"),  # out of range
        ("{a: hub, b: field,", "{a: hub, b: capitl,"),  # unknown place
        ("    supports: blue", "    supports: blu"),  # unknown faction
        ("{effect: treasury,", "{effect: treasure,"),  # unknown effect
        ("    short: RED\n", ""),  # missing required key
    )
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    assert len(r.errors()) == 6, r.text
    assert "s.yaml: 6 problems" in r.err
    r.assert_error("s.yaml", *location(text, "days_per_trun"), "unknown key", source=text)
    r.assert_error("s.yaml", *location(text, "population: -5", offset=12), "greater than or equal to 0", source=text)
    r.assert_error("s.yaml", *location(text, "capitl"), "unknown place", source=text)
    r.assert_error("s.yaml", *location(text, "supports: blu", offset=10), "unknown faction 'blu'", source=text)
    r.assert_error("s.yaml", *location(text, "{effect: treasure"), "unknown effect", source=text)
    r.assert_error("s.yaml", *location(text, "  red:", offset=2), "missing required key 'short'", source=text)
    # Reported in file order, so they read top to bottom.
    lines = [int(e.split(":")[1]) for e in r.errors()]
    assert lines == sorted(lines)


def test_long_line_is_shown_around_the_column(cli, in_tmp):
    # A whole scenario written as one flow line: the caret still points at the fault.
    import json

    import yaml

    data = yaml.safe_load(mini_text())
    data["events"]["windfall"]["effects"][0]["delta"] = "lots"
    text = json.dumps(data, default=str) + "\n"
    Path("one.yaml").write_text(text)
    r = cli("validate", "one.yaml")
    assert r.code == 1
    line, col = location(text, '"lots"')
    assert line == 1 and col > 1000
    msg_index = r.text.splitlines().index(r.assert_error("one.yaml", 1, col, "valid number"))
    shown, caret = r.text.splitlines()[msg_index + 1 : msg_index + 3]
    assert len(shown) < 200
    assert shown[caret.index("^") :].startswith('"lots"')


def test_nested_condition_error_located_at_the_inner_condition(cli, write_scenario):
    path = write_scenario(("    date_from: 2020-02-01\n", "    date_from: 2020-02-01\n    when: {test: all, of: [{test: turn_at_least, turn: 2}, {test: nott}]}\n"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    msg = r.assert_error("s.yaml", *location(text, "{test: nott}"), "unknown test 'nott'", source=text)
    assert "events.windfall.when.of[1]:" in msg and "did you mean 'not'" in msg


def test_places_not_a_mapping_does_not_cascade(cli, write_scenario):
    text = mini_text()
    start, end = text.index("  places:\n"), text.index("  routes:\n")
    path = write_scenario(text=text[:start] + "  places: [capital, hub]\n" + text[end:])
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, "[capital, hub]"), "valid dictionary", source=text)
    # Every route, unit and owner cites places; with no usable list of them, none is "unknown".
    assert len(r.errors()) == 1, r.text


def test_calendar_running_past_year_9999(cli, write_scenario):
    path = write_scenario(("start_date: 2020-01-02", "start_date: 9999-12-01"), ("date_from: 2020-02-01", "date_from: 9999-12-02"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, "9999-12-01"), "after the year 9999", source=text)


def test_lone_carriage_returns_count_as_line_breaks(cli, in_tmp):
    # Old Mac line endings: the bad byte is on line 3 as YAML and editors see it.
    Path("cr.yaml").write_bytes(b"meta:\r  id: mini\r  title: Bad\xff\r")
    r = cli("validate", "cr.yaml")
    assert r.code == 1
    r.assert_error("cr.yaml", 3, 13, "not valid UTF-8", source="meta:\n  id: mini\n  title: Bad\n")
