"""The map: the country from the scenario's GeoJSON, who holds what, the front, units,
air-defence umbrellas, supply, and the marks of the order being given.

Drawing is layered for speed. The base — sea, land, the tint of each side's
territory, borders and roads — is rendered once into a surface a little larger
than the view and only re-rendered when the zoom changes, the view pans past
its margin, or a place changes hands (then only the tint is recoloured).
Everything that moves with the game (places, names, counters, highlights) is
drawn over it each frame from cached text.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pygame

from ..engine.routes import closed as closed_routes
from . import gfx

# The slower kinds of route, drawn as dashes of their own: a mountain pass dark and
# short, a river crossing blue, a desert track sandy and long.
ROUTE_STYLE = {"pass": ((92, 70, 56), 4, 4), "crossing": ((70, 120, 190), 9, 4), "desert": ((196, 160, 96), 12, 6)}
ROUTE_NAMES = {"pass": "Mountain pass (slow)", "crossing": "River crossing (slow)", "desert": "Desert track (slow)"}
from .map_layers import NAMES, STYLE, draw_layers, read_layers
from .describe import objectives, short_strength
from .projection import Camera, Projection

CELL_PX = 4  # territory tint is computed on a grid of this many pixels, then smoothed
TINT_KM = 75.0  # how far from a place its holder's tint reaches
TINT_ALPHA = 215
ZOOM_SETTLE_S = 0.15  # after the last wheel notch, re-render the base at the new zoom

# Rendered land and composed bases, shared by every view in the process, so that a new
# game, a loaded save or a return to the same map starts from pixels already made instead
# of spending a tenth of a second or more on them again. A land with its mask is some 15 MB
# at 1280x720 (the view and a margin around it) and a base 6 MB, so only the last two of
# each are kept, the view's own among them; they are never drawn on once made.
_LANDS: OrderedDict = OrderedDict()
_BASES: OrderedDict = OrderedDict()
_KEEP = 2


def _remember(cache: OrderedDict, key, value):
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _KEEP:
        cache.popitem(last=False)
    return value


def _display_format():
    """The display's pixel format, which a converted surface is made for (None: no display)."""
    screen = pygame.display.get_surface()
    return (screen.get_bitsize(), screen.get_masks()) if screen is not None else None


@dataclass
class Marks:
    """What the current order wants shown on the map."""

    selected_place: int | None = None
    selected_unit: int | None = None
    moves: set = field(default_factory=set)
    attacks: dict = field(default_factory=dict)  # place -> win chance
    strikes: set = field(default_factory=set)
    relocations: set = field(default_factory=set)
    range_rings: list = field(default_factory=list)  # (place, km, colour)
    hover: int | None = None
    you: int | None = None  # the player's faction (ready marks are drawn for it)
    your_turn: bool = False


@dataclass
class Counter:
    place: int
    owner: int
    ground: float
    n_ground: int
    n_air: int
    n_ad: int
    ready: bool
    cut_off: bool
    units: list
    # A counter standing for several close places of one side, where the zoom leaves no
    # room to show each: their places, the anchor first (empty for a single place).
    members: tuple = ()


