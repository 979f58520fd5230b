"""`compare`: finished simulate runs side by side from their summary.json files, with
changes against a baseline, a Markdown copy, and one clear line for input it cannot use."""

from __future__ import annotations

import json

import pytest
from lab_helpers import DUEL, MINI, random_levels, run_cli

from game.lab.compare import RunSummary, run_names, separated
from game.lab.simulate import RunOptions, simulate
from game.lab.variant import Variant

HEADER = ("| run | games | blue wins | red wins | draws | mean turns | changes of hands | blue low turn | red low turn |")


@pytest.fixture
def lab_cli(capsys):
    return lambda *argv: run_cli(capsys, *argv)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Duel runs with and without the patron (far apart), the base again on other seeds
    (close to it), and a run of another scenario."""
    root = tmp_path_factory.mktemp("compare")

    def run(name, path=DUEL, seed=2, games=40, seats=None, **variant):
        simulate(Variant(str(path), **variant), root / name, RunOptions(games=games, seed=seed, executor="serial",
                                                                        jobs=1), random_levels(path) | (seats or {}),
                 report=False)
        return root / name

    return {"base": run("base"), "gone": run("gone", without=("patron",)), "again": run("again", seed=3),
            "half": run("half", sets=("backers.patron.commitment=40",)), "mini": run("mini", MINI, games=2),
            "stays_out": run("stays_out", seats={"patron": "none"})}


def _summary(path) -> dict:
    return json.loads((path / "summary.json").read_text())


def _rate(o: dict) -> str:
    return f"{100 * o['rate']:.1f}% ({100 * o['ci95'][0]:.1f}–{100 * o['ci95'][1]:.1f})"


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def test_against_a_baseline(lab_cli, runs, tmp_path):
    md = tmp_path / "tables" / "compare.md"
    r = lab_cli("compare", runs["gone"], runs["again"], "--baseline", runs["base"], "--markdown", md)
    assert r.code == 0, r.err
    assert "Runs of lab_duel compared" in r.out and "without patron" in r.out
    assert r.out.strip().endswith(f"wrote {md}")
    lines = md.read_text().splitlines()
    assert lines[0] == HEADER[:-1] + "| Δ blue | blue separated | Δ red | red separated |"
    assert lines[1] == "|---|" + "---:|" * 12
    rows = {c[0]: c for c in map(_cells, lines[2:])}
    assert list(rows) == ["base (baseline)", "without patron", "again"]  # the baseline first, then as given
    base = _summary(runs["base"])
    assert rows["base (baseline)"][9:] == ["–"] * 4
    for name, key, apart in (("without patron", "gone", "yes"), ("again", "again", "no")):
        s = _summary(runs[key])
        row = rows[name]
        assert row[1] == str(s["completed"]) == "40"
        assert row[2:5] == [_rate(s["outcomes"][k]) for k in ("blue", "red", "draw")]
        assert row[5] == f"{s['turns']['mean']:.1f}"
        assert row[6] == f"{s['front']['changes_per_game']:.1f}"
        for i, f in enumerate(("blue", "red")):
            assert row[9 + 2 * i] == f"{100 * (s['outcomes'][f]['rate'] - base['outcomes'][f]['rate']):+.1f}"
            assert row[10 + 2 * i] == apart
    assert [p.name for p in md.parent.iterdir()] == ["compare.md"]  # written in one go, no temporary left


def test_a_seated_backers_score_is_compared_against_the_baseline(lab_cli, runs, tmp_path):
    """A run that seats the patron (here: it stays out) gets a column for the patron's
    score in every run, its change against the baseline, where the scenario's policy
    decided, and whether the two intervals are apart."""
    md = tmp_path / "c.md"
    r = lab_cli("compare", runs["stays_out"], "--baseline", runs["base"], "--markdown", md)
    assert r.code == 0, r.err
    assert "backer score" in r.out
    lines = md.read_text().splitlines()
    header = _cells(lines[0])
    assert header[9] == "patron score" and header[-2:] == ["Δ patron score", "patron score separated"]
    rows = {c[0]: c for c in map(_cells, lines[2:])}
    mine, theirs = (_summary(runs[k])["backers"]["patron"] for k in ("stays_out", "base"))
    assert (mine["decided_by"], theirs["decided_by"]) == ("none", "policy")
    assert mine["packages"] == 0 < theirs["packages"]
    for name, s in (("base (baseline)", theirs["score"]), ("stays_out", mine["score"])):
        assert rows[name][9] == f"{s['mean']:.1f} ({s['ci95'][0]:.1f} to {s['ci95'][1]:.1f})"
    delta = mine["score"]["mean"] - theirs["score"]["mean"]
    apart = mine["score"]["ci95"][1] < theirs["score"]["ci95"][0] or theirs["score"]["ci95"][1] < mine["score"]["ci95"][0]
    assert rows["stays_out"][-2:] == [f"{delta:+.1f}", "yes" if apart else "no"]
    assert rows["base (baseline)"][-2:] == ["–", "–"]
    # Runs that seat no backer get no score column.
    r = lab_cli("compare", runs["again"], "--baseline", runs["base"], "--markdown", md)
    assert "score" not in md.read_text()


def test_without_a_baseline_shows_momentum_and_no_changes(lab_cli, runs, tmp_path):
    md = tmp_path / "c.md"
    r = lab_cli("compare", runs["base"], runs["half"], "--markdown", md)
    assert r.code == 0, r.err
    lines = md.read_text().splitlines()
    assert lines[0] == HEADER
    for line, key in zip(lines[2:], ("base", "half")):
        row = _cells(line)
        momentum = _summary(runs[key])["momentum"]["factions"]
        assert row[7:] == ["–" if momentum[f]["median"] is None else f"{momentum[f]['median']:g}"
                           for f in ("blue", "red")]
    assert [_cells(line)[0] for line in lines[2:]] == ["base", "backers.patron.commitment=40"]
    assert any(_cells(line)[7] != "–" for line in lines[2:]), "no momentum shown: the test checks nothing"


def test_a_baseline_also_listed_is_shown_once(lab_cli, runs, tmp_path):
    md = tmp_path / "c.md"
    assert lab_cli("compare", runs["gone"], runs["base"], "--baseline", runs["base"], "--markdown", md).code == 0
    names = [_cells(line)[0] for line in md.read_text().splitlines()[2:]]
    assert names == ["without patron", "base (baseline)"]


def _older_run(runs, tmp_path, missing: str):
    """The base run's summary as a version from before `missing` was kept would write it."""
    old = tmp_path / "old"
    old.mkdir()
    s = _summary(runs["base"])
    del s[missing]
    (old / "summary.json").write_text(json.dumps(s))
    return old


