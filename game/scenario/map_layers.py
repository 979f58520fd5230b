"""The layers a scenario's GeoJSON may draw besides the countries: what a feature with a
`layer` property may say, read the same way by the checks and by the client's map."""

from __future__ import annotations

import datetime as dt

# Each kind of layer, and the geometry it takes.
LAYERS = {
    "contact": ("LineString", "MultiLineString"),  # a line of contact between the sides
    "frontier": ("LineString", "MultiLineString"),  # a historical frontier or an old front
    "disputed": ("Polygon", "MultiPolygon"),  # an area the sides dispute
}


def feature_layer(feat) -> str | None:
    """The layer a GeoJSON feature belongs to, or None for a country or neighbour."""
    props = feat.get("properties") if isinstance(feat, dict) else None
    layer = props.get("layer") if isinstance(props, dict) else None
    return str(layer) if layer is not None else None


def layer_dates(feat) -> tuple[dt.date | None, dt.date | None]:
    """The dates a layer is shown between (`from`, `until`); ValueError if one is not a date."""
    props = feat.get("properties") or {}
    out = []
    for key in ("from", "until"):
        value = props.get(key)
        out.append(dt.date.fromisoformat(value) if isinstance(value, str) else None)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"'{key}' must be an ISO date such as 2020-06-20, not {value!r}")
    return out[0], out[1]


def layer_parts(feat) -> list:
    """A layer feature's lines (or outer rings, for an area), as lists of [lon, lat]."""
    geom = feat.get("geometry") or {}
    kind, coords = geom.get("type"), geom.get("coordinates") or []
    if kind == "LineString":
        return [coords]
    if kind == "MultiLineString":
        return list(coords)
    if kind == "Polygon":
        return list(coords[:1])
    if kind == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []
