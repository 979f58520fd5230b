"""A run's report: DIR/report.md with PNG charts in DIR/charts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from ..atomic import write_text_atomic
from . import charts
from .checkpoints import bands_by_faction
from .momentum import recovery_turns
from .outcomes import outcome_colour, outcome_label, outcome_short
from .outputs import TURN_STATS, key_places
from .play import CAUSES


class Timelines:
    """Per-turn figures of every finished game as games × turns arrays, read in one pass:
    places held and ground strength per faction, packages sent per backer per turn, and
    the share of games still running. A finished game keeps its last value (deliveries
    stop), so late turns show how games ended."""

    def __init__(self, spec, results: list[dict], turn_rows):
        ok = [r for r in results if r["status"] == "ok"]
        F, B = len(spec.factions), len(spec.backers)
        length = max((r["turns"] for r in ok), default=0) + 1
        G = len(ok)
        self.places = np.zeros((F, G, length), dtype=np.float32)
        self.strength = np.zeros((F, G, length), dtype=np.float32)
        self.sent = np.zeros((B, G, length), dtype=np.float32)
        ends = np.zeros(G, dtype=np.int64)
        c_places, c_strength = TURN_STATS.index("places"), TURN_STATS.index("strength")
        S = len(TURN_STATS)
        for g, r in enumerate(ok):
            rows = turn_rows(r["index"])
            if not rows:
                continue
            a = np.asarray(rows, dtype=np.float64)
            turns = a[:, 0].astype(np.int64)
            end = int(turns[-1])
            ends[g] = end
            for f in range(F):
                for arr, col in ((self.places, c_places), (self.strength, c_strength)):
                    arr[f, g, turns] = a[:, 1 + S * f + col]
                    arr[f, g, end:] = a[-1, 1 + S * f + col]
            for b in range(B):
                self.sent[b, g, turns] = a[:, 1 + S * F + b]
        self.running = np.array([(ends >= t).mean() for t in range(length)]) if G else np.zeros(0)
        self.factions = list(spec.factions)
        self.backers = list(spec.backers)

    def by_faction(self, stat: str) -> dict[str, np.ndarray]:
        arr = {"places": self.places, "strength": self.strength}[stat]
        return {f: arr[i] for i, f in enumerate(self.factions)}

    def cumulative_sent(self) -> dict[str, np.ndarray]:
        return {b: np.cumsum(self.sent[i], axis=1) for i, b in enumerate(self.backers)}


def _fmt_rate(o: dict) -> tuple[str, str]:
    if o["rate"] is None:
        return "–", "–"
    return f"{100 * o['rate']:.1f}%", f"{100 * o['ci95'][0]:.1f}% – {100 * o['ci95'][1]:.1f}%"


def forget_report(out: Path) -> None:
    """Remove the report and charts an earlier run left in `out`: a run that writes none
    (`--no-report`) must not leave a report of fewer games beside its numbers."""
    (out / "report.md").unlink(missing_ok=True)
    for png in (out / "charts").glob("*.png"):
        png.unlink()


def write_report(run, summary: dict, command: str = "") -> None:
    spec = run.prepared.spec
    meta = spec.meta
    results = run.results()
    out = run.out
    fids = list(spec.factions)
    keys = spec.outcomes()
    # Every side has a colour and a name on the charts of the war, a third party with no
    # way to win too; the outcome charts take only those that can end a game.
    colours = {k: outcome_colour(spec, k) for k in [*fids, *keys]}
    names = {k: outcome_short(spec, k) for k in [*fids, *keys]}
    n_ok = summary["completed"]
    sub = _subtitle(summary)

    # Outcomes
    oc = summary["outcomes"]
    fig = charts.outcomes_chart(
        [outcome_label(spec, k) for k in keys],
        [oc[k]["rate"] or 0.0 for k in keys], [tuple(oc[k]["ci95"]) for k in keys],
        [oc[k]["count"] for k in keys], [colours[k] for k in keys], n_ok,
        f"{meta.title}: who wins ({n_ok} games{sub})")
    charts.save_png(fig, out / "charts" / "outcomes.png")

    # Game length
    by = {k: [r["turns"] for r in results if r["status"] == "ok" and r["winner"] == k] for k in keys}
    fig = charts.turns_chart(by, colours, names, meta.last_turn, meta.start_date, meta.days_per_turn,
                             f"How long games last ({n_ok} games)")
    charts.save_png(fig, out / "charts" / "turns.png")

    # Territory and strength
    note = "a finished game keeps its final value, so late turns show how games ended"
    tl = Timelines(spec, results, run.turn_rows)
    fig = charts.band_chart(tl.by_faction("places"), colours, names, "places held",
                            f"Territory over time ({len(spec.map.places)} places)",
                            meta.start_date, meta.days_per_turn, tl.running, note)
    charts.save_png(fig, out / "charts" / "territory.png")
    if summary.get("checkpoints"):
        cps = summary["checkpoints"]
        fig = charts.checkpoint_chart(
            tl.by_faction("places"), colours, names, bands_by_faction(spec, run.checkpoint_tests()),
            [(c["turn"], c["id"], c["inside"]["rate"] or 0.0) for c in cps["checkpoints"]],
            f"The war's shape against the record: {100 * (cps['every']['rate'] or 0):.0f}% of games inside "
            "every checkpoint", meta.start_date, meta.days_per_turn, tl.running)
        charts.save_png(fig, out / "charts" / "checkpoints.png")
    fig = charts.band_chart(tl.by_faction("strength"), colours, names, "ground strength (fighters)",
                            "Ground strength over time", meta.start_date, meta.days_per_turn, tl.running, note)
    charts.save_png(fig, out / "charts" / "strength.png")
    fig = charts.low_turns_chart(recovery_turns(fids, run.low_points().values()), colours, names, meta.last_turn,
                                 meta.start_date, meta.days_per_turn, "When the tide turns: each side's low point "
                                 "in the games it recovered from")
    charts.save_png(fig, out / "charts" / "momentum.png")
    has_backers = bool(spec.backers)
    if has_backers:
        bcol = {b: spec.backers[b].colour for b in spec.backers}
        bname = {b: spec.backers[b].name for b in spec.backers}
        fig = charts.deliveries_chart(tl.cumulative_sent(), bcol, bname, "Foreign support: packages sent by each backer",
                                      meta.start_date, meta.days_per_turn)
        charts.save_png(fig, out / "charts" / "deliveries.png")

    write_text_atomic(out / "report.md", _markdown(run, summary, results, command, has_backers))


def _momentum(spec, block: dict) -> list[str]:
    L = ["### When the tide turns", "",
         f"A side's low point is the last turn at which it held its fewest places. A game is a recovery for that "
         f"side when it ended holding at least {block['recovery_places']} places more than at its low point; the "
         "table and chart give the turn of the low point over those games.", "",
         "| side | games with a recovery | low point: median turn | 10th–90th percentile |", "|---|---:|---:|---|"]
    for f, m in block["factions"].items():
        median, spread = ("–", "–") if m["median"] is None else (f"{m['median']:g}", f"{m['p10']:g}–{m['p90']:g}")
        L.append(f"| {spec.factions[f].short} | {m['count']} | {median} | {spread} |")
    return L + ["", "![Turn of the low point in games with a recovery](charts/momentum.png)", ""]


def _checkpoints(spec, block: dict) -> list[str]:
    L = ["## The war's shape against the record", "",
         f"Each checkpoint of `{block['file']}` states what held on a date of the real war; a game is inside it "
         "when all of that is true at the end of the turn holding the date (or when the game ended sooner, of the "
         "position it ended in). A game that looks like the war is inside every checkpoint. The last column "
         "names the conditions games most often fail, with the share of games that fail each.", "",
         "| checkpoint | date (turn) | what the record says | sources | games inside | 95% interval "
         "| what keeps games out |",
         "|---|---|---|---|---:|---|---|"]
    for c in block["checkpoints"]:
        r, ci = _fmt_rate(c["inside"])
        name = c["name"].replace("|", "\\|")
        out = "; ".join(f"{label} ({share:.0%})" for label, share in list(c.get("missed", {}).items())[:3]) or "–"
        L.append(f"| `{c['id']}` | {c['date']} ({c['turn']}) | {name} | {', '.join(c['source'])} | {r} | {ci} "
                 f"| {out} |")
    r, ci = _fmt_rate(block["every"])
    L.append(f"| **every checkpoint** | | the games that look like the war | | **{r}** | {ci} | |")
    return L + ["", "![Places held by turn, with the record's bands](charts/checkpoints.png)", ""]


def _losses(spec, block: dict) -> list[str]:
    # A scenario without the siege rule loses nobody to it: leave its column out.
    causes = [c for c in CAUSES if c != "siege" or any(m.get(c) for m in block.values())]
    heads = {"battle": "in battle", "strikes": "to strikes", "siege": "under siege"}
    L = ["### Where the losses come from", "",
         "Fighters each side lost in a game, on average: in battle (attacking or defending, routs and men cut off "
         "included), to the enemy's drone and air strikes (its armed locals counted with it)"
         + (", and armed locals worn away while besieged" if "siege" in causes else "")
         + ". Per turn in `turns.csv`.", "",
         "| side | " + " | ".join(heads[c] for c in causes) + " |", "|---|" + "---:|" * len(causes)]
    for f, m in block.items():
        cells = ["–" if m.get(k) is None else f"{m[k]:,.0f}" for k in causes]
        L.append(f"| {spec.factions[f].short} | " + " | ".join(cells) + " |")
    return L + [""]


def _habits(spec, block: dict) -> list[str]:
    if not block:
        return []
    L = ["### How the sides moved", "",
         "Per game, on average: *returned moves* are units moved into a place their side moved a unit out of "
         "earlier in the same turn (shuttling); *capital left bare* counts turns a side ended with a capital it "
         "held empty of its units while enemy ground forces stood next to it.", "",
         "| side | returned moves | capital left bare (turns) |", "|---|---:|---:|"]
    for f, m in block.items():
        cells = ["–" if m.get(h) is None else f"{m[h]:.2f}" for h in ("returned_moves", "capital_emptied")]
        L.append(f"| {spec.factions[f].short} | " + " | ".join(cells) + " |")
    return L + [""]


FRONT_ROWS = 15  # the places that change hands most; the rest are in summary.json


def _front(spec, block: dict | None) -> list[str]:
    if not block or not block["games"]:
        return []
    meta = spec.meta
    L = ["### Where the front moves", "",
         f"Places changed hands {block['changes_per_game']:.1f} times a game on average, counted at the end of "
         "each turn (a place taken and taken back within one turn counts for nothing). A war of fronts has few "
         "changes in few places; a war of raids has many, spread wide. The places that changed hands most:", ""]
    if not block["places"]:
        return L[:2] + ["No place changed hands in any game.", ""]
    L += ["| place | changes a game | games it changed hands in | first change: median turn (date) | "
          "first taken by |", "|---|---:|---:|---|---|"]

    def who(f):
        return spec.factions[f].short if f in spec.factions else "neutral"

    for row in block["places"][:FRONT_ROWS]:
        turn = row["first_turn"]
        day = meta.start_date + dt.timedelta(days=round(meta.days_per_turn * (turn - 1)))
        takers = ", ".join(f"{who(f)} {100 * share:.0f}%" for f, share in row["first_taken_by"].items())
        L.append(f"| {spec.map.places[row['place']].name} | {row['changes']:.2f} | {100 * row['changed']['rate']:.0f}% "
                 f"| {turn:g} ({day:%d %b %Y}) | {takers} |")
    rest = len(block["places"]) - FRONT_ROWS
    if rest > 0:
        L += ["", f"{rest} more places changed hands in at least one game (`front` in summary.json)."]
    return L + [""]


def _subtitle(summary: dict) -> str:
    bits = []
    if summary["without"]:
        bits.append("without " + ", ".join(summary["without"]))
    if summary["sets"]:
        bits.append(", ".join(summary["sets"]))
    return "; " + "; ".join(bits) if bits else ""


def _decided_by(level: str) -> str:
    return "the scenario's policy" if level == "policy" else f"a seat at `{level}`"


def _score_cell(score: dict | None) -> str:
    if not score or score.get("mean") is None:
        return "–"
    ci = score.get("ci95")
    return f"{score['mean']:.1f}" + (f" ({ci[0]:.1f} to {ci[1]:.1f})" if ci else "")


def _markdown(run, summary: dict, results: list[dict], command: str, has_backers: bool) -> str:
    spec = run.prepared.spec
    meta = spec.meta
    fids = list(spec.factions)
    L: list[str] = []
    L.append(f"# Lab report: {meta.title}")
    L.append("")
    def seat(i):  # a seat is a faction or, since backers can be seated, a backer
        return spec.factions[i].short if i in spec.factions else spec.backers[i].name
    agents = ", ".join(f"{seat(i)} = {lv}" for i, lv in summary["agents"].items()) or "per game"
    L.append(f"- Scenario: `{summary['scenario_file']}` (`{meta.id}`, content hash `{summary['scenario_sha256'][:12]}`), "
             f"Sandtable {summary['version']}")
    L.append(f"- Games: {summary['games']} ({summary['completed']} completed, {summary['failed']} failed); "
             f"seed {summary['seed']} (game *i* is seeded by `SeedSequence({summary['seed']}).spawn({summary['games']})[i]`)")
    L.append(f"- Agents: {agents}")
    if summary["sets"]:
        L.append("- Changed values: " + ", ".join(f"`{s}`" for s in summary["sets"]))
    if summary["without"]:
        L.append("- Counterfactual: without " + ", ".join(f"`{b}`" for b in summary["without"]))
    if command:
        L.append(f"- Command: `{command}`")
    L.append("")
    if summary["counterfactual"]:
        L.append("## What the counterfactual changed")
        L.append("")
        L += [f"- {n}" for n in summary["counterfactual"]]
        L.append("")
    L.append("## Who wins")
    L.append("")
    L.append("| outcome | games | rate | 95% interval (Wilson) |")
    L.append("|---|---:|---:|---|")
    for k in spec.outcomes():
        o = summary["outcomes"][k]
        r, ci = _fmt_rate(o)
        L.append(f"| {outcome_label(spec, k, long=True)} | {o['count']} | {r} | {ci} |")
    L.append("")
    L.append("![Win rates with 95% intervals](charts/outcomes.png)")
    L.append("")
    if summary["reasons"]:
        L.append("### How games end")
        L.append("")
        L.append("| winner | reason | games |")
        L.append("|---|---|---:|")
        for r in summary["reasons"]:
            who = spec.factions[r["winner"]].short if r["winner"] in spec.factions else r["winner"]
            reason = r["reason"].replace("|", "\\|")
            L.append(f"| {who} | {reason} | {r['count']} |")
        L.append("")
    t = summary["turns"]
    L.append("## Game length")
    L.append("")
    if t["mean"] is not None:
        L.append(f"Mean {t['mean']:.1f} turns, median {t['median']:g}, 10th–90th percentile {t['p10']:g}–{t['p90']:g} "
                 f"(the scenario's last turn is {meta.last_turn}; a turn is {meta.days_per_turn} days).")
        L.append("")
    L.append("![Game length by winner](charts/turns.png)")
    L.append("")
    L.append("## The war over time")
    L.append("")
    L.append("Median over games, with the band from the 10th to the 90th percentile; the dotted line is the share of "
             "games still being played. A finished game keeps its final value.")
    L.append("")
    L.append("![Places held by turn](charts/territory.png)")
    L.append("")
    lows = [f"the {spec.factions[f].short}'s at turn {m['turn']} ({m['median_low']:g} places)"
            for f, m in (summary.get("territory") or {}).items() if m["turn"] is not None]
    if lows:
        L.append("The lowest point of each side's median territory: " + "; ".join(lows) + ".")
        L.append("")
    L.append("![Ground strength by turn](charts/strength.png)")
    L.append("")
    if summary.get("checkpoints"):
        L += _checkpoints(spec, summary["checkpoints"])
    L += _momentum(spec, summary["momentum"])
    L += _losses(spec, summary["losses"])
    L += _habits(spec, summary.get("habits") or {})
    L += _front(spec, summary.get("front"))
    keys = key_places(spec)
    ok = [r for r in results if r["status"] == "ok"]
    if keys and ok:
        pidx = {p: i for i, p in enumerate(spec.map.places)}
        L.append("### Who holds the key places at the end")
        L.append("")
        L.append("| place | VP | " + " | ".join(spec.factions[f].short for f in fids) + " | neutral |")
        L.append("|---|---:|" + "---:|" * (len(fids) + 1))
        for p in keys:
            owners = [r["owners"][pidx[p]] for r in ok]
            cells = [f"{100 * owners.count(f) / len(ok):.0f}%" for f in fids] + [f"{100 * owners.count('') / len(ok):.0f}%"]
            L.append(f"| {spec.map.places[p].name} | {spec.map.places[p].victory_points} | " + " | ".join(cells) + " |")
        L.append("")
    if has_backers and ok:
        L.append("## Foreign support")
        L.append("")
        L.append("![Packages sent by backer](charts/deliveries.png)")
        L.append("")
        L.append("| backer | supports | decided by | packages sent per game (mean) | games with any "
                 "| score a game (95% interval) |")
        L.append("|---|---|---|---:|---:|---:|")
        figures = summary.get("backers") or {}
        for bi, b in enumerate(spec.backers):
            sent = [r["deliveries"][bi] for r in ok]
            mine = figures.get(b, {})
            L.append(f"| {spec.backers[b].name} | {spec.factions[spec.backers[b].supports].short} | "
                     f"{_decided_by(mine.get('decided_by', 'policy'))} | {np.mean(sent):.2f} | "
                     f"{100 * np.mean([s > 0 for s in sent]):.0f}% | {_score_cell(mine.get('score'))} |")
        L.append("")
        L.append("A backer's score is counted as a person playing it would see it at the end (its client's "
                 "outcome and ground, less the money it spent and the exposure it drew; the weights are the "
                 "backer's `score` in the scenario). Run with `--ai BACKER=LEVEL` and `compare` the runs to see "
                 "what its decisions are worth.")
        L.append("")
        harm = [r["harm"] for r in ok]
        L.append(f"Civilian harm per game: mean {np.mean(harm):.0f}, median {np.median(harm):.0f}; caused by "
                 + ", ".join(f"{spec.factions[f].short} {np.mean([r['harm_by'][i] for r in ok]):.0f}"
                             for i, f in enumerate(fids)) + " on average.")
        L.append("")
    if summary["failures"]:
        L.append("## Failed games")
        L.append("")
        L.append("| game | spawn key | error |")
        L.append("|---:|---|---|")
        for f in summary["failures"]:
            error = f["error"].replace("|", "\\|")
            L.append(f"| {f['index']} | {'.'.join(map(str, f['spawn_key']))} | {error} |")
        L.append("")
    L.append("## Files")
    L.append("")
    L.append("`summary.json` (figures above), `games.csv` (one row per game), `turns.csv` (one row per game and turn), "
             "`results.jsonl` (the raw record, used by `--resume`).")
    L.append("")
    return "\n".join(L)
