"""History as a test: a small seeded version of the calibration in scenarios/CALIBRATION.md.

The full calibration plays hundreds of normal-against-normal games of the 2019 scenario;
these play a couple of dozen of the same seeds (game i of a run is seeded the same way
whatever the run's size, so these are the first games of the full runs) and check the
shape of the war with looser bounds. A change to the rules, the AI or the scenario that
breaks the story the scenario is meant to tell fails here.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from statistics import mean

import pytest
from lab_helpers import TRIPOLI

from game.lab.simulate import RunOptions, simulate
from game.lab.variant import Variant
from game.scenario.loader import load_scenario

GAMES = 24
RUSSIA_GAMES = 100
NORMAL = {"gna": "normal", "lna": "normal"}

# Whole games (or thousands of clicks) each: left out by `make test-fast`.
pytestmark = pytest.mark.slow


def _run(tmp_path_factory, name: str, without: tuple[str, ...] = ()) -> dict:
    out = tmp_path_factory.mktemp("calibration") / name
    simulate(Variant(str(TRIPOLI), without=without), out, RunOptions(games=GAMES, seed=0, executor="local", jobs=2),
             NORMAL, report=False)
    games = list(csv.DictReader((out / "games.csv").open()))
    turns = list(csv.DictReader((out / "turns.csv").open()))
    summary = json.loads((out / "summary.json").read_text())
    assert len(games) == GAMES and all(g["status"] == "ok" for g in games)
    return {"games": games, "turns": turns, "summary": summary, "out": out}


def _share(games: list[dict], test) -> float:
    return sum(1 for g in games if test(g)) / len(games)


def _turn_of(day: dt.date) -> int:
    meta = load_scenario(TRIPOLI).spec.meta
    return 1 + (day - meta.start_date).days // meta.days_per_turn


@pytest.fixture(scope="module")
def historical(tmp_path_factory):
    return _run(tmp_path_factory, "historical")


@pytest.fixture(scope="module")
def without_turkey(tmp_path_factory):
    return _run(tmp_path_factory, "without-turkey", ("turkey",))


def _lna_rate(run: dict) -> float:
    return run["summary"]["outcomes"]["lna"]["rate"]


def test_the_gna_still_holds_tripoli_at_the_end_in_most_games(historical):
    # The full run of 400 games gives 97.0%; these 24 give 23, and the bound is looser.
    assert _share(historical["games"], lambda g: g["owner_tripoli"] == "gna") >= 0.5


def test_the_lna_gains_little_in_2019(historical):
    """The LNA's assault stalled in Tripoli's southern suburbs within weeks, and it lost
    Gharyan in June: on 1 September 2019 it holds no more than it started with, and the
    GNA keeps at least the 14 places of the checkpoint. Before the long-road rules the
    LNA overran Tripolitania that summer, from 26 places to 43 (the full run now: 23.6
    for the LNA and 23.4 for the GNA on average; these 24: 24.1 and 22.9)."""
    sep = _turn_of(dt.date(2019, 9, 1))
    at = {(f, t): mean(int(r[f"places_{f}"]) for r in historical["turns"] if int(r["turn"]) == t)
          for f in ("gna", "lna") for t in (0, sep)}
    assert at["lna", sep] <= at["lna", 0], at
    assert at["gna", sep] >= 14, at


def test_the_gna_never_falls_below_ten_places(historical):
    """The GNA holds its ground through 2019: its median places held, turn by turn over
    the games, never drops below 10 (issue 20; the full run: 18). Before the long-road
    rules it fell to 3 in the summer of 2019."""
    assert historical["summary"]["territory"]["gna"]["median_low"] >= 10, historical["summary"]["territory"]


def test_gna_wins_take_back_the_lnas_western_bases(russia_pair):
    """The GNA's wins come with its counter-offensive: in most of them it ends holding
    al-Watiya and Tarhuna, as it did by June 2020. The claim is near its bound (the
    full run gives 185 of 339, 54.6%; seed 4242 47.1%, see CALIBRATION.md), so it is
    checked on the 100 games of the run with Russia rather than on 24: 52 of 86."""
    wins = [g for g in russia_pair["with"]["games"] if g["winner"] == "gna"]
    assert len(wins) >= RUSSIA_GAMES // 2
    assert _share(wins, lambda g: g["owner_al_watiya"] == "gna" and g["owner_tarhuna"] == "gna") >= 0.5


def test_the_front_rarely_passes_sirte_and_jufra(historical):
    # Egypt's red line holds: the full run gives 5.2% in Sirte and none in Jufra.
    assert _share(historical["games"], lambda g: g["owner_jufra"] == "gna") <= 0.1
    assert _share(historical["games"], lambda g: g["owner_sirte"] == "gna") <= 0.1


def test_without_turkey_tripoli_falls(historical, without_turkey):
    fell = _share(without_turkey["games"], lambda g: g["owner_tripoli"] == "lna")
    held_before = _share(historical["games"], lambda g: g["owner_tripoli"] == "gna")
    assert fell >= 0.4
    assert held_before - (1.0 - fell) >= 0.3  # Turkey's help is worth at least 30 points of holding Tripoli
    assert _lna_rate(without_turkey) > _lna_rate(historical) + 0.2


@pytest.fixture(scope="module")
def russia_pair(tmp_path_factory, historical):
    """Russia's part is smaller than the noise of 24 games: these runs play 100 each. The
    run with Russia goes on from the 24 historical games, which are its first 24 (a
    resumed run plays only the games it lacks)."""
    runs = {}
    for name, without in (("with", ()), ("without", ("russia",))):
        out = tmp_path_factory.mktemp("calibration") / f"russia-{name}"
        if not without:
            shutil.copytree(historical["out"], out)
        simulate(Variant(str(TRIPOLI), without=without), out,
                 RunOptions(games=RUSSIA_GAMES, seed=0, executor="local", jobs=2, resume=not without),
                 NORMAL, report=False)
        runs[name] = {"games": list(csv.DictReader((out / "games.csv").open())),
                      "summary": json.loads((out / "summary.json").read_text())}
    return runs


def test_without_russia_the_lna_wins_less(russia_pair):
    # Wagner reaches the Tripoli front from the autumn of 2019, Russian jets in 2020. These
    # are the first 100 games of the full runs: the LNA wins 14% with Russia and 9%
    # without, and the GNA ends holding al-Watiya and Tarhuna in 55 and 83: Wagner is
    # what held the western bases against the 2020 counter-offensive. Since sieges need
    # the besiegers within a day's drive the LNA wins less either way, and five points
    # over 100 games is within the noise, so here the LNA need only win less; the
    # measured gap is `check-targets`' (800 games a side: 15.5% against 3.6% on seed 4242).
    with_, without = russia_pair["with"], russia_pair["without"]
    assert _lna_rate(without) < _lna_rate(with_)
    bases = lambda run: _share(run["games"], lambda g: g["owner_al_watiya"] == g["owner_tarhuna"] == "gna")  # noqa: E731
    assert bases(without) > bases(with_) + 0.2


# -- the war's shape: the record's dated checkpoints (scenarios/tripoli_2019.targets.yaml) ----------------


def _inside(run: dict, checkpoint: str) -> int:
    return next(c["inside"]["count"] for c in run["summary"]["checkpoints"]["checkpoints"] if c["id"] == checkpoint)


def test_the_checkpoint_counts_are_the_games_own_verdicts(historical):
    """summary.json's shares are counted from the same verdicts games.csv lists game by game."""
    block = historical["summary"]["checkpoints"]
    assert block["games"] == GAMES and block["file"].endswith("tripoli_2019.targets.yaml")
    for c in block["checkpoints"]:
        assert c["inside"]["count"] == sum(int(g[f"inside_{c['id']}"]) for g in historical["games"])
    assert block["every"]["count"] == sum(int(g["looks_like_the_war"]) for g in historical["games"])


