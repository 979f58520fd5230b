"""`tournament`: agents play each other round-robin, sides swapped on the same seeds.

For every pair of agents A and B and every seed i (`SeedSequence(seed).spawn(games)[i]`)
two games are played: A as the first faction and B as the second, then B first and A
second, on the same seed. Whatever advantage a side or a seed gives is then given to
both agents alike. A win scores 1, a draw ½. Results per pair come with 95% Wilson
intervals (on the score, draws counting half), and every agent gets a Bradley–Terry
rating (Elo scale, mean 0) fitted to all games.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

from ..atomic import write_text_atomic
from . import charts, lock
from .errors import LabError
from .outputs import _csv, summarise, write_summary, write_tables
from .play import GameJob
from .runs import Run, execute
from .simulate import RunOptions
from .stats import bradley_terry, wilson
from .variant import Variant, prepare


@dataclass
class Standings:
    agents: list[str]
    factions: list[str]
    pairs: list[dict]
    ratings: list[float]
    per_agent: list[dict]


def check_agents(names: list[str]) -> list[str]:
    from ..ai.agents import AGENTS, LEVEL_HELP, is_level
    from ..scenario.errors import did_you_mean

    problems = []
    if len(names) < 2:
        problems.append("--agents needs at least two agent levels, e.g. --agents random,normal")
    seen = set()
    for n in names:
        if not is_level(n):
            problems.append(f"--agents: unknown agent level '{n}'{did_you_mean(n, AGENTS)}; "
                            f"known levels: {', '.join(AGENTS)} ({LEVEL_HELP})")
        if n in seen:
            problems.append(f"--agents: '{n}' is listed twice")
        seen.add(n)
    if problems:
        raise LabError(problems)
    return names


def tournament_jobs(agents: list[str], factions: list[str], games: int) -> list[GameJob]:
    jobs = []
    for p, (a, b) in enumerate(combinations(agents, 2)):
        for side, (first, second) in enumerate(((a, b), (b, a))):
            for i in range(games):
                jobs.append(GameJob((2 * p + side) * games + i, (i,), ((factions[0], first), (factions[1], second))))
    return jobs


def standings(agents: list[str], factions: list[str], results: list[dict]) -> Standings:
    m = len(agents)
    idx = {a: i for i, a in enumerate(agents)}
    scores = np.zeros((m, m))
    pairs = {}
    per = [{"agent": a, "games": 0, "score": 0.0, "wins": 0, "draws": 0, "losses": 0,
            **{f"won_as_{f}": 0 for f in factions}, **{f"games_as_{f}": 0 for f in factions}} for a in agents]
    for r in results:
        if r["status"] != "ok":
            continue
        first, second = r["levels"][factions[0]], r["levels"][factions[1]]
        a, b = sorted((first, second), key=idx.__getitem__)
        rec = pairs.setdefault((a, b), {"a": a, "b": b, "games": 0, "a_wins": 0, "b_wins": 0, "draws": 0,
                                        "a_wins_as_first": 0, "b_wins_as_first": 0})
        rec["games"] += 1
        by = {factions[0]: first, factions[1]: second}
        for f, ag in by.items():
            per[idx[ag]]["games"] += 1
            per[idx[ag]][f"games_as_{f}"] += 1
        if r["winner"] == "draw" or r["winner"] not in by:
            rec["draws"] += 1
            scores[idx[a], idx[b]] += 0.5
            scores[idx[b], idx[a]] += 0.5
            for ag in (first, second):
                per[idx[ag]]["draws"] += 1
                per[idx[ag]]["score"] += 0.5
            continue
        winner = by[r["winner"]]
        loser = second if winner == first else first
        scores[idx[winner], idx[loser]] += 1
        rec["a_wins" if winner == a else "b_wins"] += 1
        if r["winner"] == factions[0]:
            rec["a_wins_as_first" if winner == a else "b_wins_as_first"] += 1
        per[idx[winner]]["wins"] += 1
        per[idx[winner]]["score"] += 1
        per[idx[winner]][f"won_as_{r['winner']}"] += 1
        per[idx[loser]]["losses"] += 1
    out_pairs = []
    for (a, b) in combinations(agents, 2):
        rec = pairs.get((a, b), {"a": a, "b": b, "games": 0, "a_wins": 0, "b_wins": 0, "draws": 0,
                                 "a_wins_as_first": 0, "b_wins_as_first": 0})
        n = rec["games"]
        score = rec["a_wins"] + 0.5 * rec["draws"]
        lo, hi = wilson(score, n)
        rec["a_score"] = round(score / n, 6) if n else None
        rec["a_score_ci95"] = [round(lo, 6), round(hi, 6)]
        out_pairs.append(rec)
    ratings = bradley_terry(scores) if results else np.zeros(m)
    for p, r in zip(per, ratings):
        p["rating"] = round(float(r), 1)
        lo, hi = wilson(p["score"], p["games"])
        p["score_rate"] = round(p["score"] / p["games"], 6) if p["games"] else None
        p["score_ci95"] = [round(lo, 6), round(hi, 6)]
    return Standings(agents, factions, out_pairs, [round(float(r), 1) for r in ratings], per)


def tournament(variant: Variant, agents: list[str], out: str | Path, options: RunOptions,
               progress=None, on_chunk=None, command: str = "") -> tuple[Run, Standings]:
    options.check()
    agents = check_agents(agents)
    prepared = prepare(variant)
    factions = list(prepared.spec.factions)
    if len(factions) != 2:
        raise LabError(f"a tournament needs a two-sided scenario; {prepared.spec.meta.id} has {len(factions)} "
                       f"factions ({', '.join(factions)})")
    run = Run("tournament", prepared, Path(out), options.seed, tournament_jobs(agents, factions, options.games),
              {}, extra={"tournament": agents, "games_per_side": options.games})
    with lock.using(run.out):
        run.open(options.resume, options.overwrite)
        execute([run], options.executor, options.jobs, options.scheduler, progress, on_chunk, options.chunk)
        summary = summarise(run)
        summary["agents"] = {"tournament": agents}
        st = standings(agents, factions, run.results())
        summary["tournament"] = {"pairs": st.pairs, "agents": st.per_agent}
        write_tables(run)
        write_summary(run, summary)
        _write(run, st, summary, command)
    return run, st


def _write(run: Run, st: Standings, summary: dict, command: str) -> None:
    out = run.out
    f0, f1 = st.factions
    header = ["a", "b", "games", "a_wins", "b_wins", "draws", "a_score", "a_score_lo", "a_score_hi",
              f"a_wins_as_{f0}", f"b_wins_as_{f0}"]
    rows = [[p["a"], p["b"], p["games"], p["a_wins"], p["b_wins"], p["draws"],
             "" if p["a_score"] is None else f"{p['a_score']:.4f}", f"{p['a_score_ci95'][0]:.4f}",
             f"{p['a_score_ci95'][1]:.4f}", p["a_wins_as_first"], p["b_wins_as_first"]] for p in st.pairs]
    write_text_atomic(out / "tournament.csv", _csv(header, rows))
    header = ["agent", "rating", "games", "wins", "draws", "losses", "score_rate", "score_lo", "score_hi",
              f"won_as_{f0}", f"games_as_{f0}", f"won_as_{f1}", f"games_as_{f1}"]
    rows = [[p["agent"], f"{p['rating']:.1f}", p["games"], p["wins"], p["draws"], p["losses"],
             "" if p["score_rate"] is None else f"{p['score_rate']:.4f}", f"{p['score_ci95'][0]:.4f}",
             f"{p['score_ci95'][1]:.4f}", p[f"won_as_{f0}"], p[f"games_as_{f0}"], p[f"won_as_{f1}"],
             p[f"games_as_{f1}"]] for p in sorted(st.per_agent, key=lambda p: -p["rating"])]
    write_text_atomic(out / "ratings.csv", _csv(header, rows))
    write_text_atomic(out / "tournament.json", json.dumps(
        {"scenario": summary["scenario"], "agents": st.agents, "factions": st.factions,
         "games_per_pairing_and_side": run.extra["games_per_side"], "seed": run.seed,
         "pairs": st.pairs, "ratings": {p["agent"]: p["rating"] for p in st.per_agent},
         "per_agent": st.per_agent}, indent=2) + "\n")
    order = sorted(st.per_agent, key=lambda p: -p["rating"])
    fig = charts.ratings_chart([p["agent"] for p in order], [p["rating"] for p in order],
                               f"Tournament on {summary['scenario']}: ratings")
    charts.save_png(fig, out / "charts" / "ratings.png")
    spec = run.prepared.spec
    s0, s1 = spec.factions[f0].short, spec.factions[f1].short
    L = [f"# Tournament: {spec.meta.title}", "",
         f"Agents {', '.join(st.agents)}; every pair plays {run.extra['games_per_side']} seeds twice, once each way "
         f"round ({s0} then {s1}); seed {run.seed}.", ""]
    if command:
        L += [f"Command: `{command}`", ""]
    L += ["| agent | rating | score (95% CI) | W / D / L | wins as " + s0 + " | wins as " + s1 + " |",
          "|---|---:|---|---|---:|---:|"]
    for p in order:
        sc = "–" if p["score_rate"] is None else \
            f"{100 * p['score_rate']:.0f}% ({100 * p['score_ci95'][0]:.0f}–{100 * p['score_ci95'][1]:.0f}%)"
        L.append(f"| {p['agent']} | {p['rating']:+.0f} | {sc} | {p['wins']} / {p['draws']} / {p['losses']} | "
                 f"{p[f'won_as_{f0}']} of {p[f'games_as_{f0}']} | {p[f'won_as_{f1}']} of {p[f'games_as_{f1}']} |")
    L += ["", "![Ratings](charts/ratings.png)", "", "| A | B | games | A wins | B wins | draws | A's score (95% CI) |",
          "|---|---|---:|---:|---:|---:|---|"]
    for p in st.pairs:
        sc = "–" if p["a_score"] is None else \
            f"{100 * p['a_score']:.0f}% ({100 * p['a_score_ci95'][0]:.0f}–{100 * p['a_score_ci95'][1]:.0f}%)"
        L.append(f"| {p['a']} | {p['b']} | {p['games']} | {p['a_wins']} | {p['b_wins']} | {p['draws']} | {sc} |")
    L += ["", "Scores count a draw as half a win; the interval is Wilson's on that score. Ratings are "
          "Bradley–Terry strengths on the Elo scale (a 100-point gap means the stronger agent is expected to "
          "score about 64%), fitted with one virtual draw per pair so that a clean sweep stays finite.", ""]
    write_text_atomic(out / "report.md", "\n".join(L))


def print_table(st: Standings, spec, console) -> None:
    from rich.table import Table

    f0, f1 = st.factions
    s0, s1 = spec.factions[f0].short, spec.factions[f1].short
    t = Table(title=f"Tournament on {spec.meta.id}")
    for col, just in (("agent", "left"), ("rating", "right"), ("score (95% CI)", "right"), ("W/D/L", "right"),
                      (f"wins as {s0}", "right"), (f"wins as {s1}", "right")):
        t.add_column(col, justify=just)
    for p in sorted(st.per_agent, key=lambda p: -p["rating"]):
        sc = "–" if p["score_rate"] is None else \
            f"{100 * p['score_rate']:.0f}% ({100 * p['score_ci95'][0]:.0f}–{100 * p['score_ci95'][1]:.0f}%)"
        t.add_row(p["agent"], f"{p['rating']:+.0f}", sc, f"{p['wins']}/{p['draws']}/{p['losses']}",
                  f"{p[f'won_as_{f0}']}/{p[f'games_as_{f0}']}", f"{p[f'won_as_{f1}']}/{p[f'games_as_{f1}']}")
    console.print(t)
    t = Table(title="Pairings (same seeds, sides swapped)")
    for col in ("A", "B", "games", "A wins", "B wins", "draws", "A's score (95% CI)"):
        t.add_column(col, justify="left" if col in ("A", "B") else "right")
    for p in st.pairs:
        sc = "–" if p["a_score"] is None else \
            f"{100 * p['a_score']:.0f}% ({100 * p['a_score_ci95'][0]:.0f}–{100 * p['a_score_ci95'][1]:.0f}%)"
        t.add_row(p["a"], p["b"], str(p["games"]), str(p["a_wins"]), str(p["b_wins"]), str(p["draws"]), sc)
    console.print(t)
