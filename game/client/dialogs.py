"""Windows that ask or tell: event choices, attack and strike orders, recruiting,
the backers' offers, combat reports, news and help. All are pygame_gui windows;
button callbacks are deferred to the end of the frame's event handling (the app's
`defer`), so a callback may safely close its own window or change screens."""

from __future__ import annotations

import re

import math

import pygame
from pygame_gui import UI_HORIZONTAL_SLIDER_MOVED, UI_SELECTION_LIST_NEW_SELECTION, UI_TEXT_ENTRY_CHANGED
from pygame_gui.elements import (UIButton, UIHorizontalSlider, UIScrollingContainer, UISelectionList, UITextBox,
                                 UITextEntryLine, UIWindow)

from ..engine import actions as A
from ..engine import why_illegal
from ..engine.air import intercept_chance
from ..engine.backers import red_lines_crossed
from ..engine.stacks import split_range, stays_behind
from . import describe as D
from . import encyclopedia, keys
from .explain import moved_html
from .gfx import later

TITLE_H = 34  # window title bar and borders, roughly, in the theme


class Dialog(UIWindow):
    """A window with a vertical layout helper and keyboard handling."""

    def __init__(self, screen, title: str, width: int, height: int = 200, *, blocking: bool = True,
                 closable: bool = True, object_id: str = "#dialog"):
        size = screen.app.size
        rect = pygame.Rect(0, 0, width, height)
        rect.center = (size[0] // 2, size[1] // 2)
        super().__init__(rect, screen.app.manager, window_display_title=title, object_id=object_id, draggable=True)
        self.screen = screen
        self.defer = screen.app.defer
        self.closable = closable
        self.y = 8
        self.inner_w = width - 36
        self.default = None  # Enter
        self.numbered: list = []  # 1..9
        self.closed_callback = None
        self.closed = False
        if blocking:
            self.set_blocking(True)
        if not closable and getattr(self, "close_window_button", None) is not None:
            self.close_window_button.hide()

    # layout
    def text(self, html: str, height: int | None = None, x: int = 8, width: int | None = None,
             object_id: str | None = None) -> UITextBox:
        w = width if width is not None else self.inner_w
        tb = UITextBox(html, pygame.Rect(x, self.y, w, height if height is not None else -1), self.ui_manager,
                       container=self, object_id=object_id)
        self.y += tb.rect.height + 6
        return tb

    def button(self, label: str, callback, x: int = 8, width: int | None = None, height: int = 34,
               tooltip: str | None = None, advance: bool = True, object_id: str | None = None) -> UIButton:
        w = width if width is not None else self.inner_w
        b = UIButton(pygame.Rect(x, self.y, w, height), label, self.ui_manager, container=self,
                     tool_tip_text=tooltip, object_id=object_id,
                     command=lambda: self.defer(callback))
        if advance:
            self.y += height + 6
        return b

    def fit(self, max_h: int | None = None) -> None:
        size = self.screen.app.size
        h = min(self.y + TITLE_H + 24, max_h or size[1] - 40)
        self.set_dimensions((self.rect.width, h))
        self.set_position(((size[0] - self.rect.width) // 2, max(20, (size[1] - h) // 2)))

    # closing
    def on_close_window_button_pressed(self):
        if self.closable:
            self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.kill()
        if self.closed_callback is not None:
            self.closed_callback(self)

    def key(self, key: int) -> bool:
        """Handle a key press while this window is on top; True if it was used."""
        if key in keys.ACCEPT and self.default is not None:
            self.defer(self.default)
            return True
        if key in keys.CLOSE:
            if self.closable:
                self.close()
            return True
        if key in keys.ANSWERS and keys.ANSWERS.index(key) < len(self.numbered):
            self.defer(self.numbered[keys.ANSWERS.index(key)])
            return True
        return False


class MessageDialog(Dialog):
    def __init__(self, screen, title: str, html: str, width: int = 520, button: str = "OK"):
        super().__init__(screen, title, width)
        self.text(html)
        self.button(f"{button}  [{keys.shown('confirm')}]", self.close)
        self.default = self.close
        self.fit()


class ConfirmDialog(Dialog):
    """A question before something that cannot be undone: each choice a button, and
    Cancel (or Esc) to think again."""

    def __init__(self, screen, title: str, html: str, choices: list[tuple[str, object]]):
        super().__init__(screen, title, 480)
        self.text(html)
        for i, (label, then) in enumerate(choices):
            act = (lambda then=then: (self.close(), then()))
            self.button(f"{i + 1}.  {label}", act)
            self.numbered.append(act)
        self.button(f"Cancel  [{keys.shown('cancel')}]", self.close)
        self.fit()


class SaveDialog(Dialog):
    """Save the game under a name of the player's choosing, among the other saves the
    menu's Load list shows."""

    def __init__(self, screen, suggested: str, on_save):
        super().__init__(screen, "Save the game", 460)
        self.on_save = on_save
        self.text("Name this save (letters, digits, spaces, - and _):")
        self.entry = UITextEntryLine(pygame.Rect(8, self.y, self.inner_w, 32), self.ui_manager, container=self)
        self.entry.set_text(suggested)
        self.entry.focus()
        self.y += 38
        self.button(f"Save  [{keys.shown('confirm')}]", self.go)
        self.button(f"Cancel  [{keys.shown('cancel')}]", self.close)
        self.default = self.go
        self.fit()

    def go(self) -> None:
        name = save_name(self.entry.get_text())
        if name:
            self.close()
            self.on_save(name)


def save_name(text: str) -> str:
    """A save's file name (without .json) from what the player typed: the safe characters
    only, spaces as underscores, at most 60 of them; empty if nothing usable is left."""
    kept = "".join(c if c.isalnum() or c in "-_" else "_" if c.isspace() else "" for c in text.strip())
    return kept[:60].strip("_")


class EventDialog(Dialog):
    """A scenario event's question, each answer with its note and what it does."""

    def __init__(self, screen, event_index: int, on_choose):
        session = screen.session
        w = session.world
        ev = w.events[event_index]
        fid = w.faction_ids[session.state.active]
        super().__init__(screen, f"Decision — {ev.name}", 660, closable=True, object_id="#event_dialog")
        self.event_id = w.event_ids[event_index]
        body = f"<b>{D.esc(ev.name)}</b>"
        if ev.text:
            body += f"<br><i>{D.esc(ev.text)}</i>"
        body += D.sources_line(w.spec, ev.source)
        body += f"<br><br><font color='{D.GOLD}'><b>{D.esc(ev.choice.prompt)}</b></font>"
        self.text(body)
        self.options: dict[str, UIButton] = {}
        for i, (oid, opt) in enumerate(ev.choice.options.items()):
            action = A.ChooseOption(self.event_id, oid)
            cb = (lambda a=action: on_choose(a))
            marker = " (default)" if oid == ev.choice.default else ""
            self.options[oid] = self.button(f"{i + 1}.  {opt.label}{marker}", cb, object_id="#choice_button")
            self.numbered.append(cb)
            details = []
            if opt.note:
                details.append(f"<i>{D.esc(opt.note)}</i>")
            eff = D.effects_html(w, opt.effects)
            if eff:
                details.append(f"<font color='{D.MUTED}'>{eff}</font>")
            if details:
                self.text("<br>".join(details), x=24, width=self.inner_w - 16)
        self.text(f"<font color='{D.MUTED}'>You answer for the {D.esc(w.factions[w.fidx[fid]].short)}. "
                  "Press 1–9 to choose; Esc hides this window to look at the map (Enter brings it back).</font>")
        self.fit()


class AttackDialog(Dialog):
    """An attack's odds, with a toggle for each unit that could go: a player can send
    part of a stack and keep the rest at home. The odds follow the choice."""

    MAX_TOGGLES = 12

    def __init__(self, screen, origin: int, target: int, on_confirm):
        orders = screen.orders
        w = screen.session.world
        state = screen.session.state
        self.origin, self.target, self.on_confirm = origin, target, on_confirm
        info = orders.attack_summary(origin, target)
        self.units = list(info["attackers"])
        self.going = set(self.units)
        # Sending the whole stack would leave the place bare beside an enemy: the smallest
        # unit stays to hold it unless the player sends it too.
        self.kept_home = None
        if len(self.units) > 1 and orders.bared(origin, self.going, advancing_into=target) is not None:
            self.kept_home = stays_behind(state, self.units)
            self.going.discard(self.kept_home)
        super().__init__(screen, f"Attack {w.place_name(target)}?", 540)
        lines = []
        if info["owner"] >= 0:
            lines.append(f"<b>Defending {D.esc(w.place_name(target))}:</b> {D.fac(w, info['owner'])} with "
                         f"{len(info['defenders'])} unit(s)"
                         + (f" and {D.people(info['locals'])} armed locals" if info["locals"] > 0 else "")
                         + f", {D.people(info['defence_strength'])} fighters; "
                         f"{info['terrain']} ground multiplies their strength ×{info['terrain_factor']:.1f}"
                         + (f", and their works (level {info['works']:.1f}) ×{info['works_factor']:.2f}"
                            if info["works"] > 0 else "") + ".")
        else:
            cost = w.rules.politics.neutral_attack_legitimacy
            lines.append(f"<b>{D.esc(w.place_name(target))}</b> is neutral: "
                         f"{D.people(info['defence_strength'])} armed locals defend it"
                         + (f", behind works (level {info['works']:.1f}) ×{info['works_factor']:.2f}"
                            if info["works"] > 0 else "") + "."
                         + (f" <font color='{D.BAD}'>Attacking a town that sides with nobody costs you "
                            f"{cost:g} legitimacy, win or lose.</font>" if cost > 0 else ""))
        for b, line in red_lines_crossed(state, state.active, target):
            backer = w.backers[b]
            effects = D.effects_html(w, line.effects)
            lines.append(f"<font color='{D.BAD}'><b>{D.esc(backer.name)}'s red line:</b> taking "
                         f"{D.esc(w.place_name(target))} brings it into the war (its commitment "
                         f"+{line.commitment:g}).</font>" + (f"<br>{effects}" if effects else ""))
        self.text("<br>".join(lines))
        self.text(f"<b>Who goes from {D.esc(w.place_name(origin))}</b> "
                  f"<font color='{D.MUTED}'>(click, or press its number, to keep a unit at home; "
                  "those that stay can still act this turn)</font>")
        self.toggles: dict[int, UIButton] = {}
        for i, u in enumerate(self.units[:self.MAX_TOGGLES]):
            self.toggles[u] = self.button("", lambda u=u: self.toggle(u), x=16, width=self.inner_w - 16, height=28)
            if i < 9:
                self.numbered.append(lambda u=u: self.toggle(u))
        if len(self.units) > self.MAX_TOGGLES:
            self.text(f"<font color='{D.MUTED}'>…and {len(self.units) - self.MAX_TOGGLES} more, who go.</font>")
        self.odds_box = self.text(self._odds_html(), height=244)
        self.text(f"<font color='{D.MUTED}'>Strength is fighters times their quality. The chance compares the two "
                  "powers, with the luck of battle; ranges hold eight outcomes in ten.</font>")
        self.confirm = self.button(f"Attack  [{keys.shown('confirm')}]", self.go, width=self.inner_w // 2 - 4,
                                   advance=False, object_id="#danger_button")
        self.button(f"Cancel  [{keys.shown('cancel')}]", self.close, x=8 + self.inner_w // 2 + 4,
                    width=self.inner_w // 2 - 4)
        self.default = self.go
        self._show()
        self.fit()

    def order(self) -> A.Attack:
        w = self.screen.session.world
        units = None if self.going == set(self.units) else tuple(u for u in self.units if u in self.going)
        return A.Attack(w.place_ids[self.origin], w.place_ids[self.target], units)

    def toggle(self, u: int) -> None:
        self.going ^= {u}
        self._show()

    def go(self) -> None:
        if self.going:
            self.on_confirm(self.order())

    def _show(self) -> None:
        state = self.screen.session.state
        for i, (u, btn) in enumerate(self.toggles.items()):
            mark = "[x] goes " if u in self.going else "[  ] stays"
            number = f"{i + 1}.  " if i < 9 else ""
            btn.set_text(f"{number}{mark}   {D.unit_name(state, u)} — {D.people(float(state.u_str[u]))} fighters")
        self.odds_box.set_text(self._odds_html() + self._garrison_html())
        if self.going:
            self.confirm.enable()
        else:
            self.confirm.disable()

    def _garrison_html(self) -> str:
        """Who holds the starting place afterwards: a warning when nobody would, beside an enemy."""
        w = self.screen.session.world
        here, there = D.esc(w.place_name(self.origin)), D.esc(w.place_name(self.target))
        bare = self.screen.orders.bared(self.origin, self.going, advancing_into=self.target)
        if bare is not None:
            return f"<br>If they win and advance into {there}, {bare}"
        staying = len(self.units) - len(self.going)
        if self.kept_home is not None and self.kept_home not in self.going:
            return (f"<br><font color='{D.MUTED}'>{D.esc(D.unit_name(self.screen.session.state, self.kept_home))} "
                    f"stays to hold {here}, which an enemy borders; click it to send it too.</font>")
        if staying and self.going:
            return f"<br><font color='{D.MUTED}'>{staying} unit(s) stay to hold {here}.</font>"
        return ""

    def _odds_html(self) -> str:
        state = self.screen.session.state
        w = state.world
        if not self.going:
            return f"<font color='{D.MUTED}'>Choose at least one unit to attack with.</font>"
        order = self.order()
        chance = self.screen.orders.odds(self.origin, self.target, order.units)
        col = D.GOOD if chance >= 0.6 else ("#ffb347" if chance >= 0.35 else D.BAD)
        strength = sum(float(state.u_str[u]) for u in self.going)
        out = (f"{len(self.going)} of {len(self.units)} units, {D.people(strength)} fighters, attack together."
               f"<br><font color='{col}' size=5><b>Chance to take it: {chance:.0%}</b></font>"
               f"<br>{D.battle_html(self.screen.orders.terms(self.origin, self.target, order.units))}"
               f"<br>{D.preview_html(self.screen.orders.preview(order))}")
        if chance < 0.25:
            out += (f"<br><font color='#ffb347'>Too weak: bring more units to {D.esc(w.place_name(self.origin))} "
                    "first, or wear the defenders down with drones and artillery.</font>")
        return out


class SplitDialog(Dialog):
    """How many fighters leave a unit as a new one: a few shares by number key, or any
    count on the slider. Both parts show as they will be."""

    SHARES = (("a quarter", 0.25), ("a third", 1 / 3), ("half", 0.5), ("two thirds", 2 / 3))

    def __init__(self, screen, unit: int, on_confirm):
        s = screen.session.state
        w = screen.session.world
        self.unit, self.on_confirm = unit, on_confirm
        lo, hi = split_range(s, unit)
        # Whole fighters only, inside what the rules allow.
        self.lo, self.hi = math.ceil(lo), math.floor(hi)
        self.total = float(s.u_str[unit])
        super().__init__(screen, f"Split {D.unit_name(s, unit)}", 520)
        ready = "both parts can still act this turn" if s.u_ready[unit] else "neither part can act again this turn"
        self.text(f"<b>{D.esc(D.unit_name(s, unit))}</b> at {D.esc(w.place_name(int(s.u_place[unit])))}: "
                  f"{D.people(self.total)} fighters. Choose how many leave as a new unit of the same kind; "
                  f"{ready}. <font color='{D.MUTED}'>Each part keeps at least {self.lo:,} fighters. "
                  f"Merge [{keys.shown('merge_units')}] gathers the units of one kind at a place back into one; "
                  "upkeep and strength in battle are per fighter, so nothing is lost.</font>")
        for i, (label, share) in enumerate(self.SHARES):
            part = self._clamp(self.total * share)
            cb = (lambda part=part: self.set_part(part))
            self.button(f"{i + 1}.  {label.capitalize()} leaves ({D.people(part)})", cb, height=28)
            self.numbered.append(cb)
        self.part = self._clamp(self.total / 2)
        self.slider = UIHorizontalSlider(pygame.Rect(8, self.y, self.inner_w, 28), self.part, (self.lo, self.hi),
                                         self.ui_manager, container=self, click_increment=max(1, (self.hi - self.lo) // 50))
        self.y += 34
        self.parts = self.text("", height=56)
        self.confirm = self.button(f"Split  [{keys.shown('confirm')}]", self.go, width=self.inner_w // 2 - 4,
                                   advance=False)
        self.button(f"Cancel  [{keys.shown('cancel')}]", self.close, x=8 + self.inner_w // 2 + 4,
                    width=self.inner_w // 2 - 4)
        self.default = self.go
        self._show()
        self.fit()

    def _clamp(self, n: float) -> int:
        return int(min(max(round(n), self.lo), self.hi))

    def set_part(self, n: float) -> None:
        self.part = self._clamp(n)
        self.slider.set_current_value(self.part)
        self._show()

    def _show(self) -> None:
        self.parts.set_text(f"Stays: <b>{D.people(self.total - self.part)}</b> fighters · "
                            f"leaves as a new unit: <b>{D.people(self.part)}</b>")

    def go(self) -> None:
        self.on_confirm(A.Split(self.unit, float(self.part)))

    def process_event(self, event) -> bool:
        if event.type == UI_HORIZONTAL_SLIDER_MOVED and event.ui_element is self.slider:
            self.part = self._clamp(self.slider.get_current_value())
            self._show()
            return True
        return super().process_event(event)


class StrikeDialog(Dialog):
    def __init__(self, screen, unit: int, target: int, kinds, on_choose):
        s = screen.session.state
        w = screen.session.world
        super().__init__(screen, f"Air strike on {w.place_name(target)}", 520)
        self.kinds = list(kinds)
        ic = intercept_chance(s, s.active, target)
        self.text(f"<b>{D.esc(D.unit_name(s, unit))}</b> from {D.esc(w.place_name(int(s.u_place[unit])))}, "
                  f"{int(s.u_sorties[unit])} sortie(s) left.<br>"
                  + (f"<font color='{D.BAD}'>Enemy air defence covers the target: {ic:.0%} chance the strike "
                     "is shot down.</font>" if ic > 0 else f"<font color='{D.GOOD}'>No enemy air defence covers "
                                                             "the target.</font>"))
        enemy = [int(u) for u in s.units_at(target) if w.enemies[s.active, s.u_owner[u]]]
        ground = sum(float(s.u_str[u]) for u in enemy if w.t_ground[s.u_type[u]])
        n_ad = sum(1 for u in enemy if w.t_ad[s.u_type[u]])
        what = {
            "units": f"Hit the ground forces there ({D.people(ground)} fighters)",
            "air_defence": f"Hunt the air defence there ({n_ad} batter{'ies' if n_ad != 1 else 'y'})",
            "supply": "Cut the supply roads through it until its holder's turn ends",
        }
        for i, k in enumerate(kinds):
            action = A.DroneStrike(unit, w.place_ids[target], k)
            cb = (lambda a=action: on_choose(a))
            self.button(f"{i + 1}.  {what.get(k, k)}", cb)
            self.numbered.append(cb)
            if k != "supply":
                self.text(D.preview_html(screen.orders.preview(action), strike=True), x=24, width=self.inner_w - 16)
        if len(kinds) == 1:
            self.default = self.numbered[0]
        self.button(f"Cancel  [{keys.shown('cancel')}]", self.close)
        self.fit()


class RecruitDialog(Dialog):
    def __init__(self, screen, place: int, on_choose):
        session = screen.session
        s, w = session.state, session.world
        f = session.human
        super().__init__(screen, f"Raise forces at {w.place_name(place)}", 560)
        cap = w.recruit_cap[place]
        share = (f" {w.place_name(place)} gives {D.people(cap)} recruits a turn; it has given "
                 f"{D.people(s.raised[place])} this turn." if math.isfinite(cap) else "")
        self.text(f"Funds {D.money(s.treasury[f])} · manpower {D.people(s.manpower[f])}. "
                  f"<font color='{D.MUTED}'>New units are ready next turn. Only supplied towns of "
                  f"{w.spec.rules.economy.min_recruit_population:,} people or more can raise fighters.{share}</font>")
        for i, tid in enumerate(w.factions[f].recruits):
            ut = w.spec.unit_types[tid]
            action = A.Recruit(tid, w.place_ids[place])
            reason = why_illegal(s, action)
            label = f"{ut.name} — {D.money(ut.cost)}, {ut.manpower:,} recruits · strength {ut.strength:,}, quality {ut.quality:g}"
            cb = (lambda a=action: on_choose(a))
            b = self.button(f"{i + 1}.  {label}", cb, tooltip=(f"Cannot: {reason}" if reason else
                                                             f"Upkeep {D.money(ut.upkeep)} a turn"))
            if reason:
                b.set_text(f"{i + 1}.  {label}  (not now)")
            self.numbered.append(cb)
        self.button(f"Close  [{keys.shown('cancel')}]", self.close)
        self.fit()


class BackersWindow(Dialog):
    """Who backs you, how committed they are, what they can still send, and what is on the way."""

    def __init__(self, screen, on_request):
        session = screen.session
        s, w = session.state, session.world
        f = session.human if session.human is not None else s.active
        size = screen.app.size
        width = min(820, size[0] - 80)
        super().__init__(screen, "Backers", width, size[1] - 100, blocking=True)
        inner_h = size[1] - 100 - TITLE_H - 30
        self.scroll = UIScrollingContainer(pygame.Rect(0, 0, width - 32, inner_h), self.ui_manager, container=self,
                                           allow_scroll_x=False)
        c = self.scroll
        y = 6
        cw = width - 60

        def add_text(html, x=6, wdt=None):
            nonlocal y
            tb = UITextBox(html, pygame.Rect(x, y, wdt or cw, -1), self.ui_manager, container=c)
            y += tb.rect.height + 4
            return tb

        add_text(f"Your funds: <b>{D.money(s.treasury[f])}</b>. A backer grants a request with a chance equal "
                 f"to its commitment (+{w.spec.rules.backers.request_bonus:g}); a refusal still raises its "
                 "commitment. Each package can be asked for once a turn.")
        self.request_buttons: dict[tuple[str, str], UIButton] = {}
        for b, bk in enumerate(w.backers):
            if w.backer_client[b] != f:
                continue
            com = float(s.commitment[b])
            head = (f"<font color='{D.lighten(bk.colour)}' size=4><b>{D.esc(bk.name)}</b></font>  "
                    f"commitment <b>{com:.0f}</b>/100 · budget "
                    f"{D.money(s.budget[b])} (+{D.money(bk.budget_per_turn)}/turn)")
            if bk.interests:
                head += f"<br><font color='{D.MUTED}'><i>Wants: {D.esc('; '.join(bk.interests))}</i></font>"
            moved = moved_html(s, "commitment", b)
            if moved:
                head += f"<br><font color='#c8d0d8'>{'<br>'.join(moved)}</font>"
            add_text(head + D.sources_line(w.spec, bk.source))
            for k in w.packages_of_backer[b]:
                ref = w.packages[k]
                pk = ref.spec
                reason = D.package_block_reason(s, f, k) if session.human is not None else "spectating"
                status = (f"<font color='{D.GOOD}'>can be asked for now</font>" if reason is None
                          else f"<font color='{D.MUTED}'>{D.esc(reason)}</font>")
                top = y
                add_text(f"<b>{D.esc(pk.name)}</b> — sent {int(s.sent[k])}/{pk.cap}<br>"
                         f"<font color='#c8d0d8'>{D.esc(D.package_terms(pk, w.spec))}</font><br>{status}"
                         + D.sources_line(w.spec, pk.source), x=24, wdt=cw - 150)
                action = A.RequestSupport(w.backer_ids[b], ref.id)
                btn = UIButton(pygame.Rect(cw - 118, top + 6, 120, 32), "Request", self.ui_manager, container=c,
                               tool_tip_text=f"Cannot: {reason}" if reason else "Ask for this package now",
                               command=later(self.defer, on_request, action))
                if reason is not None:
                    btn.disable()  # the reason is written beside it
                self.request_buttons[(w.backer_ids[b], ref.id)] = btn
            y += 6
        on_way = [(t, k) for t, k in s.deliveries if w.backer_client[w.packages[k].backer] == f]
        lines = ["<b>On the way</b>"]
        if on_way:
            for t, k in sorted(on_way):
                ref = w.packages[k]
                lines.append(f"• {D.esc(ref.spec.name)} from {D.esc(w.backers[ref.backer].name)} — turn {t}"
                             f" ({'next turn' if t == s.turn + 1 else f'in {t - s.turn} turns' if t > s.turn else 'now'})")
        else:
            lines.append(f"<font color='{D.MUTED}'>Nothing has been promised yet.</font>")
        rivals = [(b, bk) for b, bk in enumerate(w.backers) if w.backer_client[b] != f]
        if rivals:
            lines.append("<br><b>The other side's backers</b>")
            for b, bk in rivals:
                lines.append(f"• <font color='{D.lighten(bk.colour)}'>{D.esc(bk.name)}</font> backs "
                             f"{D.fac(w, int(w.backer_client[b]))}: commitment {s.commitment[b]:.0f}")
        add_text("<br>".join(lines))
        c.set_scrollable_area_dimensions((cw + 10, y + 10))
        shown = min(y + 10, inner_h)
        c.set_dimensions((width - 32, shown))
        self.y = shown + 4
        self.fit(max_h=size[1] - 60)


class ReportDialog(Dialog):
    """After a battle the player ordered: who fought, who lost what, who holds the place."""

    def __init__(self, screen, events):
        w = screen.session.world
        battle = next((e for e in events if e.kind in ("battle", "capture")), None)
        title = "Combat report"
        super().__init__(screen, title, 520)
        lines = []
        if battle is not None:
            d = battle.data or {}
            place = w.spec.map.places.get(d.get("place", ""), None)
            pname = place.name if place else "?"
            if battle.kind == "capture":
                lines.append(f"<font color='{D.GOOD}' size=5><b>{D.esc(pname)} taken unopposed</b></font>")
            elif d.get("won"):
                verb = "Defenders routed" if d.get("routed") else "Taken"
                lines.append(f"<font color='{D.GOOD}' size=5><b>{verb}: {D.esc(pname)}</b></font>")
            else:
                lines.append(f"<font color='{D.BAD}' size=5><b>Assault on {D.esc(pname)} repulsed</b></font>")
            if battle.kind == "battle":
                lines.append(f"Your losses: <b>{d.get('attacker_lost', 0):,}</b> · theirs: "
                             f"<b>{d.get('defender_lost', 0):,}</b> · force ratio on the day {d.get('ratio', 0):.2f}")
                if d.get("harm", 0) >= 0.5:
                    lines.append(f"<font color='{D.BAD}'>Civilians harmed: {d['harm']:,.0f} "
                                 "(costs legitimacy)</font>")
        others = [e.text for e in events if e is not battle]
        if others:
            lines.append("<br>" + "<br>".join(D.esc(t) for t in others))
        self.text("<br>".join(lines) or "Nothing happened.")
        self.button(f"OK  [{keys.shown('confirm')}]", self.close)
        self.default = self.close
        self.fit()


class NewsDialog(Dialog):
    """What the scenario's events brought since the player last moved."""

    def __init__(self, screen, items: list[tuple[str, str, str]]):
        super().__init__(screen, "News", 600)
        body = "<br><br>".join((f"<b>{D.esc(name)}</b><br><i>{D.esc(text)}</i>" if text else f"<b>{D.esc(name)}</b>")
                               + cited for name, text, cited in items)
        self.text(body, height=min(520, 60 + 70 * len(items)))
        self.button(f"Continue  [{keys.shown('confirm')}]", self.close)
        self.default = self.close
        self.fit()


HELP = """<b>Giving orders</b><br>
Click a place to select it and its best unit; click a unit in the side panel to pick another.<br>
<font color='#6ee678'>Green rings</font>: where the unit can move. <font color='#ff5a46'>Red rings</font>: places
you can attack from here, with the chance to take them. <font color='#ffaa28'>Orange</font>: drone targets in
range. <font color='#5ad2ff'>Blue</font>: airbases a squadron can fly to.<br>
Left-click a ring to give the order; right-click anywhere to try an order — if the rules forbid it you are told
why.<br>
An attack dialog lets you keep some units at home. Split a unit in two to leave part of it behind, and merge units of
one kind at a place back into one; before a move or attack leaves a place with no garrison beside the enemy, you are
asked. Orders that roll no dice (moves, splits, merges, recruits) can be undone until the turn ends; an attack or
strike rolls dice and stands, and undo stops there.<br><br>
<b>Keys</b><br>
{keys}<br><br>
<b>Reading the map</b><br>
Tinted ground shows who holds the nearest town. Circles are towns sized by population, diamonds airbases,
squares oil fields and terminals; a gold ring marks an objective. Counters beside a place show the fighters
there; a yellow dot means some can still act; a red edge and ! mean they are cut off from supply."""


def help_html() -> str:
    # The source wraps its lines for reading here; the window wraps them to its width.
    return re.sub(r"\s*<br>\s*", "<br>", " ".join(HELP.split())).format(keys=keys.help_html())


class EncyclopediaWindow(Dialog):
    """How to play, the rules, the glossary, every unit type, backer and place, written
    from the scenario (`encyclopedia`): a search line and a list of pages on the left, the
    page on the right. Typing in the search line keeps the pages that hold what is typed,
    titles first, and shows the first; Up and Down step through the list."""

    LIST_W = 300
    SEARCH_H = 32

    def __init__(self, screen, key: str = "help"):
        size = screen.app.size
        width = min(1040, size[0] - 60)
        height = size[1] - 70
        super().__init__(screen, "Encyclopedia", width, height)
        self.pages = encyclopedia.entries(screen.session.world.spec, help_html())
        self.words = [encyclopedia.searchable(e) for e in self.pages]
        self.visible = list(range(len(self.pages)))  # the listed pages, as indices into self.pages
        inner_h = height - TITLE_H - 60
        self.search = UITextEntryLine(pygame.Rect(8, 8, self.LIST_W, self.SEARCH_H), self.ui_manager, container=self,
                                      placeholder_text="Search: type a word")
        list_y = 8 + self.SEARCH_H + 6
        self.listing = UISelectionList(pygame.Rect(8, list_y, self.LIST_W, inner_h - list_y + 8),
                                       [e.title for e in self.pages], self.ui_manager, container=self)
        self.page = UITextBox("", pygame.Rect(self.LIST_W + 16, 8, width - self.LIST_W - 52, inner_h),
                              self.ui_manager, container=self)
        self.y = inner_h + 14
        self.button(f"Close  [{keys.shown('cancel')}]", self.close)
        self.default = self.close
        self.shown = ""
        self.open_at(key)
        self.set_position(((size[0] - width) // 2, 20))

    def open_at(self, key: str) -> bool:
        """Show the page with this key (e.g. "unit:ID"); False if there is none. A page
        the search has left out of the list is shown all the same (a link asked for it)."""
        for i, e in enumerate(self.pages):
            if e.key == key:
                self.shown = e.key
                self.page.set_text(e.html)
                self._mark_selected()
                return True
        return False

    def _mark_selected(self) -> None:
        for j, item in enumerate(self.listing.item_list):
            on = j < len(self.visible) and self.pages[self.visible[j]].key == self.shown
            item["selected"] = on
            button = item.get("button_element")
            if button is not None:
                button.select() if on else button.unselect()

    def filter(self, text: str) -> None:
        """List only the pages the search finds (`encyclopedia.matching`) and show the
        best of them; an empty search lists every page again."""
        self.visible = encyclopedia.matching(self.pages, self.words, text)
        titles = [self.pages[i].title for i in self.visible]
        self.listing.set_item_list(titles or ["(no page holds those words)"])
        if self.visible and text.strip():
            self.open_at(self.pages[self.visible[0]].key)
        else:
            self._mark_selected()

    def step(self, by: int) -> None:
        if not self.visible:
            return
        keys_ = [self.pages[i].key for i in self.visible]
        i = keys_.index(self.shown) if self.shown in keys_ else -1 if by > 0 else 0
        self.open_at(keys_[(i + by) % len(keys_)])

    def process_event(self, event) -> bool:
        if event.type == UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.listing:
            key = next((self.pages[i].key for i in self.visible if self.pages[i].title == event.text), None)
            if key is not None and key != self.shown:
                self.defer(lambda: self.open_at(key))
            return True
        if event.type == UI_TEXT_ENTRY_CHANGED and event.ui_element is self.search:
            self.filter(self.search.get_text())
            return True
        return super().process_event(event)

    def key(self, key: int) -> bool:
        if key in keys.STEP:
            self.step(keys.STEP[key])
            return True
        if key in keys.CLOSE and self.search.get_text():
            self.search.set_text("")  # Esc first clears the search, then closes
            self.filter("")
            return True
        if key in keys.ACCEPT and self.search.is_focused:
            self.search.unfocus()  # the page found stays; Enter again closes the window
            return True
        return super().key(key)
