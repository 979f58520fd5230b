"""The client's shortcuts against plain statements of what they stand for."""

from __future__ import annotations

import numpy as np
import pytest
from pygame_gui.core.ui_appearance_theme import UIAppearanceTheme

from client_helpers import frames, make_app, start
from game.client import gui_speed


@pytest.mark.parametrize("ids", [
    (["button"], ["button"], [None], [None]),
    (["panel", "button"], ["panel", "scrolling_container.button"], ["@side", None], ["#units", "#unit_3"]),
    (["window", "text_box", "vertical_scroll_bar", "button"], ["window", "text_box", "vertical_scroll_bar",
                                                               "button"], [None, "@log", None, None],
     ["#desk", None, None, "#top_button"]),
    (None, None, None, None),
])
def test_the_theme_lookup_cache_gives_the_librarys_own_answers(tmp_path, ids):
    app = make_app(tmp_path)
    try:
        theme = app.manager.get_theme()
        assert UIAppearanceTheme.build_all_combined_ids is not gui_speed._library_method  # the cache is in place
        plain = gui_speed._library_method(theme, *ids)
        assert theme.build_all_combined_ids(*ids) == plain
        # Asked again, with new lists of the same ids, from the cache.
        again = [list(x) if x is not None else None for x in ids]
        assert theme.build_all_combined_ids(*again) == plain
    finally:
        app.close()


@pytest.mark.slow
def test_the_territory_grid_holds_each_cells_nearest_place(tmp_path):
    """The map's tint grid, worked out in place for speed, against a plain search: for
    each cell the first of the places nearest to it."""
    app = make_app(tmp_path)
    try:
        start(app, human=0)
        frames(app, 2)
        view = app.screen.view
        nearest, fade = view._grid
        x0, y0 = view._cache_origin
        z, cell = view._cache_zoom, view._cell
        gh, gw = nearest.shape
        gx = (x0 + (np.arange(gw) + 0.5) * cell / z).astype(np.float32)
        gy = (y0 + (np.arange(gh) + 0.5) * cell / z).astype(np.float32)
        rng = np.random.default_rng(5)
        for r, c in zip(rng.integers(0, gh, 400), rng.integers(0, gw, 400)):
            if fade[r, c] <= 0:
                continue  # beyond every place's tint: which place it goes with is not drawn
            d = [(float(gy[r]) - view.py[p]) ** 2 + (float(gx[c]) - view.px[p]) ** 2 for p in range(view.world.P)]
            assert d[nearest[r, c]] == pytest.approx(min(d), rel=1e-5), (r, c)
    finally:
        app.close()
