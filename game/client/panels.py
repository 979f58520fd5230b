"""The panels around the map: the top bar (date, turn, whose move, main buttons),
and the side panel (your resources, the selected place and its units, the turn
log). Each rebuilds its text only when what it shows has changed."""

from __future__ import annotations

import numpy as np
import pygame
from pygame_gui.elements import UIButton, UIPanel, UIScrollingContainer, UITextBox

from ..engine.stacks import merge_partners
from . import describe as D
from .desk_text import summary_html
from .explain import victory_line
from . import keys
from .gfx import later

TOP_H = 46
SIDE_W = 400


# The least chance of winning for an attack to be offered under "What now?".
FIGHTING_CHANCE = 0.1

# The log's filters: what each toggle above it shows.
LOG_KINDS = (("mine", "Mine"), ("enemy", "Enemy"), ("backers", "Backers"), ("events", "Events"), ("reasons", "Why"))
_LOG_TIPS = {"mine": "your side's orders and what they brought", "enemy": "the other sides' orders",
             "backers": "backers' deliveries, requests and red lines", "events": "the scenario's events and news",
             "reasons": "the AI's reason for each of its orders"}
_BACKER_KINDS = {"delivery", "dispatch", "request", "interdicted", "withdrawal", "red_line", "reinforce"}
_EVENT_KINDS = {"scripted", "news", "victory", "defection", "control", "message", "choice", "blockade", "truce"}


def log_kind(e, world, human: int | None) -> str | None:
    """Which filter an entry of the log falls under (None: always shown)."""
    if e.kind == "why":
        return "reasons"
    if e.kind in _BACKER_KINDS:
        return "backers"
    if e.kind in _EVENT_KINDS:
        return "events"
    if e.kind in ("system", "turn", "refused") or e.faction not in world.fidx:
        return None
    return "mine" if human is not None and world.fidx[e.faction] == human else "enemy"


class TopBar:
    def __init__(self, screen):
        self.screen = screen
        app = screen.app
        W = app.size[0]
        m = app.manager
        self.panel = UIPanel(pygame.Rect(0, 0, W, TOP_H), manager=m, object_id="#top_bar")
        d = app.defer
        spect = screen.session.spectating
        specs = []
        if spect:
            specs += [("pause", "Pause [P]", screen.toggle_pause, 100), ("slower", "−", screen.slower, 34),
                      ("faster", "+", screen.faster, 34), ("skip", "Skip turn [Space]", screen.skip, 140)]
        elif screen.session.backer is not None:
            specs += [("end", keys.labelled("Done ", "confirm"), screen.desk_done, 110)]
        else:
            specs += [("end", keys.labelled("End turn ", "confirm"), screen.end_turn, 150)]
        desk = screen.session.backer is not None
        specs += [("backers", keys.labelled("Your desk" if desk else "Backers", "open_backers"), screen.open_backers,
                   124 if desk else 104),
                  ("forecast", keys.labelled("Forecast", "open_war_room"), screen.open_war_room, 120),
                  ("save", keys.labelled("Save", "quick_save"), screen.quick_save, 90),
                  ("load", keys.labelled("Load", "quick_load"), screen.quick_load, 90),
                  ("help", keys.labelled("Help", "open_help"), screen.open_help, 90),
                  ("menu", "Menu", screen.to_menu, 70)]
        x = W - 8
        self.buttons: dict[str, UIButton] = {}
        for key, label, cb, width in reversed(specs):
            x -= width + 4
            oid = "#end_turn_button" if key == "end" else None
            tip = (f"Saves at once as the quick save; {keys.shown('save_as')} saves under a name of your choosing"
                   if key == "save" else None)
            self.buttons[key] = UIButton(pygame.Rect(x, 5, width, TOP_H - 12), label, m, container=self.panel,
                                         object_id=oid, command=later(d, cb), tool_tip_text=tip)
        self.status = UITextBox("", pygame.Rect(4, 2, x - 10, TOP_H - 6), m, container=self.panel,
                                object_id="#status_box")
        self._key = None

    def refresh(self) -> None:
        scr = self.screen
        s = scr.session.state
        w = scr.session.world
        key = (scr.session.version, s.turn, s.active, s.over, scr.paused, scr.speed_label())
        if key == self._key:
            return
        self._key = key
        title = w.spec.meta.title.split(":")[0]
        if s.over:
            turn = "<b>Game over</b>"
        elif scr.session.is_human_turn() and scr.session.backer is not None:
            turn = f"{D.fac(w, s.active)} to move · <b>your step as {D.esc(scr.session.seat_name())}</b>"
        elif scr.session.is_human_turn():
            turn = f"{D.fac(w, s.active)} <b>to move — your orders</b>"
        else:
            turn = f"{D.fac(w, s.active)} to move <font color='{D.MUTED}'>({D.esc(scr.session.ai_label(s.active))})</font>"
        extra = ""
        if s.truce > 0:
            by = f", brokered by {D.esc(w.backers[s.truce_broker].name)}" if s.truce_broker >= 0 else ""
            extra = f" · <font color='{D.GOLD}'>truce: {s.truce} turn(s){by}</font>"
        if scr.session.spectating:
            what = "replay" if scr.session.is_replay else "spectating"
            extra += f" · <font color='{D.MUTED}'>{what}, {'paused' if scr.paused else scr.speed_label()}</font>"
        # The scenario's name only where the bar has room for it beside its buttons.
        named = f"<b>{D.esc(title)}</b> · " if scr.app.size[0] >= 1500 else ""
        text = f"{named}<b>Turn {s.turn}/{w.last_turn}</b> · {D.long_date(s.date)} · {turn}{extra}"
        if text != getattr(self, "_text", None):
            self._text = text
            self.status.set_text(text)
        if "end" in self.buttons:
            _able(self.buttons["end"], scr.session.is_human_turn())
        if "pause" in self.buttons:
            label = "Resume [P]" if scr.paused else "Pause [P]"
            if self.buttons["pause"].text != label:
                self.buttons["pause"].set_text(label)

    def kill(self) -> None:
        self.panel.kill()


