"""The game screen's keys, in one table: what each does, how it is written on buttons,
and the help text's list of keys, so that changing a key changes all three."""

from __future__ import annotations

from dataclasses import dataclass

import pygame


@dataclass(frozen=True)
class Binding:
    action: str  # the GameScreen method it calls
    keys: tuple[int, ...]
    shown: str  # how the key is written, on a button or in the help
    does: str  # what it does, for the help
    group: str  # where the help lists it
    ctrl: bool = False  # only with Ctrl held (or the Command key, as Macs have it)


BINDINGS: tuple[Binding, ...] = (
    Binding("confirm", (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_e), "Enter", "end turn (or answer the question)",
            "orders"),
    Binding("next_unit", (pygame.K_TAB, pygame.K_n), "Tab", "next unit with orders", "orders"),
    Binding("cancel", (pygame.K_ESCAPE,), "Esc", "cancel or close", "orders"),
    Binding("undo", (pygame.K_z,), "Ctrl+Z",
            "undo your last order this turn, back to the last that rolled dice (an attack or strike stands)",
            "orders", ctrl=True),
    Binding("split_unit", (pygame.K_d,), "D", "split the selected unit in two", "orders"),
    Binding("merge_units", (pygame.K_m,), "M", "merge the selected unit with the others of its kind there", "orders"),
    Binding("open_backers", (pygame.K_b,), "B", "backers", "orders"),
    Binding("open_recruit", (pygame.K_r,), "R", "recruit at the selected place", "orders"),
    Binding("break_truce", (pygame.K_t,), "T",
            "break the truce that holds, where the scenario allows it (asks first: it costs legitimacy and "
            "backers' support)", "orders"),
    Binding("toggle_air", (pygame.K_a,), "A", "air-defence umbrellas and drone ranges", "map"),
    Binding("toggle_supply", (pygame.K_s,), "S", "supply network", "map"),
    Binding("toggle_front", (pygame.K_f,), "F", "front line", "map"),
    Binding("toggle_legend", (pygame.K_l,), "L", "legend", "map"),
    Binding("toggle_layers", (pygame.K_c,), "C", "map layers: lines of contact, frontiers, disputed areas", "map"),
    Binding("home_view", (pygame.K_HOME,), "Home", "whole country", "map"),
    Binding("quick_save", (pygame.K_F5,), "F5", "quick save", "game"),
    Binding("save_as", (pygame.K_F6,), "F6", "save under a name", "game"),
    Binding("quick_load", (pygame.K_F9,), "F9", "quick load", "game"),
    Binding("open_war_room", (pygame.K_w,), "W", "war room: forecast how the war ends from here", "game"),
    Binding("open_help", (pygame.K_F1, pygame.K_h), "F1", "this help", "game"),
    Binding("skip_tutorial", (pygame.K_F2,), "F2", "skip the tutorial, or close a tip", "game"),
    Binding("toggle_fps", (pygame.K_F3,), "F3", "frame rate", "game"),
    Binding("skip", (pygame.K_SPACE,), "Space", "skip the AI's animations", "game"),
    Binding("toggle_pause", (pygame.K_p,), "P", "pause", "spectating"),
    Binding("faster", (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS), "+", "faster", "spectating"),
    Binding("slower", (pygame.K_MINUS, pygame.K_KP_MINUS), "−", "slower", "spectating"),
)

BY_KEY: dict[tuple[int, bool], Binding] = {(k, b.ctrl): b for b in BINDINGS for k in b.keys}
CTRL = pygame.KMOD_CTRL | pygame.KMOD_META


def binding_for(key: int, mod: int = 0) -> Binding | None:
    """The binding a key press calls: Ctrl+Z is not Z (and Z alone does nothing)."""
    return BY_KEY.get((key, bool(mod & CTRL)))
_BY_ACTION = {b.action: b for b in BINDINGS}

# Keys every window (and the menu and end screens) answers, beside the map's table:
# Enter takes the default answer, Esc closes, 1-9 take the numbered answers, and the
# up and down arrows step through a list.
ACCEPT = (pygame.K_RETURN, pygame.K_KP_ENTER)
CLOSE = (pygame.K_ESCAPE,)
ANSWERS = tuple(range(pygame.K_1, pygame.K_9 + 1))
STEP = {pygame.K_DOWN: 1, pygame.K_UP: -1}
IN_A_WINDOW = ("Enter — go ahead (OK, confirm) · Esc — close · 1–9 — pick a numbered answer"
               " · Up, Down — step through a list")

# The arrow keys pan the map by this many pixels (x, y) a press.
PAN = {pygame.K_LEFT: (80, 0), pygame.K_RIGHT: (-80, 0), pygame.K_UP: (0, 80), pygame.K_DOWN: (0, -80)}


def shown(action: str) -> str:
    """How an action's key is written on its button: "B" for the backers."""
    return _BY_ACTION[action].shown


def labelled(text: str, action: str) -> str:
    """A button's text with its key: "Backers [B]"."""
    return f"{text} [{shown(action)}]"


def help_html() -> str:
    """The help's list of keys, grouped as a player looks for them."""
    titles = {"orders": "Orders", "map": "Map layers and view", "game": "The game", "spectating": "Spectating"}
    lines = []
    for group, title in titles.items():
        items = [f"{b.shown} — {b.does}" for b in BINDINGS if b.group == group]
        lines.append(f"<i>{title}:</i> " + " · ".join(items))
    lines.append("<i>Mouse:</i> wheel — zoom · drag or arrow keys — pan")
    lines.append("<i>In a window:</i> " + IN_A_WINDOW)
    return "<br>".join(lines)