def test_a_summary_from_before_momentum_is_still_read(lab_cli, runs, tmp_path):
    old = _older_run(runs, tmp_path, "momentum")
    md = tmp_path / "c.md"
    assert lab_cli("compare", old, "--markdown", md).code == 0
    assert _cells(md.read_text().splitlines()[2])[7:] == ["–", "–"]


def test_changes_of_hands_show_for_runs_that_counted_them_and_not_otherwise(lab_cli, runs, tmp_path):
    old = _older_run(runs, tmp_path, "front")
    md = tmp_path / "c.md"
    assert lab_cli("compare", runs["again"], old, "--markdown", md).code == 0
    again, before = (_cells(line) for line in md.read_text().splitlines()[2:])
    assert again[6] == f"{_summary(runs['again'])['front']['changes_per_game']:.1f}" and before[6] == "–"
    # With no run that counted them, the column is left out.
    r = lab_cli("compare", old, "--markdown", md)
    assert r.code == 0 and "changes of hands" not in md.read_text().splitlines()[0]
    assert "changes of hands" not in r.out


def test_intervals_are_separated_only_when_they_do_not_overlap():
    def o(lo, hi):
        return {"rate": (lo + hi) / 2, "ci95": [lo, hi]}

    assert separated(o(0.1, 0.3), o(0.4, 0.6)) and separated(o(0.4, 0.6), o(0.1, 0.3))
    assert not separated(o(0.1, 0.45), o(0.4, 0.6))
    assert not separated(o(0.1, 0.4), o(0.4, 0.6))  # touching ends overlap


