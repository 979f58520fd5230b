"""Map layers: lines of contact, frontiers and disputed areas in a scenario's GeoJSON,
checked when the scenario loads, drawn by the client between their dates, and hidden
or shown with C."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pygame
import pytest

from client_helpers import TRIPOLI, frames, key, loaded, make_app, start
from conftest import GEOJSON, location
from game.client.map_layers import read_layers
from game.client.projection import Projection

LINE = {"type": "LineString", "coordinates": [[13.0, 32.0], [13.5, 31.5]]}
AREA = {"type": "Polygon", "coordinates": [[[13.0, 32.0], [13.5, 32.0], [13.5, 31.5], [13.0, 32.0]]]}


def _with_layer(tmp: Path, props: dict, geometry: dict) -> Path:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    data["features"].append({"type": "Feature", "properties": props, "geometry": geometry})
    out = tmp / "layered.geojson"
    out.write_text(json.dumps(data), encoding="utf-8")
    return out


@pytest.mark.parametrize("props, geometry, said", [
    ({"layer": "contcat"}, LINE, "unknown layer 'contcat' (did you mean 'contact'?)"),
    ({"layer": "disputed", "name": "The strip"}, LINE, "feature 9 ('The strip'): a 'disputed' layer is a Polygon"),
    ({"layer": "contact", "from": "June 2020"}, LINE, "Invalid isoformat string"),
    ({"layer": "frontier", "from": 2020}, LINE, "'from' must be an ISO date"),
    ({"layer": "contact", "from": "2020-06-20", "until": "2020-01-01"}, LINE, "'until' (2020-01-01) is before 'from'"),
])
def test_a_bad_layer_is_refused_where_the_scenario_names_its_map(cli, write_scenario, tmp_path, props, geometry, said):
    geo = _with_layer(tmp_path, props, geometry)
    path = write_scenario((f"geojson: {GEOJSON}", f"geojson: {geo}"))
    text = path.read_text()
    r = cli("validate", path)
    assert r.code == 1
    r.assert_error("s.yaml", *location(text, f"geojson: {geo}", offset=9), said, source=text)


def test_layers_are_read_apart_from_the_countries_and_shown_between_their_dates(tmp_path):
    data = json.loads(_with_layer(tmp_path, {"layer": "disputed", "name": "Zone", "from": "2019-05-01",
                                             "until": "2019-09-01"}, AREA).read_text())
    proj = Projection(loaded().spec.meta.bounds)
    layers = read_layers(data, proj)
    assert [(x.kind, x.name) for x in layers] == [("contact", "Sirte–Jufra line (June 2020)"), ("disputed", "Zone")]
    assert len(proj.rings(data)) == 7  # the countries only
    zone = layers[1]
    assert [zone.shown_on(dt.date(2019, m, 1)) for m in (4, 5, 9, 10)] == [False, True, True, False]
    x, y = proj.xy(np.array([32.0]), np.array([13.0]))
    assert np.allclose(zone.parts[0][0], [x[0], y[0]])


def test_the_record_s_line_appears_on_its_date_and_c_hides_it(tmp_path):
    """The shipped map's Sirte–Jufra line is drawn from 20 June 2020, not before, and C
    takes it off the map and the legend."""
    app = make_app(tmp_path)
    try:
        session = start(app, human=0)
        screen = app.screen
        view = screen.view
        sirte, jufra = (view.world.pidx[p] for p in ("sirte", "jufra"))
        view.camera.fit(view.px[jufra] - 150, view.py[sirte] - 50, view.px[sirte] + 150, view.py[jufra] + 50)
        line = view.layers[0]
        mid = view.camera.to_screen(*line.parts[0][2])
        mid = (int(mid[0]), int(mid[1]))

        def drawn() -> bool:
            frames(app, 2)
            return tuple(app.window.get_at(mid))[:3] == (150, 30, 30)

        assert session.state.date < line.start and not drawn()
        assert view._layers_shown == ()  # nor named in the legend before its date
        meta = session.world.spec.meta
        # The drawing reads only the date: the same position, set in the summer of 2020's stand-off.
        session.state.turn = 1 + (dt.date(2020, 6, 25) - meta.start_date).days // meta.days_per_turn
        assert drawn() and view._layers_shown == ("contact",)
        key(app, pygame.K_c)
        assert not view.show_layers and not drawn()
        key(app, pygame.K_c)
        assert view.show_layers and drawn()
    finally:
        app.close()
