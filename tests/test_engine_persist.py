"""Saves, hashes, clones and replays: a game written to disk and read back is the same
game, bit for bit, and goes on identically; anything broken is refused with a
SaveError that says why, never another exception.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine_helpers import (
    MINI, ROOT, SHIPPED, SeededRandom, check_invariants, end_round, fixture_world, load_world, random_actions,
    shipped_path,
)
from game.engine import EndTurn, IllegalAction, Move, World, apply, legal_actions, new_game
from game.engine import persist
from game.engine.actions import action_from_json, action_to_json
from game.engine.persist import (
    Recorder, SaveError, load_game, read_json, replay, save_game, state_from_json, state_hash, state_to_json,
    write_json_atomic,
)
from game.scenario import load_scenario

WORLDS = ["mini", "events"] + list(SHIPPED)


def world(name: str) -> World:
    if name == "mini":
        return load_world(MINI)
    if name in SHIPPED:
        path = shipped_path(name)
        if not path.exists():
            pytest.skip(f"{path.name} is not in the repository")
        return load_world(path)
    return fixture_world(name)


def midgame(name: str, seed: int = 3, actions: int = 60):
    """A game some way in: units moved and killed, money spent, perhaps deliveries in flight."""
    s = new_game(world(name), seed)
    random_actions(s, actions, seed=100 + seed)
    assert not s.over, "pick a shorter opening: the game is already over"
    return s


def game_fields(state) -> dict:
    """Everything about the game except how its randomness was seeded."""
    data = state_to_json(state)
    fields = dict(data["state"])
    fields.pop("seed")
    return fields


# -- save and load ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WORLDS)
def test_save_load_round_trip_continues_identically(name, tmp_path):
    s = midgame(name)
    path = tmp_path / "game.json"
    save_game(path, s)
    loaded = load_game(path, s.world)
    assert state_hash(loaded) == state_hash(s)
    assert state_to_json(loaded) == state_to_json(s)
    a, b = SeededRandom(77), SeededRandom(77)
    for i in range(20):
        if s.over:
            break
        x, y = a.act(s), b.act(loaded)
        assert x == y, f"after {i} orders the two games offer different choices"
        ex, ey = apply(s, x), apply(loaded, y)
        assert [e.to_json() for e in ex] == [e.to_json() for e in ey]
        assert state_hash(loaded) == state_hash(s)
    assert s.turn > 1 or s.action_count > 0


def test_round_trip_keeps_pending_choices_deliveries_and_flags(tmp_path):
    s = new_game(fixture_world("events"), 0)
    w = s.world
    end_round(s)
    # Turn 2, Blue to answer the offer; put a delivery in flight and a flag up.
    assert s.pending and s.active == 0
    s.deliveries.append([4, w.kidx[("patron", "drones")]])
    s.flags.add("accepted")
    s.redlines_fired.add((0, 0))
    s.requested.add(1)
    save_game(tmp_path / "s.json", s)
    t = load_game(tmp_path / "s.json", w)
    assert t.pending == s.pending and isinstance(t.pending[0], tuple)
    assert t.deliveries == s.deliveries
    assert t.flags == s.flags and t.redlines_fired == s.redlines_fired and t.requested == s.requested
    assert list(legal_actions(t)) == list(legal_actions(s))
    assert state_hash(t) == state_hash(s)


def test_loaded_game_grows_its_unit_arrays(tmp_path):
    # Saves keep only the units in play; a loaded game must still take new ones.
    s = midgame("mini", actions=10)
    save_game(tmp_path / "s.json", s)
    t = load_game(tmp_path / "s.json", s.world)
    for state in (s, t):
        for _ in range(20):
            state.add_unit(0, 0, 0)
    assert state_hash(s) == state_hash(t)


def test_finished_game_round_trips(tmp_path):
    s = new_game(world("mini"), 1)
    s.turn = s.world.last_turn
    end_round(s)
    assert s.over
    save_game(tmp_path / "end.json", s)
    t = load_game(tmp_path / "end.json", s.world)
    assert (t.winner, t.reason) == (s.winner, s.reason) and t.over
    assert state_hash(t) == state_hash(s)


# -- determinism -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WORLDS)
def test_same_seed_and_actions_give_the_same_hash(name):
    w = world(name)
    a, b = new_game(w, 11), new_game(w, 11)
    assert state_hash(a) == state_hash(b)
    played = random_actions(a, 150, seed=5)
    for action in played:
        apply(b, action)
    assert state_hash(a) == state_hash(b)


@pytest.mark.parametrize("name", WORLDS)
def test_different_seed_gives_a_different_game(name):
    w = world(name)
    a, b = new_game(w, 1), new_game(w, 2)
    assert state_hash(a) != state_hash(b)
    # Not only the recorded seed: the same players' games play out differently.
    random_actions(a, 400, seed=9)
    random_actions(b, 400, seed=9)
    assert game_fields(a) != game_fields(b)


def test_seed_sequence_children_are_distinct_and_reproducible():
    w = world("mini")
    kids = np.random.SeedSequence(42).spawn(3)
    again = np.random.SeedSequence(42).spawn(3)
    hashes = [state_hash(new_game(w, k)) for k in kids]
    assert len(set(hashes)) == 3
    assert hashes == [state_hash(new_game(w, k)) for k in again]


GAME_HASH_SCRIPT = """
import sys
sys.path.insert(0, "tests")
from engine_helpers import load_world, random_actions, shipped_path
from game.engine import new_game
from game.engine.persist import state_hash
w = load_world(shipped_path(sys.argv[1]))
s = new_game(w, 21)
random_actions(s, 300, seed=4)
print(state_hash(s))
"""


@pytest.mark.slow
def test_same_game_in_another_process_is_bit_identical():
    name = "dignity_2014"
    w = world(name)
    s = new_game(w, 21)
    random_actions(s, 300, seed=4)
    want = state_hash(s)
    for hashseed in ("1", "12345"):  # string hashing differs between these processes
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        out = subprocess.run([sys.executable, "-c", GAME_HASH_SCRIPT, name], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == want


# -- clone ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WORLDS)
def test_clone_is_equal_then_independent(name):
    s = midgame(name)
    s.deliveries.append([s.turn + 3, 0])  # every world here has a backer with a package
    s.flags.add("probe")
    before = state_hash(s)
    c = s.clone()
    assert state_hash(c) == before
    # Mutate everything a clone holds.
    for value in vars(c).values():
        if isinstance(value, np.ndarray) and value.size and value.dtype != bool:
            value.flat[0] += 1
        elif isinstance(value, np.ndarray) and value.size:
            value.flat[0] = not value.flat[0]
    c.flags.add("only_in_clone")
    c.fired.add(999)
    c.pending.append((0, 0))
    c.requested.add(999)
    c.redlines_fired.add((9, 9))
    if c.deliveries:
        c.deliveries[0][0] += 5
    c.u_names.append("ghost")
    c.rng.random(1000)
    assert state_hash(s) == before
    # And playing on: the original does not move.
    c2 = s.clone()
    random_actions(c2, 50, seed=3)
    assert state_hash(s) == before
    assert state_hash(c2) != before


@pytest.mark.parametrize("name", ["dignity_2014", "tripoli_2019"])
def test_playing_a_clone_does_not_disturb_the_original(name):
    # Clones share traced-road caches with the original; play on a clone, then check the
    # original still plays exactly like a copy rebuilt from its saved form (fresh caches).
    s = midgame(name)
    rebuilt = state_from_json(state_to_json(s), s.world)
    c = s.clone()
    random_actions(c, 300, seed=12)
    a, b = SeededRandom(8), SeededRandom(8)
    for _ in range(300):
        if s.over:
            break
        x, y = a.act(s), b.act(rebuilt)
        assert x == y
        apply(s, x)
        apply(rebuilt, y)
    assert state_hash(s) == state_hash(rebuilt)


def test_clone_continues_like_the_original():
    s = midgame("dignity_2014")
    c = s.clone()
    a, b = SeededRandom(8), SeededRandom(8)
    for _ in range(100):
        if s.over:
            break
        apply(s, a.act(s))
        apply(c, b.act(c))
    assert state_hash(s) == state_hash(c)


# -- replays ------------------------------------------------------------------------------------------


def recorded_game(name: str, seed: int = 5, limit: int = 100_000):
    s = new_game(world(name), seed)
    rec = Recorder(s)
    agent = SeededRandom(seed + 1)
    for _ in range(limit):
        if s.over:
            break
        action = agent.act(s)
        apply(s, action)
        rec.record(action, s)
    return s, rec.to_json()


@pytest.mark.parametrize("name", ["mini", "dignity_2014"])
def test_replay_of_a_recorded_game_verifies(name, tmp_path):
    s, data = recorded_game(name)
    assert s.over
    assert len(data["hashes"]) == s.turn  # one per round, the last at the verdict
    write_json_atomic(tmp_path / "r.json", data)
    again = replay(read_json(tmp_path / "r.json", "replay"), s.world)
    assert state_hash(again) == state_hash(s)
    assert (again.winner, again.reason) == (s.winner, s.reason)


def test_replay_of_an_unfinished_game_verifies():
    s, data = recorded_game("tripoli_2019" if shipped_path("tripoli_2019").exists() else "dignity_2014", limit=300)
    assert not s.over
    again = replay(data, s.world)
    assert state_hash(again) == state_hash(s)


def tampered(data: dict, how: str) -> dict:
    d = copy.deepcopy(data)
    if how == "changed action":
        i = next(i for i, a in enumerate(d["actions"]) if a["type"] != "EndTurn")
        d["actions"][i] = action_to_json(EndTurn())
    elif how == "order to another place":
        i = next(i for i, a in enumerate(d["actions"]) if a["type"] == "Move")
        d["actions"][i]["to"] = "nowhere"
    elif how == "changed hash":
        d["hashes"][len(d["hashes"]) // 2] = "0" * 64
    elif how == "dropped last actions":
        d["actions"] = d["actions"][:-3]
    elif how == "extra hash":
        d["hashes"].append("f" * 64)
    elif how == "other seed":
        d["seed"]["entropy"] += 1
    elif how == "bad action":
        d["actions"][0] = {"type": "Teleport", "unit": 1}
    elif how == "no seed":
        del d["seed"]
    elif how == "not a replay":
        d["format"] = "sandtable-save"
    return d


TAMPERING = ["changed action", "order to another place", "changed hash", "dropped last actions", "extra hash",
             "other seed", "bad action", "no seed", "not a replay"]


@pytest.mark.parametrize("how", TAMPERING)
def test_tampered_replay_is_refused(how):
    s, data = recorded_game("mini")
    with pytest.raises(SaveError):
        replay(tampered(data, how), s.world)


def test_replay_divergence_names_the_round():
    s, data = recorded_game("mini")
    with pytest.raises(SaveError, match="diverges"):
        replay(tampered(data, "changed hash"), s.world)


def test_replay_for_a_changed_scenario_is_refused():
    s, data = recorded_game("mini")
    changed = load_scenario(MINI, overrides={"factions": {"blue": {"treasury": 101}}})
    with pytest.raises(SaveError, match="has changed"):
        replay(data, World(changed.spec, changed.sha256))


def test_actions_round_trip_through_json():
    s = midgame("dignity_2014")
    for action in list(legal_actions(s)) + [EndTurn()]:
        data = json.loads(json.dumps(action_to_json(action)))
        assert action_from_json(data) == action
    with pytest.raises(ValueError):
        action_from_json({"type": "Move", "unit": 1})
    with pytest.raises(ValueError):
        action_from_json(["Move"])


# -- refusing what cannot be trusted ----------------------------------------------------------------------


def test_save_for_a_changed_scenario_is_refused(tmp_path):
    s = midgame("mini", actions=10)
    save_game(tmp_path / "s.json", s)
    changed = load_scenario(MINI, overrides={"factions": {"blue": {"treasury": 101}}})
    assert changed.sha256 != s.world.hash
    with pytest.raises(SaveError, match="scenario 'mini' has changed since this save was made"):
        load_game(tmp_path / "s.json", World(changed.spec, changed.sha256))


def test_save_for_another_scenario_is_refused(tmp_path):
    s = midgame("mini", actions=10)
    save_game(tmp_path / "s.json", s)
    with pytest.raises(SaveError, match="this save is for scenario 'mini', not 'engine_arena'"):
        load_game(tmp_path / "s.json", fixture_world("arena"))


def test_missing_save_file(tmp_path):
    with pytest.raises(SaveError, match="no such save file"):
        load_game(tmp_path / "nope.json", world("mini"))


@pytest.fixture(scope="module")
def save_text() -> str:
    s = midgame("dignity_2014")
    return json.dumps(state_to_json(s))


@pytest.mark.parametrize("cut", [0, 1, 10, 100, 1000, 0.25, 0.5, 0.9, -2, -1])
def test_truncated_save_is_refused(cut, save_text, tmp_path):
    n = len(save_text)
    keep = int(cut * n) if isinstance(cut, float) else (cut if cut >= 0 else n + cut)
    path = tmp_path / "cut.json"
    path.write_text(save_text[:keep], encoding="utf-8")
    with pytest.raises(SaveError, match="corrupt or truncated"):
        load_game(path, world("dignity_2014"))


def _set(path, value):
    def edit(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


def _drop(path):
    def edit(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return edit


RAW_CORRUPTIONS = {
    "empty file": b"",
    "binary junk": bytes(range(256)) * 4,
    "not json": b"this is not a save",
    "a json list": b"[1, 2, 3]",
    "a json string": b'"sandtable-save"',
}

STRUCTURAL_CORRUPTIONS = {
    "wrong format tag": _set(("format",), "sandtable-replay"),
    "future format version": _set(("format_version",), 99),
    "no game state": _drop(("state",)),
    "state is a list": _set(("state",), []),
    "missing field": _drop(("state", "owner")),
    "array of the wrong length": _set(("state", "treasury"), [1.0]),
    "array of words": _set(("state", "u_str"), "strong"),
    "array of lists": _set(("state", "owner"), [[1, 2]] * 3),
    "huge number": _set(("state", "u_place"), [10 ** 40]),
    "unit lists disagree": _set(("state", "u_alive"), [True]),
    "n_units a word": _set(("state", "n_units"), "many"),
    "no rng": _drop(("rng",)),
    "rng not a mapping": _set(("rng",), 5),
    "rng of another generator": _set(("rng",), {"bit_generator": "MT19937", "state": {"key": [0], "pos": 0}}),
    "pending not a list": _set(("state", "pending"), 5),
    "flags not a list": _set(("state", "flags"), 5),
}

# Values of the right shape that no game can reach. Loading may refuse them (SaveError) or
# accept them, but then the game must still be playable and sound.
SEMANTIC_CORRUPTIONS = {
    "turn a word": _set(("state", "turn"), "seven"),
    "turn missing a value": _set(("state", "turn"), None),
    "active faction out of range": _set(("state", "active"), 7),
    "owner out of range": lambda d: d["state"].__setitem__("owner", [9] * len(d["state"]["owner"])),
    "unit on a place that does not exist": lambda d: d["state"]["u_place"].__setitem__(0, 999),
    "unit of a type that does not exist": lambda d: d["state"]["u_type"].__setitem__(0, 999),
    "pending choice of an unknown event": _set(("state", "pending"), [[0, 999]]),
    "delivery of an unknown package": _set(("state", "deliveries"), [[1, 999]]),
    "treasury NaN": lambda d: d["state"]["treasury"].__setitem__(0, float("nan")),
}


# Values a damaged or hand-edited save may hold that no play can reach: each is refused,
# with a message that names what is wrong.
IMPOSSIBLE = {
    "negative strength": (lambda d: d["state"]["u_str"].__setitem__(0, -50.0), "negative unit strength"),
    "cohesion above 100": (lambda d: d["state"]["cohesion"].__setitem__(0, 150.0), "cohesion outside [0, 100]"),
    "negative cohesion": (lambda d: d["state"]["cohesion"].__setitem__(0, -5.0), "cohesion outside [0, 100]"),
    "negative legitimacy": (lambda d: d["state"]["legitimacy"].__setitem__(1, -1.0), "legitimacy outside"),
    "negative manpower": (lambda d: d["state"]["manpower"].__setitem__(0, -100.0), "manpower negative"),
    "negative local defence": (lambda d: d["state"]["local_defence"].__setitem__(0, -10.0), "negative local defence"),
    "alive = 5": (lambda d: d["state"]["u_alive"].__setitem__(0, 5), "'u_alive' must hold only true or false"),
    "a unit named by a number": (lambda d: d["state"]["u_names"].__setitem__(0, 12345), "unit's name"),
    "a unit named by a page": (lambda d: d["state"]["u_names"].__setitem__(0, "x" * 5000), "unit's name"),
    "a unit named over two lines": (lambda d: d["state"]["u_names"].__setitem__(0, "First\nBrigade"), "unit's name"),
    "a junk flag": (_set(("state", "flags"), ["ok_flag", "Not A Flag!"]), "a flag is not an id"),
    "a ledger line of an unknown gauge": (_set(("state", "ledger"), [[1, "treasury", 0, 5.0, "loot"]]),
                                          "gauges' ledger"),
    "a ledger line of nobody": (_set(("state", "ledger"), [[1, "cohesion", 9, -1.0, "lost a town"]]),
                                "gauges' ledger"),
    "a ledger line with no cause": (_set(("state", "ledger"), [[1, "cohesion", 0, -1.0]]), "gauges' ledger"),
    "a ledger that is not a list": (_set(("state", "ledger"), [5]), "gauges' ledger"),
    "people on no side": (lambda d: d["state"]["allegiance"].__setitem__(0, 7), "stand with an unknown side"),
    "negative works": (lambda d: d["state"]["works"].__setitem__(0, -1.0), "works outside"),
    "works above the most": (lambda d: d["state"]["works"].__setitem__(0, 99.0), "works outside"),
    "works dug by nobody": (lambda d: d["state"]["works_due"].__setitem__(0, 3), "no one digging"),
}


@pytest.mark.parametrize("what", list(IMPOSSIBLE))
def test_impossible_saves_are_refused_by_name(what, save_text, tmp_path):
    data = json.loads(save_text)
    edit, message = IMPOSSIBLE[what]
    edit(data)
    with pytest.raises(SaveError, match=re.escape(message)):
        load_from(tmp_path, json.dumps(data).encode())


def test_a_huge_save_is_refused_unread(tmp_path, monkeypatch):
    import game.engine.persist as persist

    monkeypatch.setattr(persist, "MAX_SAVE_BYTES", 1000)  # rather than write 32 MB
    path = tmp_path / "big.json"
    path.write_text(" " * 2000 + "{}", encoding="utf-8")
    with pytest.raises(SaveError, match="far larger than any save"):
        load_game(path, world("dignity_2014"))


def load_from(tmp_path, raw: bytes):
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    return load_game(path, world("dignity_2014"))


@pytest.mark.parametrize("what", list(RAW_CORRUPTIONS))
def test_unreadable_save_is_refused(what, tmp_path):
    with pytest.raises(SaveError):
        load_from(tmp_path, RAW_CORRUPTIONS[what])


@pytest.mark.parametrize("what", list(STRUCTURAL_CORRUPTIONS))
def test_malformed_save_is_refused(what, save_text, tmp_path):
    data = json.loads(save_text)
    STRUCTURAL_CORRUPTIONS[what](data)
    with pytest.raises(SaveError):
        load_from(tmp_path, json.dumps(data).encode())


def playable_or_refused(tmp_path, raw: bytes) -> None:
    try:
        state = load_from(tmp_path, raw)
    except SaveError:
        return
    problems = check_invariants(state)
    assert problems == [], f"loaded a state that breaks the rules: {problems}"
    for _ in range(3 * state.world.F):  # three rounds, whatever is in flight lands
        if state.over:
            break
        legal_actions(state)
        state_hash(state)
        apply(state, EndTurn())


@pytest.mark.parametrize("what", list(SEMANTIC_CORRUPTIONS))
def test_impossible_values_in_a_save_are_refused(what, save_text, tmp_path):
    data = json.loads(save_text)
    SEMANTIC_CORRUPTIONS[what](data)
    playable_or_refused(tmp_path, json.dumps(data).encode())


def test_deeply_nested_save_is_refused(tmp_path):
    with pytest.raises(SaveError):
        load_from(tmp_path, b"[" * 200_000)


def test_the_unmodified_save_loads(save_text, tmp_path):
    # The corruption tests above edit this text; untouched, it must load and play.
    playable_or_refused(tmp_path, save_text.encode())
    assert state_hash(load_from(tmp_path, save_text.encode())) == state_hash(
        state_from_json(json.loads(save_text), world("dignity_2014")))


# -- atomic writes -------------------------------------------------------------------------------------------


def test_save_writes_atomically_and_leaves_no_temp_files(tmp_path):
    s = midgame("mini", actions=10)
    path = tmp_path / "saves" / "slot1.json"
    save_game(path, s)  # creates the folder
    assert sorted(p.name for p in path.parent.iterdir()) == ["slot1.json"]
    save_game(path, s)  # overwrites in place
    assert sorted(p.name for p in path.parent.iterdir()) == ["slot1.json"]
    assert state_hash(load_game(path, s.world)) == state_hash(s)


def test_failed_save_leaves_the_old_save_untouched(tmp_path, monkeypatch):
    s = midgame("mini", actions=10)
    path = tmp_path / "slot.json"
    save_game(path, s)
    old = path.read_bytes()
    random_actions(s, 20, seed=1)

    def broken_dump(*args, **kwargs):
        fh = args[1]
        fh.write('{"format": "sandtable-save", "half": ')  # part of a file, then the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(persist.json, "dump", broken_dump)
    with pytest.raises(OSError):
        save_game(path, s)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slot.json"]
    load_game(path, s.world)  # still a good save


def test_interrupted_save_leaves_no_file_behind(tmp_path, monkeypatch):
    s = midgame("mini", actions=10)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(persist.json, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_game(tmp_path / "new.json", s)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


KILLED_WRITER = """
import sys, time
from game.atomic import write_atomic

