"""The map screen: where a game is played or watched.

It owns the map view, the panels and the order controller, runs the AI's turns
one order at a time (thinking in a worker thread so the window stays smooth,
then animating what happened), opens the event, attack and report windows, and
handles the keyboard and mouse. It changes the game only through the session,
that is through the engine's `apply`.
"""

from __future__ import annotations

import math
import time

import pygame
import pygame_gui
from pygame_gui.elements import UITooltip

from ..engine import EndTurn, IllegalAction, why_illegal
from ..engine import actions as A
from ..engine.peace import why_not_break
from ..engine.supply import supplied as supplied_mask
from . import describe as D
from . import explain, gfx, keys
from .anim import BannerAnim, anims_for
from ..engine.stacks import merge_partners, split_range
from .desk import BackerDesk
from .war_room import WarRoom
from .dialogs import (AttackDialog, BackersWindow, ConfirmDialog, EventDialog, EncyclopediaWindow, MessageDialog,
                      NewsDialog, RecruitDialog, ReportDialog, SaveDialog, SplitDialog, StrikeDialog)
from .session import UndoRefused
from .map_view import Marks, MapView
from .orders import Orders
from .panels import SIDE_W, TOP_H, SidePanel, TopBar
from .tutorial import Coach

SPECTATE_SPEEDS = [0.5, 1.0, 2.0, 4.0, 0.0]  # 0: no animations
AI_BUDGET_S = 0.03  # time per frame for AI orders when not animating (skip / instant)