def test_some_games_look_like_the_war_at_every_checkpoint_and_none_without_turkey(historical, without_turkey):
    """Issue 20: games inside the record's band at every dated checkpoint. The full run
    gives 23.8% (19.8–28.2) and none of 200 without Turkey; these 24 give 7 and none.
    The file before the third search gave 0.2%, so a change that brings back the old
    shape fails here."""
    assert historical["summary"]["checkpoints"]["every"]["count"] >= 3
    assert without_turkey["summary"]["checkpoints"]["every"]["count"] == 0


def test_only_with_turkey_does_the_2020_war_follow_the_record(historical, without_turkey):
    """The GNA's 2020 comeback (al-Watiya by June, Tarhuna at the end) happens in some of
    the historical games and in almost none without Turkey. The 24 give 15 and 15 against
    1 and 1."""
    for checkpoint in ("watiya_2020", "end"):
        assert _inside(historical, checkpoint) >= 3
        assert _inside(without_turkey, checkpoint) < _inside(historical, checkpoint)


# -- the 2014 scenario: Operation Dignity (scenarios/dignity_2014.targets.yaml) ----------------------------


DIGNITY_GAMES = 100  # its games are short: 100 cost about what 24 of the 2019 war do


@pytest.fixture(scope="module")
def dignity_2014(tmp_path_factory):
    out = tmp_path_factory.mktemp("calibration") / "dignity-2014"
    path = TRIPOLI.parent / "dignity_2014.yaml"
    simulate(Variant(str(path)), out, RunOptions(games=DIGNITY_GAMES, seed=0, executor="local", jobs=2), None,
             report=False)
    return {"games": list(csv.DictReader((out / "games.csv").open())),
            "summary": json.loads((out / "summary.json").read_text())}


