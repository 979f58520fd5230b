"""Player options (window size, fullscreen, animation speed), kept as JSON in the save dir."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..atomic import write_text_atomic

SIZES = [(1280, 720), (1440, 810), (1600, 900), (1920, 1080)]
SPEEDS = {"slow": 0.6, "normal": 1.0, "fast": 2.0, "very fast": 4.0, "instant": 0.0}
# The longest an opponent's turn plays on screen at each speed, in seconds; past it the
# rest of the turn is applied at once, as Space does. A long turn of forty orders would
# otherwise keep a player waiting half a minute.
AI_TURN_CAP_S = {"slow": None, "normal": 8.0, "fast": 3.0, "very fast": 1.5, "instant": None}


@dataclass
class Options:
    width: int = 1600
    height: int = 900
    fullscreen: bool = False
    speed: str = "normal"

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def speed_factor(self) -> float:
        """Animation speed multiplier; 0 means no animations at all."""
        return SPEEDS.get(self.speed, 1.0)

    @property
    def ai_turn_cap(self) -> float | None:
        """Most seconds an opponent's turn is shown for (None: no limit)."""
        return AI_TURN_CAP_S.get(self.speed)

    @classmethod
    def load(cls, save_dir: Path | None) -> "Options":
        opts = cls()
        if save_dir is None:
            return opts
        try:
            data = json.loads((Path(save_dir) / "options.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return opts
        if not isinstance(data, dict):
            return opts
        # Keep only sane values: a hand-edited file must never stop the game starting.
        w, h = data.get("width"), data.get("height")
        if isinstance(w, int) and isinstance(h, int) and 640 <= w <= 7680 and 480 <= h <= 4320:
            opts.width, opts.height = w, h
        if isinstance(data.get("fullscreen"), bool):
            opts.fullscreen = data["fullscreen"]
        if data.get("speed") in SPEEDS:
            opts.speed = data["speed"]
        return opts

    def save(self, save_dir: Path | None) -> None:
        if save_dir is None:
            return
        write_text_atomic(Path(save_dir) / "options.json", json.dumps(asdict(self), indent=2) + "\n")
