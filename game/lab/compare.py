"""`compare`: finished simulate runs side by side, read from their summary.json files.

One row per run: win rates with their Wilson intervals, draws, game length and each
side's momentum (the median turn of its low point in the games it recovered from),
and, for runs counted against a targets file, the share of games that look like the
war (inside every checkpoint).
Against a baseline run each side also gets the change in win rate, in percentage
points, and whether the two intervals are *separated* (do not overlap): a cautious
reading of "the change is larger than the noise of this many games".
With `--place`, each side also gets the share of games it ended holding that place,
counted from the run's games.csv (summary.json has no such figures).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_text_atomic
from .errors import LabError
from .outcomes import without_winner
from .stats import rate

SUMMARY = "summary.json"
GAMES = "games.csv"


@dataclass(frozen=True)
class RunSummary:
    path: Path  # the run's directory, as given
    summary: dict

    @property
    def factions(self) -> list[str]:
        return [k for k in self.summary["outcomes"] if not without_winner(k)]

    @property
    def changes(self) -> str:
        """The run's --without and --set, as recorded; empty for the scenario as written."""
        s = self.summary
        return "; ".join([f"without {b}" for b in s.get("without") or []] + list(s.get("sets") or []))


def read_run(path: str | Path) -> RunSummary:
    """A finished simulate run's summary; LabError naming the path if it is not one."""
    from ..engine.persist import SaveError, read_json

    path = Path(path)
    if not path.is_dir():
        raise LabError(f"{path}: {'not a directory' if path.exists() else 'no such directory'} "
                       "(give the output directory of a simulate run)")
    file = path / SUMMARY
    if not file.is_file():
        raise LabError(f"{path}: no {SUMMARY}, so not a finished simulate run "
                       "(an interrupted run is finished with --resume)")
    try:
        summary = read_json(file, "summary")
    except SaveError as exc:
        raise LabError(str(exc)) from None
    problem = _shape_problem(summary)
    if problem:
        raise LabError(f"{file}: {problem}")
    return RunSummary(path, summary)


def _is_rate(o) -> bool:
    return (isinstance(o, dict) and (o.get("rate") is None or isinstance(o["rate"], (int, float)))
            and isinstance(o.get("ci95"), list) and len(o["ci95"]) == 2
            and all(isinstance(x, (int, float)) for x in o["ci95"]))


def _shape_problem(s) -> str:
    """What makes a parsed summary.json unusable here, or "" if nothing does."""
    if not isinstance(s, dict):
        return "not a lab summary (not a JSON object)"
    if "tournament" in s:
        return "a tournament's summary; compare reads simulate runs"
    for key, ok in (("scenario", isinstance(s.get("scenario"), str)),
                    ("completed", isinstance(s.get("completed"), int)),
                    ("outcomes", isinstance(s.get("outcomes"), dict) and "draw" in s["outcomes"]
                     and all(_is_rate(o) for o in s["outcomes"].values())),
                    ("turns", isinstance(s.get("turns"), dict))):
        if not ok:
            return f"not a simulate summary (its '{key}' is missing or malformed)"
    return ""


def read_runs(paths: list[str | Path], baseline: str | Path | None = None) -> tuple[list[RunSummary], int | None]:
    """The runs to show, the baseline first when it is not among them, and the baseline's
    row (or None). Every unreadable run is reported, one line each; then runs of
    different scenarios."""
    listed = [Path(p) for p in paths]
    if baseline is not None:
        base = Path(baseline)
        same = [i for i, p in enumerate(listed) if p.resolve() == base.resolve()]
        if not same:
            listed.insert(0, base)
        base_row = same[0] if same else 0
    else:
        base_row = None
    runs, problems = [], []
    for p in listed:
        try:
            runs.append(read_run(p))
        except LabError as exc:
            problems += exc.problems
    if problems:
        raise LabError(problems)
    first = runs[0]
    for r in runs[1:]:
        if r.summary["scenario"] != first.summary["scenario"]:
            problems.append(f"{r.path}: a run of scenario '{r.summary['scenario']}', but {first.path} is a run of "
                            f"'{first.summary['scenario']}'; compare runs of one scenario")
        elif r.factions != first.factions:  # the same id with other sides: an edited file, not a variant
            problems.append(f"{r.path}: its sides are {', '.join(r.factions)}, but {first.path} has "
                            f"{', '.join(first.factions)}; compare runs of one scenario")
    if problems:
        raise LabError(problems)
    return runs, base_row


