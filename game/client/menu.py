"""The main menu: pick a scenario (broken ones listed with their problems), a side
or spectating, the AI level and a seed; load a game; set options; quit."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from pathlib import Path

import numpy as np
import pygame
import pygame_gui
from pygame_gui.elements import (UIButton, UICheckBox, UIDropDownMenu, UILabel, UIPanel, UIScrollingContainer,
                                  UITextBox, UITextEntryLine)
from pygame_gui.windows import UIFileDialog

from ..engine import World
from . import describe as D
from . import keys
from .gfx import later
from .catalog import Entry, load_entry, scan
from .dialogs import Dialog, MessageDialog
from .map_view import MapView
from .options import SIZES, SPEEDS, Options
from .paths import DEFAULT_SCENARIO
from .tutorial import find_tutorials
from .session import available_levels, default_level, list_saves

SPECTATE = "__spectate__"
BACKER = "__backer__:"  # the side menu's value for a backer's seat, before the backer's id
NOBODY = "__nobody__"  # no second player


class MenuScreen:
    name = "menu"

    def __init__(self, app, preselect: Path | None = None, message: tuple[str, str] | None = None):
        self.app = app
        W, H = app.size
        m = app.manager
        d = app.defer
        entries = scan(app.scenario_dir)
        known = {e.path.resolve() for e in entries}
        for extra in [*app.extra_scenarios, *([preselect] if preselect else [])]:
            if Path(extra).resolve() not in known:
                entries.append(load_entry(Path(extra)))
                known.add(Path(extra).resolve())
        self.entries: list[Entry] = entries
        self.dialogs: list = []
        self.backdrop: MapView | None = None
        self.backdrop_owner = None
        self.file_dialog = None
        top = 118
        bottom = H - 70
        lw = 420
        self.list_panel = UIPanel(pygame.Rect(40, top, lw, bottom - top), manager=m, object_id="#menu_panel")
        UILabel(pygame.Rect(10, 6, lw - 20, 26), "Scenarios", m, container=self.list_panel, object_id="#heading")
        list_h = min(len(entries) * 48 + 4, (bottom - top) // 2)
        self.list_area = UIScrollingContainer(pygame.Rect(6, 38, lw - 16, list_h), m,
                                              container=self.list_panel, allow_scroll_x=False)
        self.scenario_buttons: list[UIButton] = []
        for i, e in enumerate(entries):
            label = e.title if e.ok else f"Broken: {e.path.name} — {e.problem_count} problem(s)"
            b = UIButton(pygame.Rect(0, i * 48, lw - 40, 44), label, m, container=self.list_area,
                         object_id="#scenario_button" if e.ok else "#broken_scenario_button",
                         tool_tip_text=str(e.path),
                         command=later(d, self.select, i))
            self.scenario_buttons.append(b)
        self.list_area.set_scrollable_area_dimensions((lw - 40, len(entries) * 48 + 4))
        UITextBox(
            "<b>New to Sandtable?</b><br>"
            "<b>Tutorial</b> (below) teaches the controls step by step, in the first turns of a real war. Or "
            "pick a scenario and a side; the panel on the right says what each side must do to win. Each turn, "
            "move and attack with your units, ask your foreign backers for money, drones, air defence or fighters, "
            "answer the events that come your way, then press <b>Enter</b> to end the turn. Or play a foreign "
            "backer (listed under the sides): the AI fights the war, and you decide what to send. Two people at "
            "one machine pick a second seat under Hotseat.<br>"
            f"<font color='{D.MUTED}'>Help (F1) in the game lists every key. Scenarios are YAML files in "
            f"{D.esc(app.scenario_dir.name)}/; a broken one is listed here with its errors.</font>",
            pygame.Rect(8, 38 + list_h + 14, lw - 20, bottom - top - list_h - 60), m, container=self.list_panel)
        rx = 40 + lw + 20
        rw = W - rx - 40
        self.detail_panel = UIPanel(pygame.Rect(rx, top, rw, bottom - top), manager=m, object_id="#menu_panel")
        self.details = UITextBox("", pygame.Rect(8, 8, rw - 20, bottom - top - 120), m, container=self.detail_panel)
        y = bottom - top - 104
        # Play as [........]  AI level [......]  Seed [....]  laid out to the panel's width
        seed_w, level_w = 90, 140
        side_w = max(220, rw - 20 - 80 - 84 - level_w - 56 - seed_w - 24)
        x = 10
        UILabel(pygame.Rect(x, y, 76, 30), "Play as", m, container=self.detail_panel)
        x += 80
        self.side_slot = pygame.Rect(x, y, side_w, 32)
        x += side_w + 12
        UILabel(pygame.Rect(x, y, 72, 30), "AI level", m, container=self.detail_panel)
        x += 72
        levels = available_levels()
        self.level_menu = UIDropDownMenu(levels, default_level(), pygame.Rect(x, y, level_w, 32), m,
                                         container=self.detail_panel, object_id="#up_drop_down")
        x += level_w + 12
        UILabel(pygame.Rect(x, y, 44, 30), "Seed", m, container=self.detail_panel)
        x += 44
        self.seed_entry = UITextEntryLine(pygame.Rect(x, y, seed_w, 32), m, container=self.detail_panel)
        self.seed_entry.set_allowed_characters("numbers")
        self.seed_entry.set_text(str(secrets.randbelow(100000)))
        self.start_button = UIButton(pygame.Rect(rw - 260, y + 46, 240, 46), "Start game  [Enter]", m,
                                     container=self.detail_panel, object_id="#start_button",
                                     command=lambda: d(self.start))
        # A second person at the same machine: hotseat, each seat's view hidden from the other.
        UILabel(pygame.Rect(10, y + 54, 76, 30), "Hotseat", m, container=self.detail_panel)
        self.second_slot = pygame.Rect(90, y + 52, rw - 280 - 90, 32)  # up to the start button
        self.second_menu = None
        self.side_menu = None
        bx = 40
        self.bottom_buttons = []
        for label, cb in (("Load game", self.open_load), ("Options", self.open_options),
                          ("Tutorial", self.start_tutorial), ("Quit", app.quit)):
            b = UIButton(pygame.Rect(bx, H - 58, 160, 42), label, m, command=later(d, cb))
            self.bottom_buttons.append(b)
            if label == "Tutorial":
                self.tutorial_button = b
                if not find_tutorials(app.scenario_dir):
                    b.disable()
            bx += 170
        self.selected = 0
        pick = 0
        wanted = Path(preselect) if preselect is not None else DEFAULT_SCENARIO
        for i, e in enumerate(entries):
            if e.path.resolve() == wanted.resolve() or (preselect is None and e.path.name == wanted.name):
                pick = i
        if entries:
            self.select(pick)
        else:
            self.details.set_text(f"No scenario files found in {D.esc(app.scenario_dir)}.")
            self.start_button.disable()
        if message is not None:
            self.dialogs.append(MessageDialog(self, *message))

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        for d in self.dialogs:
            d.kill()
        if self.file_dialog is not None:
            self.file_dialog.kill()
        self.list_panel.kill()
        self.detail_panel.kill()
        for b in self.bottom_buttons:
            b.kill()

    def rebuild(self):
        entry = self.entries[self.selected] if self.entries else None
        self.close()
        return MenuScreen(self.app, preselect=entry.path if entry else None)

    # -- selection ---------------------------------------------------------------------------
    def select(self, i: int) -> None:
        self.selected = i
        e = self.entries[i]
        for j, b in enumerate(self.scenario_buttons):
            b.select() if j == i else b.unselect()
        m = self.app.manager
        for menu in (self.side_menu, self.second_menu):
            if menu is not None:
                menu.kill()
        self.side_menu = self.second_menu = None
        if not e.ok:
            self.details.kill()
            rw = self.detail_panel.rect.width
            self.details = UITextBox(
                f"<font color='{D.BAD}'><b>{D.esc(e.path.name)} cannot be played</b></font><br>"
                f"<font color='{D.MUTED}'>Fix these problems in the file and reopen the menu "
                f"(or run <i>sandtable validate {D.esc(e.path.name)}</i>):</font><br><br>"
                + "<br>".join(D.esc(ln) for ln in (e.error or "").splitlines()),
                pygame.Rect(8, 8, rw - 20, self.detail_panel.rect.height - 128), m, container=self.detail_panel,
                object_id="#error_box")
            self.start_button.disable()
            self.backdrop = None
            return
        self.details.kill()
        rw = self.detail_panel.rect.width
        self.details = UITextBox(self._details_html(e), pygame.Rect(8, 8, rw - 20, self.detail_panel.rect.height - 128),
                                 m, container=self.detail_panel)
        spec = e.loaded.spec
        options = [(f"{f.short} — {f.name}", fid) for fid, f in spec.factions.items() if f.playable]
        # A backer's seat: the AI commands every faction, the player decides what one backer sends.
        options += [(f"{b.name} — backer of the {spec.factions[b.supports].short}", BACKER + bid)
                    for bid, b in spec.backers.items()]
        seats = list(options)
        options.append(("Spectate (AI against AI)", SPECTATE))
        self.side_menu = UIDropDownMenu(options, options[0], self.side_slot, m, container=self.detail_panel,
                                        object_id="#up_drop_down")
        second = [("No second player (the AI plays the rest)", NOBODY)] + seats
        self.second_menu = UIDropDownMenu(second, second[0], self.second_slot, m, container=self.detail_panel,
                                          object_id="#up_drop_down")
        self.start_button.enable()
        self._make_backdrop(e)

    def _details_html(self, e: Entry) -> str:
        spec = e.loaded.spec
        meta = spec.meta
        end = meta.start_date.toordinal() + meta.days_per_turn * (meta.last_turn - 1)
        lines = [f"<font size=5><b>{D.esc(meta.title)}</b></font>",
                 f"<font color='{D.MUTED}'>{D.long_date(meta.start_date)} to "
                 f"{D.long_date(dt.date.fromordinal(end))} · {meta.last_turn} turns of "
                 f"{meta.days_per_turn} days · {len(spec.map.places)} places · {len(spec.events)} events</font>",
                 "", D.esc(meta.description), "", "<b>Sides</b>"]
        w = World(spec, e.loaded.sha256)
        for i, (fid, f) in enumerate(spec.factions.items()):
            wins = " Or: ".join((v.note or v.kind.value).rstrip(".") + "." for v in f.victory)
            lines.append(f"{D.fac(w, i)} {D.esc(f.name)}"
                         + (f" <font color='{D.MUTED}'>— {D.esc(f.leader)}</font>" if f.leader else "")
                         + f"<br><font color='{D.MUTED}'><i>Wins if: {D.esc(wins)}</i></font>")
        lines.append("<br><b>Foreign backers</b>")
        by: dict[str, list[str]] = {}
        for b in spec.backers.values():
            by.setdefault(b.supports, []).append(f"<font color='{D.lighten(b.colour)}'>{D.esc(b.name)}</font>")
        for fid, names in by.items():
            lines.append(f"{D.fac(w, w.fidx[fid])}: " + ", ".join(names))
        return "<br>".join(lines)

    def _make_backdrop(self, e: Entry) -> None:
        spec = e.loaded.spec
        world = World(spec, e.loaded.sha256)
        W, H = self.app.size
        self.backdrop = MapView(world, e.loaded.geojson, pygame.Rect(0, 0, W, H), self.app.fonts)
        self.backdrop_owner = np.array([world.fidx[p.owner] if p.owner else -1 for p in spec.map.places.values()])

    # -- actions -------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.entries:
            return
        e = self.entries[self.selected]
        if not e.ok:
            self.dialogs.append(MessageDialog(self, "This scenario is broken",
                                              "Fix the problems listed on the right first."))
            return
        side = self.side_menu.selected_option[1] if self.side_menu is not None else SPECTATE
        spec = e.loaded.spec
        second = self.second_menu.selected_option[1] if self.second_menu is not None else NOBODY
        if second != NOBODY and side in (SPECTATE, second):
            self.dialogs.append(MessageDialog(self, "Choose two seats", "A hotseat game needs two different seats: "
                                              "pick yours under Play as, and the second player's under Hotseat."))
            return
        seat, hotseat = _seat(spec, side), _seat(spec, second)
        level = self.level_menu.selected_option[1]
        text = self.seed_entry.get_text().strip()
        seed = int(text) if text.isdigit() else secrets.randbelow(100000)
        human = seat[1] if seat is not None and seat[0] == "faction" else None
        backer = seat[1] if seat is not None and seat[0] == "backer" else None
        self.app.new_game(e.loaded, human, level, seed, backer, hotseat)

    def start_tutorial(self) -> None:
        """The selected scenario's tutorial if it has one, else the first scenario's that does."""
        found = find_tutorials(self.app.scenario_dir)
        if not found:
            return
        chosen = self.entries[self.selected].path if self.entries else None
        path = next((p for p in found if chosen is not None and p.resolve() == chosen.resolve()), found[0])
        err = self.app.start_tutorial(path)
        if err is not None:
            self.dialogs.append(MessageDialog(self, "Cannot start the tutorial", D.esc(err).replace("\n", "<br>"), 620))

    def open_options(self) -> None:
        self.dialogs.append(OptionsDialog(self))

    def open_load(self) -> None:
        self.dialogs.append(LoadDialog(self))

    def browse(self) -> None:
        W, H = self.app.size
        start = str(self.app.save_dir / "saves") if self.app.save_dir else str(Path.cwd())
        self.file_dialog = UIFileDialog(pygame.Rect(W // 2 - 260, H // 2 - 220, 520, 440), self.app.manager,
                                        window_title="Load a saved game", initial_file_path=start,
                                        allow_existing_files_only=True, allowed_suffixes={".json"})

    def load(self, path: Path) -> None:
        for dlg in list(self.dialogs):
            dlg.kill()
        err = self.app.load_game(path)
        if err is not None:
            self.dialogs.append(MessageDialog(self, "Cannot load this save", D.esc(err).replace("\n", "<br>"), 620))

    # -- frame ---------------------------------------------------------------------------------
    def handle(self, event, consumed: bool) -> None:
        if event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED and event.ui_element is self.file_dialog:
            self.file_dialog = None
            self.app.defer(lambda p=Path(event.text): self.load(p))
        elif event.type == pygame_gui.UI_WINDOW_CLOSE and event.ui_element is self.file_dialog:
            self.file_dialog = None
        elif event.type == pygame.KEYDOWN:
            top = next((dl for dl in reversed(self.dialogs) if not dl.closed and dl.alive()), None)
            if top is not None:
                top.key(event.key)
                return
            if self.file_dialog is not None:
                return
            if event.key in keys.ACCEPT and not self.seed_entry.is_focused:
                self.app.defer(self.start)
            elif event.key in keys.STEP and self.entries:
                self.select((self.selected + keys.STEP[event.key]) % len(self.entries))

    def update(self, dt: float) -> None:
        self.dialogs = [d for d in self.dialogs if not d.closed and d.alive()]

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill((16, 22, 28))
        if self.backdrop is not None:
            self.backdrop.draw_backdrop(surface, self.backdrop_owner, labels=False)
            if getattr(self, "_shade", None) is None or self._shade.get_size() != surface.get_size():
                self._shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
                self._shade.fill((8, 12, 16, 165))
            surface.blit(self._shade, (0, 0))
        f = self.app.fonts
        surface.blit(f.text("SANDTABLE", 46, (240, 232, 210), bold=True, halo=(0, 0, 0)), (40, 22))
        surface.blit(f.text("A strategy simulation of proxy war: local factions fight, foreign backers decide "
                            "how much to send.", 17, (210, 214, 218), halo=(0, 0, 0)), (44, 82))


class OptionsDialog(Dialog):
    def __init__(self, screen):
        super().__init__(screen, "Options", 460)
        app = screen.app
        m = app.manager
        o = app.options
        sizes = [f"{w}×{h}" for w, h in SIZES]
        cur = f"{o.width}×{o.height}"
        if cur not in sizes:
            sizes.append(cur)
        UILabel(pygame.Rect(8, self.y, 160, 30), "Window size", m, container=self)
        self.size_menu = UIDropDownMenu(sizes, cur, pygame.Rect(180, self.y, 230, 30), m, container=self)
        self.y += 40
        self.fullscreen = UICheckBox(pygame.Rect(180, self.y + 4, 22, 22), "Fullscreen", m, container=self,
                                     initial_state=o.fullscreen)
        self.y += 40
        UILabel(pygame.Rect(8, self.y, 160, 30), "Animations", m, container=self)
        self.speed_menu = UIDropDownMenu(list(SPEEDS), o.speed, pygame.Rect(180, self.y, 230, 30), m, container=self)
        self.y += 48
        self.button("Apply", self.apply, width=self.inner_w // 2 - 4, advance=False)
        self.button("Cancel", self.close, x=8 + self.inner_w // 2 + 4, width=self.inner_w // 2 - 4)
        self.default = self.apply
        self.fit()

    def apply(self) -> None:
        w, h = (int(x) for x in self.size_menu.selected_option[1].split("×"))
        opts = Options(width=w, height=h, fullscreen=bool(self.fullscreen.get_state()),
                       speed=self.speed_menu.selected_option[1])
        self.close()
        self.screen.app.apply_options(opts)


class LoadDialog(Dialog):
    def __init__(self, screen):
        super().__init__(screen, "Load a saved game", min(900, screen.app.size[0] - 80))
        app = screen.app
        saves = list_saves(app.save_dir)
        if not saves:
            self.text(f"<font color='{D.MUTED}'>No saved games in "
                      f"{D.esc(app.save_dir / 'saves' if app.save_dir else 'the save directory')} yet. "
                      "Games are saved automatically every turn, and with F5.</font>")
        # A save notes its scenario by id; the menu's list knows the titles a person reads.
        titles = {e.loaded.spec.meta.id: e.title for e in getattr(screen, "entries", []) if e.ok}
        for i, p in enumerate(saves[:9]):
            self.button(f"{i + 1}.  {describe_save(p, titles)}", lambda p=p: screen.load(p),
                        object_id="#save_button")
            self.numbered.append(lambda p=p: screen.load(p))
        self.button("Browse for a file…", screen.browse, width=self.inner_w // 2 - 4, advance=False)
        self.button("Cancel  [Esc]", self.close, x=8 + self.inner_w // 2 + 4, width=self.inner_w // 2 - 4)
        self.fit()


def _seat(spec, value: str):
    """The seat a side menu's value names: ("faction", i), ("backer", i), or None."""
    if value.startswith(BACKER):
        return ("backer", list(spec.backers).index(value[len(BACKER):]))
    if value in spec.factions:
        return ("faction", list(spec.factions).index(value))
    return None


