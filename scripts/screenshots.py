"""Remake the README's pictures of issue 15 that need the pointer or a window open:
the gauge tooltip, the victory panel and the load screen (the others come from
`sandtable play --screenshot`). Run from the repository root with SDL's dummy drivers:

    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pygame

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from client_helpers import frames, hover, key, link_pos, make_app, place_pos, start  # noqa: E402

OUT = ROOT / "assets" / "screenshots"
SIZE = (1600, 900)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp), size=SIZE)
        session = start(app, seed=7)
        # A turn played, so the cohesion tooltip has a last turn to break down.
        key(app, pygame.K_RETURN)
        for _ in range(2000):
            frames(app, 1)
            if session.is_human_turn():
                break
        while app.screen.top_dialog() is not None:
            key(app, pygame.K_ESCAPE)
        place_pos(app, "tripoli")  # the camera followed the opponent's last order: bring the capital back
        frames(app, 2)
        hover(app, link_pos(app.screen.side.resources, "gauge:cohesion:0"))
        app.screenshot(OUT / "gauge_tooltip.png")
        hover(app, (700, 500))
        app.screen.follow("gauge:victory:0")
        frames(app, 3)
        app.screenshot(OUT / "victory.png")
        key(app, pygame.K_ESCAPE)
        # Three saves of different kinds, then the menu's load screen.
        key(app, pygame.K_F5)
        session.save(session.saves_dir / "before_the_counter-attack.json")
        app.show_menu()
        frames(app, 2)
        app.screen.open_load()
        frames(app, 3)
        app.screenshot(OUT / "load.png")
        app.close()


if __name__ == "__main__":
    main()