class MapView:
    def __init__(self, world, geojson: dict, view: pygame.Rect, fonts: gfx.Fonts):
        self.world = world
        self.fonts = fonts
        self.proj = Projection(world.spec.meta.bounds)
        self.camera = Camera(view, self.proj.world_rect)
        x, y = self.proj.xy(world.lat, world.lon)
        self.px, self.py = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.rings = self.proj.rings(geojson)
        self.layers = read_layers(geojson, self.proj)
        self.colours = [gfx.hex_rgb(f.colour) for f in world.factions]
        self.objectives = objectives(world)
        spec = world.spec
        places = list(spec.map.places.values())
        self.kinds = [p.kind.value for p in places]
        self.names = [p.name for p in places]
        self.capital = [any(f.value == "capital" for f in p.features) for p in places]
        # The legend explains the works' squares only in a war that has or can have them.
        self.has_works = spec.rules.fortification.build_cost is not None or any(p.fortification for p in places)
        pop = world.population
        self.base_radius = np.clip(3.0 + np.sqrt(pop) / 110.0, 4.0, 13.0)
        self.importance = np.array([
            (3 if (pop[i] >= 300_000 or world.vp[i] >= 10 or self.capital[i]) else
             2 if (pop[i] >= 80_000 or world.vp[i] > 0 or i in self.objectives or self.kinds[i] in ("airbase", "terminal"))
             else 1) for i in range(world.P)])
        self.order = sorted(range(world.P), key=lambda i: (-self.importance[i], -int(world.vp[i]), -pop[i], i))
        self.routes = [(world.pidx[r.a], world.pidx[r.b], r.kind.value) for r in spec.map.routes]
        self.neighbour_labels = self._neighbour_labels()
        # What the base's pixels are made of besides the camera and the holders: the
        # coast, the places, the roads, the sides' colours and the neighbours' names.
        geo = hashlib.blake2b(repr((self.routes, self.colours, self.neighbour_labels)).encode(), digest_size=16)
        for role, _, pts in self.rings:
            geo.update(role.encode())
            geo.update(np.ascontiguousarray(pts).tobytes())
        geo.update(self.px.tobytes())
        geo.update(self.py.tobytes())
        self._geo = geo.hexdigest()
        self._land_key = None
        # toggles
        self.show_front = True
        self.show_air = False
        self.show_supply = False
        self.show_legend = True
        self.show_layers = True
        self._layers_shown: tuple[str, ...] = ()  # the kinds of layer drawn in the last frame, for the legend
        # caches
        self._land: pygame.Surface | None = None
        self._base: pygame.Surface | None = None
        self._cache_zoom = None
        self._cache_origin = (0.0, 0.0)  # world km at the cache's top-left
        self._grid = None  # (nearest place, fade) per territory cell
        self._owners = None
        self._labels_zoom = None
        self._labels: list = []
        self._air_key = None
        self._front_key: tuple | None = None  # what `_front_lines` was worked out for
        self._front: list = []
        self._air_layer: pygame.Surface | None = None
        self._mini_key = None
        self._mini: pygame.Surface | None = None
        self._legend_key = None
        self._legend: pygame.Surface | None = None
        self._counters_key = None
        self._counters: list[Counter] = []
        self._layout_key = None
        self._layout: list[tuple[float, float, bool]] = []
        self.counter_rects: list[tuple[pygame.Rect, Counter]] = []
        self.renders = 0  # base re-renders, for tests and the bench

    # -- geometry -----------------------------------------------------------------------
    def screen_of(self, p: int) -> tuple[float, float]:
        return self.camera.to_screen(self.px[p], self.py[p])

    def radius(self, p: int) -> float:
        z = self.camera.zoom
        return float(self.base_radius[p] * min(1.6, max(0.8, 0.75 + 0.09 * z)))

    def place_at(self, pos) -> int | None:
        if not self.camera.view.collidepoint(pos):
            return None
        sx, sy = self.camera.to_screen(self.px, self.py)
        d = np.hypot(sx - pos[0], sy - pos[1])
        i = int(np.argmin(d))
        r = max(self.radius(i) + 6, 13)
        return i if d[i] <= r else None

    def counter_at(self, pos) -> Counter | None:
        for rect, c in reversed(self.counter_rects):
            if rect.collidepoint(pos):
                return c
        return None

    def minimap_rect(self) -> pygame.Rect:
        v = self.camera.view
        x0, y0, x1, y1 = self.proj.world_rect
        w = min(210, v.w // 5)
        h = int(w * (y1 - y0) / (x1 - x0))
        return pygame.Rect(v.x + 10, v.bottom - h - 34, w, h)

    def minimap_to_world(self, pos) -> tuple[float, float]:
        r = self.minimap_rect()
        x0, y0, x1, y1 = self.proj.world_rect
        return (x0 + (pos[0] - r.x) / r.w * (x1 - x0), y0 + (pos[1] - r.y) / r.h * (y1 - y0))

    def focus_front(self, state, faction: int | None = None) -> None:
        """Zoom to where the war is hottest at the start: the heaviest place on the
        front and every front place within a few hundred km of it."""
        w = self.world
        front = set()
        for a, b, _ in self.routes:
            oa, ob = int(state.owner[a]), int(state.owner[b])
            if oa >= 0 and ob >= 0 and w.enemies[oa, ob]:
                front.update((a, b))
        if not front:
            return
        weight = {p: float(w.vp[p]) * 50_000 + float(w.population[p]) for p in front}
        # Count the weight of what lies near each front place, not only the place itself.
        def mass(p):
            d = np.hypot(self.px - self.px[p], self.py - self.py[p])
            near = (d < 60) & (state.owner >= 0)
            return float((w.population[near] + w.vp[near] * 50_000).sum())
        hub = max(front, key=lambda p: (mass(p), weight[p]))
        d = np.hypot(self.px - self.px[hub], self.py - self.py[hub])
        chosen = [p for p in front if d[p] <= 75]
        # ... and what the front protects or threatens: held places close behind it
        chosen += [p for p in range(w.P) if d[p] <= 40 and state.owner[p] >= 0]
        xs, ys = self.px[chosen], self.py[chosen]
        self.camera.fit(xs.min(), ys.min() - 6, xs.max(), ys.max(), pad=0.1)

    # -- the cached base -------------------------------------------------------------------
    def _neighbour_labels(self):
        out = []
        x0, y0, x1, y1 = self.proj.world_rect
        for role, name, pts in self.rings:
            if role == "country" or not name:
                continue
            inside = pts[(pts[:, 0] > x0) & (pts[:, 0] < x1) & (pts[:, 1] > y0) & (pts[:, 1] < y1)]
            if len(inside) < 2:
                continue
            c = inside.mean(axis=0)
            out.append((name, float(c[0]), float(c[1])))
        return out

    def _ensure_base(self, state) -> bool:
        """Bring the cached base up to date; False while a zoom is in progress and the
        old base is shown scaled instead (re-rendering on every wheel notch would stutter)."""
        cam = self.camera
        vx0, vy0, vx1, vy1 = cam.visible_world()
        if (self._base is not None and self._cache_zoom != cam.zoom
                and cam.zoom_idle < ZOOM_SETTLE_S):
            return False
        need = self._base is None or self._cache_zoom != cam.zoom
        if not need:
            ox, oy = self._cache_origin
            cw, ch = self._land.get_width() / cam.zoom, self._land.get_height() / cam.zoom
            need = vx0 < ox or vy0 < oy or vx1 > ox + cw or vy1 > oy + ch
        owners = state.owner.tobytes()
        if need:
            self._render_land()
            self._owners = None
        if self._owners != owners:
            self._owners = owners
            self._compose(state)
        return True

    def _blit_base(self, surface) -> None:
        cam = self.camera
        v = cam.view
        ox, oy = self._cache_origin
        vx0, vy0, vx1, vy1 = cam.visible_world()
        z = self._cache_zoom
        src = pygame.Rect(int(round((vx0 - ox) * z)), int(round((vy0 - oy) * z)),
                          max(1, int((vx1 - vx0) * z)), max(1, int((vy1 - vy0) * z)))
        if z == cam.zoom:
            surface.blit(self._base, v.topleft, src)
            return
        # mid-zoom: stretch what the old base has of the new view
        surface.fill(gfx.SEA, v)
        clipped = src.clip(self._base.get_rect())
        if clipped.w < 2 or clipped.h < 2:
            return
        k = cam.zoom / z
        dst = pygame.Rect(v.x + (clipped.x - src.x) * k, v.y + (clipped.y - src.y) * k, clipped.w * k, clipped.h * k)
        surface.blit(pygame.transform.scale(self._base.subsurface(clipped), dst.size), dst.topleft)

    def _render_land(self) -> None:
        cam = self.camera
        self.renders += 1
        x0, y0, x1, y1 = cam.visible_world(margin=0.3)
        z = cam.zoom
        W, H = int((x1 - x0) * z) + 2, int((y1 - y0) * z) + 2
        self._cache_zoom = z
        self._cache_origin = (x0, y0)
        self._land_key = key = (self._geo, z, x0, y0, W, H, _display_format())
        if key in _LANDS:
            _LANDS.move_to_end(key)
            self._land, self._polys, self._cell, self._grid, self._mask_alpha = _LANDS[key]
            return
        land = pygame.Surface((W, H)).convert() if pygame.display.get_surface() else pygame.Surface((W, H))
        land.fill(gfx.SEA)
        shore_w = max(3, int(6 * min(1.5, 0.5 + z / 3)))
        polys = [(role, self._to_cache(pts)) for role, _, pts in self.rings]
        for role, pts in polys:
            pygame.draw.polygon(land, gfx.SEA_SHORE, pts, shore_w)
        for role, pts in polys:
            pygame.draw.polygon(land, gfx.LAND if role == "country" else gfx.NEIGHBOUR, pts)
        # faint graticule every two degrees helps judge distances when zoomed
        self._land = land
        self._polys = polys
        # Territory grid: nearest place and how strongly its holder's tint shows.
        cell = self._cell = CELL_PX if z >= 2.0 else CELL_PX + 2
        gw, gh = W // cell + 1, H // cell + 1
        gx = (x0 + (np.arange(gw) + 0.5) * cell / z).astype(np.float32)
        gy = (y0 + (np.arange(gh) + 0.5) * cell / z).astype(np.float32)
        best = np.full((gh, gw), np.inf, dtype=np.float32)
        nearest = np.zeros((gh, gw), dtype=np.int16)
        # Only places near the cached area can tint it: farther ones are past TINT_KM anyway.
        far = TINT_KM * 1.8
        near = np.flatnonzero((self.px > x0 - far) & (self.px < x1 + far) & (self.py > y0 - far) & (self.py < y1 + far))
        d = np.empty_like(best)
        closer = np.empty(best.shape, dtype=bool)
        for p in near.tolist():
            # In place and without boolean indexing: this loop is most of a zoom's render.
            np.add(((gy - self.py[p]) ** 2)[:, None], ((gx - self.px[p]) ** 2)[None, :], out=d)
            np.less(d, best, out=closer)
            np.copyto(nearest, p, where=closer)
            np.minimum(best, d, out=best)
        dist = np.sqrt(best)
        reach = TINT_KM if z >= 1.5 else TINT_KM * 1.8  # zoomed out, tint wider so it can be seen
        fade = np.clip(1.0 - dist / reach, 0.0, 1.0) ** 0.3
        self._grid = (nearest, fade)
        mask = pygame.Surface((W, H), pygame.SRCALPHA)
        mask.fill((255, 255, 255, 0))
        for role, pts in polys:
            if role == "country":
                pygame.draw.polygon(mask, (255, 255, 255, 255), pts)
        # A view of the alpha plane, widened once: `array_alpha` would first copy it
        # pixel by pixel, most of the time a zoom takes to render.
        alpha = pygame.surfarray.pixels_alpha(mask)
        self._mask_alpha = alpha.astype(np.uint16)
        del alpha  # the surface stays locked while a view of its pixels lives
        _remember(_LANDS, key, (self._land, self._polys, self._cell, self._grid, self._mask_alpha))

    def _to_cache(self, pts: np.ndarray) -> list:
        ox, oy = self._cache_origin
        z = self._cache_zoom
        return [(float(x), float(y)) for x, y in zip((pts[:, 0] - ox) * z, (pts[:, 1] - oy) * z)]

    def _compose(self, state) -> None:
        key = (self._land_key, state.owner.tobytes())
        if key in _BASES:
            _BASES.move_to_end(key)
            self._base = _BASES[key]
            return
        nearest, fade = self._grid
        owner = state.owner[nearest]
        # pastel versions of the sides' colours, laid almost opaque: land that reads as
        # held ground, never as water
        palette = np.array([gfx.mix(c, (255, 255, 255), 0.45) for c in self.colours] + [(200, 196, 186)],
                           dtype=np.uint8)
        col = np.where(owner >= 0, owner, len(self.colours))
        rgb = palette[col]
        alpha = fade * np.where(owner >= 0, TINT_ALPHA, 90)
        # Where the holder changes from one cell to the next, draw the line between them.
        edge = np.zeros(owner.shape, dtype=bool)
        for a, b in ((owner[1:, :], owner[:-1, :]), (owner[:, 1:], owner[:, :-1])):
            diff = a != b
            if a.shape[0] != owner.shape[0]:
                edge[1:, :] |= diff
                edge[:-1, :] |= diff
            else:
                edge[:, 1:] |= diff
                edge[:, :-1] |= diff
        edge &= fade > 0.05
        dark = np.array([gfx.mix(c, (0, 0, 0), 0.35) for c in self.colours] + [(120, 116, 108)], dtype=np.uint8)
        rgb[edge] = dark[col[edge]]
        alpha = np.where(edge, np.maximum(alpha, 150 * np.sqrt(fade)), alpha).astype(np.uint8)
        rgba = np.ascontiguousarray(np.dstack([rgb, alpha]))
        small = pygame.image.frombuffer(rgba.tobytes(), (rgba.shape[1], rgba.shape[0]), "RGBA")
        W, H = self._land.get_size()
        tint = pygame.transform.smoothscale(small, (rgba.shape[1] * self._cell, rgba.shape[0] * self._cell))
        tint = tint.subsurface((0, 0, min(W, tint.get_width()), min(H, tint.get_height())))
        tint = tint.convert_alpha() if pygame.display.get_surface() else tint.copy()
        a = pygame.surfarray.pixels_alpha(tint)
        a[...] = (a.astype(np.uint16) * self._mask_alpha[: a.shape[0], : a.shape[1]] // 255).astype(np.uint8)
        del a
        base = self._land.copy()
        base.blit(tint, (0, 0))
        z = self._cache_zoom
        for role, pts in self._polys:
            pygame.draw.lines(base, gfx.BORDER, True, pts, 2 if role == "country" else 1)
        ox, oy = self._cache_origin
        sx = (self.px - ox) * z
        sy = (self.py - oy) * z
        wide = z >= 1.2
        for a, b, kind in self.routes:
            pa, pb = (sx[a], sy[a]), (sx[b], sy[b])
            if kind == "highway":
                pygame.draw.line(base, gfx.ROUTE_CASING, pa, pb, 5 if wide else 4)
                pygame.draw.line(base, gfx.ROUTE, pa, pb, 3 if wide else 2)
            elif kind == "road":
                pygame.draw.line(base, gfx.ROUTE_CASING, pa, pb, 4 if wide else 3)
                pygame.draw.line(base, (236, 226, 200), pa, pb, 2 if wide else 1)
            elif kind in ROUTE_STYLE:
                colour, dash, gap = ROUTE_STYLE[kind]
                gfx.dashed_line(base, colour, pa, pb, 3 if wide else 2, dash, gap)
            else:
                gfx.dashed_line(base, (110, 96, 70), pa, pb, 2 if wide else 1, 7, 5)
        for name, x, y in self.neighbour_labels:
            t = self.fonts.text(name.upper(), 14 if z < 2 else 18, (120, 114, 100), bold=True)
            base.blit(t, ((x - ox) * z - t.get_width() / 2, (y - oy) * z - t.get_height() / 2))
        self._base = _remember(_BASES, key, base)

    # -- overlays that change with the game -------------------------------------------------
    def counters(self, state, version) -> list[Counter]:
        key = (version, id(state))
        if key == self._counters_key:
            return self._counters
        w = self.world
        n = state.n_units
        alive = np.flatnonzero(state.u_alive[:n])
        groups: dict[tuple[int, int], list[int]] = {}
        for u in alive.tolist():
            groups.setdefault((int(state.u_place[u]), int(state.u_owner[u])), []).append(u)
        from ..engine.supply import supplied

        sup = {f: supplied(state, f) for f in range(w.F)}
        out = []
        for (p, o), us in groups.items():
            t = state.u_type[us]
            g = w.t_ground[t]
            out.append(Counter(
                place=p, owner=o,
                ground=float(state.u_str[us][g].sum()),
                n_ground=int(g.sum()), n_air=int(w.t_air[t].sum()), n_ad=int(w.t_ad[t].sum()),
                ready=bool(np.any(state.u_ready[us] & g & (state.u_backer[us] < 0)))
                or bool(np.any(w.t_air[t] & (state.u_sorties[us] > 0) & (state.u_backer[us] < 0))),
                cut_off=bool(state.owner[p] == o and not sup[o][p]),
                units=us,
            ))
        self._counters_key = key
        self._counters = out
        return out

    def _labels_for_zoom(self) -> list:
        z = self.camera.zoom
        if self._labels_zoom == z:
            return self._labels
        taken: list[pygame.Rect] = []
        # every marker is an obstacle for other places' names
        for p in range(self.world.P):
            r = self.radius(p)
            taken.append(pygame.Rect(self.px[p] * z - r, self.py[p] * z - r, 2 * r, 2 * r))
            # and so is the slot where the place's unit counter goes
            taken.append(pygame.Rect(self.px[p] * z + r + 2, self.py[p] * z - 10, 46, 20))
        out = []
        minor_ok = z >= 1.6
        for p in self.order:
            imp = int(self.importance[p])
            if imp == 1 and not minor_ok:
                continue
            size = 16 if imp == 3 else (14 if imp == 2 else 12)
            surf = self.fonts.text(self.names[p], size, gfx.TEXT, bold=imp >= 2, halo=gfx.HALO)
            r = self.radius(p)
            cx, cy = self.px[p] * z, self.py[p] * z
            # try above, then below, right and left of the marker
            sw, sh = surf.get_width(), surf.get_height()
            for dx, dy in ((-sw / 2, -r - sh - 1), (-sw / 2, r + 1), (-r - 3 - sw, -sh / 2),
                           (-sw * 0.15, -r - sh - 1), (-sw * 0.85, -r - sh - 1),
                           (-sw * 0.15, r + 1), (-sw * 0.85, r + 1), (-sw / 2, -r - sh - 13), (-sw / 2, r + 12),
                           (r + 48, -sh / 2)):
                rect = pygame.Rect(cx + dx, cy + dy, surf.get_width(), surf.get_height())
                if not any(rect.colliderect(t) for t in taken):
                    taken.append(rect.inflate(4, 0))
                    out.append((p, surf, dx, dy))
                    break
        self._labels_zoom = z
        self._labels = out
        return out

    def _air_overlay(self, state, version) -> pygame.Surface:
        key = (version, self.camera.key())
        if key == self._air_key and self._air_layer is not None:
            return self._air_layer
        w = self.world
        v = self.camera.view
        layer = pygame.Surface(v.size, pygame.SRCALPHA)
        n = state.n_units
        z = self.camera.zoom
        for u in np.flatnonzero(state.u_alive[:n]).tolist():
            t = int(state.u_type[u])
            if not (w.t_ad[t] or w.t_air[t]) or w.t_range[t] <= 0:
                continue
            col = self.colours[int(state.u_owner[u])]
            sx, sy = self.screen_of(int(state.u_place[u]))
            c = (sx - v.x, sy - v.y)
            r = w.t_range[t] * z
            if w.t_ad[t]:
                share = float(state.u_str[u] / w.t_strength[t])
                pygame.draw.circle(layer, (*col, int(40 + 50 * share)), c, r)
                pygame.draw.circle(layer, (*gfx.mix(col, (255, 255, 255), 0.4), 220), c, r, 2)
            else:
                gfx.dashed_circle(layer, (*gfx.mix(col, (255, 255, 255), 0.3), 150), c, r, 1, 96)
                tag = self.fonts.text(f"{w.types[t].name} range", 11, gfx.mix(col, (255, 255, 255), 0.5), halo=(0, 0, 0))
                layer.blit(tag, (c[0] - tag.get_width() / 2, c[1] - r - tag.get_height() / 2))
        self._air_key = key
        self._air_layer = layer
        return layer

    # -- drawing -----------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, state, marks: Marks, version: int, supplied=None) -> None:
        cam = self.camera
        v = cam.view
        self._ensure_base(state)
        z = cam.zoom
        clip = surface.get_clip()
        surface.set_clip(v)
        self._blit_base(surface)
        self._frame_bounds(surface)
        # The legend names only the kinds of layer on the map today.
        self._layers_shown = tuple(sorted({x.kind for x in self.layers if x.shown_on(state.date)})) \
            if self.show_layers else ()
        if self._layers_shown:
            draw_layers(surface, self.layers, state.date, cam, self.fonts)
        w = self.world
        sx, sy = cam.to_screen(self.px, self.py)
        # Supply: roads inside each side's supplied network, and cut-off places
        if self.show_supply and supplied is not None:
            for a, b, _ in self.routes:
                oa, ob = int(state.owner[a]), int(state.owner[b])
                if oa >= 0 and oa == ob and supplied[oa][a] and supplied[oa][b]:
                    col = gfx.mix(self.colours[oa], (255, 255, 255), 0.25)
                    pygame.draw.line(surface, col, (sx[a], sy[a]), (sx[b], sy[b]), 4)
            for p in range(w.P):
                o = int(state.owner[p])
                if o >= 0 and not supplied[o][p]:
                    gfx.dashed_circle(surface, gfx.ATTACK, (sx[p], sy[p]), self.radius(p) + 7, 2)
        # Routes closed this week (snow, a blown bridge): greyed, with a bar across.
        shut = closed_routes(state) if self.world.routes_can_close else None
        if shut is not None:
            for i in np.flatnonzero(shut).tolist():
                a, b, _ = self.routes[i]
                pa, pb = (sx[a], sy[a]), (sx[b], sy[b])
                pygame.draw.line(surface, (40, 40, 48), pa, pb, 7)
                gfx.dashed_line(surface, gfx.CLOSED, pa, pb, 3, 6, 6)
                mx, my = (pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2
                dx, dy = pb[0] - pa[0], pb[1] - pa[1]
                length = max(math.hypot(dx, dy), 1.0)
                nx, ny = -dy / length * 13, dx / length * 13
                pygame.draw.line(surface, (40, 40, 48), (mx - nx, my - ny), (mx + nx, my + ny), 9)
                pygame.draw.line(surface, gfx.CLOSED, (mx - nx, my - ny), (mx + nx, my + ny), 5)
        # The front: every road between places held by enemies (that is open)
        if self.show_front:
            for pa, pb, dashes in self._front_lines(state, shut, sx, sy):
                pygame.draw.line(surface, (70, 15, 8), pa, pb, 6)
                for start, end in dashes:
                    pygame.draw.line(surface, gfx.FRONT, start, end, 4)
        if self.show_air:
            surface.blit(self._air_overlay(state, version), v.topleft)
        for p, km, col in marks.range_rings:
            gfx.dashed_circle(surface, col, (sx[p], sy[p]), km * z, 2, 120)
        # Order marks under the markers
        t = pygame.time.get_ticks() / 1000.0
        pulse = 0.5 + 0.5 * math.sin(t * 5)
        for p in marks.moves:
            pygame.draw.circle(surface, (10, 40, 10), (sx[p], sy[p]), self.radius(p) + 7 + 2 * pulse, 6)
            pygame.draw.circle(surface, gfx.MOVE, (sx[p], sy[p]), self.radius(p) + 7 + 2 * pulse, 4)
        for p in marks.relocations:
            pygame.draw.circle(surface, gfx.RELOCATE, (sx[p], sy[p]), self.radius(p) + 6 + 2 * pulse, 3)
        for p in marks.strikes:
            r = self.radius(p) + 8
            pygame.draw.circle(surface, gfx.STRIKE, (sx[p], sy[p]), r, 2)
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                pygame.draw.line(surface, gfx.STRIKE, (sx[p] + dx * (r - 4), sy[p] + dy * (r - 4)),
                                 (sx[p] + dx * (r + 5), sy[p] + dy * (r + 5)), 2)
        sel = marks.selected_place
        if sel is not None:
            for p in list(marks.attacks):
                pygame.draw.line(surface, gfx.ATTACK, (sx[sel], sy[sel]), (sx[p], sy[p]), 3)
        for p in marks.attacks:
            pygame.draw.circle(surface, gfx.ATTACK, (sx[p], sy[p]), self.radius(p) + 6 + 2 * pulse, 3)
        # Works: a square of earthworks round the marker, thicker for each level
        for p in np.flatnonzero(state.works > 0).tolist():
            r = self.radius(p) + 6
            box = pygame.Rect(0, 0, 2 * r, 2 * r)
            box.center = (sx[p], sy[p])
            pygame.draw.rect(surface, (40, 34, 22), box.inflate(4, 4), 2 + int(state.works[p]), border_radius=3)
            pygame.draw.rect(surface, gfx.WORKS, box, 1 + int(state.works[p]), border_radius=3)
        # Places
        for p in range(w.P):
            x, y = sx[p], sy[p]
            if not (v.x - 40 < x < v.right + 40 and v.y - 40 < y < v.bottom + 40):
                continue
            self._draw_marker(surface, p, x, y, int(state.owner[p]))
        if marks.hover is not None:
            pygame.draw.circle(surface, (255, 255, 255), (sx[marks.hover], sy[marks.hover]), self.radius(marks.hover) + 4, 2)
        if sel is not None:
            pygame.draw.circle(surface, gfx.SELECT, (sx[sel], sy[sel]), self.radius(sel) + 5, 3)
        # Names
        for p, surf, dx, dy in self._labels_for_zoom():
            x, y = sx[p] + dx, sy[p] + dy
            if v.x - 200 < x < v.right and v.y - 30 < y < v.bottom:
                surface.blit(surf, (x, y))
        # Unit counters
        self._draw_counters(surface, state, marks, version, sx, sy)
        # Odds over everything
        for p, chance in marks.attacks.items():
            col = gfx.MOVE if chance >= 0.6 else (gfx.STRIKE if chance >= 0.35 else gfx.ATTACK)
            txt = self.fonts.text(f"{chance:.0%}", 15, col, bold=True, halo=gfx.HALO)
            surface.blit(txt, (sx[p] - txt.get_width() / 2, sy[p] + self.radius(p) + 4))
        surface.set_clip(clip)

    def _front_lines(self, state, shut, sx, sy) -> list:
        """The front's open roads, each as its two screen ends and the dashes along it,
        kept until the holders, the closed roads or the camera change: worked out every
        frame, the dashes were a quarter of an idle frame's time."""
        key = (state.owner.tobytes(), None if shut is None else shut.tobytes(), sx.tobytes(), sy.tobytes())
        if key != self._front_key:
            lines = []
            enemies = self.world.enemies
            for i, (a, b, _) in enumerate(self.routes):
                if shut is not None and shut[i]:
                    continue
                oa, ob = int(state.owner[a]), int(state.owner[b])
                if oa >= 0 and ob >= 0 and enemies[oa, ob]:
                    pa, pb = (sx[a], sy[a]), (sx[b], sy[b])
                    lines.append((pa, pb, gfx.dash_segments(pa, pb, 10, 5)))
            self._front_key, self._front = key, lines
        return self._front

    def draw_backdrop(self, surface: pygame.Surface, owner: np.ndarray, labels: bool = True) -> None:
        """The map as a scenario starts (for the menu): holders, front and names, no units."""
        from types import SimpleNamespace

        cam = self.camera
        self._ensure_base(SimpleNamespace(owner=owner))
        self._blit_base(surface)
        self._frame_bounds(surface)
        sx, sy = cam.to_screen(self.px, self.py)
        for a, b, _ in self.routes:
            oa, ob = int(owner[a]), int(owner[b])
            if oa >= 0 and ob >= 0 and self.world.enemies[oa, ob]:
                gfx.dashed_line(surface, gfx.FRONT, (sx[a], sy[a]), (sx[b], sy[b]), 4, 9, 5)
        for p in range(self.world.P):
            self._draw_marker(surface, p, sx[p], sy[p], int(owner[p]))
        if labels:
            for p, surf, dx, dy in self._labels_for_zoom():
                surface.blit(surf, (sx[p] + dx, sy[p] + dy))

    def _frame_bounds(self, surface) -> None:
        """Shade what lies beyond the scenario's bounds: the map file need not cover it."""
        cam = self.camera
        v = cam.view
        x0, y0, x1, y1 = self.proj.world_rect
        (ax, ay), (bx, by) = cam.to_screen(x0, y0), cam.to_screen(x1, y1)
        inner = pygame.Rect(int(ax), int(ay), int(bx - ax), int(by - ay))
        if inner.contains(v):
            return
        outside = (16, 20, 24)
        for r in (pygame.Rect(v.x, v.y, max(0, inner.x - v.x), v.h),
                  pygame.Rect(inner.right, v.y, max(0, v.right - inner.right), v.h),
                  pygame.Rect(v.x, v.y, v.w, max(0, inner.y - v.y)),
                  pygame.Rect(v.x, inner.bottom, v.w, max(0, v.bottom - inner.bottom))):
            if r.w > 0 and r.h > 0:
                surface.fill(outside, r.clip(v))
        pygame.draw.rect(surface, (60, 70, 80), inner, 1)

    def _draw_marker(self, surface, p: int, x: float, y: float, owner: int) -> None:
        r = self.radius(p)
        col = self.colours[owner] if owner >= 0 else gfx.NEUTRAL
        edge = (25, 25, 25)
        if p in self.objectives:
            pygame.draw.circle(surface, gfx.GOLD, (x, y), r + 3, 2)
        kind = self.kinds[p]
        if kind == "airbase":
            pts = [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
            pygame.draw.polygon(surface, col, pts)
            pygame.draw.polygon(surface, edge, pts, 2)
            pygame.draw.line(surface, (245, 245, 245), (x - r * 0.5, y), (x + r * 0.5, y), 2)
        elif kind in ("oil_field", "terminal"):
            rect = pygame.Rect(0, 0, 2 * r, 2 * r)
            rect.center = (x, y)
            pygame.draw.rect(surface, col, rect)
            pygame.draw.rect(surface, edge, rect, 2)
            pygame.draw.circle(surface, (20, 20, 20), (x, y), max(2, r * 0.35))
        else:
            pygame.draw.circle(surface, col, (x, y), r)
            pygame.draw.circle(surface, edge, (x, y), r, 2)
            if self.capital[p]:
                pygame.draw.circle(surface, (255, 255, 255), (x, y), max(2, r * 0.4))

    def _counter_art(self, c: Counter, size: int, h: int):
        """A counter's strength text, its badges and its width."""
        label = short_strength(c.ground) if c.n_ground else ""
        parts = [self.fonts.text(label, size, (255, 255, 255), bold=True)] if label else []
        badges = []
        if c.n_air:
            badges.append(("air", c.n_air))
        if c.n_ad:
            badges.append(("ad", c.n_ad))
        tw = sum(s.get_width() for s in parts) + 6
        bw = len(badges) * (h + 2)
        return parts, badges, int(max(tw + bw + (4 if parts else 2), h + 2))

    def _counter_layout(self, counters: list[Counter], widths: list[int], h: int) -> list[tuple[float, float, bool, int]]:
        """Where each counter goes: an offset from its place's marker, whether it was moved
        off its usual slot (right of the marker) and so needs a leader line, and the index
        of the counter it is merged into (−1: shown on its own).

        In a cluster of close places (a capital and its suburbs) the usual slot can sit on the next
        place's marker or name, and a counter there reads as that place's. Each place's
        first counter therefore takes the first free slot around its own marker; more
        counters at one place stack under it. Where no slot is free and a counter of the
        same side stands close by, the two are shown as one, which a click zooms into.
        Worked out in zoomed map units, so it holds while the map pans and is only redone
        when the zoom or the counters change."""
        z = self.camera.zoom
        key = (self._counters_key, z, h)
        if self._layout_key == key:
            return self._layout
        P = self.world.P
        taken: list[pygame.Rect] = []
        for p in range(P):
            r = self.radius(p)
            taken.append(pygame.Rect(self.px[p] * z - r - 2, self.py[p] * z - r - 2, 2 * r + 4, 2 * r + 4))
        for p, surf, dx, dy in self._labels_for_zoom():
            taken.append(pygame.Rect(self.px[p] * z + dx, self.py[p] * z + dy, surf.get_width(), surf.get_height()))
        rank = {p: i for i, p in enumerate(self.order)}
        out: list[tuple[float, float, bool, int]] = [(0.0, 0.0, False, -1)] * len(counters)
        first: dict[int, int] = {}  # place -> index of its first counter
        stacked: dict[int, int] = {}
        shown: list[int] = []  # counters drawn on their own, in the order placed
        for i in sorted(range(len(counters)), key=lambda i: (rank.get(counters[i].place, 0), i)):
            c, wd = counters[i], widths[i]
            p = c.place
            r = self.radius(p)
            cx, cy = self.px[p] * z, self.py[p] * z
            if p in first:
                dx, dy, moved, group = out[first[p]]
                if group < 0:
                    stacked[p] = stacked.get(p, 0) + 1
                    out[i] = (dx, dy + stacked[p] * (h + 3), moved, -1)
                    taken.append(pygame.Rect(cx + out[i][0], cy + out[i][1], wd, h))
                    shown.append(i)
                    continue
                if counters[group].owner == c.owner:
                    out[i] = (dx, dy, moved, group)
                    continue
                # The place's first counter joined another side's: this one finds its own slot.
            else:
                first[p] = i
            slots = ((r + 3, -h / 2), (-r - 3 - wd, -h / 2), (r + 1, r - 2), (r + 1, -r - h + 2),
                     (-r - 1 - wd, r - 2), (-r - 1 - wd, -r - h + 2), (-wd / 2, r + 3), (-wd / 2, -r - 3 - h),
                     (r + 18, -h / 2), (-r - 18 - wd, -h / 2))
            best, best_overlap = 0, None
            for k, (dx, dy) in enumerate(slots):
                rect = pygame.Rect(cx + dx, cy + dy, wd, h)
                overlap = 0
                for n, t in enumerate(taken):
                    if n != p and rect.colliderect(t):
                        cut = rect.clip(t)
                        overlap += cut.width * cut.height
                if overlap == 0:
                    best, best_overlap = k, 0
                    break
                if best_overlap is None or overlap < best_overlap:
                    best, best_overlap = k, overlap
            if best_overlap:
                # No room: join the nearest counter of the same side within reach, if any.
                reach = 3.0 * r + 70.0
                near = [(math.hypot(self.px[counters[j].place] * z - cx, self.py[counters[j].place] * z - cy), j)
                        for j in shown if counters[j].owner == c.owner and out[j][3] < 0]
                near = [(d, j) for d, j in near if d <= reach]
                if near:
                    j = min(near)[1]
                    out[i] = (0.0, 0.0, False, j)
                    continue
            dx, dy = slots[best]
            out[i] = (dx, dy, best != 0, -1)
            taken.append(pygame.Rect(cx + dx, cy + dy, wd, h))
            shown.append(i)
        self._layout_key, self._layout = key, out
        return out

    @staticmethod
    def _grouped(counters: list[Counter], layout) -> list[tuple[Counter, tuple[float, float, bool], int]]:
        """The counters to draw: each shown one, with those merged into it summed in, and
        its index in `counters`."""
        joined: dict[int, list[int]] = {}
        for i, entry in enumerate(layout):
            if entry[3] >= 0:
                joined.setdefault(entry[3], []).append(i)
        out = []
        for i, (c, entry) in enumerate(zip(counters, layout)):
            if entry[3] >= 0:
                continue
            if i in joined:
                parts = [c] + [counters[j] for j in joined[i]]
                places = [c.place] + [q.place for q in parts[1:] if q.place != c.place]
                c = Counter(place=c.place, owner=c.owner, ground=sum(q.ground for q in parts),
                            n_ground=sum(q.n_ground for q in parts), n_air=sum(q.n_air for q in parts),
                            n_ad=sum(q.n_ad for q in parts), ready=any(q.ready for q in parts),
                            cut_off=any(q.cut_off for q in parts), units=[u for q in parts for u in q.units],
                            members=tuple(dict.fromkeys(places)))
            out.append((c, entry[:3], i))
        return out

    def _draw_counters(self, surface, state, marks: Marks, version, sx, sy) -> None:
        self.counter_rects = []
        z = self.camera.zoom
        small = z < 1.0
        h = 16 if small else 19
        size = 11 if small else 13
        sel_unit_place = None
        if marks.selected_unit is not None and state.u_alive[marks.selected_unit]:
            sel_unit_place = (int(state.u_place[marks.selected_unit]), int(state.u_owner[marks.selected_unit]))
        counters = self.counters(state, version)
        art = [self._counter_art(c, size, h) for c in counters]
        layout = self._counter_layout(counters, [a[2] for a in art], h)
        for c, (dx, dy, moved), i in self._grouped(counters, layout):
            parts, badges, width = self._counter_art(c, size, h) if c.members else art[i]
            if c.members:
                # "+2": this counter also stands for two more places close by.
                parts.append(self.fonts.text(f"+{len(c.members) - 1}", 10, (255, 235, 150), bold=True))
                width += parts[-1].get_width() + 3
            p = c.place
            rect = pygame.Rect(int(sx[p] + dx), int(sy[p] + dy), width, h)
            if not self.camera.view.colliderect(rect):
                continue
            col = self.colours[c.owner]
            if moved:
                # A leader from the marker's edge to the counter, so it is read as this place's.
                tx, ty = min(max(sx[p], rect.left), rect.right), min(max(sy[p], rect.top), rect.bottom)
                d = math.hypot(tx - sx[p], ty - sy[p]) or 1.0
                r = self.radius(p)
                start = (sx[p] + (tx - sx[p]) * r / d, sy[p] + (ty - sy[p]) * r / d)
                pygame.draw.line(surface, (15, 15, 15), start, (tx, ty), 3)
                pygame.draw.line(surface, col, start, (tx, ty), 1)
            if c.n_ground > 1 or (c.n_air + c.n_ad) > 1 or c.members:  # a stack: a shadow counter behind
                pygame.draw.rect(surface, gfx.mix(col, (0, 0, 0), 0.45), rect.move(3, -3), border_radius=3)
            pygame.draw.rect(surface, col, rect, border_radius=3)
            edge = gfx.ATTACK if c.cut_off else (15, 15, 15)
            pygame.draw.rect(surface, edge, rect, 2 if c.cut_off else 1, border_radius=3)
            xx = rect.x + 4
            for s in parts:
                surface.blit(s, (xx, rect.y + (h - s.get_height()) / 2))
                xx += s.get_width() + 3
            for kind, count in badges:
                b = pygame.Rect(xx, rect.y + 2, h - 4, h - 4)
                pygame.draw.rect(surface, (240, 240, 240), b, border_radius=2)
                cxm, cym = b.center
                if kind == "air":
                    pygame.draw.polygon(surface, (30, 30, 30), [(cxm, b.y + 2), (b.right - 2, b.bottom - 3),
                                                               (cxm, b.bottom - 5), (b.x + 2, b.bottom - 3)])
                else:
                    pygame.draw.arc(surface, (30, 30, 30), b.inflate(-3, 0).move(0, 4), 0, math.pi, 2)
                if count > 1:
                    n = self.fonts.text(str(count), 10, (255, 255, 255), bold=True, halo=(0, 0, 0))
                    surface.blit(n, (b.right - n.get_width() + 3, b.bottom - n.get_height() + 4))
                xx += h - 2
            if c.cut_off:
                bang = self.fonts.text("!", 13, gfx.ATTACK, bold=True, halo=(0, 0, 0))
                surface.blit(bang, (rect.right + 1, rect.y - 4))
            if marks.your_turn and c.owner == marks.you and c.ready:
                pygame.draw.circle(surface, gfx.SELECT, (rect.x, rect.y), 4)
                pygame.draw.circle(surface, (0, 0, 0), (rect.x, rect.y), 4, 1)
            if sel_unit_place == (p, c.owner):
                pygame.draw.rect(surface, gfx.SELECT, rect.inflate(4, 4), 2, border_radius=4)
            self.counter_rects.append((rect, c))

    def draw_minimap(self, surface: pygame.Surface, state) -> None:
        r = self.minimap_rect()
        key = (state.owner.tobytes(), r.size)
        if key != self._mini_key:
            x0, y0, x1, y1 = self.proj.world_rect
            k = r.w / (x1 - x0)
            mini = pygame.Surface(r.size)
            mini.fill(gfx.SEA)
            for role, _, pts in self.rings:
                q = [((x - x0) * k, (y - y0) * k) for x, y in pts]
                pygame.draw.polygon(mini, gfx.LAND if role == "country" else gfx.NEIGHBOUR, q)
            for p in range(self.world.P):
                o = int(state.owner[p])
                col = self.colours[o] if o >= 0 else gfx.NEUTRAL
                pygame.draw.circle(mini, col, ((self.px[p] - x0) * k, (self.py[p] - y0) * k), 3)
            self._mini = mini
            self._mini_key = key
        surface.blit(self._mini, r.topleft)
        x0, y0, x1, y1 = self.proj.world_rect
        k = r.w / (x1 - x0)
        a, b, c, d = self.camera.visible_world()
        view = pygame.Rect(r.x + (a - x0) * k, r.y + (b - y0) * k, (c - a) * k, (d - b) * k).clip(r)
        pygame.draw.rect(surface, gfx.SELECT, view, 2)
        pygame.draw.rect(surface, (10, 10, 10), r, 2)

    def draw_legend(self, surface: pygame.Surface) -> pygame.Rect | None:
        if not self.show_legend:
            return None
        key = (self.show_front, self.show_air, self.show_supply, self.show_layers, self._layers_shown)
        if key != self._legend_key:
            f = self.fonts
            rows = []
            for i, fc in enumerate(self.world.factions):
                rows.append(("swatch", self.colours[i], f"{fc.short} — {fc.name}"))
            rows.append(("front", gfx.FRONT, "Front line (roads between enemies)"))
            kinds = {kind for _, _, kind in self.routes}
            rows += [("route", kind, ROUTE_NAMES[kind]) for kind in ROUTE_STYLE if kind in kinds]
            if self.world.routes_can_close:
                rows.append(("closed", gfx.CLOSED, "Route closed this week (season, or an event)"))
            rows.append(("gold", gfx.GOLD, "Objective in a victory condition"))
            if self.has_works:
                rows.append(("works", gfx.WORKS, "Works dug in (thicker: more levels)"))
            rows.append(("counter", None, "Fighters at a place; badges: drones, air defence"))
            rows += [("layer", kind, NAMES[kind]) for kind in STYLE if kind in self._layers_shown]
            on = lambda b: "on" if b else "off"  # noqa: E731
            rows.append(("text", None, f"[F] front {on(self.show_front)}   [A] air defence {on(self.show_air)}   "
                                       f"[S] supply {on(self.show_supply)}   [L] legend"
                                       + (f"   [C] map layers {on(self.show_layers)}" if self.layers else "")))
            width = 12 + max(f.text(t, 12).get_width() for _, _, t in rows) + 30
            height = 8 + 18 * len(rows)
            leg = pygame.Surface((width, height), pygame.SRCALPHA)
            leg.fill((16, 20, 24, 205))
            y = 5
            for kind, col, text in rows:
                if kind == "swatch":
                    pygame.draw.rect(leg, col, (8, y + 3, 18, 11), border_radius=2)
                elif kind == "front":
                    gfx.dashed_line(leg, col, (8, y + 9), (26, y + 9), 4, 6, 3)
                elif kind == "gold":
                    pygame.draw.circle(leg, col, (17, y + 9), 6, 2)
                elif kind == "route":
                    colour, dash, gap = ROUTE_STYLE[col]
                    gfx.dashed_line(leg, colour, (8, y + 9), (26, y + 9), 3, dash, gap)
                elif kind == "closed":
                    gfx.dashed_line(leg, col, (8, y + 9), (26, y + 9), 2, 4, 3)
                    pygame.draw.line(leg, col, (17, y + 3), (17, y + 15), 3)
                elif kind == "works":
                    pygame.draw.rect(leg, col, (10, y + 2, 14, 14), 2, border_radius=2)
                elif kind == "layer":
                    colour, width, dashed = STYLE[col]
                    if dashed:
                        gfx.dashed_line(leg, colour, (8, y + 9), (26, y + 9), width, 6, 3)
                    else:
                        pygame.draw.line(leg, colour, (8, y + 9), (26, y + 9), width)
                elif kind == "counter":
                    pygame.draw.rect(leg, (120, 120, 120), (6, y + 3, 24, 13), border_radius=2)
                    leg.blit(f.text("1.2k", 9, (255, 255, 255), bold=True), (8, y + 3))
                leg.blit(f.text(text, 12, (230, 230, 225)), (34 if kind != "text" else 8, y))
                y += 18
            self._legend = leg
            self._legend_key = key
        pos = (self.camera.view.right - self._legend.get_width() - 10,
               self.camera.view.bottom - self._legend.get_height() - 44)
        surface.blit(self._legend, pos)
        return pygame.Rect(pos, self._legend.get_size())
