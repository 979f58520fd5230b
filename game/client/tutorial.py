"""The tutorial's coach and the first-time tips, shown in a small panel in the map's
top-left corner.

A tutorial's steps are data beside its scenario (`NAME.tutorial.yaml`, read by
game/scenario/tutorial.py), since they name one war's places. Each step names a *sign*
it waits for; the coach gathers signs from what the player has really
done (the session's log, the selection, the windows on screen), never from a clock.
A sign counts whenever it was seen since the tutorial began, so a player who attacks
before being asked to is not asked again.

Tips are one-off notes for things a newcomer meets by surprise (a unit cut off from
supply, the first event, a backer's red line). Each is shown once per player: the ones
seen are kept in `tips.json` in the save directory.
"""

from __future__ import annotations

import json
from pathlib import Path

import pygame
from pygame_gui.elements import UIButton, UIPanel, UITextBox

from ..atomic import write_text_atomic
from ..engine.backers import red_lines_crossed
from ..scenario import load_scenario
from ..scenario.companion import is_companion_file
from ..scenario.tutorial import Tutorial, load_tutorial, tutorial_path
from . import describe as D
from . import keys
from .gfx import later
from .paths import SCENARIO_DIR

PANEL_W = 460


def find_tutorials(directory: Path = SCENARIO_DIR) -> list[Path]:
    """The scenarios in `directory` that have a tutorial beside them, by name."""
    return sorted(p for p in Path(directory).glob("*.y*ml")
                  if not is_companion_file(p) and tutorial_path(p).is_file())


def load(scenario_path: Path):
    """The scenario and its tutorial, both checked; ScenarioError if either is wrong."""
    loaded = load_scenario(scenario_path)
    return loaded, load_tutorial(tutorial_path(scenario_path), loaded.spec, scenario_path).tutorial


WAITING = "The {side} is moving, order by order. Space shows the rest at once."

TIPS: dict[str, tuple[str, str]] = {
    "supply": ("Cut off from supply",
               "One of your units stands where no road through friendly places reaches a port, an airbase or "
               "home. Out of supply it loses strength each turn and no one can be recruited there. Press <b>S</b> "
               "to see the supply network; retake the road or pull back."),
    "event": ("Events",
              "Events come from the war's record: news, deliveries and decisions. News only tells you; a "
              "question waits for your answer before the turn can end. The log's <i>Events</i> filter lists "
              "them all."),
    "red_line": ("A backer's red line",
                 "Some places are a backer's red line: take one and that backer joins the war against you. The "
                 "attack window warns you first, in red."),
}


def tips_path(save_dir: Path | None) -> Path | None:
    return Path(save_dir) / "tips.json" if save_dir is not None else None


def load_tips_seen(save_dir: Path | None) -> set[str]:
    path = tips_path(save_dir)
    if path is None:
        return set()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {t for t in data if isinstance(t, str)} if isinstance(data, list) else set()


def save_tips_seen(save_dir: Path | None, seen: set[str]) -> None:
    path = tips_path(save_dir)
    if path is not None:
        try:
            write_text_atomic(path, json.dumps(sorted(seen)) + "\n")
        except OSError:
            pass  # a tip shown twice is no loss