def test_names_fall_back_to_the_path_when_they_would_repeat(tmp_path):
    plain = {"sets": [], "without": []}
    a, b = tmp_path / "x" / "run", tmp_path / "y" / "run"
    changed = RunSummary(tmp_path / "z", {"sets": ["rules.embargo=0.3"], "without": ["patron", "rival"]})
    assert run_names([RunSummary(a, plain), RunSummary(b, plain), changed]) == [
        str(a), str(b), "without patron; without rival; rules.embargo=0.3"]


def _one_error(r) -> str:
    assert r.code == 2, r.text
    (line,) = r.err.strip().splitlines()
    assert line.startswith("sandtable: error: ")
    return line


def test_bad_runs_are_one_clear_line_each(lab_cli, runs, tmp_path):
    assert f"{tmp_path / 'nowhere'}: no such directory" in _one_error(lab_cli("compare", tmp_path / "nowhere"))
    (tmp_path / "file.txt").write_text("x")
    assert f"{tmp_path / 'file.txt'}: not a directory" in _one_error(lab_cli("compare", tmp_path / "file.txt"))
    (tmp_path / "empty").mkdir()
    assert f"{tmp_path / 'empty'}: no summary.json" in _one_error(lab_cli("compare", runs["base"], tmp_path / "empty"))

    def bad(name: str, text: str) -> str:
        d = tmp_path / name
        d.mkdir()
        (d / "summary.json").write_text(text)
        line = _one_error(lab_cli("compare", runs["base"], d, "--baseline", runs["gone"]))
        assert f"{d / 'summary.json'}: " in line
        return line

    assert "corrupt or truncated" in bad("torn", (runs["base"] / "summary.json").read_text()[:200])
    assert "not a JSON object" in bad("list", "[1, 2]")
    s = _summary(runs["base"])
    del s["outcomes"]["blue"]["ci95"]
    assert "its 'outcomes' is missing or malformed" in bad("broken", json.dumps(s))
    assert "a tournament's summary" in bad("tour", json.dumps({"tournament": {}, **_summary(runs["base"])}))
    # Several bad runs: every one is named, one line each.
    r = lab_cli("compare", tmp_path / "nowhere", tmp_path / "empty")
    assert r.code == 2 and len(r.err.strip().splitlines()) == 2


def test_runs_of_different_scenarios_are_refused(lab_cli, runs, tmp_path):
    line = _one_error(lab_cli("compare", runs["base"], runs["mini"]))
    assert f"{runs['mini']}: a run of scenario 'mini', but {runs['base']} is a run of 'lab_duel'" in line
    # Runs of the mini war relabelled as the duel: the id agrees, the sides do not.
    relabelled = tmp_path / "relabelled"
    relabelled.mkdir()
    s = _summary(runs["mini"]) | {"scenario": "lab_duel"}
    s["outcomes"] = {"green": s["outcomes"]["blue"], **s["outcomes"]}
    (relabelled / "summary.json").write_text(json.dumps(s))
    line = _one_error(lab_cli("compare", runs["base"], relabelled))
    assert f"{relabelled}: its sides are green, blue, red, but {runs['base']} has blue, red" in line


def test_an_unwritable_markdown_file_is_a_clear_error(lab_cli, runs, tmp_path):
    (tmp_path / "block").write_text("a file where a directory should be")
    line = _one_error(lab_cli("compare", runs["base"], "--markdown", tmp_path / "block" / "c.md"))
    assert f"{tmp_path / 'block' / 'c.md'}: cannot write the table" in line


def test_sweep_points_compare_like_runs(lab_cli, tmp_path):
    from game.lab.sweep import sweep

    sweep(str(DUEL), [], [], ["backers.patron.commitment=0,100"], tmp_path / "sw",
          RunOptions(games=12, seed=1, executor="serial", jobs=1), random_levels(DUEL))
    points = tmp_path / "sw" / "points"
    md = tmp_path / "c.md"
    assert lab_cli("compare", points / "p001", "--baseline", points / "p000", "--markdown", md).code == 0
    rows = [_cells(line) for line in md.read_text().splitlines()[2:]]
    assert [r[0] for r in rows] == ["backers.patron.commitment=0 (baseline)", "backers.patron.commitment=100"]
    assert float(rows[1][9]) > 0  # the patron at full commitment helps blue


def _held(path, place: str, faction: str) -> tuple[int, int]:
    """games.csv counted by hand: completed games ending with `faction` holding `place`, and all completed games."""
    import csv

    with open(path / "games.csv", newline="") as fh:
        ok = [r for r in csv.DictReader(fh) if r["status"] == "ok"]
    return sum(r[f"owner_{place}"] == faction for r in ok), len(ok)


