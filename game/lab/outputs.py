"""A run's files: summary.json, games.csv and turns.csv.

Everything here is computed from the stored results sorted by game, with fixed
number formats, so the files are byte-identical whatever executor, job count or
chunking played the games, and whether or not the run was interrupted and resumed.
Only `summary.json` holds timings (`games_per_second`, `seconds`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np

from .. import __version__
from ..atomic import write_atomic, write_text_atomic
from ..scenario.errors import display_path
from .checkpoints import summary_block
from .momentum import momentum
from .play import CAUSES, TURN_STATS
from .stats import mean_interval, rate, spread


def key_places(spec) -> list[str]:
    """Places worth victory points or named in a victory condition, in map order."""
    named = {p for f in spec.factions.values() for v in f.victory for p in v.places}
    return [pid for pid, p in spec.map.places.items() if p.victory_points > 0 or pid in named]


def _num(x: float, digits: int) -> str:
    s = f"{x:.{digits}f}"
    return "0" + s[2:] if s.startswith("-0") and float(s) == 0 else s  # no "-0.00"


def _csv(header: list[str], rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write_csv(path: Path, header: list[str], rows) -> None:
    """Write a CSV atomically, streaming the rows (an iterable) rather than holding them."""
    def write(fh) -> None:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)

    write_atomic(path, write)


def games_table(spec, entropy: int, results: list[dict], lows: dict[int, list], tests=(),
                verdicts: dict[int, list[bool]] | None = None) -> tuple[list[str], list[list]]:
    """One row per game; `lows` holds each finished game's low points (see `momentum`),
    `verdicts` whether it was inside each of the checkpoints `tests` (see `checkpoints`)."""
    factions = list(spec.factions)
    places = list(spec.map.places)
    keys = key_places(spec)
    kidx = [places.index(p) for p in keys]
    backers = list(spec.backers)
    header = (["index", "entropy", "spawn_key"] + [f"agent_{f}" for f in factions]
              + ["status", "winner", "reason", "turns"] + [f"owner_{p}" for p in keys]
              + ["harm"] + [f"harm_{f}" for f in factions] + [f"deliveries_{b}" for b in backers]
              + [f"score_{b}" for b in backers]
              + [f"{h}_{f}" for h in HABITS for f in factions]
              + [f"{c}_{f}" for f in factions for c in ("low_turn", "low_places")]
              + [f"inside_{t.id}" for t in tests] + (["looks_like_the_war"] if tests else []) + ["error"])
    rows = []
    for r in results:
        ok = r["status"] == "ok"
        row = [r["index"], entropy, ".".join(str(k) for k in r["spawn_key"])]
        row += [r["levels"].get(f, "") for f in factions]
        row += [r["status"], r["winner"] or "", r["reason"], r["turns"]]
        if ok:
            row += [r["owners"][i] or "neutral" for i in kidx]
            row += [_num(r["harm"], 2)] + [_num(h, 2) for h in r["harm_by"]] + list(r["deliveries"])
            # A game from before the scores were kept has none.
            row += [_num(x, 3) for x in r["backer_scores"]] if r.get("backer_scores") else [""] * len(backers)
        else:
            row += [""] * (len(keys) + 1 + len(factions) + 2 * len(backers))
        low = lows.get(r["index"])  # none for a failed game
        for h in HABITS:
            row += r.get(h) or [""] * len(factions)
        row += [x for p in low for x in (p.turn, p.places)] if low else [""] * (2 * len(factions))
        if tests:
            seen = (verdicts or {}).get(r["index"])
            row += [int(v) for v in seen] + [int(all(seen))] if seen else [""] * (len(tests) + 1)
        row.append(r.get("error", ""))
        rows.append(row)
    return header, rows


def turns_table(spec, results: list[dict], turn_rows) -> tuple[list[str], object]:
    """The header and a generator of rows; `turn_rows(index)` gives a game's per-turn rows."""
    factions = list(spec.factions)
    backers = list(spec.backers)
    header = ["game", "turn"]
    for f in factions:
        header += [f"{s}_{f}" for s in TURN_STATS]
    header += [f"deliveries_{b}" for b in backers]
    header += [f"stock_{m}_{f}" for f in factions for m in spec.munitions]
    F, S = len(factions), len(TURN_STATS)

    def rows():
        for r in results:
            if r["status"] != "ok":
                continue
            for t in turn_rows(r["index"]):
                row = [r["index"], t[0]]
                for f in range(F):
                    places, strength, funds, legit, coh, strikes, *lost = t[1 + S * f: 1 + S * (f + 1)]
                    row += [places, _num(strength, 1), _num(funds, 2), _num(legit, 2), _num(coh, 2), strikes]
                    row += [_num(x, 1) for x in lost]
                row += t[1 + S * F:]
                yield row

    return header, rows()


def losses(factions: list[str], ok: list[dict]) -> dict:
    """Fighters each side lost in a game, on average: in battle (attacking or defending,
    routs and men cut off included), to the enemy's drone and air strikes, its armed
    locals counted with it, and armed locals worn away under siege."""
    out = {}
    for i, f in enumerate(factions):
        out[f] = {cause: round(sum(r["losses"][cause][i] for r in ok) / len(ok), 1) if ok else None
                  for cause in CAUSES}
    return out