BUY_TIP = "Pay a neutral place next to yours to join you"
DIG_TIP = ("Dig a level of works at the selected place: each level lifts its defence; strikes and artillery "
           "wear them down, and they take some turns to dig")


class SidePanel:
    def __init__(self, screen):
        self.screen = screen
        app = screen.app
        W, H = app.size
        m = app.manager
        d = app.defer
        self.rect = pygame.Rect(W - SIDE_W, TOP_H, SIDE_W, H - TOP_H)
        self.panel = UIPanel(self.rect, manager=m, object_id="#side_panel")
        iw = SIDE_W - 14
        small = H < 800
        # Room for the side's figures and the two lines on how each side can win.
        res_h = ((292 if small else 272) + 42 * max(0, screen.session.world.F - 2)
                 + (22 if screen.session.world.M else 0))
        self.resources = UITextBox("", pygame.Rect(4, 4, iw, res_h), m, container=self.panel, object_id="#resources")
        y = 4 + res_h + 4
        bw = (iw - 8) // 3
        self.recruit_btn = UIButton(pygame.Rect(4, y, bw, 30), keys.labelled("Recruit", "open_recruit"), m, container=self.panel,
                                    command=lambda: d(screen.open_recruit),
                                    tool_tip_text="Raise new units at the selected place")
        # The selected place's own order: buying a neutral one, or digging in at one's own
        # where the scenario lets sides build works.
        self.buy_btn = UIButton(pygame.Rect(8 + bw, y, bw, 30), "Buy allegiance", m, container=self.panel,
                                command=lambda: d(screen.place_order), tool_tip_text=BUY_TIP)
        self.blockade_btn = UIButton(pygame.Rect(12 + 2 * bw, y, bw, 30), "Blockade: off", m, container=self.panel,
                                     command=lambda: d(screen.toggle_blockade),
                                     tool_tip_text="Shut the oil fields and terminals you hold: starves the "
                                                   "central bank's holder, costs you legitimacy every turn")
        y += 34
        # The stack's own orders, and taking back the turn's last order.
        self.split_btn = UIButton(pygame.Rect(4, y, bw, 30), keys.labelled("Split", "split_unit"), m,
                                  container=self.panel, command=lambda: d(screen.split_unit),
                                  tool_tip_text="Split the selected unit in two, to leave part of it behind")
        self.merge_btn = UIButton(pygame.Rect(8 + bw, y, bw, 30), keys.labelled("Merge", "merge_units"), m,
                                  container=self.panel, command=lambda: d(screen.merge_units),
                                  tool_tip_text="Merge the selected unit with the others of its kind at its place")
        self.undo_btn = UIButton(pygame.Rect(12 + 2 * bw, y, bw, 30), keys.labelled("Undo", "undo"), m,
                                 container=self.panel, command=lambda: d(screen.undo),
                                 tool_tip_text="Take back your last order this turn: a move, split, merge, recruit "
                                               "or purchase. An attack or strike rolls dice and stands.")
        y += 36
        sel_h = 104 if small else 146
        self.place_box = UITextBox("", pygame.Rect(4, y, iw, sel_h), m, container=self.panel, object_id="#place_box")
        y += sel_h + 4
        units_h = 84 if small else 136
        self.units_area = UIScrollingContainer(pygame.Rect(4, y, iw, units_h), m, container=self.panel,
                                               allow_scroll_x=False, object_id="#units_area")
        y += units_h + 4
        # What the log shows: a toggle per kind of entry (the AI's reasons start hidden).
        self.log_shows = {k: k != "reasons" for k, _ in LOG_KINDS}
        self.log_buttons: dict[str, UIButton] = {}
        bw = (iw - 4 * (len(LOG_KINDS) - 1)) // len(LOG_KINDS)
        for i, (k, label) in enumerate(LOG_KINDS):
            self.log_buttons[k] = UIButton(pygame.Rect(4 + i * (bw + 4), y, bw, 24), "", m, container=self.panel,
                                           tool_tip_text=f"Show or hide {_LOG_TIPS[k]} in the log",
                                           command=later(d, lambda k=k: self.toggle_log(k)))
        self._label_log_buttons()
        y += 28
        self.log_rect = pygame.Rect(4, y, iw, self.rect.h - y - 10)
        self.log = UITextBox("", self.log_rect, m, container=self.panel, object_id="#log_box")
        self.unit_buttons: dict[int, UIButton] = {}
        self._res_key = None
        self._sel_key = None
        self._log_last = None
        self._log_turn = None
        self._log_count = 0

    def kill(self) -> None:
        self.panel.kill()

    # -- resources ---------------------------------------------------------------------
    def _resources_html(self) -> str:
        ses = self.screen.session
        s, w = ses.state, ses.world
        you = ses.human
        rows = []
        order = [you] + [f for f in range(w.F) if f != you] if you is not None else list(range(w.F))
        for i, f in enumerate(order):
            fc = w.factions[f]
            held = s.owner == f
            vp = int(w.vp[held].sum())
            strength = D.ground_strength(s, f)
            harm = float(s.harm_by[f])
            harm_txt = f"<font color='{D.BAD if harm >= 0.5 else D.MUTED}'>{harm:,.0f}</font>"
            if i == 0 and you is not None:
                rows.append(f"{D.fac(w, f)} {D.esc(fc.name)} · <a href='gauge:victory:{f}'>how to win</a>")
                # Each figure's name is a link to what it means (explain.py, via GameScreen.follow).
                rows.append(f"<a href='gauge:funds:{f}'>Funds</a> <b>{D.money(s.treasury[f])}</b> · "
                            f"<a href='gauge:manpower:{f}'>manpower</a> <b>{D.people(s.manpower[f])}</b>"
                            + (f" · <font color='{D.BAD}'>blockading oil</font>" if s.blockade[f] else ""))
                low = s.cohesion[f] < w.spec.rules.politics.defection_below + 5
                rows.append(f"<a href='gauge:legitimacy:{f}'>Legitimacy</a> <b>{s.legitimacy[f]:.0f}</b> · "
                            f"<a href='gauge:cohesion:{f}'>cohesion</a> "
                            + (f"<font color='{D.BAD}'><b>{s.cohesion[f]:.0f}</b></font>" if low else f"<b>{s.cohesion[f]:.0f}</b>")
                            + f" · <a href='gauge:harm:{f}'>civilian harm</a> {harm_txt}")
                rows.append(f"Holds {int(held.sum())} places · {vp} <a href='gauge:points:{f}'>VP</a> · "
                            f"{D.people(strength)} fighters")
                stocks = D.stocks_html(s, f) if w.M else ""
                if stocks:
                    rows.append(stocks)
                rows.append(victory_line(s, f))
                mine = [b for b in range(w.B) if w.backer_client[b] == f]
                if mine:
                    coming = sum(1 for _, k in s.deliveries if w.backer_client[w.packages[k].backer] == f)
                    rows.append("Backers: " + ", ".join(
                        f"<font color='{D.lighten(w.backers[b].colour)}'>{D.esc(w.backers[b].name)}</font> "
                        f"{s.commitment[b]:.0f}" for b in mine)
                        + (f" · <b>{coming}</b> on the way" if coming else "") + f" <font color='#9aa4ad'>[{keys.shown('open_backers')}]</font>")
            else:
                rows.append(f"{D.fac(w, f)}: {int(held.sum())} places · {vp} VP · {D.people(strength)} fighters")
                rows.append(f"<font color='{D.MUTED}'>   {D.money(s.treasury[f])} · <a href='gauge:legitimacy:{f}'>"
                            f"legitimacy</a> {s.legitimacy[f]:.0f} · <a href='gauge:cohesion:{f}'>cohesion</a> "
                            f"{s.cohesion[f]:.0f} · <a href='gauge:harm:{f}'>harm</a></font> {harm_txt}")
        return "<br>".join(rows)

    def hovered_gauge(self) -> str | None:
        """The 'gauge:NAME:FACTION' link under the pointer in the side's numbers, if any
        (pygame_gui marks the hovered link as it lays the text out)."""
        for chunk in getattr(self.resources, "link_hover_chunks", ()):
            if chunk.is_hovered and str(chunk.href).startswith("gauge:"):
                return str(chunk.href)
        return None

    # -- selection --------------------------------------------------------------------------
    def _rebuild_units(self) -> None:
        scr = self.screen
        s, w = scr.session.state, scr.session.world
        for b in self.unit_buttons.values():
            b.kill()
        self.unit_buttons = {}
        p = scr.orders.selected_place
        if p is None:
            units = self.actionable_units()[:30]
            y = 0
            bw = self.units_area.rect.width - 22
            for u in units:
                label = f"{w.place_name(int(s.u_place[u]))}: {D.unit_name(s, u)} · {D.short_strength(float(s.u_str[u]))}"
                self.unit_buttons[u] = UIButton(pygame.Rect(0, y, bw, 26), label, scr.app.manager,
                                                container=self.units_area, object_id="#unit_button",
                                                command=later(scr.app.defer, scr.select_unit, u))
                y += 28
            self.units_area.set_scrollable_area_dimensions((bw, max(y, 10)))
            return
        units = [int(u) for u in s.units_at(p)]
        me = scr.session.human
        units.sort(key=lambda u: (int(s.u_owner[u]) != me, not w.t_ground[s.u_type[u]], u))
        y = 0
        bw = self.units_area.rect.width - 22
        idx = scr.orders.index() if scr.orders.can_order() else None
        for u in units:
            t = int(s.u_type[u])
            mine = int(s.u_owner[u]) == me and s.u_backer[u] < 0
            what = "drones" if w.t_air[t] else ""
            label = f"{D.unit_name(s, u)} · {D.short_strength(float(s.u_str[u]))}{' ' + what if what else ''}"
            if idx is not None and mine and (idx.unit_has_orders(u) or (s.u_ready[u] and idx.attacks.get(p))):
                label = "» " + label
            elif int(s.u_owner[u]) != me:
                label = f"[{w.factions[int(s.u_owner[u])].short}] " + label
            b = UIButton(pygame.Rect(0, y, bw, 26), label, scr.app.manager, container=self.units_area,
                         object_id="#unit_button" if mine else "#other_unit_button",
                         tool_tip_text=D.unit_html(s, u, scr.supplied()),
                         command=later(scr.app.defer, scr.select_unit, u))
            if u == scr.orders.selected_unit:
                b.select()
            self.unit_buttons[u] = b
            y += 28
        self.units_area.set_scrollable_area_dimensions((bw, max(y, 10)))

    def _place_html(self) -> str:
        scr = self.screen
        s, w = scr.session.state, scr.session.world
        p = scr.orders.selected_place
        u = scr.orders.selected_unit
        if p is None:
            if scr.session.backer is not None:
                return self._backer_html()
            if scr.session.spectating:
                what = "Watching a replay" if scr.session.is_replay else "Spectating"
                return (f"<font color='{D.MUTED}'>{what}. Click a place to see who holds it and what stands "
                        "there; P pauses, + and − change speed, Space skips to the end of the turn.</font>")
            return self._advice_html()
        pl = w.spec.map.places[w.place_ids[p]]
        owner = int(s.owner[p])
        lines = [f"<b>{D.esc(pl.name)}</b> · {D.fac(w, owner)} · "
                 f"<font color='{D.MUTED}'>{D.KIND_NAMES.get(pl.kind.value, pl.kind.value)}"
                 f"{', pop. ' + D.people(pl.population) if pl.population else ''}</font>"]
        # What the place holds beyond its people, each line only where it applies.
        lines += [x for x in (D.third_party_html(s, p, scr.session.human), D.oil_html(s, p), D.closed_routes_html(s, p),
                              D.siege_html(s, p), D.works_html(s, p)) if x]
        if u is not None and s.u_alive[u]:
            t = int(s.u_type[u])
            # The name links to its type's page in the encyclopedia: what such a unit can do, and the sources.
            lines.append(f"Selected: <a href='encyclopedia:unit:{w.type_ids[t]}'><b>{D.esc(D.unit_name(s, u))}</b></a>")
            lines.append(f"{D.people(s.u_str[u])}/{D.people(w.t_strength[t])} · quality {w.t_quality[t]:.2f} · "
                         + (f"range {w.t_range[t]:.0f} km · {int(s.u_sorties[u])} sorties left" + D.fires_text(s, u)
                            if w.t_air[t] else f"moves {w.t_speed[t]:.0f} km · {D.unit_status(s, u)}"))
            if scr.orders.can_order():
                mk = scr.marks
                hints = []
                if mk.moves:
                    hints.append(f"<font color='#6ee678'>{len(mk.moves)} move(s)</font>")
                if mk.attacks:
                    hints.append(f"<font color='#ff7b6b'>{len(mk.attacks)} attack(s)</font>")
                if mk.strikes:
                    hints.append(f"<font color='#ffaa28'>{len(mk.strikes)} strike target(s)</font>")
                if mk.relocations:
                    hints.append(f"<font color='#5ad2ff'>{len(mk.relocations)} airbase(s)</font>")
                lines.append(("Orders: " + ", ".join(hints)) if hints else
                             f"<font color='{D.MUTED}'>No orders left for it this turn.</font>")
        elif scr.orders.can_order() and scr.marks.attacks:
            lines.append(f"<font color='#ff7b6b'>{len(scr.marks.attacks)} place(s) can be attacked from here</font>")
        if pl.note and (u is None or not s.u_alive[u]):
            lines.append(f"<font color='{D.MUTED}'><i>{D.esc(pl.note)}</i></font>")
        return "<br>".join(lines)

    def _advice_html(self) -> str:
        """With nothing selected: what the player can do now, most useful first."""
        scr = self.screen
        ses = scr.session
        s, w = ses.state, ses.world
        if not scr.orders.can_order():
            return (f"<font color='{D.MUTED}'>The {D.esc(w.factions[s.active].short)} is moving. Click a place to see "
                    "it; Space skips the animations.</font>")
        if ses.pending_question() is not None:
            return f"<font color='{D.GOLD}'><b>A decision awaits:</b> press Enter to answer it.</font>"
        idx = scr.orders.index()
        lines = ["<b>What now?</b>"]
        units = self.actionable_units()
        # Each suggestion is a link that does what it says (GameScreen.follow).
        if units:
            lines.append(f"» {len(units)} of your units can still act — <a href='next'><b>Tab</b> selects the "
                         "next</a>, or pick one below")
        ranked = sorted(((scr.orders.odds(o, t), o, t) for o, ts in idx.attacks.items() for t in ts), reverse=True)
        # A hopeless attack is no advice: it is named once, as the best there is, not offered.
        for chance, o, t in [a for a in ranked if a[0] >= FIGHTING_CHANCE][:2]:
            col = D.GOOD if chance >= 0.6 else ("#ffb347" if chance >= 0.35 else D.BAD)
            lines.append(f"» <a href='attack:{o}:{t}'>Attack {D.esc(w.place_name(t))} from "
                         f"{D.esc(w.place_name(o))}</a>: <font color='{col}'>{chance:.0%}</font>")
        if ranked and ranked[0][0] < FIGHTING_CHANCE:
            chance, o, t = ranked[0]
            lines.append(f"<font color='{D.MUTED}'>» No attack has a fighting chance (best: "
                         f"<a href='attack:{o}:{t}'>{D.esc(w.place_name(t))} from {D.esc(w.place_name(o))}</a>, "
                         f"{chance:.0%})</font>")
        truce = D.truce_hint(s, ses.human, keys.shown("break_truce"))
        if truce:
            lines.append(truce)
        if idx.requests:
            lines.append(f"» <a href='backers'>{len(idx.requests)} backer package(s) can be asked for</a> — "
                         f"<b>{keys.shown('open_backers')}</b>")
        cut = [p for p in range(w.P) if s.owner[p] == ses.human and not scr.supplied()[ses.human][p]
               and len(s.units_at(p, ses.human))]
        if cut:
            lines.append(f"<font color='{D.BAD}'>» Cut off: {D.esc(', '.join(w.place_name(p) for p in cut[:3]))}</font>")
        if len(lines) == 1:
            lines.append("Nothing left to do: <a href='confirm'><b>Enter</b> ends the turn</a>.")
        return "<br>".join(lines)

    def _backer_html(self) -> str:
        """With nothing selected, a backer's player sees its standing: the desk's summary."""
        ses = self.screen.session
        hint = (f"<font color='{D.GOLD}'>Your step: the desk is open ({keys.shown('open_backers')}).</font>"
                if ses.is_human_turn() else
                f"<font color='{D.MUTED}'>The AI commands every faction. Your desk opens at the start of a "
                f"{D.esc(ses.world.faction_short(ses.world.client_of[ses.backer]))} turn when you have something "
                f"to send or answer ({keys.shown('open_backers')} opens it any time); click a place to see what "
                "stands there.</font>")
        return f"<b>{D.esc(ses.seat_name())}</b><br>" + summary_html(ses.state, ses.backer) + "<br>" + hint

    def actionable_units(self) -> list[int]:
        scr = self.screen
        s = scr.session.state
        f = scr.session.human
        if f is None or not scr.orders.can_order():
            return []
        idx = scr.orders.index()
        n = s.n_units
        return [u for u in range(n) if s.u_alive[u] and s.u_owner[u] == f and s.u_backer[u] < 0
                and (idx.unit_has_orders(u) or (s.u_ready[u] and idx.attacks.get(int(s.u_place[u]))))]

    # -- log ------------------------------------------------------------------------------------
    def toggle_log(self, kind: str) -> None:
        self.log_shows[kind] = not self.log_shows[kind]
        self._label_log_buttons()
        self._log_last = None  # rebuild the whole log with the new filter
        self._refresh_log()

    def _label_log_buttons(self) -> None:
        # A kind the log shows is drawn as a pressed (selected) button.
        for k, label in LOG_KINDS:
            btn = self.log_buttons[k]
            btn.set_text(label)
            if self.log_shows[k]:
                btn.select()
            else:
                btn.unselect()

    def shown_in_log(self, e) -> bool:
        """Whether the log's filter lets an entry through (see LOG_KINDS)."""
        return self.log_shows.get(log_kind(e, self.screen.session.world, self.screen.session.human), True)

    def _entry_html(self, e, last_turn) -> tuple[list[str], int]:
        w = self.screen.session.world
        out = []
        if not self.shown_in_log(e):
            return out, last_turn
        if e.turn != last_turn:
            out.append(f"<font color='{D.GOLD}'><b>— Turn {e.turn}, "
                       f"{w.date_of(e.turn).strftime('%d %b %Y').lstrip('0')} —</b></font>")
        f = w.fidx.get(e.faction) if e.faction else None
        text = D.esc(e.text)
        if e.kind == "why":
            out.append(f"<font color='{D.MUTED}'><i>{D.esc(w.factions[f].short) if f is not None else 'AI'}"
                       f" thinks: {text}</i></font>")
        elif e.kind == "news":
            out.append(f"<font color='#c9c2a8'><i>{text}</i></font>")
        elif e.kind == "refused":
            out.append(f"<font color='{D.BAD}'>{text}</font>")
        elif e.kind in ("system", "turn"):
            out.append(f"<font color='{D.MUTED}'>{text}</font>")
        elif e.kind in ("scripted", "victory", "red_line"):
            out.append(f"<font color='{D.GOLD}'><b>{text}</b></font>")
        elif f is not None:
            out.append(f"<font color='{D.lighten(w.factions[f].colour, 0.55)}'>{text}</font>")
        else:
            out.append(text)
        return out, e.turn

    def _refresh_log(self) -> None:
        """New entries are appended (cheap); the box is rebuilt only when it has grown long."""
        log = self.screen.session.log
        last = self._log_last
        if last is not None and self._log_count < 150:
            try:
                i = len(log) - 1 - next(k for k, e in enumerate(reversed(log)) if e is last)
            except StopIteration:
                i = None
            if i is not None:
                new = log[i + 1:]
                if not new:
                    return
                parts = []
                turn = self._log_turn
                for e in new:
                    lines, turn = self._entry_html(e, turn)
                    parts += lines
                if parts:
                    self.log.append_html_text("<br>" + "<br>".join(parts))
                self._log_last, self._log_turn = log[-1], turn
                self._log_count += len(parts)
                return
        parts = []
        turn = None
        for e in log[-60:]:
            lines, turn = self._entry_html(e, turn)
            parts += lines
        self.log.set_text("<br>".join(parts))
        bar = getattr(self.log, "scroll_bar", None)
        if bar is not None:
            bar.set_scroll_from_start_percentage(1.0)
            self.log.update(0.0)
        self._log_last = log[-1] if log else None
        self._log_turn = turn
        self._log_count = len(parts)

    def _set(self, box, attr: str, html: str) -> None:
        """Set a text box's text only when it differs: re-laying out HTML is the costly part."""
        if getattr(self, attr, None) != html:
            setattr(self, attr, html)
            box.set_text(html)

    def refresh(self) -> None:
        scr = self.screen
        ses = scr.session
        v = ses.version
        if self._res_key != v:
            self._res_key = v
            self._set(self.resources, "_res_html", self._resources_html())
            s = ses.state
            f = ses.human
            # Only a side holding a field that flows has anything to shut (the engine
            # offers the order only then), or one with a blockade on to lift.
            oil = f is not None and bool(s.blockade[f] or np.any((s.owner == f) & (s.oil > 0)))
            if oil != self.blockade_btn.visible:
                self.blockade_btn.show() if oil else self.blockade_btn.hide()
            if f is not None:
                label = "Blockade: ON" if s.blockade[f] else "Blockade: off"
                if self.blockade_btn.text != label:
                    self.blockade_btn.set_text(label)
        sel_key = (v, scr.orders.selected_place, scr.orders.selected_unit, scr.orders.can_order())
        if sel_key != self._sel_key:
            self._sel_key = sel_key
            self._set(self.place_box, "_place_html_text", self._place_html())
            units_key = self._units_key()
            if units_key != getattr(self, "_units_state", None):
                self._units_state = units_key
                self._rebuild_units()
            p = scr.orders.selected_place
            mine = p is not None and ses.human is not None and ses.state.owner[p] == ses.human
            _able(self.recruit_btn, mine and scr.orders.can_order())
            neutral = p is not None and ses.state.owner[p] < 0 and ses.world.allegiance_cost[p] > 0
            cost = ses.world.rules.fortification.build_cost
            dig = mine and cost is not None
            label, tip = (f"Dig in ({cost:g}M)", DIG_TIP) if dig else ("Buy allegiance", BUY_TIP)
            if self.buy_btn.text != label:
                self.buy_btn.set_text(label)
                self.buy_btn.set_tooltip(tip)
            _able(self.buy_btn, (neutral or dig) and scr.orders.can_order())
            _able(self.blockade_btn, scr.orders.can_order())
            u = scr.orders.selected_unit
            ground = (u is not None and scr.orders.can_order() and ses.state.u_alive[u]
                      and bool(ses.world.t_ground[ses.state.u_type[u]]))
            _able(self.split_btn, ground)
            _able(self.merge_btn, ground and bool(merge_partners(ses.state, u)))
            # Left enabled when nothing can be undone, so that a press says why not.
            _able(self.undo_btn, scr.orders.can_order())
        if not ses.log or ses.log[-1] is not self._log_last:
            self._refresh_log()

    def _units_key(self):
        """What the unit list shows: rebuild its buttons only when this changes."""
        scr = self.screen
        s = scr.session.state
        p = scr.orders.selected_place
        if p is None:
            units = self.actionable_units()
            return ("free", tuple(units), tuple(float(s.u_str[u]) for u in units), tuple(int(s.u_place[u]) for u in units))
        units = tuple(int(u) for u in s.units_at(p))
        return (p, units, tuple(float(s.u_str[u]) for u in units), tuple(bool(s.u_ready[u]) for u in units),
                tuple(int(s.u_sorties[u]) for u in units), scr.orders.selected_unit, scr.orders.can_order())


def _able(button, on: bool) -> None:
    if on and not button.is_enabled:
        button.enable()
    elif not on and button.is_enabled:
        button.disable()