def test_places_held_with_changes_against_a_baseline(lab_cli, runs, tmp_path):
    from game.lab.stats import wilson

    md = tmp_path / "c.md"
    # The duel's key places are capital, hub and redbase (village has no victory points).
    r = lab_cli("compare", runs["gone"], "--baseline", runs["base"], "--place", "capital", "--place", "hub",
                "--place", "capital", "--markdown", md)
    assert r.code == 0, r.err
    lines = md.read_text().splitlines()
    held = ["capital: blue", "capital: red", "hub: blue", "hub: red"]  # capital given twice, shown once
    assert _cells(lines[0]) == (_cells(HEADER) + held + ["Δ blue", "blue separated", "Δ red", "red separated"]
                                + [x for h in held for x in (f"Δ {h}", f"{h} separated")])
    assert lines[1] == "|---|" + "---:|" * (len(_cells(lines[0])) - 1)
    base, gone = _cells(lines[2]), _cells(lines[3])
    assert base[0] == "base (baseline)" and base[17:] == ["–"] * 8
    for j, h in enumerate(held):
        place, faction = h.split(": ")
        (n_base, games), (n_gone, _) = _held(runs["base"], place, faction), _held(runs["gone"], place, faction)
        assert games == 40
        for row, n in ((base, n_base), (gone, n_gone)):
            lo, hi = wilson(n, games)
            assert row[9 + j] == f"{100 * n / games:.1f}% ({100 * lo:.1f}–{100 * hi:.1f})"
        assert gone[17 + 2 * j] == f"{100 * (n_gone - n_base) / games:+.1f}"
        assert gone[18 + 2 * j] == ("no" if wilson(n_gone, games)[0] <= wilson(n_base, games)[1]
                                    and wilson(n_base, games)[0] <= wilson(n_gone, games)[1] else "yes")
    # Without the patron Red takes the capital far more often: the figures are not all alike.
    assert gone[17 + 2] != "+0.0" and gone[18 + 2] == "yes"
    assert "capital: blue" in r.out and "share of completed games that side ended holding" in r.out


def test_places_without_a_baseline_add_no_changes(lab_cli, runs, tmp_path):
    md = tmp_path / "c.md"
    assert lab_cli("compare", runs["base"], "--place", "redbase", "--markdown", md).code == 0
    header = _cells(md.read_text().splitlines()[0])
    assert header == _cells(HEADER) + ["redbase: blue", "redbase: red"]


def test_an_unknown_place_is_one_clear_line(lab_cli, runs, tmp_path):
    games = runs["base"] / "games.csv"
    line = _one_error(lab_cli("compare", runs["base"], "--place", "capitol"))
    assert f"{games}: no column owner_capitol, so --place capitol cannot be shown" in line
    assert "key places there are capital, hub, redbase (did you mean 'capital'?)" in line
    # A place of the map that is not a key place has no column either.
    assert f"{games}: no column owner_village" in _one_error(lab_cli("compare", runs["base"], "--place", "village"))

    def copy(name: str, csv_text: str | None) -> object:
        d = tmp_path / name
        d.mkdir()
        (d / "summary.json").write_text((runs["base"] / "summary.json").read_text())
        if csv_text is not None:
            (d / "games.csv").write_text(csv_text)
        return d

    missing = copy("missing", None)
    line = _one_error(lab_cli("compare", runs["base"], missing, "--place", "capital"))
    assert f"{missing / 'games.csv'}: no such file" in line
    text = games.read_text()
    torn = copy("torn", text[: len(text) // 2])
    assert f"{torn / 'games.csv'}: corrupt or truncated" in _one_error(
        lab_cli("compare", torn, "--place", "capital"))
    binary = copy("binary", None)
    (binary / "games.csv").write_bytes(b"\xff\xfe\x00garbage")
    assert f"{binary / 'games.csv'}: cannot be read" in _one_error(lab_cli("compare", binary, "--place", "capital"))
    other = copy("other", "a,b\n1,2\n")
    assert f"{other / 'games.csv'}: not a simulate run's games table" in _one_error(
        lab_cli("compare", other, "--place", "capital"))