# How the AI moved, counted per faction in every game (see play.TurnTracker._watch_moves).
HABITS = ("returned_moves", "capital_emptied")


def habits(factions: list[str], ok: list[dict]) -> dict:
    """Per faction, the mean per game of each habit: units moved back into a place their
    side left earlier the same turn, and turns ended with a capital left bare beside an enemy."""
    out = {}
    for i, f in enumerate(factions):
        out[f] = {}
        for h in HABITS:
            seen = [r[h][i] for r in ok if r.get(h)]
            out[f][h] = round(sum(seen) / len(seen), 3) if seen else None
    return out


def outcome_counts(spec, results: list[dict]) -> dict:
    ok = [r for r in results if r["status"] == "ok"]
    n = len(ok)
    out = {}
    for k in spec.outcomes():
        out[k] = rate(sum(r["winner"] == k for r in ok), n)
    return out


def backer_figures(spec, levels: dict, ok: list[dict]) -> dict:
    """Per backer: who decided for it (its seat's level, or the scenario's own policy),
    the packages it sent a game and its score a game as a seated player's would be
    counted (see `engine.backer_score`), with the score's 95% interval: what its
    decisions were worth to it, which the war's winner alone does not show."""
    out = {}
    scored = [r for r in ok if r.get("backer_scores")]
    for i, b in enumerate(spec.backers):
        out[b] = {"decided_by": levels.get(b, "policy"),
                  "packages": round(float(np.mean([r["deliveries"][i] for r in ok])), 4) if ok else None,
                  "score": mean_interval([r["backer_scores"][i] for r in scored])}
    return out


def reasons(results: list[dict]) -> list[dict]:
    """How games ended, counted by winner and reason. A trailing figure in brackets
    ("most victory points at the end (112)") is left out so that such games count together."""
    counts: dict[tuple[str, str], int] = {}
    for r in results:
        if r["status"] == "ok":
            k = (r["winner"], re.sub(r"\s*\(\d+(\.\d+)?\)$", "", r["reason"]))
            counts[k] = counts.get(k, 0) + 1
    return [{"winner": w, "reason": why, "count": c}
            for (w, why), c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def summarise(run) -> dict:
    spec = run.prepared.spec
    results = run.results()
    ok = [r for r in results if r["status"] == "ok"]
    failed = [r for r in results if r["status"] != "ok"]
    v = run.prepared.variant
    return {
        "scenario": spec.meta.id,
        "scenario_file": v.path,
        "scenario_sha256": run.prepared.sha256,
        "version": __version__,
        "games": run.games,
        "completed": len(ok),
        "failed": len(failed),
        "seed": run.seed,
        "agents": run.levels,
        "sets": list(v.sets),
        "without": list(v.without),
        "counterfactual": run.prepared.notes,
        "outcomes": outcome_counts(spec, results),
        "reasons": reasons(results),
        "turns": spread([r["turns"] for r in ok]),
        "momentum": momentum(list(spec.factions), run.low_points().values()),
        "territory": run.territory(),
        "losses": losses(list(spec.factions), ok),
        "habits": habits(list(spec.factions), ok),
        "backers": backer_figures(spec, run.levels, ok),
        "front": run.front(),
        "checkpoints": (summary_block(run.targets, run.checkpoint_tests(), run.misses(),
                                      display_path(run.targets.path)) if run.targets else None),
        "failures": [{"index": r["index"], "entropy": run.seed, "spawn_key": r["spawn_key"], "error": r["error"]}
                     for r in failed],
        # Wall clock of the whole session (start-up included), over every game it played.
        "games_per_second": round(run.session_games / run.elapsed, 3) if run.elapsed > 0 and run.session_games else None,
        "seconds": round(run.elapsed, 3),
        "games_run_now": run.ran,
    }


def write_tables(run) -> None:
    spec = run.prepared.spec
    results = run.results()
    write_csv(run.out / "games.csv", *games_table(spec, run.seed, results, run.low_points(), run.checkpoint_tests(),
                                                  run.verdicts()))
    write_csv(run.out / "turns.csv", *turns_table(spec, results, run.turn_rows))


def write_summary(run, summary: dict) -> None:
    # Indented: a summary is read by people as well as scripts.
    write_text_atomic(Path(run.out) / "summary.json", json.dumps(summary, indent=2) + "\n")


def one_line(summary: dict, out: Path) -> str:
    """The machine-readable last line of a run: key=value pairs."""
    parts = [f"scenario={summary['scenario']}", f"games={summary['games']}", f"completed={summary['completed']}",
             f"failed={summary['failed']}"]
    for k, o in summary["outcomes"].items():
        if o["rate"] is not None:
            parts.append(f"{k}={o['rate']:.3f}[{o['ci95'][0]:.3f},{o['ci95'][1]:.3f}]")
    if summary["turns"]["mean"] is not None:
        parts.append(f"turns_mean={summary['turns']['mean']:.1f}")
    cps = summary.get("checkpoints")
    if cps and cps["every"]["rate"] is not None:
        o = cps["every"]
        parts.append(f"looks_like_the_war={o['rate']:.3f}[{o['ci95'][0]:.3f},{o['ci95'][1]:.3f}]")
    if summary.get("games_per_second"):
        parts.append(f"games_per_second={summary['games_per_second']:.1f}")
    parts.append(f"out={out}")
    return " ".join(parts)
