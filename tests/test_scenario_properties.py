"""Property tests: whatever is done to a scenario, loading it either succeeds or fails
with located problems. Never any other exception.

Runs are derandomized, so every run tries the same examples and a failure reproduces.
"""

import copy
import datetime as dt
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, mini_text
from game.scenario import LoadedScenario, ScenarioError, load_scenario

EXACT = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

MINI_TEXT = mini_text()
MINI_DATA = yaml.safe_load(MINI_TEXT)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _keys(node):
    return sorted({p[-1] for p in _paths(node) if p and isinstance(p[-1], str)})


KNOWN_KEYS = _keys(MINI_DATA)
KNOWN_IDS = ["capital", "hub", "east", "field", "village", "blue", "red", "patron", "militia", "drone", "t1"]

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=2**63, max_value=2**256) | st.integers(min_value=-(2**256), max_value=-(2**63)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
    st.sampled_from(KNOWN_IDS + ["", "0", "-1", "1e12", "yes", "~", "null", "<<", "2020-02-30", "#fff"]),
)
values = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def _near_miss(draw, key: str) -> str:
    kind = draw(st.sampled_from(["drop", "double", "upper", "swap", "other", "random"]))
    if kind == "drop" and len(key) > 1:
        i = draw(st.integers(0, len(key) - 1))
        return key[:i] + key[i + 1 :]
    if kind == "double":
        return key + key[-1:]
    if kind == "upper":
        return key.upper()
    if kind == "swap" and len(key) > 1:
        return key[1] + key[0] + key[2:]
    if kind == "other":
        return draw(st.sampled_from(KNOWN_KEYS))
    return draw(st.text(max_size=10))


@st.composite
def mutated_data(draw):
    data = copy.deepcopy(MINI_DATA)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(list(_paths(data))))
        op = draw(st.sampled_from(["delete", "replace", "rename", "duplicate"]))
        if not path:
            if op == "replace":
                data = draw(values)
            continue
        parent = data
        for p in path[:-1]:
            parent = parent[p]
        key = path[-1]
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = draw(values)
        elif op == "rename" and isinstance(parent, dict):
            parent[_near_miss(draw, key)] = parent.pop(key)
        elif isinstance(parent, list):  # duplicate (or rename, which lists cannot do)
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[f"{key}_2" if isinstance(key, str) else key] = copy.deepcopy(parent[key])
    return data


def assert_loads_or_fails_cleanly(path: Path) -> None:
    # As editors (and YAML) count them: \r and \r\n end lines too.
    lines = len(path.read_bytes().decode("utf-8", "replace").splitlines()) + 1
    try:
        result = load_scenario(path)
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError must carry at least one problem"
        for problem in exc.problems:
            assert problem.message.strip(), problem
            assert problem.mark.file, problem
            assert problem.mark.line >= 1 and problem.mark.col >= 1, problem
            assert problem.mark.line <= lines + 1, f"{problem} points past the end of the file"
        rendered = str(exc)
        assert rendered.count(": error: ") == len(exc.problems)
        return
    assert isinstance(result, LoadedScenario)


@pytest.mark.slow
@EXACT
@given(mutated_data())
def test_mutated_data_loads_or_fails_cleanly(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutated.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        assert_loads_or_fails_cleanly(path)


def test_unmutated_data_round_trips():
    # The baseline of the property above: dumped as-is, mini.yaml's data loads.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "same.yaml"
        path.write_text(yaml.safe_dump(MINI_DATA), encoding="utf-8")
        assert load_scenario(path).id == "mini"


RAW = MINI_TEXT.encode("utf-8")
SPECIAL = [
    b":", b": ", b"-", b"- ", b"{", b"}", b"[", b"]", b",", b"&a ", b"*a", b"!", b"!!python/name:os.system ",
    b"\t", b"\n", b"\r", b"#", b'"', b"'", b"|", b">", b"%", b"@", b"`", b"?", b"<<: ", b"---\n", b"...\n",
    b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", "\u2028".encode(), "é".encode(), b"  ", b"9" * 30, b".nan",
]
edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "replace"]),
        st.integers(0, len(RAW)),
        st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=3),
        st.integers(1, 12),
    ),
    min_size=1,
    max_size=4,
)


@EXACT
@given(edits)
def test_byte_edits_load_or_fail_cleanly(changes):
    raw = RAW
    for op, pos, blob, length in changes:
        pos = pos % (len(raw) + 1)
        if op == "insert":
            raw = raw[:pos] + blob + raw[pos:]
        elif op == "delete":
            raw = raw[:pos] + raw[pos + length :]
        else:
            raw = raw[:pos] + blob + raw[pos + len(blob) :]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "edited.yaml"
        path.write_bytes(raw)
        assert_loads_or_fails_cleanly(path)


@settings(EXACT, max_examples=100)
@given(st.dates() | st.dates(min_value=dt.date(9990, 1, 1)), st.integers(1, 92), st.integers(1, 1000))
def test_any_calendar_loads_or_fails_cleanly(start, days, turns):
    data = copy.deepcopy(MINI_DATA)
    data["meta"].update(start_date=start, days_per_turn=days, last_turn=turns)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calendar.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        assert_loads_or_fails_cleanly(path)
        try:
            end = start + dt.timedelta(days=days * turns)
        except OverflowError:
            return
        if end >= MINI_DATA["events"]["windfall"]["date_from"]:  # else that event could never fire
            assert load_scenario(path).spec.meta.start_date == start


def test_hypothesis_keeps_nothing_in_the_tree():
    # No example database, and its caches (conftest.py) outside the repository.
    from hypothesis.configuration import storage_directory

    assert settings().database is None
    where = storage_directory(intent_to_write=False).path.resolve()
    assert ROOT.resolve() not in (where, *where.parents), where