def place_shares(run: RunSummary, places: list[str]) -> dict[str, dict[str, dict]]:
    """For each place, each side's `rate` of holding it when the run's completed games
    ended; LabError naming games.csv (and the place) when it cannot say."""
    from ..scenario.errors import did_you_mean

    file = run.path / GAMES
    try:
        with open(file, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            columns = reader.fieldnames or []
            if "status" not in columns:
                raise LabError(f"{file}: not a simulate run's games table (no 'status' column)")
            # games.csv has an owner_ column only for key places (outputs.key_places).
            keys = [c.removeprefix("owner_") for c in columns if c.startswith("owner_")]
            unknown = [f"{file}: no column owner_{p}, so --place {p} cannot be shown; the key places there are "
                       f"{', '.join(keys) or 'none'}{did_you_mean(p, keys)}" for p in places if p not in keys]
            if unknown:
                raise LabError(unknown)
            held = [[row[f"owner_{p}"] for p in places] for row in reader if row["status"] == "ok"]
    except FileNotFoundError:
        raise LabError(f"{file}: no such file, so the places held (--place) cannot be read") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LabError(f"{file}: cannot be read ({exc})") from None
    # A short row (None) or a count that disagrees with summary.json: a torn or foreign file,
    # whose figures would be quietly wrong.
    if any(None in h for h in held) or len(held) != run.summary["completed"]:
        raise LabError(f"{file}: corrupt or truncated ({len(held)} completed games, but {SUMMARY} has "
                       f"{run.summary['completed']})")
    return {p: {f: rate(sum(h[i] == f for h in held), len(held)) for f in run.factions}
            for i, p in enumerate(places)}


def read_place_shares(runs: list[RunSummary], places: list[str]) -> list[dict]:
    """`place_shares` of every run; every problem is reported, one line each, as for the runs."""
    shares, problems = [], []
    for r in runs:
        try:
            shares.append(place_shares(r, places))
        except LabError as exc:
            problems += exc.problems
    if problems:
        raise LabError(problems)
    return shares


def run_names(runs: list[RunSummary]) -> list[str]:
    """A run is named by its changes to the scenario, or else by its directory; names
    that would be shown twice fall back to the path as given."""
    names = [r.changes or r.path.name for r in runs]
    return [str(r.path) if names.count(n) > 1 else n for r, n in zip(runs, names)]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _rate_cell(o: dict) -> str:
    if o["rate"] is None:
        return "–"
    return f"{_pct(o['rate'])}% ({_pct(o['ci95'][0])}–{_pct(o['ci95'][1])})"


def separated(a: dict, b: dict) -> bool:
    """True when two 95% intervals do not overlap."""
    return a["ci95"][1] < b["ci95"][0] or b["ci95"][1] < a["ci95"][0]


def _momentum_cell(summary: dict, faction: str) -> str:
    # Summaries written before the momentum figures existed simply have none to show.
    m = (summary.get("momentum") or {}).get("factions", {}).get(faction) or {}
    return "–" if m.get("median") is None else f"{m['median']:g}"


def _like_the_war(summary: dict) -> dict | None:
    """The share of games inside every checkpoint of the scenario's record, if the run
    was counted against one (see `checkpoints`)."""
    cps = summary.get("checkpoints")
    every = cps.get("every") if isinstance(cps, dict) else None
    return every if _is_rate(every) else None


def _changes_of_hands(summary: dict) -> float | None:
    """Places changed hands a game on average (see `front`); None for a run from before
    the count was kept."""
    front = summary.get("front")
    value = front.get("changes_per_game") if isinstance(front, dict) else None
    return value if isinstance(value, (int, float)) else None


def _seated_backers(runs: list[RunSummary]) -> list[str]:
    """Backers some run seated at a level of its own (`--ai BACKER=LEVEL`): the ones
    whose decisions the runs compare."""
    factions = set(runs[0].factions)
    seen: dict[str, None] = {}
    for r in runs:
        for seat in r.summary.get("agents") or {}:
            if seat not in factions:
                seen[seat] = None
    return list(seen)


def _backer_score(summary: dict, backer: str) -> dict | None:
    """A backer's mean score a game with its interval (see `outputs.backer_figures`);
    None for a run from before the scores were kept."""
    score = ((summary.get("backers") or {}).get(backer) or {}).get("score")
    ok = (isinstance(score, dict) and isinstance(score.get("mean"), (int, float))
          and isinstance(score.get("ci95"), list) and len(score["ci95"]) == 2)
    return score if ok else None


def _score_change_cells(mine: dict | None, theirs: dict | None, is_base: bool) -> list[str]:
    if is_base or mine is None or theirs is None:
        return ["–", "–"]
    return [f"{mine['mean'] - theirs['mean']:+.1f}", "yes" if separated(mine, theirs) else "no"]


def _change_cells(mine: dict, theirs: dict, is_base: bool) -> list[str]:
    """The change in points against the baseline and whether the intervals are separated."""
    if is_base or mine["rate"] is None or theirs["rate"] is None:
        return ["–", "–"]
    return [f"{100 * (mine['rate'] - theirs['rate']):+.1f}", "yes" if separated(mine, theirs) else "no"]


def table(runs: list[RunSummary], base_row: int | None = None, shares: list[dict] | None = None
          ) -> tuple[list[str], list[list[str]]]:
    """The header and one row of text cells per run; `shares` from `read_place_shares`."""
    factions = runs[0].factions
    held = [(p, f) for p in (shares[0] if shares else {}) for f in factions]
    shaped = any(_like_the_war(r.summary) for r in runs)
    # A settlement gets a column where a run could end in one.
    ends = [k for k in runs[0].summary["outcomes"] if without_winner(k)]
    header = ["run", "games"] + [f"{f} wins" for f in factions] + [{"draw": "draws"}.get(k, k + "s") for k in ends]
    churned = any(_changes_of_hands(r.summary) is not None for r in runs)
    header += ["mean turns"] + (["changes of hands"] if churned else [])
    header += [f"{f} low turn" for f in factions] + [f"{p}: {f}" for p, f in held]
    header += ["like the war"] if shaped else []
    seated = _seated_backers(runs)
    header += [f"{b} score" for b in seated]
    if base_row is not None:
        for f in factions:
            header += [f"Δ {f}", f"{f} separated"]
        if shaped:
            header += ["Δ like the war", "like the war separated"]
        for p, f in held:
            header += [f"Δ {p}: {f}", f"{p}: {f} separated"]
        for b in seated:
            header += [f"Δ {b} score", f"{b} score separated"]
    rows = []
    for i, (run, name) in enumerate(zip(runs, run_names(runs))):
        s = run.summary
        games = str(s["completed"]) + (f" (+{s['failed']} failed)" if s.get("failed") else "")
        mean = s["turns"].get("mean")
        row = [name + (" (baseline)" if i == base_row else ""), games]
        row += [_rate_cell(s["outcomes"][k]) if k in s["outcomes"] else "–" for k in factions + ends]
        row += ["–" if mean is None else f"{mean:.1f}"]
        if churned:
            changes = _changes_of_hands(s)
            row.append("–" if changes is None else f"{changes:.1f}")
        row += [_momentum_cell(s, f) for f in factions]
        row += [_rate_cell(shares[i][p][f]) for p, f in held]
        like = _like_the_war(s)
        if shaped:
            row.append("–" if like is None else _rate_cell(like))
        for b in seated:
            score = _backer_score(s, b)
            row.append("–" if score is None else f"{score['mean']:.1f} ({score['ci95'][0]:.1f} to {score['ci95'][1]:.1f})")
        if base_row is not None:
            for f in factions:
                row += _change_cells(s["outcomes"][f], runs[base_row].summary["outcomes"][f], i == base_row)
            if shaped:
                theirs = _like_the_war(runs[base_row].summary)
                row += (["–", "–"] if like is None or theirs is None
                        else _change_cells(like, theirs, i == base_row))
            for p, f in held:
                row += _change_cells(shares[i][p][f], shares[base_row][p][f], i == base_row)
            for b in seated:
                row += _score_change_cells(_backer_score(s, b), _backer_score(runs[base_row].summary, b),
                                           i == base_row)
        rows.append(row)
    return header, rows


def markdown(header: list[str], rows: list[list[str]]) -> str:
    """A GitHub Markdown table: the run names left-aligned, the figures right-aligned."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), "|---|" + "---:|" * (len(header) - 1)] + [line(r) for r in rows]) + "\n"


CAPTION = ("wins and draws: share of completed games (Wilson 95% interval); low turn: median turn of a side's "
           "low point in the games it recovered from")
SHAPE_CAPTION = "; like the war: share of games inside every checkpoint of the scenario's targets file"
CHURN_CAPTION = ("; changes of hands: places that changed hands a game, counted at the end of each turn (a run "
                 "from before the count shows –)")
SCORE_CAPTION = ("; backer score: the mean score a game of a backer some run seated with --ai, as a person "
                 "playing it would be scored (95% interval), whoever decided for it in that run")
PLACE_CAPTION = "; place: side: share of completed games that side ended holding the place (Wilson 95% interval)"
BASELINE_CAPTION = ("; Δ: change in win rate (or place share) against the baseline, in percentage points; "
                    "separated: the two intervals do not overlap")


def print_table(header: list[str], rows: list[list[str]], title: str, caption: str) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, caption=caption)
    for i, h in enumerate(header):
        t.add_column(h, justify="left" if i == 0 else "right", overflow="fold")  # narrow terminals lose no figure
    for r in rows:
        t.add_row(*r)
    console = Console(highlight=False)
    if not console.is_terminal:
        # Piped or redirected: nobody is reading at 80 columns, and wrapped cells are hard to read back.
        wide = console.measure(t, options=console.options.update_width(1000)).maximum
        console = Console(highlight=False, width=max(console.width, wide))
    console.print(t)


def compare(paths: list[str | Path], baseline: str | Path | None = None, markdown_file: str | Path | None = None,
            places: list[str] = ()) -> tuple[list[str], list[list[str]]]:
    """Print the comparison (and write it as Markdown); LabError for unusable input."""
    runs, base_row = read_runs(paths, baseline)
    places = list(dict.fromkeys(places))  # a place given twice is shown once
    shares = read_place_shares(runs, places) if places else None
    header, rows = table(runs, base_row, shares)
    if markdown_file is not None:
        try:
            write_text_atomic(markdown_file, markdown(header, rows))
        except OSError as exc:
            raise LabError(f"{markdown_file}: cannot write the table ({exc.strerror or exc})") from None
    print_table(header, rows, f"Runs of {runs[0].summary['scenario']} compared",
                CAPTION + (CHURN_CAPTION if "changes of hands" in header else "")
                + (SHAPE_CAPTION if "like the war" in header else "") + (PLACE_CAPTION if places else "")
                + (SCORE_CAPTION if any(h.endswith(" score") for h in header) else "")
                + (BASELINE_CAPTION if base_row is not None else ""))
    return header, rows
