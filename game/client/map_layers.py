"""Map layers: lines and areas a scenario's GeoJSON draws over the map besides the
countries. A feature with a `layer` property is one of LAYERS: a line of contact, a
historical frontier or a disputed area, with an optional `name` and the dates between
which it is shown (`from`, `until`, ISO dates), so that a line the war drew appears
when the record says it formed. The checks on them are `scenario.semantic`'s."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pygame

from ..scenario.map_layers import feature_layer, layer_dates, layer_parts
from . import gfx

# How each kind is drawn: line colour, width (px), dashed; an area also gets a translucent fill.
STYLE = {
    "contact": ((150, 30, 30), 4, False),
    "frontier": ((70, 60, 50), 2, True),
    "disputed": ((190, 120, 40), 2, True),
}
NAMES = {"contact": "Line of contact", "frontier": "Historical frontier", "disputed": "Disputed area"}


@dataclass(frozen=True)
class Layer:
    kind: str
    name: str
    start: dt.date | None
    until: dt.date | None
    parts: tuple[np.ndarray, ...]  # each an Nx2 array of km; closed when the kind is an area

    def shown_on(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.until is None or day <= self.until)


def read_layers(geojson: dict, proj) -> list[Layer]:
    """The layer features of a (checked) GeoJSON, projected to the map's km."""
    out = []
    for feat in geojson.get("features", []) if isinstance(geojson, dict) else []:
        kind = feature_layer(feat)
        if kind is None:
            continue
        start, until = layer_dates(feat)
        parts = []
        for coords in layer_parts(feat):
            pts = np.asarray(coords, dtype=float)
            if pts.ndim == 2 and len(pts) >= 2:
                x, y = proj.xy(pts[:, 1], pts[:, 0])
                parts.append(np.column_stack([x, y]))
        name = str((feat.get("properties") or {}).get("name", ""))
        out.append(Layer(kind, name, start, until, tuple(parts)))
    return out


def draw_layers(surface: pygame.Surface, layers: list[Layer], day: dt.date, camera, fonts=None) -> None:
    """The layers shown on `day`, areas first, then frontiers, then lines of contact on
    top, each named beside the middle of its first line when `fonts` is given."""
    order = {"disputed": 0, "frontier": 1, "contact": 2}
    for layer in sorted((x for x in layers if x.shown_on(day)), key=lambda x: order[x.kind]):
        colour, width, dashed = STYLE[layer.kind]
        for pts in layer.parts:
            sx, sy = camera.to_screen(pts[:, 0], pts[:, 1])
            points = list(zip(sx.tolist(), sy.tolist()))
            if layer.kind == "disputed" and len(points) >= 3:
                r = pygame.Rect(min(sx), min(sy), max(sx) - min(sx) + 1, max(sy) - min(sy) + 1).clip(surface.get_clip())
                if r.w > 0 and r.h > 0:
                    fill = pygame.Surface(r.size, pygame.SRCALPHA)
                    pygame.draw.polygon(fill, (*colour, 60), [(x - r.x, y - r.y) for x, y in points])
                    surface.blit(fill, r.topleft)
                points = points + points[:1]
            if layer.kind == "contact":
                pygame.draw.lines(surface, (250, 235, 215), False, points, width + 3)
            for a, b in zip(points, points[1:]):
                if dashed:
                    gfx.dashed_line(surface, colour, a, b, width, 9, 6)
                else:
                    pygame.draw.line(surface, colour, a, b, width)
        if fonts is not None and layer.name and layer.parts:
            pts = layer.parts[0]
            mx, my = camera.to_screen(*pts[len(pts) // 2])
            label = fonts.text(layer.name, 13, colour, bold=True, halo=(250, 240, 225))
            surface.blit(label, (mx + 8, my - label.get_height() // 2))