def test_2014_zintan_holds_and_the_war_goes_the_distance(dignity_2014):
    """Zintan never fell, and no side had won by December 2014. Before issue 20 Libya Dawn
    took Zintan and won in six turns in every game. Since Dawn masses for its assault
    and Haftar's western allies mind their home towns more (CALIBRATION.md, "Massing"),
    the full run (`make calibrate`, 200 games) gives Zintan to Dawn in 6.0% and a median
    game of 30 turns; these 100, the first of that run, give it in 5 and 30. With Dawn
    massing and the old caution they gave it in 11."""
    assert _share(dignity_2014["games"], lambda g: g["owner_zintan"] == "dawn") <= 0.1
    assert dignity_2014["summary"]["turns"]["median"] >= 25
    # Every side wins some games: the outcome is not settled in the first weeks.
    outcomes = dignity_2014["summary"]["outcomes"]
    assert all(outcomes[f]["count"] >= 1 for f in ("dignity", "shura", "dawn"))


def test_2014_games_follow_the_record_more_often_than_not_at_each_end(dignity_2014):
    """The airport still Zintani on 1 August and the war undecided in December hold in
    most games (the full run: 82.0% and 79.0%). The fall of the airport in the six weeks
    the record gives it is the hard one: 34.0% since Dawn masses for it and neither side
    storms a place that sides with nobody, 19.5% before; inside every checkpoint, 20.0%
    against 9.5%. These 100 games give 81, 77, 35 and 19; the file before gave 21 and 11
    for the last two, so it fails here."""
    assert _inside(dignity_2014, "airport_fight") >= DIGNITY_GAMES // 2
    assert _inside(dignity_2014, "end") >= DIGNITY_GAMES // 2
    assert _inside(dignity_2014, "airport_falls") >= 30
    assert dignity_2014["summary"]["checkpoints"]["every"]["count"] >= 16


# -- the 2020 Karabakh scenario (scenarios/karabakh_2020.targets.yaml) ------------------------------------

KARABAKH_GAMES = 100  # its games are short: the two runs take a few seconds


@pytest.fixture(scope="module")
def karabakh(tmp_path_factory):
    """The first 100 games of the scenario's calibration runs (CALIBRATION.md, "The
    Karabakh 2020 scenario"), with Turkey and without."""
    path = TRIPOLI.parent / "karabakh_2020.yaml"
    runs = {}
    for name, without in (("historical", ()), ("without_turkey", ("turkey",))):
        out = tmp_path_factory.mktemp("calibration") / f"karabakh-{name}"
        simulate(Variant(str(path), without=without), out,
                 RunOptions(games=KARABAKH_GAMES, seed=0, executor="local", jobs=2), None, report=False)
        runs[name] = {"games": list(csv.DictReader((out / "games.csv").open())),
                      "summary": json.loads((out / "summary.json").read_text())}
    return runs


def test_karabakh_ends_in_the_settlement_most_often_and_about_when_it_did(karabakh):
    """The war ends in the Moscow settlement more often than any other way, and the median
    game ends around turn 15, the turn of 10 November. The full run (400 games, seed 2020):
    64.5% settled, median turn 15; these 100: 67% and 15."""
    outcomes = karabakh["historical"]["summary"]["outcomes"]
    assert outcomes["settlement"]["rate"] >= 0.5
    assert outcomes["settlement"]["count"] > max(outcomes["aze"]["count"], outcomes["arm"]["count"])
    assert 12 <= karabakh["historical"]["summary"]["turns"]["median"] <= 17


def test_karabakh_without_turkey_armenia_keeps_shusha_and_rarely_signs(karabakh):
    """Turkey is the backer that decides it: without it the settlement comes half as often
    and Armenia mostly keeps Shusha. The full runs: 26.5% settled against 64.5%, Shusha
    Armenian in 81.2% against 42.2%; these 100: 25% against 67%, and 75 against 38."""
    hist, without = karabakh["historical"], karabakh["without_turkey"]
    assert without["summary"]["outcomes"]["settlement"]["rate"] <= hist["summary"]["outcomes"]["settlement"]["rate"] - 0.2
    held = lambda run: _share(run["games"], lambda g: g["owner_shusha"] == "arm")  # noqa: E731
    assert held(without) >= 0.6 and held(without) >= held(hist) + 0.2
