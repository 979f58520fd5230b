"""The forecast from a position (game.lab.forecast): continuations seeded one by one, the
same on any executor, counted with the lab's Wilson intervals; a what-if plays the same
dice after one order."""

from __future__ import annotations

import threading

import pytest

from client_helpers import loaded
from game.client.session import GameSession, autoplay
from game.engine import actions as A
from game.engine import legal_actions
from game.lab.compare import separated
from game.lab.forecast import Forecast, continuation, run_forecast
from game.lab.play import TURN_STATS, turn_column
from game.lab.stats import wilson


@pytest.fixture(scope="module")
def midgame():
    ses = GameSession.new(loaded(), 0, "random", 5, None, autosave=False)
    autoplay(ses, 30)
    assert not ses.state.over
    return ses


def test_a_forecast_is_the_same_on_any_executor_and_leaves_the_position_alone(midgame):
    w, s = midgame.world, midgame.state
    before = midgame.hash()
    serial = run_forecast(w, s, 10, seed=3, executor="serial")
    local = run_forecast(w, s, 10, seed=3, executor="local", jobs=2)
    assert midgame.hash() == before
    assert serial.done == local.done == 10 and not serial.failed()
    assert [(r["winner"], r["turns"], r["turn_rows"]) for r in serial.results] == \
           [(r["winner"], r["turns"], r["turn_rows"]) for r in local.results]
    # Each continuation starts from the position: its first row is the position's ground.
    held = [int((s.owner == f).sum()) for f in range(w.F)]
    first = [[r["turn_rows"][0][turn_column(f, "places")] for f in range(w.F)] for r in serial.results]
    assert first == [held] * 10 and all(r["turn_rows"][0][0] == s.turn - 1 for r in serial.results)
    # Fresh dice: continuations differ from one another.
    assert len({(r["winner"], r["turns"], str(r["turn_rows"][-1])) for r in serial.results}) > 1


def _rows(*turns):
    """Turn rows as the lab writes them, with only the places filled in: (turn, places of a, of b)."""
    out = []
    for turn, a, b in turns:
        row = [turn] + [0] * (turn_column(1, "places") + len(TURN_STATS))
        row[turn_column(0, "places")], row[turn_column(1, "places")] = a, b
        out.append(row)
    return out


def test_outcomes_are_counted_with_the_labs_wilson_intervals():
    f = Forecast(["gna", "lna"], 5, 10, results=[
        {"index": i, "status": "ok", "winner": win, "turns": 20, "turn_rows": _rows((9, 3, 4))}
        for i, win in enumerate(["gna", "gna", "lna", "draw"])] + [{"index": 4, "status": "failed", "error": "x"}])
    out = f.outcomes()
    assert [out[k]["count"] for k in ("gna", "lna", "draw")] == [2, 1, 1]
    assert out["gna"]["ci95"] == [round(x, 6) for x in wilson(2, 4)]  # the failed one is left out
    assert separated({"ci95": [0.1, 0.3]}, {"ci95": [0.31, 0.5]})
    assert not separated({"ci95": [0.1, 0.3]}, {"ci95": [0.3, 0.5]})


def test_the_fan_holds_each_continuations_last_figure_to_the_end():
    f = Forecast(["a", "b"], 2, 5, results=[
        {"index": 0, "status": "ok", "winner": "a", "turns": 7, "turn_rows": _rows((5, 4, 6), (6, 5, 5), (7, 6, 4))},
        {"index": 1, "status": "ok", "winner": "b", "turns": 6, "turn_rows": _rows((5, 4, 6), (6, 2, 8))}])
    turns, q = f.fan(0, quantiles=(0.0, 1.0))
    assert turns == [5, 6, 7]
    assert q.tolist() == [[4, 2, 2], [4, 5, 6]]  # game 1 ended on turn 6 with 2 places, kept at turn 7


def test_a_what_if_plays_the_same_dice_after_one_order(midgame):
    w = midgame.world
    ses = GameSession.new(loaded(), 0, "random", 5, None, autosave=False)
    autoplay(ses, 30)
    s = ses.state
    while s.active != 0 or s.backer_step >= 0:  # the GNA's own orders
        ses.ai_apply(*ses.ai_choose())
    change = next(a for a in legal_actions(s) if isinstance(a, (A.RequestSupport, A.Recruit)))
    base = [continuation(w, _position(s), 9, i) for i in range(3)]
    again = [continuation(w, _position(s), 9, i) for i in range(3)]
    assert base == again  # seeded by (seed, index) alone
    what_if = [continuation(w, _position(s), 9, i, change) for i in range(3)]
    assert all(r["status"] == "ok" for r in what_if)
    assert what_if == [continuation(w, _position(s), 9, i, change) for i in range(3)]
    bad = continuation(w, _position(s), 9, 0, A.Attack("nowhere", "tripoli", (0,)))
    assert bad["status"] == "failed" and "traceback" in bad  # reported, not raised


