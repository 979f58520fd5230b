"""Thousands of seeded random clicks, drags, wheel turns and key presses on every
screen: the client must never raise, and the game behind it must stay sound."""

from __future__ import annotations

import random

import pygame
import pytest
from pygame_gui.elements import UIButton

from client_helpers import frames, make_app, start
from game.client.endscreen import EndScreen
from game.client.menu import MenuScreen
from game.engine.invariants import violations

KEYS = [pygame.K_RETURN, pygame.K_e, pygame.K_TAB, pygame.K_n, pygame.K_ESCAPE, pygame.K_a, pygame.K_s,
        pygame.K_f, pygame.K_l, pygame.K_b, pygame.K_r, pygame.K_F5, pygame.K_F9,
        pygame.K_SPACE, pygame.K_p, pygame.K_EQUALS, pygame.K_MINUS, pygame.K_HOME, pygame.K_LEFT, pygame.K_UP,
        pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_DOWN]

# Whole games (or thousands of clicks) each: left out by `make test-fast`.
pytestmark = pytest.mark.slow


def _monkey(app, rng: random.Random, events: int) -> None:
    W, H = app.size
    held = False
    for i in range(events):
        screen = app.screen
        mr = getattr(screen, "map_rect", pygame.Rect(0, 0, W, H))
        aim = rng.random()
        view = getattr(screen, "view", None)
        marks = getattr(screen, "marks", None)
        targets = list(marks.moves | marks.strikes | marks.relocations | set(marks.attacks)) if marks else []
        if aim < 0.2 and targets:  # at a highlighted order
            x, y = view.screen_of(rng.choice(targets))
            pos = (int(x), int(y))
        elif aim < 0.45 and view is not None:  # at a place, give or take a few pixels
            x, y = view.screen_of(rng.randrange(view.world.P))
            pos = (int(x) + rng.randint(-4, 4), int(y) + rng.randint(-4, 4))
        elif aim < 0.65:  # at a button on screen (panels, dialogs, menus)
            buttons = [e for e in app.manager.get_sprite_group().sprites() if isinstance(e, UIButton) and e.visible]
            pos = rng.choice(buttons).rect.center if buttons else (rng.randrange(W), rng.randrange(H))
        elif aim < 0.85:
            pos = (rng.randrange(mr.left, mr.right), rng.randrange(mr.top, mr.bottom))
        else:
            pos = (rng.randrange(W), rng.randrange(H))
        pos = (min(max(pos[0], 0), W - 1), min(max(pos[1], 0), H - 1))
        r = rng.random()
        dialogs = getattr(screen, "dialogs", [])
        if any(d.alive() for d in dialogs) and rng.random() < 0.25:
            r = 0.6  # a key: often Escape, so windows do not pile up forever
        post = pygame.event.post
        E = pygame.event.Event
        if r < 0.5:
            button = 3 if rng.random() < 0.15 else 1
            post(E(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0), touch=False))
            post(E(pygame.MOUSEBUTTONDOWN, pos=pos, button=button, touch=False))
            post(E(pygame.MOUSEBUTTONUP, pos=pos, button=button, touch=False))
        elif r < 0.72:
            k = pygame.K_ESCAPE if r == 0.6 and rng.random() < 0.7 else rng.choice(KEYS)
            post(E(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))
            post(E(pygame.KEYUP, key=k, mod=0, unicode="", scancode=0))
        elif r < 0.8:
            y = rng.choice([-3, -1, 1, 2])
            post(E(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0), touch=False))
            post(E(pygame.MOUSEWHEEL, x=0, y=y, flipped=False, precise_x=0.0, precise_y=float(y)))
        elif r < 0.9:
            if not held:
                post(E(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False))
            else:
                post(E(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False))
            held = not held
        else:
            post(E(pygame.MOUSEMOTION, pos=pos, rel=(rng.randint(-30, 30), rng.randint(-30, 30)),
                   buttons=(1 if held else 0, 0, 0), touch=False))
        if i % 2 == 1:
            frames(app, 1, dt=rng.choice([0.016, 0.05, 0.2]))
            # Whatever was clicked, the game underneath stays a position play can reach.
            state = getattr(getattr(screen, "session", None), "state", None)
            if state is not None:
                broken = violations(state)
                assert not broken, f"event {i}: {broken}"
        if isinstance(app.screen, (MenuScreen, EndScreen)) and rng.random() < 0.02:
            start(app, human=rng.choice([0, 1, None]), seed=rng.randrange(1000))
        if not app.running:  # the monkey found the Quit button: carry on in a new game
            app.running = True
            start(app, human=0, seed=rng.randrange(1000))


@pytest.mark.parametrize("seed, human, speed", [(1, 0, "fast"), (2, 1, "instant"), (3, None, "normal")])
def test_monkey(tmp_path, seed, human, speed):
    app = make_app(tmp_path, speed=speed)
    try:
        start(app, human=human, seed=seed)
        _monkey(app, random.Random(seed), 500)
    finally:
        app.close()


def test_monkey_in_the_menu(tmp_path):
    app = make_app(tmp_path)
    try:
        app.show_menu()
        frames(app, 2)
        _monkey(app, random.Random(7), 300)
    finally:
        app.close()
