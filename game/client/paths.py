"""Where the client finds its files and where it keeps the player's."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SCENARIO_DIR = ROOT / "scenarios"
DEFAULT_SCENARIO = SCENARIO_DIR / "tripoli_2019.yaml"
HERE = Path(__file__).resolve().parent
THEME = HERE / "theme.json"


def default_save_dir() -> Path:
    """The user's data directory: $SANDTABLE_HOME, else $XDG_DATA_HOME/sandtable,
    else ~/.local/share/sandtable."""
    env = os.environ.get("SANDTABLE_HOME")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "sandtable"


def font_path(bold: bool = False) -> str | None:
    """pygame_gui ships Noto Sans; use it for map text too so the two match."""
    try:
        import pygame_gui

        p = Path(pygame_gui.__file__).parent / "data" / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
        return str(p) if p.exists() else None
    except Exception:  # pragma: no cover - pygame's default font is fine too
        return None
