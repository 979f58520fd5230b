"""The window and its frame loop: one screen at a time (menu, game, end), the
pygame_gui manager, deferred callbacks, the AI worker thread, screenshots.

    app = App(size=(1600, 900), save_dir=...)
    app.show_menu()        # or app.start_game(GameSession.new(...))
    app.run()              # until the window closes; app.step() runs one frame

Tests drive it by posting real pygame events and calling `step()`.
"""

from __future__ import annotations

import os
import time
import warnings
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pygame
import pygame_gui

from ..engine.persist import SaveError
from ..scenario import ScenarioError
from . import gui_speed
from .gfx import Fonts
from .options import Options
from .paths import SCENARIO_DIR, THEME, default_save_dir
from .session import GameSession

gui_speed.install()


def _load_fonts(manager) -> None:
    """Register the monospace font for scenario errors and preload the text styles the
    client uses, so no window stalls on a font load (and pygame_gui does not warn)."""
    warnings.filterwarnings("ignore", category=UserWarning, module=r"pygame_gui\.core\.ui_font_dictionary")
    data = Path(pygame_gui.__file__).parent / "data"
    if (data / "FiraCode-Regular.ttf").exists():
        manager.add_font_paths("fira_code", str(data / "FiraCode-Regular.ttf"))
    fonts = [{"name": "noto_sans", "point_size": size, "style": style, "antialiased": "1"}
             for size in (13, 14, 16, 18) for style in ("regular", "bold", "italic", "bold_italic")]
    fonts.append({"name": "fira_code", "point_size": 12, "style": "regular", "antialiased": "1"})
    manager.preload_fonts(fonts)


