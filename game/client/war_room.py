"""The war room: a forecast of how the game will likely end, from where it stands now.

A window that runs the lab's forecast (`game.lab.forecast`) in the background: N
continuations of this position, normal AI against normal AI with fresh dice, on a local
process pool. It shows each outcome's chance with its 95% interval and a fan of the
ground a side may hold. A "what if" runs the same forecast, with the same dice, after one
order the player could give now (a package sent, a town bought, a question answered),
and sets the two side by side, saying where their intervals separate. The window stays
live while the forecast runs, and Cancel (or closing it) stops it.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import threading
from dataclasses import dataclass

import pygame
from pygame_gui.elements import UIButton, UIDropDownMenu, UIImage, UILabel, UITextEntryLine

from ..engine import actions as A
from ..engine import legal_actions
from ..lab.executors import default_jobs, on_pool
from ..lab.compare import separated
from ..lab.forecast import Forecast, run_forecast
from ..lab.stats import rate
from . import describe as D
from .dialogs import Dialog
from .gfx import figure, figure_surface

GAMES = 200  # continuations a forecast plays unless the player asks for another number
MAX_GAMES = 5000
# The orders a "what if" can be: those whose effect lasts and that a player weighs.
CHANGES = (A.SendPackage, A.RequestSupport, A.BuyAllegiance, A.ChooseOption, A.SetBlockade, A.BreakTruce)
NOTHING = "__nothing__"
# Worker processes are started fresh, not forked from a process with a window and threads.
SPAWN = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class StaysOut:
    """A what-if that is not an order: the backer in the player's seat sends nothing more
    (its seat played at the lab's `none` level in every continuation)."""

    backer: str


def what_if_options(session) -> list[tuple[str, object]]:
    """(label, change) for each change a what-if can try: each order the seat on view
    could give now (a spectator tries the side to move), and for a backer's seat, at any
    time, sending nothing more, which is what its help is measured against."""
    s = session.state
    out = []
    if session.backer is not None and not s.over:
        name = session.world.backers[session.backer].name
        out.append((f"{name} sends nothing more from now on", StaysOut(session.world.backer_ids[session.backer])))
    if s.over or not (session.is_human_turn() or session.spectating):
        return out
    w = session.world
    return out + [(D.action_text(w, s, a)[:90], a) for a in legal_actions(s) if isinstance(a, CHANGES)]


def change_text(world, state, change) -> str:
    if isinstance(change, StaysOut):
        return f"{world.backers[world.bidx[change.backer]].name} sends nothing more"
    return D.action_text(world, state, change)


class ForecastJob:
    """A forecast and, if asked, its what-if, one after the other on a background thread;
    the window reads its progress each frame."""

    def __init__(self, session, games: int, seed: int, pool, change=None):
        self.world = session.world
        self.pool = pool  # the window's workers, kept between its forecasts
        self.state = session.state.clone()  # the position as it is now, whatever happens on the map
        self.games, self.seed, self.change = games, seed, change
        self.cancel = threading.Event()
        self.base: Forecast | None = None
        self.what_if: Forecast | None = None
        self.running: str | None = None  # "now" or "what if"
        self.progress = 0
        self.error: str | None = None
        self.finished = False
        self.thread = threading.Thread(target=self._run, name="sandtable-forecast", daemon=True)

    def start(self) -> "ForecastJob":
        self.thread.start()
        return self

    def _run(self) -> None:
        # The what-if plays on the pool the forecast used: its workers have imported the
        # engine and built the map already, which costs each new one a second or two.
        try:
            run = on_pool(self.pool)
            for label, change in [("now", None)] + ([("what if", self.change)] if self.change is not None else []):
                self.running, self.progress = label, 0
                seats = {change.backer: "none"} if isinstance(change, StaysOut) else None
                order = None if isinstance(change, StaysOut) else change
                result = run_forecast(self.world, self.state, self.games, self.seed, change=order,
                                      cancel=self.cancel, on_result=self._seen, seats=seats, run=run)
                if label == "now":
                    self.base = result
                else:
                    self.what_if = result
                if result.error:
                    self.error = result.error
                if result.cancelled or result.error:
                    break
        except Exception as exc:  # a forecast that cannot run must say so, not end the game
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.running = None
            self.finished = True

    def _seen(self, forecast: Forecast) -> None:
        self.progress = forecast.done

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()

    def stop(self) -> None:
        self.cancel.set()


def outcomes_html(world, base: Forecast, what_if: Forecast | None, change_said: str) -> str:
    """Each outcome's chance with its interval, and beside it the what-if's, with whether
    the intervals separate."""
    def cell(r: dict) -> str:
        if r["rate"] is None:
            return "—"
        lo, hi = r["ci95"]
        return f"<b>{r['rate']:.0%}</b> <font color='{D.MUTED}'>({lo:.0%}–{hi:.0%})</font>"

    names = {fid: f"the {world.factions[f].short} win" for f, fid in enumerate(world.faction_ids)}
    names["draw"] = "no one wins by the last turn"
    names["settlement"] = "the war ends in a settlement"
    now = base.outcomes()
    alt = what_if.outcomes() if what_if is not None else None
    ok = len(base.ok())
    head = f"<b>From turn {base.start_turn}, in {ok} continuation{'s' if ok != 1 else ''}</b>"
    if alt is not None:
        head += f" · <font color='{D.GOLD}'>what if: {D.esc(change_said)}</font> ({len(what_if.ok())})"
    lines = [head]
    for key in dict.fromkeys([*now, *(alt or {})]):
        # An outcome only one of the two forecasts saw (a settlement) counts nought in the other.
        r = now.get(key) or rate(0, ok)
        if alt is None:
            if r["count"] or key != "draw":
                lines.append(f"• {names[key]}: {cell(r)}")
            continue
        other = alt.get(key) or rate(0, len(what_if.ok()))
        verdict = (f"<font color='{D.GOOD}'>separated</font>" if separated(r, other)
                   else f"<font color='{D.MUTED}'>intervals overlap</font>")
        lines.append(f"• {names[key]}: {cell(r)}, what if {cell(other)} · {verdict}")
    failed = len(base.failed()) + (len(what_if.failed()) if what_if is not None else 0)
    if failed:
        lines.append(f"<font color='{D.BAD}'>{failed} continuation(s) failed and are left out.</font>")
    return "<br>".join(lines)


def fan_surface(world, faction: int, base: Forecast, what_if: Forecast | None, size) -> pygame.Surface:
    """The places `faction` may hold, turn by turn: 10–90% and 25–75% bands and the median
    of the forecast, and the what-if's median and 10–90% lines over it."""
    fig = figure(size)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_facecolor("#1d252d")
    colour = world.factions[faction].colour
    turns, q = base.fan(faction)
    if turns:
        ax.fill_between(turns, q[0], q[4], color=colour, alpha=0.25, lw=0, label="10–90% of games")
        ax.fill_between(turns, q[1], q[3], color=colour, alpha=0.45, lw=0, label="25–75%")
        ax.plot(turns, q[2], color=colour, lw=2.2, label="median")
    if what_if is not None:
        turns2, q2 = what_if.fan(faction)
        if turns2:
            ax.plot(turns2, q2[2], color="#f0c75e", lw=1.8, ls="--", label="what if: median")
            ax.plot(turns2, q2[0], color="#f0c75e", lw=0.9, ls=":", label="what if: 10–90%")
            ax.plot(turns2, q2[4], color="#f0c75e", lw=0.9, ls=":")
    ax.set_title(f"Places the {world.factions[faction].short} hold", color="#e8e4da", fontsize=11)
    ax.tick_params(colors="#aab4be", labelsize=8)
    for spine in ax.spines.values():
        spine.set_color("#4a5560")
    ax.grid(color="#2f3a44", lw=0.6)
    ax.set_xlabel("turn", color="#aab4be", fontsize=8)
    ax.legend(facecolor="#1d252d", edgecolor="#4a5560", labelcolor="#e8e4da", fontsize=8, loc="best")
    fig.tight_layout(pad=0.8)
    return figure_surface(fig)


class WarRoom(Dialog):
    """The forecast window. `poll()` runs each frame (GameScreen.update) to show progress."""

    def __init__(self, screen):
        ses = screen.session
        W, H = screen.app.size
        width = min(900, W - 60)
        super().__init__(screen, f"War room — a forecast from turn {ses.state.turn}", width, H - 80, blocking=False)
        self.session = ses
        self.job: ForecastJob | None = None
        # Started with the first forecast and kept until the window closes, so that the
        # next forecast begins at once instead of waiting for new workers to start.
        self.pool: cf.ProcessPoolExecutor | None = None
        self._shown = None
        self.text(f"Plays the war on from here many times — normal AI against normal AI, backers by their own "
                  f"policy, fresh dice each time — on {default_jobs()} worker process{'es' if default_jobs() > 1 else ''}, and "
                  "counts how it ends, "
                  "with 95% intervals. A <i>what if</i> plays the same dice after one order you could give now, "
                  f"<font color='{D.MUTED}'>so a gap that separates the intervals is the order's doing, not "
                  "luck's.</font>")
        y = self.y
        UILabel(pygame.Rect(8, y, 110, 32), "Continuations", self.ui_manager, container=self)
        self.games_entry = UITextEntryLine(pygame.Rect(122, y, 80, 32), self.ui_manager, container=self)
        self.games_entry.set_allowed_characters("numbers")
        self.games_entry.set_text(str(GAMES))
        UILabel(pygame.Rect(214, y, 64, 32), "What if", self.ui_manager, container=self)
        self.options = what_if_options(ses)
        labels = [("nothing changes (the forecast alone)", NOTHING)] + [(t, str(i)) for i, (t, _) in
                                                                        enumerate(self.options)]
        self.change_menu = UIDropDownMenu(labels, labels[0], pygame.Rect(282, y, self.inner_w - 282 - 230, 32),
                                          self.ui_manager, container=self)
        self.run_button = UIButton(pygame.Rect(self.inner_w - 218, y, 110, 32), "Forecast", self.ui_manager,
                                   container=self, command=lambda: self.defer(self.run))
        self.cancel_button = UIButton(pygame.Rect(self.inner_w - 102, y, 110, 32), "Cancel", self.ui_manager,
                                      container=self, command=lambda: self.defer(self.cancel))
        self.cancel_button.disable()
        self.y = y + 40
        if not self.options:
            self.text(f"<font color='{D.MUTED}'>A what-if tries an order you could give now; on your turn the "
                      "list holds them.</font>")
        elif self.session.backer is not None:
            self.text(f"<font color='{D.MUTED}'>Playing a backer, try <i>sends nothing more</i> to see what your "
                      "help is worth from here: the forecast plays your seat as the scenario's own policy "
                      "would.</font>")
        self.status = self.text("Press Forecast.", height=30)
        self.results = self.text("", height=140)
        chart_h = max(160, H - 80 - self.y - 70)
        self.chart_size = (self.inner_w, chart_h)
        self.chart = UIImage(pygame.Rect(8, self.y, *self.chart_size), pygame.Surface(self.chart_size), self.ui_manager,
                             container=self)
        self.chart.hide()
        self.y += chart_h + 6
        self.default = self.run
        self.fit(max_h=H - 40)

    # -- running -------------------------------------------------------------------------------
    def run(self) -> None:
        if self.job is not None and not self.job.finished:
            return
        text = self.games_entry.get_text().strip()
        games = int(text) if text.isdigit() else 0
        if not 1 <= games <= MAX_GAMES:
            self.status.set_text(f"<font color='{D.BAD}'>Continuations: give a number from 1 to {MAX_GAMES}.</font>")
            return
        pick = self.change_menu.selected_option[1]
        change = None if pick == NOTHING else self.options[int(pick)][1]
        # A seed of the game's own and the turn's: the same question asked twice gets the same answer.
        seed = self.session.seed * 1000 + self.session.state.turn
        # A pool whose worker died takes no more work, whether it died in a forecast or
        # while the pool stood idle.
        failed = self.job is not None and self.job.error
        if self.pool is not None and (failed or getattr(self.pool, "_broken", False)):
            self._close_pool()
        if self.pool is None:
            self.pool = cf.ProcessPoolExecutor(default_jobs(), mp_context=SPAWN)
        self.job = ForecastJob(self.session, games, seed, self.pool, change).start()
        self._shown = None
        self.run_button.disable()
        self.cancel_button.enable()

    def cancel(self) -> None:
        if self.job is not None and not self.job.finished:
            self.job.stop()
            self.status.set_text("Cancelling: the games under way finish first…")

    def kill(self) -> None:
        # However the window goes (Esc, the game screen closing), its forecast stops; the
        # thread and its workers wind down on their own.
        if self.job is not None:
            self.job.stop()
        self._close_pool()
        super().kill()

    def _close_pool(self) -> None:
        # Without waiting: the window closes at once, and each worker ends after the
        # games it is playing.
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    # -- each frame ----------------------------------------------------------------------------
    def poll(self) -> None:
        job = self.job
        if job is None:
            return
        key = (job.running, job.progress, job.finished)
        if key == self._shown:
            return
        self._shown = key
        if not job.finished:
            what = "the forecast" if job.running == "now" else "the what-if"
            self.status.set_text(f"Playing {what}: {job.progress}/{job.games} continuations…")
            return
        self.run_button.enable()
        self.cancel_button.disable()
        if job.error:
            self.status.set_text(f"<font color='{D.BAD}'>The forecast failed: {D.esc(job.error)}</font>")
        elif job.cancelled:
            done = job.base.done if job.base is not None else 0
            self.status.set_text(f"Cancelled after {done} of {job.games} continuations"
                                 + (" (shown below)." if done else "."))
        else:
            self.status.set_text(f"Done: {job.games} continuations"
                                 + (" and as many for the what-if." if job.what_if is not None else "."))
        if job.base is not None and job.base.ok():
            self._show_results(job)

    def _show_results(self, job: ForecastJob) -> None:
        ses = self.session
        w = ses.world
        said = change_text(w, job.state, job.change) if job.change is not None else ""
        self.results.set_text(outcomes_html(w, job.base, job.what_if, said))
        faction = ses.human if ses.human is not None else (
            w.client_of[ses.backer] if ses.backer is not None else int(job.state.active))
        self.chart.set_image(fan_surface(w, faction, job.base, job.what_if, self.chart_size))
        self.chart.show()