class GameScreen:
    name = "game"

    def __init__(self, app, session, tutorial=None):
        self.app = app
        self.session = session
        W, H = app.size
        self.map_rect = pygame.Rect(0, TOP_H, W - SIDE_W, H - TOP_H)
        self.view = MapView(session.world, session.loaded.geojson, self.map_rect, app.fonts)
        self.orders = Orders(session)
        self.marks = Marks()
        self.paused = False
        self.hold = False  # no orders at all, not even by the AI (a screenshot taken after --autoplay)
        self.speed_index = 1
        self.anims: list = []
        self.dialogs: list = []
        self.status_text = ""
        self._wrap_cache: dict[tuple, list[str]] = {}
        self.status_colour = gfx.TEXT
        self.status_until = 0.0
        self.mouse = (0, 0)
        self.press: tuple[int, int] | None = None
        self.dragged = False
        self.hover: int | None = None
        self.hover_time = 0.0
        self.tooltip = None
        self.tooltip_key = None
        self.thinking = None  # Future of the AI's next order
        self.think_token = 0
        self.skip_key = None  # (turn, active) being skipped through without animations
        self.question_hidden: int | None = None
        self.desk_hidden: tuple | None = None  # the (turn, side) whose desk the player put aside with Esc
        self.handing_over = False  # hotseat: the screen is hidden until the next seat's player takes the machine
        self.news: list[tuple[str, str, str]] = []  # (headline, text, sources as HTML)
        self.end_timer = None
        self.replay_error_shown = False
        self._sup_version = -1
        self._sup = None
        self._turn_key = (session.state.turn, session.state.active)
        # How long the side now moving has been shown moving (an opponent's turn has a cap).
        self._ai_turn_key, self.ai_turn_shown = self._turn_key, 0.0
        self.top = TopBar(self)
        self.side = SidePanel(self)
        self.coach = Coach(self, tutorial)
        self.view.focus_front(session.state, session.human)
        self.view.show_legend = self.map_rect.h >= 760  # on a small window the legend waits for L
        self.closed = False
        if session.is_human_turn():
            self.anims.append(BannerAnim(self._turn_banner(), self._active_colour(), 1.6, app.fonts))

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        self.closed = True
        self.think_token += 1
        self._kill_tooltip()
        for d in list(self.dialogs):
            d.kill()
        self.dialogs.clear()
        self.top.kill()
        self.side.kill()
        self.coach.kill()

    # -- helpers ------------------------------------------------------------------------------
    def supplied(self) -> dict:
        if self._sup_version != self.session.version or self._sup is None:
            s = self.session.state
            self._sup = {f: supplied_mask(s, f) for f in range(self.session.world.F)}
            self._sup_version = self.session.version
        return self._sup

    def speed(self) -> float:
        """Animation speed multiplier; 0 means orders are shown without animation."""
        base = self.app.options.speed_factor
        if self.session.spectating:
            sp = SPECTATE_SPEEDS[self.speed_index]
            return 0.0 if sp == 0 or base == 0 else sp * base
        return base

    def speed_label(self) -> str:
        sp = SPECTATE_SPEEDS[self.speed_index]
        return "instant" if sp == 0 else f"speed {sp:g}×"

    def message(self, text: str, colour=gfx.MOVE, seconds: float = 5.0) -> None:
        self.status_text = D.plain(text)
        self.status_colour = colour
        self.status_until = time.monotonic() + seconds

    def refuse(self, reason: str) -> None:
        self.message(f"Order refused: {reason}", gfx.ATTACK, 7.0)
        who = self.session.human if self.session.human is not None else self.session.state.active
        self.session.note("refused", f"Order refused: {reason}", self.session.world.faction_ids[who])

    def _active_colour(self):
        s = self.session.state
        return self.view.colours[s.active]

    def _turn_banner(self) -> str:
        s, w = self.session.state, self.session.world
        who = w.factions[s.active].short
        day = s.date.strftime('%d %b %Y').lstrip('0')
        if self.session.is_human_turn() and self.session.backer is not None:
            return f"Turn {s.turn} · {day} · {self.session.seat_name()} decides what to send the {who}"
        if self.session.is_human_turn():
            return f"Turn {s.turn} · {day} · your move ({who})"
        return f"Turn {s.turn} · {who} moves"

    def top_dialog(self):
        self.dialogs = [d for d in self.dialogs if not d.closed and d.alive()]
        return self.dialogs[-1] if self.dialogs else None

    def open_dialog(self, dialog):
        self.dialogs.append(dialog)
        self._kill_tooltip()
        return dialog

    def _question_closed(self, q: int) -> None:
        """Esc on a question hides it to let the player study the map; Enter brings it back."""
        if self.session.pending_question() == q:
            self.question_hidden = q

    # -- giving orders ------------------------------------------------------------------------
    def give(self, action, *more):
        """Carry out the player's order (or several, as one); explain a refusal. Returns
        the events or None."""
        if self.session.state.over:
            self.refuse("the game is over")
            return None
        if not self.session.is_human_turn():
            self.refuse("it is not your turn")
            return None
        try:
            events = self.session.order(action, *more)
        except IllegalAction as exc:
            self.refuse(str(exc))
            return None
        self._after(events)
        if events:
            main = next((e for e in events if e.kind not in ("turn", "economy")), events[0])
            self.message(main.text, gfx.TEXT, 5.0)
        self.orders.validate()
        return events

    def _after(self, events) -> None:
        """Animations, news and banners for what an order (anyone's) brought about."""
        s = self.session.state
        if self.skip_key is None:
            self.anims += anims_for(events, self.view, s, self.speed(), self.app.fonts)
            self._follow_the_ai(events)
        for e in events:
            if e.kind == "scripted":
                w = self.session.world
                ev = w.events[w.eidx[e.data["event"]]] if (e.data or {}).get("event") in w.eidx else None
                cited = D.sources_line(w.spec, ev.source) if ev is not None else ""
                self.news.append((e.text, (e.data or {}).get("text", ""), cited))
            elif e.kind in ("red_line", "defection") and not self.session.spectating:
                self.news.append((e.text, "", ""))
        key = (s.turn, s.active)
        if key != self._turn_key:
            self._turn_key = key
            if self.session.is_human_turn():
                self.orders.clear()
            if not s.over and (self.skip_key is None or self.session.is_human_turn()):
                self.anims = [a for a in self.anims if not isinstance(a, BannerAnim)]
                self.anims.append(BannerAnim(self._turn_banner(), self._active_colour(),
                                             1.4 / max(self.speed(), 1.0) if self.speed() > 0 else 1.0, self.app.fonts))

    def _follow_the_ai(self, events) -> None:
        """While another side moves, bring the place its order was about into view when it
        lies outside the map's inner area, so that a person can follow the AI's turn."""
        if self.session.is_human_turn():
            return
        w = self.session.world
        for e in events:
            pid = (e.data or {}).get("place") or (e.data or {}).get("to")
            if e.kind in ("battle", "capture", "strike", "move") and pid in w.pidx:
                p = w.pidx[pid]
                x, y = self.view.screen_of(p)
                if not self.map_rect.inflate(-120, -120).collidepoint(x, y):
                    self.view.camera.center_on(self.view.px[p], self.view.py[p])
                return

    def end_turn(self) -> None:
        if self.session.state.over:
            return
        if not self.session.is_human_turn():
            self.refuse("it is not your turn")
            return
        q = self.session.pending_question()
        if q is not None:
            self.question_hidden = None
            return
        self.orders.clear()
        self.give(EndTurn())

    def choose(self, action) -> None:
        for d in list(self.dialogs):
            if isinstance(d, EventDialog):
                d.close()
        events = self.give(action)
        if events is not None:
            self.question_hidden = None

    def attack(self, action: A.Attack) -> None:
        for d in list(self.dialogs):
            if isinstance(d, AttackDialog):
                d.close()
        events = self.give(action)
        if events:
            self.open_dialog(ReportDialog(self, events))

    def strike(self, action) -> None:
        for d in list(self.dialogs):
            if isinstance(d, StrikeDialog):
                d.close()
        self.give(action)

    def recruit(self, action) -> None:
        for d in list(self.dialogs):
            if isinstance(d, RecruitDialog):
                d.close()
        self.give(action)

    def send_package(self, action: A.SendPackage) -> None:
        """The backer's order from its desk; the desk is drawn again with what changed."""
        events = self.give(action)
        for d in list(self.dialogs):
            if isinstance(d, BackerDesk):
                d.close()
        if events is not None and self.session.is_human_turn():
            self.open_desk()

    def open_desk(self) -> None:
        for d in list(self.dialogs):
            if isinstance(d, BackerDesk):
                d.close()
        s = self.session.state
        self.desk_hidden = None
        dialog = self.open_dialog(BackerDesk(self, self.send_package, self.desk_done))
        key = (s.turn, s.active)
        dialog.closed_callback = lambda d, key=key: self._desk_closed(key)

    def _desk_closed(self, key) -> None:
        if self.session.is_human_turn() and (self.session.state.turn, self.session.state.active) == key:
            self.desk_hidden = key

    def desk_done(self) -> None:
        for d in list(self.dialogs):
            if isinstance(d, BackerDesk):
                d.closed_callback = None
                d.close()
        self.end_turn()

    def request(self, action) -> None:
        events = self.give(action)
        for d in list(self.dialogs):
            if isinstance(d, BackersWindow):
                d.close()
        if events is not None:
            self.open_backers()

    def move(self, action: A.Move) -> None:
        """A move; first a question if it leaves a place bare beside the enemy."""
        s = self.session.state
        here = int(s.u_place[action.unit])
        warning = self.orders.bared(here, [action.unit])
        if warning is None:
            self.give(action)
            return
        w = self.session.world
        self.open_dialog(ConfirmDialog(
            self, f"Leave {w.place_name(here)} empty?",
            f"{warning} Keep a unit there, or split this one ({keys.shown('split_unit')}) and leave part behind.",
            [(f"Move to {w.place_name(w.pidx[action.to])} anyway", lambda: self.give(action))]))

    # -- stacks and undo ------------------------------------------------------------------------
    def undo(self) -> None:
        """Ctrl+Z: take back the last order of this turn that rolled no dice."""
        try:
            what = self.session.undo()
        except UndoRefused as exc:
            self.message(f"Cannot undo: {exc}", gfx.ATTACK, 7.0)
            if self.session.is_human_turn():  # and in the log, which stays
                self.session.note("refused", f"Cannot undo: {exc}", self.session.world.faction_ids[self.session.human])
            return
        self.anims = [a for a in self.anims if isinstance(a, BannerAnim)]  # what was undone is not shown moving
        self.orders.validate()
        self.message(f"Undone: {what}", gfx.MOVE, 5.0)

    def _my_selected_unit(self) -> int | None:
        """The selected unit if the player may give it orders now; else says why not."""
        if not self.session.is_human_turn():
            self.refuse("it is not your turn" if not self.session.state.over else "the game is over")
            return None
        u = self.orders.selected_unit
        if u is None:
            self.refuse("select one of your units first")
            return None
        return u

    def split_unit(self) -> None:
        """D: choose how many fighters leave the selected unit as a new one."""
        u = self._my_selected_unit()
        if u is None:
            return
        lo, _ = split_range(self.session.state, u)
        reason = why_illegal(self.session.state, A.Split(u, float(math.ceil(lo))))
        if reason is not None:
            self.refuse(reason)
            return
        self.open_dialog(SplitDialog(self, u, self.split))

    def split(self, action: A.Split) -> None:
        for d in list(self.dialogs):
            if isinstance(d, SplitDialog):
                d.close()
        if self.give(action) is not None:
            self.orders.select_unit(action.unit)

    def merge_units(self) -> None:
        """M: the selected unit and the others of its kind beside it become one (in one
        order to undo). The oldest unit takes in the others and keeps its name."""
        u = self._my_selected_unit()
        if u is None:
            return
        s, w = self.session.state, self.session.world
        group = sorted([u] + merge_partners(s, u))
        if len(group) == 1:
            same = [int(v) for v in s.units_at(int(s.u_place[u]), s.active)
                    if int(v) != u and s.u_type[v] == s.u_type[u]]
            if same or not w.t_ground[s.u_type[u]]:  # the rules say why these cannot merge
                self.refuse(why_illegal(s, A.Merge(same[0] if same else u, u)))
            else:
                self.refuse(f"no other {w.type_names[s.u_type[u]]} of yours stands at "
                            f"{w.place_name(int(s.u_place[u]))}")
            return
        into = group[0]
        if self.give(*[A.Merge(v, into) for v in group[1:]]) is not None:
            self.orders.select_unit(into)

    def select_unit(self, u: int) -> None:
        s = self.session.state
        if not (0 <= u < s.n_units and s.u_alive[u]):
            return
        if s.u_owner[u] == self.session.human and s.u_backer[u] < 0:
            self.orders.select_unit(u)
        else:
            self.orders.selected_place = int(s.u_place[u])
            self.orders.selected_unit = None
            self.message(f"{D.unit_name(s, u)} is not under your command", gfx.STRIKE, 3.0)

    def open_war_room(self) -> None:
        for d in list(self.dialogs):
            if isinstance(d, WarRoom):
                d.close()
        self.open_dialog(WarRoom(self))

    def open_backers(self) -> None:
        if self.session.backer is not None:  # the backer's own desk, read only outside its step
            self.open_desk()
            return
        self.open_dialog(BackersWindow(self, self.request))

    def open_recruit(self) -> None:
        p = self.orders.selected_place
        s = self.session.state
        if not self.session.is_human_turn():
            self.refuse("it is not your turn")
        elif p is None or s.owner[p] != self.session.human:
            self.refuse("select one of your towns first, then recruit there")
        else:
            self.open_dialog(RecruitDialog(self, p, self.recruit))

    def place_order(self) -> None:
        """The selected place's own order: dig in at one's own (where works can be
        built), or buy a neutral one's allegiance."""
        p = self.orders.selected_place
        if p is None:
            self.refuse("select a neutral place to buy, or one of yours to dig in at")
            return
        ses = self.session
        pid = ses.world.place_ids[p]
        mine = ses.state.owner[p] == ses.human
        self.give(A.Fortify(pid) if mine and ses.world.rules.fortification.build_cost is not None
                  else A.BuyAllegiance(pid))

    def break_truce(self) -> None:
        """Ask first, with what it costs, then break the truce that holds."""
        ses = self.session
        f = ses.human
        if f is None or not self.orders.can_order():
            return
        why = why_not_break(ses.state, f)  # the rules' own words
        if why is not None:
            self.message(f"Cannot break the truce: {why}.", gfx.ATTACK, 7.0)
            return
        self.open_dialog(ConfirmDialog(self, "Break the truce?", D.truce_break_html(ses.state, f),
                                       [("Break it and fight on", lambda: self.give(A.BreakTruce()))]))

    def toggle_blockade(self) -> None:
        f = self.session.human
        if f is None:
            return
        self.give(A.SetBlockade(not bool(self.session.state.blockade[f])))

    def open_help(self, key: str = "help") -> None:
        """The encyclopedia (F1), at a page: "help" (how to play), "rules:combat",
        "unit:ID", "backer:ID", "place:ID"."""
        self.open_dialog(EncyclopediaWindow(self, key))

    # -- saves ---------------------------------------------------------------------------------
    def quick_save(self) -> None:
        path = self.session.quicksave_path()
        if path is None:
            self.refuse("no save directory is set")
            return
        try:
            self.session.save(path)
        except OSError as exc:
            self.open_dialog(MessageDialog(self, "Save failed", D.esc(f"Could not write {path}: {exc}")))
            return
        self.message(f"Saved to {path}", gfx.MOVE, 4.0)

    def save_as(self) -> None:
        """Save under a name (F6): the menu's Load list shows it with its side, turn and date."""
        ses = self.session
        if ses.saves_dir is None:
            self.refuse("no save directory is set")
            return
        w = ses.world
        side = ses.seat_name()
        suggested = f"{w.spec.meta.id} {side} turn {ses.state.turn}"

        def write(name: str) -> None:
            path = ses.saves_dir / f"{name}.json"

            def save() -> None:
                try:
                    ses.save(path)
                except OSError as exc:
                    self.open_dialog(MessageDialog(self, "Save failed", D.esc(f"Could not write {path}: {exc}")))
                    return
                self.message(f"Saved to {path}", gfx.MOVE, 4.0)

            if path.exists():
                self.open_dialog(ConfirmDialog(self, "Replace this save?",
                                               f"A save called <b>{D.esc(name)}</b> exists already.",
                                               [("Replace it", save)]))
            else:
                save()

        self.open_dialog(SaveDialog(self, suggested, write))

    def quick_load(self) -> None:
        path = self.session.quicksave_path()
        if path is None or not path.exists():
            self.open_dialog(MessageDialog(self, "Nothing to load",
                                           "There is no quick save yet: press F5 during a game to make one."))
            return

        def load() -> None:
            err = self.app.load_game(path)
            if err is not None:
                self.open_dialog(MessageDialog(self, "Cannot load the save", D.esc(err)))

        self.leave(f"load the quick save of {D.esc(path.name)}", load)

    def to_menu(self) -> None:
        self.leave("go back to the menu", self.app.show_menu)

    def leave(self, what: str, then) -> None:
        """Do `then`, which ends this game on screen, once the player agrees to lose the
        orders given since the last save (asked only if there are any)."""
        if not self.session.unsaved():
            then()
            return

        def save_first() -> None:
            self.quick_save()
            if not self.session.unsaved():  # the save went through
                then()

        turn = self.session.state.turn
        self.open_dialog(ConfirmDialog(
            self, "Leave this game?",
            f"You have given orders since the game was last saved (it is turn {turn}). If you {what} now, "
            "they are lost.",
            [("Save, then leave", save_first), ("Leave without saving", then)]))

    # -- spectator controls -----------------------------------------------------------------------
    def toggle_pause(self) -> None:
        if self.session.spectating:
            self.paused = not self.paused

    def faster(self) -> None:
        self.speed_index = min(len(SPECTATE_SPEEDS) - 1, self.speed_index + 1)

    def slower(self) -> None:
        self.speed_index = max(0, self.speed_index - 1)

    def skip(self) -> None:
        """Space: drop the animations and let the AI finish its turn at once."""
        self.anims = [a for a in self.anims if isinstance(a, BannerAnim)][-1:]
        s = self.session.state
        if not self.session.is_human_turn() and not s.over:
            self.skip_key = (s.turn, s.active)

    # -- the AI ----------------------------------------------------------------------------------
    def _ai_step(self) -> bool:
        """Advance the AI by at most one order. True if an order was applied."""
        ses = self.session
        if self.app.executor is None or ses.is_replay:  # a recorded order needs no thinking
            action, why = ses.ai_choose()
        else:
            if self.thinking is None:
                token = self.think_token
                copy = ses.state.clone()
                self.thinking = (token, self.app.executor.submit(ses.ai_choose, copy))
                return False
            token, fut = self.thinking
            if not fut.done():
                return False
            self.thinking = None
            if token != self.think_token:
                return False
            action, why = fut.result()
        events = ses.ai_apply(action, why)
        self._after(events)
        return True

    def _run_ai(self) -> None:
        ses = self.session
        s = ses.state
        if not ses.ai_to_move() or ses.script_done():
            self.skip_key = None
            return
        if self.paused or self.hold or self.top_dialog() is not None:
            return
        if self.skip_key is not None and self.skip_key != (s.turn, s.active):
            self.skip_key = None
        cap = None if ses.spectating else self.app.options.ai_turn_cap
        if cap is not None and self.skip_key is None and self.ai_turn_shown > cap:
            self.skip_key = (s.turn, s.active)  # the rest of this turn at once, its last moves still drawn
        fast = self.skip_key is not None or self.speed() <= 0
        if not fast and self.anims and any(not isinstance(a, BannerAnim) for a in self.anims):
            return
        if not fast:
            self._ai_step()
            return
        deadline = time.perf_counter() + AI_BUDGET_S
        while time.perf_counter() < deadline:
            if not self._ai_step():
                break
            self._pass_idle_step()  # a seat with nothing to decide does not stop the AI's run
            s = ses.state
            if not ses.ai_to_move() or ses.script_done():
                break
            if self.skip_key is not None and self.skip_key != (s.turn, s.active):
                self.skip_key = None
                if self.speed() > 0:
                    break

    def _pass_idle_step(self) -> None:
        """A backer's seat with nothing to send or answer: its step passes, with no desk
        and no hand-over."""
        if self.session.idle_step():
            self._after(self.session.pass_idle_step())

    # -- hotseat ---------------------------------------------------------------------------------
    def _begin_handover(self) -> None:
        """Hide everything the seat that just moved was looking at: its windows, its
        selection, the panels; the next seat's player takes the machine with Enter."""
        self.handing_over = True
        for d in list(self.dialogs):
            d.closed_callback = None
            d.close()
        self.dialogs.clear()
        self.orders.clear()
        self._kill_tooltip()
        self.anims = []
        self.top.kill()
        self.side.kill()
        self.coach.kill()  # a tip is shown again, if still due, to the seat that takes the machine

    def take_seat(self) -> None:
        """The next seat's player has the machine: its own view, panels and banner."""
        if not self.handing_over:
            return
        ses = self.session
        ses.hand_over()
        self.handing_over = False
        self.question_hidden = self.desk_hidden = None
        self.top = TopBar(self)
        self.side = SidePanel(self)
        self.view.focus_front(ses.state, ses.human if ses.human is not None else ses.state.active)
        self.anims.append(BannerAnim(self._turn_banner(), self._active_colour(), 1.6, self.app.fonts))

    def _draw_handover(self, surface) -> None:
        ses = self.session
        s = ses.state
        f = self.app.fonts
        surface.fill((12, 15, 19))
        nxt = ses.seats[ses.seat_to_move()]
        prev = ses.seats[ses.viewer]
        W, H = surface.get_size()
        vs = " against ".join(ses.seat_name(seat) for seat in ses.seats)
        lines = [(f"Hand over to the {ses.seat_name(nxt)} player", 40, gfx.GOLD, True),
                 (f"Hotseat, {vs} · turn {s.turn} · {D.long_date(s.date)}", 18, gfx.TEXT, False),
                 (f"{ses.seat_name(prev)} player: please look away; nothing of your view is left on screen.", 18,
                  gfx.TEXT, False),
                 (f"{ses.seat_name(nxt)} player: press Enter or click when you are ready.", 18, gfx.TEXT, False)]
        y = H // 2 - 90
        for text, size, col, bold in lines:
            img = f.text(text, size, col, bold=bold)
            surface.blit(img, ((W - img.get_width()) // 2, y))
            y += img.get_height() + 18

    # -- frame ----------------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        ses = self.session
        self._pass_idle_step()
        if ses.handover_due():
            if not self.handing_over:
                self._begin_handover()
            return  # nothing moves while the machine changes hands
        self.view.camera.zoom_idle += dt
        key = (ses.state.turn, ses.state.active)
        if key != self._ai_turn_key:
            self._ai_turn_key, self.ai_turn_shown = key, 0.0
        elif not ses.is_human_turn() and not ses.state.over:
            self.ai_turn_shown += dt
        for a in self.anims:
            a.update(dt)
        self.anims = [a for a in self.anims if not a.done]
        for d in self.dialogs:
            if isinstance(d, WarRoom) and not d.closed:
                d.poll()
        self._run_ai()
        s = ses.state
        if ses.is_replay and ses.replay_error and not self.replay_error_shown:
            self.replay_error_shown = True
            self.open_dialog(MessageDialog(self, "The replay cannot go on", D.esc(ses.replay_error)))
        if s.over:
            if self.end_timer is None:
                self.end_timer = 0.0
            self.end_timer += dt
            if (self.end_timer > 1.5 or not self.anims) and self.top_dialog() is None and not self.app.seen_end(ses):
                self.app.show_end(self)
                return
        elif ses.is_human_turn() and self.top_dialog() is None:
            q = ses.pending_question()
            # The news first: it is what the question is about (the march on the capital
            # comes before whom to call on against it).
            if self.news and not self.app.quiet:
                items, self.news = self.news[-6:], []
                self.open_dialog(NewsDialog(self, items))
            elif ses.backer is not None and self.desk_hidden != key and not ses.idle_step():
                self.open_desk()
            elif q is not None and self.question_hidden != q:
                dialog = self.open_dialog(EventDialog(self, q, self.choose))
                dialog.closed_callback = lambda d, q=q: self._question_closed(q)
        if ses.spectating or self.app.quiet:
            self.news = []
        self.marks = self.orders.marks(self.hover)
        self.top.refresh()
        self.side.refresh()
        self.coach.update()
        self.hover_time += dt
        self._update_tooltip()

    def draw(self, surface: pygame.Surface) -> None:
        if self.handing_over:
            self._draw_handover(surface)
            return
        surface.fill((14, 18, 22))
        ses = self.session
        self.view.draw(surface, ses.state, self.marks, ses.version, self.supplied())
        clip = surface.get_clip()
        surface.set_clip(self.map_rect)
        panel = self.coach.panel.rect if self.coach.panel is not None else None
        for a in self.anims:
            if isinstance(a, BannerAnim):
                a.avoid = panel
            a.draw(surface, self.view)
        self.view.draw_minimap(surface, ses.state)
        self.view.draw_legend(surface)
        self._draw_status(surface)
        if self.app.show_fps and self.app.frame_ms:
            ms = sorted(self.app.frame_ms)[len(self.app.frame_ms) // 2]
            surface.blit(self.app.fonts.text(f"frame {ms:.1f} ms (update + draw) · {self.app.clock.get_fps():.0f} fps",
                                             13, gfx.TEXT, halo=gfx.HALO), (self.map_rect.x + 10, self.map_rect.y + 8))
        surface.set_clip(clip)

    def _hint(self) -> tuple[str, tuple]:
        ses = self.session
        s, w = ses.state, ses.world
        if s.over:
            return "The game is over.", gfx.GOLD
        if ses.is_replay:
            if ses.replay_error:
                return f"Replay stopped: {ses.replay_error}", gfx.ATTACK
            if ses.script_done():
                return "The replay ends here: the recording stops before the game is over.", gfx.GOLD
            return (f"Replay, action {ses.cursor + 1}/{len(ses.script)}: {w.factions[s.active].short} is moving. "
                    "P pauses, + / − change speed, Space skips to the end of the turn.", gfx.TEXT)
        if ses.spectating:
            return (f"Spectating: {w.factions[s.active].short} is moving. P pauses, + / − change speed, "
                    "Space skips to the end of the turn.", gfx.TEXT)
        if not ses.is_human_turn():
            return f"{w.factions[s.active].short} is moving… Space skips its animations.", gfx.TEXT
        if ses.backer is not None:
            return (f"Your step as {ses.seat_name()}: send what you choose from your desk, then Done (Enter). "
                    f"{keys.shown('open_backers')} opens the desk again."), gfx.GOLD
        if ses.pending_question() is not None:
            if isinstance(self.top_dialog(), EventDialog):
                return "Choose an answer: click it or press its number.", gfx.GOLD
            return "A decision awaits your answer: press Enter to see it.", gfx.GOLD
        u = self.orders.selected_unit
        if u is not None:
            if w.t_air[s.u_type[u]]:
                return ("Orange rings: targets in range (click to strike). Blue: airbases to fly to. "
                        "Right-click tries any order; Esc cancels."), gfx.TEXT
            return ("Green rings: click to move there. Red: click to attack (chance shown). "
                    "Right-click tries any order; Esc cancels."), gfx.TEXT
        if self.orders.selected_place is not None and self.marks.attacks:
            return "Red rings: places you can attack from here. Click one to see the odds.", gfx.TEXT
        return ("Your turn. Click a place with your counters (a yellow dot means they can act), or press Tab. "
                "Enter ends the turn."), gfx.TEXT

    def _draw_status(self, surface) -> None:
        if self.status_text and time.monotonic() < self.status_until:
            text, col = self.status_text, self.status_colour
        else:
            text, col = self._hint()
        f = self.app.fonts
        bold = col != gfx.TEXT
        r = self.map_rect
        left = r.x + self.view.minimap_rect().w + 20
        room = r.right - 10 - left - 24
        # A hint wider than the map beside the minimap (a small window) wraps onto more
        # lines rather than being cut off.
        lines = [f.text(line, 14, col, bold=bold) for line in self._wrapped(text, room, bold)]
        w = max(s.get_width() for s in lines) + 24
        h = sum(s.get_height() for s in lines)
        band = pygame.Rect(0, 0, w, h + 8)
        band.midbottom = (r.centerx + 100, r.bottom - 6)
        band.left = max(band.left, left)
        band.right = min(band.right, r.right - 10)
        bg = pygame.Surface(band.size, pygame.SRCALPHA)
        bg.fill((10, 12, 16, 215))
        surface.blit(bg, band.topleft)
        y = band.y + 4
        for s in lines:
            surface.blit(s, (band.x + 12, y))
            y += s.get_height()

    def _wrapped(self, text: str, width: int, bold: bool) -> list[str]:
        """`text` in lines no wider than `width` pixels at the hint's size (kept, since
        the hint is drawn every frame)."""
        key = (text, width, bold)
        lines = self._wrap_cache.get(key)
        if lines is None:
            font = self.app.fonts.font(14, bold)
            lines = []
            for word in text.split(" "):
                if lines and font.size(lines[-1] + " " + word)[0] <= width:
                    lines[-1] += " " + word
                else:
                    lines.append(word)
            if len(self._wrap_cache) > 200:
                self._wrap_cache.clear()
            self._wrap_cache[key] = lines
        return lines

    # -- tooltips ------------------------------------------------------------------------------
    def _kill_tooltip(self) -> None:
        if self.tooltip is not None:
            self.tooltip.kill()
            self.tooltip = None
            self.tooltip_key = None

    def _update_tooltip(self) -> None:
        key = None
        gauge = self.side.hovered_gauge() if self.top_dialog() is None else None
        if gauge is not None:
            # Keyed by the game's version too, so a number that changes under the pointer is explained anew.
            key = ("gauge", gauge, self.session.version)
        elif self.press is None and self.top_dialog() is None and self.map_rect.collidepoint(self.mouse):
            c = self.view.counter_at(self.mouse)
            if c is not None:
                key = ("counter", c.place, c.owner, c.members)
            elif self.hover is not None:
                key = ("place", self.hover)
        if key != self.tooltip_key:
            self._kill_tooltip()
            self.tooltip_key = key
            self.hover_time = 0.0
            return
        if key is None or self.tooltip is not None or self.hover_time < 0.35:
            return
        s = self.session.state
        if key[0] == "gauge":
            _, name, f = key[1].split(":")
            html = explain.gauge_html(s, int(f), name) + (
                f"<br><font color='{D.MUTED}'>Click to keep this open.</font>")
            self.tooltip = UITooltip(html, (0, 18), self.app.manager, wrap_width=440)
            self.tooltip.find_valid_position(pygame.math.Vector2(self.mouse))
            self.tooltip_key = key
            return
        if key[0] == "place":
            html = D.place_html(s, key[1], self.supplied())
        else:
            c = self.view.counter_at(self.mouse)
            if c is None:
                return
            if c.members:
                html = D.group_html(s, c.owner, c.members)
                self.tooltip = UITooltip(html, (0, 18), self.app.manager, wrap_width=360)
                self.tooltip.find_valid_position(pygame.math.Vector2(self.mouse))
                self.tooltip_key = key
                return
            html = "<br><br>".join(D.unit_html(s, int(u), self.supplied()) for u in c.units[:6])
            if len(c.units) > 6:
                html += f"<br>… and {len(c.units) - 6} more"
        self.tooltip = UITooltip(html, (0, 18), self.app.manager, wrap_width=360)
        self.tooltip.find_valid_position(pygame.math.Vector2(self.mouse))
        self.tooltip_key = key

    # -- input ---------------------------------------------------------------------------------
    def follow(self, link: str) -> None:
        """A click on a link in the side panel (or the tutorial's): 'gauge:NAME:FACTION'
        explains one of a side's numbers, 'attack:ORIGIN:TARGET' opens that attack's
        dialog, 'place:ID' selects a place and brings it into view ('air:ID' the player's
        air unit there), and any other link
        names a key's action (keys.py)."""
        if link.startswith("gauge:"):
            _, gauge, f = link.split(":")
            if gauge in explain.GAUGES and f.isdigit() and int(f) < self.session.world.F:
                title = "How the war can end" if gauge == "victory" else "What this number means"
                self.open_dialog(MessageDialog(self, title, explain.gauge_html(self.session.state, int(f), gauge)))
        elif link.startswith(("place:", "air:")):
            kind, pid = link.split(":", 1)
            self.show_place(pid, air=kind == "air")
        elif link.startswith("encyclopedia:"):
            self.open_help(link.split(":", 1)[1])
        elif link.startswith("attack:"):
            origin, target = (int(x) for x in link.split(":")[1:])
            if self.orders.can_order() and target in self.orders.index().attacks.get(origin, ()):
                self.orders.select_place(origin)
                self.open_dialog(AttackDialog(self, origin, target, self.attack))
        elif link in {b.action for b in keys.BINDINGS}:
            getattr(self, link)()

    def handle(self, event, consumed: bool) -> None:
        if self.handing_over:
            if ((event.type == pygame.KEYDOWN and event.key in keys.ACCEPT)
                    or (event.type == pygame.MOUSEBUTTONUP and event.button == 1)):
                self.take_seat()
            return
        if event.type == pygame_gui.UI_TEXT_BOX_LINK_CLICKED:
            self.follow(str(event.link_target))
        elif event.type == pygame.KEYDOWN:
            self._key(event)
        elif event.type == pygame.MOUSEMOTION:
            self.mouse = event.pos
            if self.press is not None:
                dx, dy = event.rel if hasattr(event, "rel") else (0, 0)
                if self.dragged or abs(event.pos[0] - self.press[0]) + abs(event.pos[1] - self.press[1]) > 5:
                    if not self.dragged:
                        dx, dy = event.pos[0] - self.press[0], event.pos[1] - self.press[1]
                    self.dragged = True
                    self.view.camera.pan_px(dx, dy)
            self.hover = self.view.place_at(event.pos) if self._map_point(event.pos) else None
        elif event.type == pygame.MOUSEBUTTONDOWN and not consumed:
            self.mouse = event.pos
            if not self._map_point(event.pos):
                return
            if event.button == 1:
                if self.view.minimap_rect().collidepoint(event.pos):
                    self.view.camera.center_on(*self.view.minimap_to_world(event.pos))
                    return
                self.press = event.pos
                self.dragged = False
            elif event.button == 3:
                self._click(event.pos, right=True)
        elif event.type == pygame.MOUSEBUTTONUP:
            if event.button == 1 and self.press is not None:
                was_drag = self.dragged
                self.press = None
                self.dragged = False
                if not was_drag and not consumed and self._map_point(event.pos):
                    self._click(event.pos, right=False)
        elif event.type == pygame.MOUSEWHEEL:
            if self._map_point(self.mouse) and not consumed:
                self.view.camera.zoom_at(1.2 ** event.y, self.mouse)

    def _map_point(self, pos) -> bool:
        if not self.map_rect.collidepoint(pos):
            return False
        for d in self.dialogs:
            if not d.closed and d.alive() and d.rect.collidepoint(pos):
                return False
        return not any(getattr(d, "is_blocking", False) for d in self.dialogs if not d.closed and d.alive())

    def _click(self, pos, right: bool) -> None:
        c = self.view.counter_at(pos)
        p = self.view.place_at(pos)
        if p is None and c is not None and c.members and not right:
            # A counter for several close places: zoom in until each has its own.
            self.view.camera.zoom_at(2.5, pos)
            return
        if p is None and c is not None:
            p = c.place
        if p is None:
            if not right:
                self.orders.clear()
            return
        click = self.orders.click_place(p, right=right)
        if click.kind == "order" and isinstance(click.action, A.Move):
            self.move(click.action)
        elif click.kind == "order":
            self.give(click.action)
        elif click.kind == "attack":
            w = self.session.world
            origin, target = w.pidx[click.action.origin], w.pidx[click.action.target]
            self.open_dialog(AttackDialog(self, origin, target, self.attack))
        elif click.kind == "strike":
            self.open_dialog(StrikeDialog(self, click.unit, click.place, click.kinds, self.strike))
        elif click.kind == "refused":
            self.refuse(click.message)

    def _key(self, event) -> None:
        d = self.top_dialog()
        k = event.key
        if d is not None and d.key(k):
            return
        if d is not None:
            return
        binding = keys.binding_for(k, getattr(event, "mod", 0))
        if binding is not None:
            getattr(self, binding.action)()
        elif k in keys.PAN:
            self.view.camera.pan_px(*keys.PAN[k])

    # -- what the keys do (see keys.py) ------------------------------------------------------
    def confirm(self) -> None:
        ses = self.session
        if ses.is_human_turn() and ses.pending_question() is not None:
            self.question_hidden = None
        elif not ses.spectating:
            self.end_turn()

    def next_unit(self) -> None:
        ses = self.session
        u = self.orders.next_unit()
        if u is None:
            self.message("None of your units can do anything more this turn. Enter ends the turn.", gfx.STRIKE)
            return
        x, y = self.view.screen_of(int(ses.state.u_place[u]))
        if not self.map_rect.inflate(-80, -80).collidepoint(x, y):
            p = int(ses.state.u_place[u])
            self.view.camera.center_on(self.view.px[p], self.view.py[p])

    def cancel(self) -> None:
        self.orders.clear()

    def skip_tutorial(self) -> None:
        self.coach.skip()

    def show_place(self, pid: str, air: bool = False) -> None:
        ses = self.session
        s, w = ses.state, ses.world
        if pid not in w.pidx:
            return
        p = w.pidx[pid]
        self.view.camera.center_on(self.view.px[p], self.view.py[p])
        if not ses.is_human_turn():
            return
        self.orders.select_place(p)
        flyers = [int(u) for u in s.units_at(p, ses.human) if w.t_air[s.u_type[u]]]
        if air and flyers:
            self.orders.select_unit(flyers[0])

    def toggle_air(self) -> None:
        self.view.show_air = not self.view.show_air

    def toggle_supply(self) -> None:
        self.view.show_supply = not self.view.show_supply

    def toggle_front(self) -> None:
        self.view.show_front = not self.view.show_front

    def toggle_legend(self) -> None:
        self.view.show_legend = not self.view.show_legend

    def toggle_layers(self) -> None:
        if not self.view.layers:
            self.message("This scenario's map has no layers (lines of contact, frontiers, disputed areas).")
            return
        self.view.show_layers = not self.view.show_layers

    def toggle_fps(self) -> None:
        self.app.show_fps = not self.app.show_fps

    def home_view(self) -> None:
        cam = self.view.camera
        cam.set_zoom(cam.min_zoom)
        x0, y0, x1, y1 = cam.world
        cam.center_on((x0 + x1) / 2, (y0 + y1) / 2)