def write(fh):
    fh.write('{"format": "sandtable-save", "partial": ' + 'x' * 100000)
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)  # killed here, mid-write

write_atomic(sys.argv[1], write)
"""


def test_a_save_killed_mid_write_leaves_nothing_after_the_next_save(tmp_path):
    s = midgame("mini", actions=10)
    path = tmp_path / "quicksave.json"
    save_game(path, s)
    good = path.read_bytes()
    for _ in range(2):  # two writers killed, as after repeated crashes
        proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True,
                                cwd=Path(__file__).resolve().parent.parent)
        assert proc.stdout.readline().strip() == "writing"
        proc.kill()
        proc.wait()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 2  # what kill -9 leaves: no handler runs
    assert path.read_bytes() == good  # and the save itself is untouched
    save_game(path, s)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quicksave.json"]


def test_illegal_order_after_load_is_still_refused(tmp_path):
    s = midgame("mini", actions=5)
    save_game(tmp_path / "s.json", s)
    t = load_game(tmp_path / "s.json", s.world)
    enemy = next(u for u in range(t.n_units) if t.u_alive[u] and t.u_owner[u] != t.active)
    with pytest.raises(IllegalAction, match="not yours"):
        apply(t, Move(enemy, t.world.place_ids[0]))


def test_a_save_from_before_the_ledger_and_allegiance_loads_with_their_starting_values(save_text, tmp_path):
    """Saves written before the gauges' ledger, the towns' allegiance and the works
    existed lack them; they load with an empty ledger, every town's people on their first
    side and no works dug or under way."""
    data = json.loads(save_text)
    for name in ("ledger", "allegiance", "works", "works_due", "works_by"):
        del data["state"][name]
    state = load_from(tmp_path, json.dumps(data).encode())
    assert state.ledger == [] and (state.allegiance == state.world.first_owner).all()
    assert not state.works.any() and not state.works_due.any() and (state.works_by == -1).all()
    assert (state.ground == state.world.terrain_defence).all()


@given(st.lists(st.one_of(st.none(), st.text(max_size=130), st.integers(), st.just("")), max_size=8))
def test_the_bulk_name_check_agrees_with_its_plain_statement(names):
    """Every name None or a printable line of at most 120 characters, judged one by one."""
    from game.engine.invariants import MAX_NAME, _short_lines

    plain = all(x is None or (isinstance(x, str) and len(x) <= MAX_NAME and x.isprintable()) for x in names)
    assert _short_lines(names) == plain
