"""Driving the client with real pygame events under SDL's dummy drivers (set in conftest)."""

from __future__ import annotations

import pygame

from game.client.app import App
from game.client.options import Options
from game.client.session import GameSession
from game.scenario import load_scenario

from conftest import SCENARIOS

TRIPOLI = SCENARIOS / "tripoli_2019.yaml"
_LOADED = {}


def loaded(path=TRIPOLI):
    if path not in _LOADED:
        _LOADED[path] = load_scenario(path)
    return _LOADED[path]


def make_app(tmp_path, size=(1280, 720), speed="instant", threaded=False, **kw) -> App:
    return App(size, save_dir=tmp_path, threaded=threaded, options=Options(width=size[0], height=size[1], speed=speed),
               **kw)


def start(app, human=0, seed=1, level="random", path=TRIPOLI) -> GameSession:
    session = GameSession.new(loaded(path), human, level, seed, app.save_dir)
    app.start_game(session)
    frames(app, 2)
    return session


def frames(app, n: int = 1, dt: float = 1 / 60) -> None:
    for _ in range(n):
        app.step(dt)


def move_mouse(app, pos) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0), touch=False))


def click(app, pos, button: int = 1, steps: int = 2) -> None:
    pos = (int(pos[0]), int(pos[1]))
    move_mouse(app, pos)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button, touch=False))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button, touch=False))
    frames(app, steps)


def key(app, k: int, steps: int = 2, unicode: str = "", mod: int = 0) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=unicode, scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode=unicode, scancode=0))
    frames(app, steps)


def type_text(app, text: str) -> None:
    """Type into the focused text line as SDL would: a TEXTINPUT event per character."""
    for ch in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        frames(app, 1)
    frames(app, 2)


def click_element(app, element, steps: int = 2) -> None:
    assert element.visible and element.alive(), f"{element} is not on screen"
    click(app, element.rect.center, steps=steps)


def place_pos(app, pid: str):
    """Screen position of a place, panning the map to it first if it is off screen."""
    screen = app.screen
    view = screen.view
    p = view.world.pidx[pid]
    x, y = view.screen_of(p)
    if not screen.map_rect.inflate(-120, -120).collidepoint(x, y):
        view.camera.center_on(view.px[p], view.py[p])
        frames(app, 1)
        x, y = view.screen_of(p)
    return (int(x), int(y))


def dialog_text(dialog) -> str:
    """All the text a window shows, for assertions."""
    out = []

    def walk(container):
        for e in container.elements:
            out.append(getattr(e, "html_text", "") or getattr(e, "text", "") or "")
            if hasattr(e, "get_container") and e is not container:
                try:
                    walk(e.get_container())
                except Exception:
                    pass

    walk(dialog.get_container())
    return " ".join(out)


def link_pos(box, href: str):
    """Screen position of a link in a text box, where pygame_gui itself looks for the pointer."""
    base_x, base_y = box._calculate_hyperlinks_offsets()
    for chunk in box.link_hover_chunks:
        if chunk.href == href:
            return (base_x + chunk.x + chunk.size[0] // 2, base_y + chunk.y + chunk.size[1] // 2)
    raise AssertionError(f"no link {href!r} in the text box")


def hover(app, pos, seconds: float = 0.6) -> None:
    """Rest the pointer at pos: SDL is told (pygame_gui asks it where the mouse is) and the screen sees the motion."""
    pygame.mouse.set_pos(pos)
    move_mouse(app, pos)
    frames(app, int(seconds * 60))


def pick_dropdown(app, dropdown, option_id: str) -> None:
    """Open a drop-down with a click and click the option with this id (or text)."""
    click_element(app, dropdown)
    frames(app, 2)
    state = dropdown.current_state
    items = state.options_selection_list.item_list
    target = next(i for i in items if i["object_id"] == option_id or i["text"] == option_id)
    button = target["button_element"]
    visible = button.rect.clip(button.ui_container.rect)  # the part not scrolled out of the list
    assert visible.h > 0, "option scrolled out of view"
    click(app, visible.center)
    frames(app, 2)
    assert dropdown.selected_option[1] == target["object_id"]


def menu_start(app, side: str, level: str | None = None, seed: int | None = None, hotseat: str | None = None,
               scenario: str = "tripoli_2019") -> None:
    """From the menu shown, as a player would: pick the scenario, the side (and the
    second player's seat, the AI level and the seed, if given), then Start."""
    menu = app.screen
    i = next(i for i, e in enumerate(menu.entries) if e.ok and e.loaded.id == scenario)
    click_element(app, menu.scenario_buttons[i])
    pick_dropdown(app, menu.side_menu, side)
    if hotseat is not None:
        pick_dropdown(app, menu.second_menu, hotseat)
    if level is not None:
        pick_dropdown(app, menu.level_menu, level)
    if seed is not None:
        menu.seed_entry.set_text(str(seed))
    click_element(app, menu.start_button)


def lna_took_sirte(session) -> None:
    """The position of early 2020: the LNA has held Sirte, so a GNA attack on it from Abu
    Grein (140 km of highway, a week's march) crosses Egypt's red line. The other half of
    that line, Jufra, is out of every ground unit's reach in a week."""
    from game.engine.territory import capture

    s, w = session.state, session.world
    capture(s, w.fidx["lna"], w.pidx["sirte"])
    s.flags.add("lna_held_sirte")
    session.version += 1
