"""Small drawing helpers shared by the map, the end screen and the war room: fonts,
cached text (with a dark halo so names read on any ground), colours, dashed lines, and
matplotlib figures turned into pygame surfaces."""

from __future__ import annotations

import math

import pygame

from .paths import font_path

SEA = (20, 40, 60)
SEA_SHORE = (44, 78, 104)
LAND = (214, 206, 184)
NEIGHBOUR = (170, 163, 146)
BORDER = (92, 82, 64)
ROUTE = (250, 246, 232)
ROUTE_CASING = (120, 104, 80)
TEXT = (250, 250, 245)
HALO = (20, 24, 28)
GOLD = (240, 199, 94)
MOVE = (110, 230, 120)
ATTACK = (255, 90, 70)
STRIKE = (255, 170, 40)
RELOCATE = (90, 210, 255)
SELECT = (255, 236, 90)
FRONT = (235, 60, 40)
CLOSED = (235, 90, 210)  # a route closed this week
NEUTRAL = (150, 150, 150)
WORKS = (214, 200, 160)  # prepared defences: sandbag and earth


def hex_rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


class Fonts:
    """Fonts by (size, bold), and rendered text cached by content, so drawing a frame
    never lays out the same words twice."""

    def __init__(self):
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._cache: dict[tuple, pygame.Surface] = {}

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        key = (size, bold)
        f = self._fonts.get(key)
        if f is None:
            path = font_path(bold)
            try:
                f = pygame.font.Font(path, size)
            except (OSError, FileNotFoundError):
                f = pygame.font.Font(None, size + 4)
                f.set_bold(bold)
            self._fonts[key] = f
        return f

    def text(self, s: str, size: int, colour=TEXT, bold: bool = False, halo=None) -> pygame.Surface:
        key = (s, size, tuple(colour), bold, tuple(halo) if halo else None)
        surf = self._cache.get(key)
        if surf is not None:
            return surf
        f = self.font(size, bold)
        fg = f.render(s, True, colour)
        if halo is None:
            surf = fg
        else:
            bg = f.render(s, True, halo)
            surf = pygame.Surface((fg.get_width() + 2, fg.get_height() + 2), pygame.SRCALPHA)
            for dx, dy in ((0, 0), (2, 0), (0, 2), (2, 2), (1, 0), (0, 1), (2, 1), (1, 2)):
                surf.blit(bg, (dx, dy))
            surf.blit(fg, (1, 1))
        if len(self._cache) > 4000:
            self._cache.clear()
        self._cache[key] = surf
        return surf


def dash_segments(a, b, dash: float = 8.0, gap: float = 6.0) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The (start, end) points of the dashes `dashed_line` draws from a to b."""
    ax, ay = a
    bx, by = b
    length = math.hypot(bx - ax, by - ay)
    if length < 1:
        return []
    ux, uy = (bx - ax) / length, (by - ay) / length
    out = []
    t = 0.0
    while t < length:
        e = min(t + dash, length)
        out.append(((ax + ux * t, ay + uy * t), (ax + ux * e, ay + uy * e)))
        t = e + gap
    return out


def dashed_line(surface, colour, a, b, width: int = 1, dash: float = 8.0, gap: float = 6.0) -> None:
    for start, end in dash_segments(a, b, dash, gap):
        pygame.draw.line(surface, colour, start, end, width)


def dashed_circle(surface, colour, centre, radius: float, width: int = 1, segments: int = 48) -> None:
    if radius < 2:
        return
    n = max(12, min(segments, int(radius / 4)))
    for i in range(0, n, 2):
        a0 = 2 * math.pi * i / n
        a1 = 2 * math.pi * (i + 1) / n
        pygame.draw.line(surface, colour,
                         (centre[0] + radius * math.cos(a0), centre[1] + radius * math.sin(a0)),
                         (centre[0] + radius * math.cos(a1), centre[1] + radius * math.sin(a1)), width)


def arrow(surface, colour, a, b, width: int = 3, head: float = 10.0) -> None:
    ax, ay = a
    bx, by = b
    length = math.hypot(bx - ax, by - ay)
    if length < 2:
        return
    ux, uy = (bx - ax) / length, (by - ay) / length
    tip = (bx, by)
    base = (bx - ux * head, by - uy * head)
    pygame.draw.line(surface, colour, a, base, width)
    left = (base[0] - uy * head * 0.6, base[1] + ux * head * 0.6)
    right = (base[0] + uy * head * 0.6, base[1] - ux * head * 0.6)
    pygame.draw.polygon(surface, colour, [tip, left, right])


def later(defer, fn, *args):
    """A zero-argument widget callback that defers `fn(*args)` to the end of the frame.
    (pygame_gui passes event data to callbacks that take a parameter, defaults included.)"""
    def callback():
        defer(lambda: fn(*args))
    return callback


def figure(size: tuple[int, int]):
    """A matplotlib figure (Agg, no window) of `size` pixels, in the client's dark colours."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(size[0] / 100, size[1] / 100), dpi=100, facecolor="#151b21")


def figure_surface(fig) -> pygame.Surface:
    """Draw a matplotlib figure and return it as a pygame surface."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    buf = np.asarray(canvas.buffer_rgba())
    return pygame.image.frombuffer(buf.tobytes(), (buf.shape[1], buf.shape[0]), "RGBA").copy()
