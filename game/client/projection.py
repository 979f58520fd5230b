"""From degrees to kilometres to pixels: the map's projection and the camera.

The projection is equirectangular about the scenario's centre, in kilometres
(x east, y south), which is true enough for a country-sized war map away from the poles.
The camera turns kilometres into screen pixels with a zoom (pixels per km) and
a centre, and keeps the view over the scenario's bounds.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

KM_PER_DEG_LAT = 110.57


class Projection:
    def __init__(self, bounds):
        self.lat0 = (bounds.lat_min + bounds.lat_max) / 2.0
        self.lon0 = (bounds.lon_min + bounds.lon_max) / 2.0
        self.kx = 111.32 * math.cos(math.radians(self.lat0))
        x0, y1 = self.xy(bounds.lat_min, bounds.lon_min)
        x1, y0 = self.xy(bounds.lat_max, bounds.lon_max)
        self.world_rect = (x0, y0, x1, y1)

    def xy(self, lat, lon):
        """Degrees to km (x east, y south); floats or numpy arrays."""
        x = (np.asarray(lon, dtype=float) - self.lon0) * self.kx
        y = (self.lat0 - np.asarray(lat, dtype=float)) * KM_PER_DEG_LAT
        return (float(x), float(y)) if x.ndim == 0 else (x, y)

    def rings(self, geojson: dict) -> list[tuple[str, str, np.ndarray]]:
        """Every polygon ring of the GeoJSON as (role, name, Nx2 array of km)."""
        out = []
        for feat in geojson.get("features", []) if isinstance(geojson, dict) else []:
            props = feat.get("properties") or {}
            geom = feat.get("geometry") or {}
            if "layer" in props:  # a line of contact, frontier or disputed area: map_layers.py draws it
                continue
            polys = []
            if geom.get("type") == "Polygon":
                polys = [geom.get("coordinates", [])]
            elif geom.get("type") == "MultiPolygon":
                polys = geom.get("coordinates", [])
            for poly in polys:
                for ring in poly[:1]:  # outer ring; the map has no holes worth drawing
                    pts = np.asarray(ring, dtype=float)
                    if pts.ndim != 2 or len(pts) < 3:
                        continue
                    x, y = self.xy(pts[:, 1], pts[:, 0])
                    out.append((str(props.get("role", "neighbour")), str(props.get("name", "")), np.column_stack([x, y])))
        return out


class Camera:
    """Pixels = (km - centre) × zoom + the view's centre."""

    MAX_ZOOM = 14.0  # px per km: a capital's districts may be only a few km apart

    def __init__(self, view: pygame.Rect, world_rect):
        self.view = pygame.Rect(view)
        self.world = world_rect
        x0, y0, x1, y1 = world_rect
        self.min_zoom = 0.92 * min(self.view.w / (x1 - x0), self.view.h / (y1 - y0))
        self.zoom = self.min_zoom
        self.cx, self.cy = (x0 + x1) / 2, (y0 + y1) / 2
        self.zoom_idle = 10.0  # seconds of frames since the last interactive zoom

    def key(self):
        return (round(self.zoom, 6), round(self.cx, 3), round(self.cy, 3), self.view.topleft, self.view.size)

    def to_screen(self, x, y):
        return (self.view.centerx + (x - self.cx) * self.zoom, self.view.centery + (y - self.cy) * self.zoom)

    def to_world(self, sx, sy):
        return (self.cx + (sx - self.view.centerx) / self.zoom, self.cy + (sy - self.view.centery) / self.zoom)

    def visible_world(self, margin: float = 0.0):
        w = self.view.w / self.zoom
        h = self.view.h / self.zoom
        return (self.cx - w / 2 - margin * w, self.cy - h / 2 - margin * h,
                self.cx + w / 2 + margin * w, self.cy + h / 2 + margin * h)

    def set_zoom(self, z: float) -> None:
        self.zoom = min(self.MAX_ZOOM, max(self.min_zoom, z))
        self.clamp()

    def zoom_at(self, factor: float, pos) -> None:
        """Zoom keeping the point under `pos` where it is."""
        wx, wy = self.to_world(*pos)
        self.zoom = min(self.MAX_ZOOM, max(self.min_zoom, self.zoom * factor))
        self.zoom_idle = 0.0
        self.cx = wx - (pos[0] - self.view.centerx) / self.zoom
        self.cy = wy - (pos[1] - self.view.centery) / self.zoom
        self.clamp()

    def pan_px(self, dx: float, dy: float) -> None:
        self.cx -= dx / self.zoom
        self.cy -= dy / self.zoom
        self.clamp()

    def center_on(self, x: float, y: float) -> None:
        self.cx, self.cy = x, y
        self.clamp()

    def clamp(self) -> None:
        x0, y0, x1, y1 = self.world
        self.cx = min(max(self.cx, x0), x1)
        self.cy = min(max(self.cy, y0), y1)

    def fit(self, x0: float, y0: float, x1: float, y1: float, pad: float = 0.12) -> None:
        w = max(x1 - x0, 1.0) * (1 + 2 * pad)
        h = max(y1 - y0, 1.0) * (1 + 2 * pad)
        self.zoom = min(self.MAX_ZOOM, max(self.min_zoom, min(self.view.w / w, self.view.h / h)))
        self.cx, self.cy = (x0 + x1) / 2, (y0 + y1) / 2
        self.clamp()

    def resize(self, view: pygame.Rect) -> None:
        ratio = self.zoom / self.min_zoom
        self.view = pygame.Rect(view)
        x0, y0, x1, y1 = self.world
        self.min_zoom = 0.92 * min(self.view.w / (x1 - x0), self.view.h / (y1 - y0))
        self.set_zoom(self.min_zoom * ratio)