def _readable(iso) -> str:
    """A save's noted date as a person reads it; a note that is not a date is shown as written."""
    try:
        return D.long_date(dt.date.fromisoformat(str(iso)))
    except ValueError:
        return str(iso)


def describe_save(path: Path, titles: dict[str, str] | None = None) -> str:
    """'autosave — <scenario title> — turn 12, <date> — as <faction> — 21 Nov 14:02'; the
    scenario's id stands in for its title when `titles` does not know it."""
    bits = [path.stem]
    try:
        side = json.loads(path.with_name(path.stem + ".client.json").read_text(encoding="utf-8"))
        if isinstance(side, dict):
            sid = str(side.get("scenario", "?"))
            bits.append((titles or {}).get(sid, sid))
            if side.get("history"):
                h = side["history"][-1]
                bits.append(f"turn {h.get('turn', '?')}, {_readable(h.get('date', ''))}")
            seats = side.get("seats")
            if isinstance(seats, list) and len(seats) == 2 and all(isinstance(x, list) and len(x) == 2 for x in seats):
                bits.append("hotseat, " + " against ".join(str(sid).upper() if kind == "faction" else str(sid).title()
                                                           for kind, sid in seats))
            else:
                bits.append(f"as {str(side['human']).upper()}" if side.get("human")
                            else f"as {str(side['backer']).title()}" if side.get("backer") else "watching")
    except (OSError, ValueError):
        bits.append("(no notes)")
    bits.append(time.strftime("%d %b %H:%M", time.localtime(path.stat().st_mtime)))
    return " — ".join(bits)
