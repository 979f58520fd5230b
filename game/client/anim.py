"""Short animations for what the engine reports: columns moving, assaults, air
strikes, arrivals. Each lasts a fraction of a second (scaled by the player's
animation speed) and draws itself over the map through the camera."""

from __future__ import annotations

import pygame

from . import gfx

BASE_SECONDS = 0.7


class Anim:
    def __init__(self, duration: float):
        self.duration = max(duration, 1e-3)
        self.t = 0.0

    @property
    def done(self) -> bool:
        return self.t >= self.duration

    @property
    def k(self) -> float:
        return min(1.0, self.t / self.duration)

    def update(self, dt: float) -> None:
        self.t += dt

    def draw(self, surface, view) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ArrowAnim(Anim):
    """An arrow growing from one place to another (a move, an assault)."""

    def __init__(self, a: int, b: int, colour, duration: float, width: int = 4):
        super().__init__(duration)
        self.a, self.b, self.colour, self.width = a, b, colour, width

    def draw(self, surface, view) -> None:
        (ax, ay), (bx, by) = view.screen_of(self.a), view.screen_of(self.b)
        k = min(1.0, self.k * 1.6)
        tip = (ax + (bx - ax) * k, ay + (by - ay) * k)
        gfx.arrow(surface, (20, 20, 20), (ax, ay), tip, self.width + 3, 14)
        gfx.arrow(surface, self.colour, (ax, ay), tip, self.width, 12)


class FlashAnim(Anim):
    """Expanding rings at a place, with an optional caption rising above it."""

    def __init__(self, p: int, colour, duration: float, caption: str | None = None, fonts=None, delay: float = 0.0):
        super().__init__(duration + delay)
        self.p, self.colour, self.caption, self.fonts, self.delay = p, colour, caption, fonts, delay

    def draw(self, surface, view) -> None:
        t = self.t - self.delay
        if t < 0:
            return
        k = min(1.0, t / max(self.duration - self.delay, 1e-3))
        x, y = view.screen_of(self.p)
        r0 = view.radius(self.p)
        for i in range(2):
            kk = (k + i * 0.35) % 1.0
            pygame.draw.circle(surface, self.colour, (x, y), r0 + 4 + 26 * kk, max(1, int(4 * (1 - kk))))
        if self.caption and self.fonts is not None:
            s = self.fonts.text(self.caption, 15, (255, 255, 255), bold=True, halo=(0, 0, 0))
            surface.blit(s, (x - s.get_width() / 2, y - r0 - 26 - 14 * k))


class StrikeAnim(Anim):
    """A drone's flight path and the hit (or the interception)."""

    def __init__(self, a: int, b: int, colour, duration: float, intercepted: bool):
        super().__init__(duration)
        self.a, self.b, self.colour, self.intercepted = a, b, colour, intercepted

    def draw(self, surface, view) -> None:
        (ax, ay), (bx, by) = view.screen_of(self.a), view.screen_of(self.b)
        k = min(1.0, self.k * 1.5)
        end = (ax + (bx - ax) * k, ay + (by - ay) * k)
        gfx.dashed_line(surface, self.colour, (ax, ay), end, 2, 6, 5)
        pygame.draw.circle(surface, self.colour, end, 4)
        if k >= 1.0:
            burst = (self.k - 1 / 1.5) * 3
            if self.intercepted:
                s = 9
                pygame.draw.line(surface, (255, 255, 255), (bx - s, by - s), (bx + s, by + s), 4)
                pygame.draw.line(surface, (255, 255, 255), (bx - s, by + s), (bx + s, by - s), 4)
            else:
                pygame.draw.circle(surface, gfx.STRIKE, (bx, by), 6 + 18 * max(0.0, burst), 3)


class BannerAnim(Anim):
    """A line of text across the top of the map: whose turn it is, what was decided."""

    avoid = None  # a panel over the map's top (the tutorial's): the banner goes below it

    def __init__(self, text: str, colour, duration: float, fonts):
        super().__init__(duration)
        self.text, self.colour, self.fonts = text, colour, fonts

    def draw(self, surface, view) -> None:
        v = view.camera.view
        alpha = 255 if self.k < 0.75 else int(255 * (1 - (self.k - 0.75) / 0.25))
        s = self.fonts.text(self.text, 24, (255, 255, 255), bold=True, halo=(0, 0, 0))
        band = pygame.Surface((s.get_width() + 40, s.get_height() + 12), pygame.SRCALPHA)
        band.fill((*self.colour, 200))
        band.blit(s, (20, 6))
        band.set_alpha(alpha)
        r = band.get_rect(midtop=(v.centerx, v.y + 14))
        if self.avoid is not None and r.colliderect(self.avoid):
            r.top = self.avoid.bottom + 10
        surface.blit(band, r)


def anims_for(events, view, state, speed: float, fonts) -> list[Anim]:
    """Animations for a batch of engine events (one order's worth)."""
    if speed <= 0:
        return []
    w = view.world
    d = BASE_SECONDS / speed
    out: list[Anim] = []
    for e in events:
        f = w.fidx.get(e.faction) if e.faction else None
        col = view.colours[f] if f is not None else (230, 230, 230)
        light = gfx.mix(col, (255, 255, 255), 0.35)
        data = e.data or {}
        pid = lambda key: w.pidx.get(data.get(key)) if isinstance(data.get(key), str) else None  # noqa: E731
        if e.kind == "move":
            a, b = pid("from"), pid("to")
            if a is not None and b is not None:
                out.append(ArrowAnim(a, b, light, d))
            elif b is not None:
                out.append(FlashAnim(b, light, d))
        elif e.kind in ("battle", "capture"):
            a, b = pid("origin") if "origin" in data else pid("from"), pid("place")
            if a is not None and b is not None:
                out.append(ArrowAnim(a, b, gfx.ATTACK, d * 0.8, 5))
            if b is not None:
                won = data.get("won", True)
                cap = ("taken!" if won else "repulsed") if e.kind == "battle" else "taken"
                out.append(FlashAnim(b, gfx.ATTACK if won else (255, 255, 255), d * 1.3, cap, fonts, delay=d * 0.5))
        elif e.kind == "strike":
            b = pid("place")
            u = data.get("unit")
            if b is not None and isinstance(u, int) and 0 <= u < state.n_units:
                out.append(StrikeAnim(int(state.u_place[u]), b, gfx.STRIKE, d, bool(data.get("intercepted"))))
        elif e.kind in ("recruit", "delivery", "control", "reinforce", "defection"):
            b = pid("place")
            if b is not None:
                out.append(FlashAnim(b, light, d, None))
    return out