def test_a_cancelled_forecast_stops_early():
    ses = GameSession.new(loaded(), 0, "random", 6, None, autosave=False)
    cancel = threading.Event()
    cancel.set()  # cancelled before it starts: it stops after its first chunk
    f = run_forecast(ses.world, ses.state, 64, seed=1, executor="serial", cancel=cancel)
    assert f.cancelled and 0 < f.done < 64


def _position(state) -> str:
    import json

    from game.engine.persist import state_to_json

    return json.dumps(state_to_json(state))


@pytest.mark.slow
def test_a_forecast_counts_what_simulate_gives_from_the_same_position_and_seed(tmp_path, midgame):
    """The war room and the lab are one runner: a forecast's continuations are the games
    of `simulate --from SAVE` with the same seed, game for game."""
    import csv
    import json

    from game.lab.simulate import RunOptions, simulate
    from game.lab.variant import Variant
    from lab_helpers import TRIPOLI

    save = midgame.save(tmp_path / "mid.json")
    f = run_forecast(midgame.world, midgame.state, 12, seed=21, executor="serial")
    out = tmp_path / "from"
    _run, summary = simulate(Variant(str(TRIPOLI)), out, RunOptions(games=12, seed=21, executor="serial", jobs=1),
                             report=False, start=save)
    assert {k: r["count"] for k, r in f.outcomes().items()} == \
           {k: summary["outcomes"][k]["count"] for k in f.outcomes()}
    games = list(csv.DictReader((out / "games.csv").open()))
    assert [g["winner"] for g in games] == [r["winner"] for r in f.results]
    assert [int(g["turns"]) for g in games] == [r["turns"] for r in f.results]
    assert json.loads((out / "summary.json").read_text())["completed"] == 12


def test_a_seated_backer_can_be_kept_out_of_the_continuations():
    """The war room's "sends nothing more" for a backer's seat: the seat played at the
    lab's `none` level from the position on, against its own policy."""
    from game.client.war_room import StaysOut, what_if_options

    w0 = loaded()
    ses = GameSession.new(w0, None, "random", 8, None, autosave=False, backer=list(w0.spec.backers).index("turkey"))
    autoplay(ses, 12)
    w, s = ses.world, ses.state
    b = w.bidx["turkey"]
    before = int(s.sent[w.packages_of_backer[b]].sum())
    assert ("Turkey sends nothing more from now on", StaysOut("turkey")) in what_if_options(ses)
    out = run_forecast(w, s, 6, seed=2, executor="serial", seats={"turkey": "none"})
    on = run_forecast(w, s, 6, seed=2, executor="serial")
    assert [r["deliveries"][b] for r in out.results] == [before] * 6
    assert max(r["deliveries"][b] for r in on.results) > before


def test_the_war_rooms_forecast_and_what_if_share_one_pool_and_give_the_runners_figures():
    """The war room plays its forecast and then its what-if on the pool it keeps open (a
    thread pool here, since any executor gives the same games): each is what the lab's
    runner gives alone, and the pool is still open for the next forecast."""
    import concurrent.futures as cf

    from game.client.war_room import ForecastJob

    ses = GameSession.new(loaded(), 0, "random", 5, None, autosave=False)
    autoplay(ses, 45)
    assert not ses.state.over
    s = ses.state
    while s.active != 0 or s.backer_step >= 0:  # the GNA's own orders
        ses.ai_apply(*ses.ai_choose())
    change = next(a for a in legal_actions(s) if isinstance(a, A.RequestSupport))
    with cf.ThreadPoolExecutor(2) as pool:
        job = ForecastJob(ses, 4, 4, pool, change).start()
        job.thread.join(timeout=120)
        assert job.finished and job.error is None and not job.cancelled
        figures = lambda f: [(r["index"], r["winner"], r["turns"], r["turn_rows"]) for r in f.results]  # noqa: E731
        assert figures(job.base) == figures(run_forecast(ses.world, job.state, 4, seed=4, executor="serial"))
        assert figures(job.what_if) == figures(run_forecast(ses.world, job.state, 4, seed=4, change=change,
                                                            executor="serial"))
        assert figures(job.what_if) != figures(job.base)
        assert pool.submit(int, "7").result() == 7