class Coach:
    """Watches the game screen and shows the tutorial's step or a tip in a small panel."""

    def __init__(self, screen, tutorial: Tutorial | None = None):
        self.screen = screen
        self.app = screen.app
        self.steps = tutorial.steps if tutorial is not None else []
        self.step = 0 if tutorial is not None else None  # index into steps; None: no tutorial running
        self.signs: set[str] = set()
        self.tip: str | None = None
        self._log_seen: list = list(screen.session.log)  # entries before the tutorial are not the player's doing
        self._shown = None
        self.panel = None
        self.text_box = None
        self.buttons: dict[str, UIButton] = {}
        if not hasattr(self.app, "tips_seen"):
            self.app.tips_seen = load_tips_seen(self.app.save_dir)

    @property
    def running(self) -> bool:
        return self.step is not None

    # -- what the player has done ----------------------------------------------------------
    def _new_log_entries(self) -> list:
        log, seen = self.screen.session.log, self._log_seen
        if len(log) == len(seen) and (not log or log[-1] is seen[-1]):
            return []
        if len(log) >= len(seen) and (not seen or log[len(seen) - 1] is seen[-1]):
            new = log[len(seen):]
        else:  # undo rewound the log (or it was trimmed): compare by entry
            known = {id(e) for e in seen}
            new = [e for e in log if id(e) not in known]
        self._log_seen = list(log)
        return new

    def _observe(self) -> None:
        scr = self.screen
        ses = scr.session
        s, w = ses.state, ses.world
        me = w.faction_ids[ses.human] if ses.human is not None else None
        for e in self._new_log_entries():
            if e.faction == me and e.kind in ("move", "strike", "battle", "choice", "split"):
                self.signs.add("attack" if e.kind == "battle" else e.kind)
            elif e.kind == "system" and e.text.startswith("Undone:"):
                self.signs.add("undo")
            elif e.kind == "red_line":
                self.signs.add("red_line")
        # A granted request is logged as the backer's dispatch, a refused one as a request:
        # the state's list of this turn's requests holds both.
        if ses.human is not None and any(w.backer_client[w.packages[k].backer] == ses.human for k in s.requested):
            self.signs.add("request")
        u = scr.orders.selected_unit
        if u is not None and ses.human is not None and s.u_owner[u] == ses.human:
            self.signs.add("unit")
        # The player's turn N is over once another side moves in it, or a later turn has
        # come (a fast opponent's whole turn can pass between two frames).
        self.signs.update(f"ended{n}" for n in range(1, s.turn + (not ses.is_human_turn())))
        for d in scr.dialogs:
            if d.closed or not d.alive():
                continue
            name = type(d).__name__
            if name in ("NewsDialog", "EventDialog"):
                self.signs.add("event")
            elif name == "AttackDialog" and red_lines_crossed(s, s.active, d.target):
                self.signs.add("red_line")
        if ses.is_human_turn() and "supply" not in self.app.tips_seen and self._cut_off(ses):
            self.signs.add("supply")

    def _cut_off(self, ses) -> bool:
        """Does one of the player's ground units stand out of supply?"""
        s, w, n = ses.state, ses.world, ses.state.n_units
        ok = self.screen.supplied()[ses.human]
        place = s.u_place[:n]
        mine = s.u_alive[:n] & (s.u_owner[:n] == ses.human) & w.t_ground[s.u_type[:n]]
        return bool((mine & ~ok[place]).any())

    # -- the flow ---------------------------------------------------------------------------
    def update(self) -> None:
        ses = self.screen.session
        if ses.human is None or self.app.quiet:
            return
        self._observe()
        while self.running and self.steps[self.step].sign is not None and self.steps[self.step].sign in self.signs:
            self.step += 1
        if not self.running and self.tip is None:
            self.tip = next((t for t in TIPS if t in self.signs and t not in self.app.tips_seen), None)
        self._show()

    def next_step(self) -> None:
        """Pass a step the player cannot or will not do now (a drone with no sorties left)."""
        if self.running:
            if self.steps[self.step].sign is None:
                self._end()
            else:
                self.step += 1

    def _end(self) -> None:
        self.step = None
        # What was met during the tutorial was explained there: a tip waits for the next time.
        self.signs -= set(TIPS)

    def skip(self) -> None:
        """End the tutorial, or close the tip on show."""
        if self.running:
            self._end()
        elif self.tip is not None:
            self.app.tips_seen.add(self.tip)
            save_tips_seen(self.app.save_dir, self.app.tips_seen)
            self.tip = None
        self._show()

    # -- the panel -------------------------------------------------------------------------
    def content(self) -> tuple[str, list[tuple[str, str, object]]] | None:
        """The panel's HTML and its buttons (key, label, callback), or None for no panel."""
        if self.running:
            step = self.steps[self.step]
            scr = self.screen
            ses = scr.session
            text = step.text
            top = scr.top_dialog()
            if step.sign is not None and not ses.is_human_turn() and not ses.state.over:
                text = WAITING.format(side=D.esc(ses.world.factions[ses.state.active].short))
            elif top is not None:
                text = next((m.text for m in step.meanwhile if m.window == type(top).__name__), text)
            count = sum(1 for st in self.steps if st.sign is not None)
            where = f"Step {self.step + 1} of {count}: " if step.sign is not None else "Tutorial: "
            html = f"<font color='{D.GOLD}'><b>{where}{D.esc(step.title)}</b></font><br>{text}"
            if step.sign is None:
                return html, [("close", "Close", self.next_step)]
            return html, [("next", "Next step ›", self.next_step),
                          ("skip", keys.labelled("Skip tutorial", "skip_tutorial"), self.skip)]
        if self.tip is not None:
            title, text = TIPS[self.tip]
            html = f"<font color='{D.GOLD}'><b>Tip: {D.esc(title)}</b></font><br>{text}"
            return html, [("skip", keys.labelled("Got it", "skip_tutorial"), self.skip)]
        return None

    def _width(self) -> int:
        """The panel's width: narrower when a wide window (the backers') would cover its
        right side, as long as the text still reads; the map under it is hidden anyway."""
        top = self.screen.top_dialog()
        if top is not None:
            room = top.rect.left - self.screen.map_rect.x - 24
            if 300 <= room < PANEL_W:
                return room
        return PANEL_W

    def _show(self) -> None:
        content = self.content()
        width = self._width()
        shown = (content[0], width) if content is not None else None
        if shown == self._shown:
            return
        self.kill()
        self._shown = shown
        if content is None:
            return
        html, buttons = content
        m = self.app.manager
        r = self.screen.map_rect
        self.panel = UIPanel(pygame.Rect(r.x + 8, r.y + 8, width, 100), manager=m, object_id="#coach_panel")
        self.text_box = UITextBox(html, pygame.Rect(4, 4, width - 14, -1), m, container=self.panel)
        y = self.text_box.rect.height + 6
        # Small buttons at the right, so that the panel stays low over the map.
        bw, x = 150, width - 10
        for key, label, cb in reversed(buttons):
            x -= bw
            self.buttons[key] = UIButton(pygame.Rect(x, y, bw, 26), label, m, container=self.panel,
                                         command=later(self.app.defer, cb))
            x -= 6
        self.panel.set_dimensions((width, y + 26 + 10))

    def kill(self) -> None:
        if self.panel is not None:
            self.panel.kill()
        self.panel = None
        self.text_box = None
        self.buttons = {}
        self._shown = None