class App:
    def __init__(self, size: tuple[int, int] | None = None, *, save_dir: Path | None | str = "default",
                 scenario_dir: Path = SCENARIO_DIR, threaded: bool = True, fullscreen: bool | None = None,
                 options: Options | None = None, quiet: bool = False, extra_scenarios: list[Path] | None = None):
        self.save_dir = default_save_dir() if save_dir == "default" else (Path(save_dir) if save_dir else None)
        self.options = options or Options.load(self.save_dir)
        if size is not None:
            self.options.width, self.options.height = size
        if fullscreen is not None:
            self.options.fullscreen = fullscreen
        self.scenario_dir = Path(scenario_dir)
        self.extra_scenarios = list(extra_scenarios or [])
        self.quiet = quiet  # no news pop-ups (screenshots, benchmarks)
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption("Sandtable")
        self.window = self._set_mode()
        self.manager = pygame_gui.UIManager(self.options.size, enable_live_theme_updates=False)
        _load_fonts(self.manager)
        self.manager.get_theme().load_theme(str(THEME))
        self.fonts = Fonts()
        self.clock = pygame.time.Clock()
        self.screen = None
        self.running = True
        self.deferred: list = []
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandtable-ai") if threaded else None
        self.frame_ms: deque = deque(maxlen=240)  # recent frame times, for the F3 overlay
        self.show_fps = False
        self._ended: set[int] = set()
        self.frames = 0

    # -- window ---------------------------------------------------------------------------
    def _set_mode(self) -> pygame.Surface:
        flags = pygame.FULLSCREEN if self.options.fullscreen and os.environ.get("SDL_VIDEODRIVER") != "dummy" else 0
        return pygame.display.set_mode(self.options.size, flags)

    @property
    def size(self) -> tuple[int, int]:
        return self.window.get_size()

    def apply_options(self, options: Options) -> None:
        """New window size or fullscreen: rebuild the window and the current screen."""
        self.options = options
        options.save(self.save_dir)
        self.window = self._set_mode()
        self.manager.set_window_resolution(self.size)
        if self.screen is not None and hasattr(self.screen, "rebuild"):
            self.set_screen(self.screen.rebuild())

    # -- screens -----------------------------------------------------------------------------
    def defer(self, fn) -> None:
        """Run `fn` after this frame's events are handled (widget callbacks use this)."""
        self.deferred.append(fn)

    def set_screen(self, screen) -> None:
        old = self.screen
        if old is not None and old is not screen:
            old.close()
        self.screen = screen

    def show_menu(self, preselect: Path | None = None, message: tuple[str, str] | None = None) -> None:
        from .menu import MenuScreen

        self.set_screen(None)
        self.screen = MenuScreen(self, preselect=preselect, message=message)

    def start_game(self, session: GameSession, tutorial=None) -> None:
        from .game_screen import GameScreen

        self.set_screen(None)
        self.screen = GameScreen(self, session, tutorial=tutorial)

    def start_tutorial(self, scenario_path) -> str | None:
        """The tutorial's game of this scenario (tutorial.py); an error message for the
        player, or None."""
        from . import tutorial

        try:
            loaded, t = tutorial.load(scenario_path)
        except ScenarioError as exc:
            return f"The tutorial cannot be loaded:\n{exc.render()}"
        human = list(loaded.spec.factions).index(t.side)
        # No autosave: the tutorial's turns must not push a real game's autosaves out of the rotation.
        session = GameSession.new(loaded, human, t.level, t.seed, self.save_dir, autosave=False)
        self.start_game(session, tutorial=t)
        return None

    def new_game(self, loaded, human: int | None, level: str, seed: int, backer: int | None = None,
                 hotseat=None) -> GameSession:
        session = GameSession.new(loaded, human, level, seed, self.save_dir, backer=backer, hotseat=hotseat)
        self.start_game(session)
        return session

    def load_game(self, path: Path) -> str | None:
        """Resume a save; return an error message for the player, or None."""
        try:
            session = GameSession.load(path, self.save_dir, scenario_dir=self.scenario_dir)
        except SaveError as exc:
            return f"{exc}"
        except ScenarioError as exc:
            return f"The save's scenario cannot be loaded:\n{exc.render()}"
        self.start_game(session)
        return None

    def seen_end(self, session) -> bool:
        return id(session) in self._ended

    def show_end(self, game_screen) -> None:
        from .endscreen import EndScreen

        self._ended.add(id(game_screen.session))
        session = game_screen.session
        self.set_screen(None)
        game_screen.close()
        self.screen = EndScreen(self, session)

    # -- frames ------------------------------------------------------------------------------
    def step(self, dt: float | None = None) -> None:
        """One frame: events, deferred callbacks, update, draw, flip."""
        t0 = time.perf_counter()
        dt = 1 / 60 if dt is None else dt
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                # Closing the window throws away orders given since the last save as surely as
                # the menu does, so a game screen asks first (`GameScreen.leave`).
                leave = getattr(self.screen, "leave", None)
                if leave is not None:
                    leave("close the window", self.quit)
                else:
                    self.running = False
                continue
            consumed = self.manager.process_events(event)
            if self.screen is not None:
                self.screen.handle(event, consumed)
        while self.deferred:
            fns, self.deferred = self.deferred, []
            for fn in fns:
                fn()
        self.manager.update(dt)
        if self.screen is not None:
            widgets = len(self.manager.get_sprite_group().sprites())
            self.screen.update(dt)
            if len(self.manager.get_sprite_group().sprites()) < widgets:
                # Widgets the update killed (a hand-over hiding one seat's panels) are still
                # in pygame_gui's draw until it updates again: a zero-length update leaves
                # them out, so no frame shows them.
                self.manager.update(0.0)
            self.screen.draw(self.window)
        self.manager.draw_ui(self.window)
        pygame.display.flip()
        self.frames += 1
        self.frame_ms.append((time.perf_counter() - t0) * 1000.0)

    def run(self, max_frames: int | None = None) -> int:
        while self.running and (max_frames is None or self.frames < max_frames):
            dt = self.clock.tick(60) / 1000.0
            self.step(min(dt, 0.1))
        self.close()
        return 0

    def quit(self) -> None:
        self.running = False

    def screenshot(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.window, str(path))
        return path

    def close(self) -> None:
        if self.screen is not None:
            self.screen.close()
            self.screen = None
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        self.manager.clear_and_reset()
