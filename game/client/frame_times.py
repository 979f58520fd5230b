"""Frame time of the map screen: the figure `sandtable bench` reports for the client.

Measured at 1600×900 under SDL's dummy video driver, with units, panels, a
selected unit's orders and hover tooltips shown; each frame is a full update and
draw with no wait for vsync."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path


def bench_frames(scenario_path: str | Path, frames: int = 300, size: tuple[int, int] = (1600, 900)) -> dict:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # `bench --json` prints only JSON
    import pygame

    from ..scenario import load_scenario
    from .app import App
    from .options import Options
    from .session import GameSession

    loaded = load_scenario(scenario_path)
    app = App(size, save_dir=None, threaded=False, quiet=True, options=Options(speed="normal"))
    try:
        session = GameSession.new(loaded, 0, "random", seed=1, save_dir=None, autosave=False)
        app.start_game(session)
        screen = app.screen
        for _ in range(10):  # settle: first layouts, fonts, the base map
            app.step(1 / 60)
        u = screen.orders.next_unit()
        r = screen.map_rect
        times = []
        for i in range(frames):
            # sweep the mouse across the map so hover and tooltips are exercised
            x = r.x + 40 + (i * 37) % (r.w - 80)
            y = r.y + 40 + (i * 23) % (r.h - 80)
            pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(x, y), rel=(0, 0), buttons=(0, 0, 0)))
            if u is not None and i == frames // 2:
                screen.view.show_air = True
            t0 = time.perf_counter()
            app.step(1 / 60)
            times.append((time.perf_counter() - t0) * 1000.0)
        times.sort()
        return {
            "frame_ms": {
                "p50": round(statistics.median(times), 2),
                "p95": round(times[int(0.95 * (len(times) - 1))], 2),
                "max": round(times[-1], 2),
            },
            "frames": frames,
            "size": f"{size[0]}x{size[1]}",
            "base_renders": screen.view.renders,
        }
    finally:
        app.close()
