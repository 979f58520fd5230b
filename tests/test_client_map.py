"""The map's unit counters where places crowd together (Greater Tripoli): each counter
sits where it reads as its own place's, none covers another, and where the zoom leaves
no room, close places of one side share a counter that says so, sums them exactly,
explains itself on hover and opens up when clicked."""

from __future__ import annotations

import pygame
import pytest

from client_helpers import click, frames, make_app, move_mouse, start


@pytest.fixture(params=[(1280, 720), (1600, 900), (1920, 1080)], ids=["720p", "900p", "1080p"])
def app(request, tmp_path):
    a = make_app(tmp_path, size=request.param)
    yield a
    a.close()


def _at_zoom(app, session, z: float):
    view = app.screen.view
    view.camera.set_zoom(z)
    p = session.world.pidx["tripoli"]
    view.camera.center_on(view.px[p], view.py[p])
    frames(app, 2)
    return view


def _layout(view, session):
    counters = view.counters(session.state, session.version)
    return counters, [(c, e) for c, e, _ in view._grouped(counters, view._layout)]


@pytest.mark.slow
def test_counters_never_cover_each_other_and_count_every_fighter_once(app):
    session = start(app, level="normal", seed=7)
    state = session.state
    view = app.screen.view
    for z in (view.camera.min_zoom, 1.0, 2.0, 3.0, 4.0, 6.0, 10.0):
        view = _at_zoom(app, session, z)
        counters, drawn = _layout(view, session)
        # Nothing is lost or counted twice by merging: each side's total is the map's.
        for f in range(session.world.F):
            alone = sum(c.ground for c in counters if c.owner == f)
            shown = sum(c.ground for c, _ in drawn if c.owner == f)
            assert shown == pytest.approx(alone)
            n = state.n_units
            on_map = float(state.u_str[:n][state.u_alive[:n] & (state.u_owner[:n] == f)
                                          & session.world.t_ground[state.u_type[:n]]].sum())
            assert shown == pytest.approx(on_map)
        # Counters of one side never overlap on screen (they merge instead).
        rects = view.counter_rects
        for i, (a, ca) in enumerate(rects):
            for b, cb in rects[:i]:
                if ca.owner == cb.owner:
                    assert not a.colliderect(b), (view.camera.zoom, ca.place, cb.place)


def test_a_shared_counter_explains_itself_and_a_click_opens_it_up(app):
    session = start(app, level="normal", seed=7)
    w = session.world
    view = _at_zoom(app, session, 2.0)
    groups = [(r, c) for r, c in view.counter_rects if c.members]
    assert groups, "at this zoom Greater Tripoli's counters share"
    rect, group = max(groups, key=lambda rc: len(rc[1].members))
    assert len(group.members) >= 2 and group.place == group.members[0]
    # Its strength is the sum of its places' own.
    here = [float(sum(session.state.u_str[u] for u in session.state.units_at(p, group.owner)
                      if w.t_ground[session.state.u_type[u]])) for p in group.members]
    assert group.ground == pytest.approx(sum(here))
    # Hovering names every place in it and says what to do.
    spot = next((x, y) for x in range(rect.left + 2, rect.right - 1) for y in (rect.centery,)
                if view.place_at((x, y)) is None)
    move_mouse(app, spot)
    frames(app, 40)
    tip = app.screen.tooltip
    assert tip is not None
    text = tip.text_block.html_text if hasattr(tip, "text_block") else str(tip)
    for p in group.members:
        assert w.place_name(p) in text
    assert "click to zoom in" in text
    # A click zooms in, and the places it stood for are shown apart (or in smaller groups).
    before = view.camera.zoom
    click(app, spot)
    assert view.camera.zoom > before
    after = [c for _, c in view.counter_rects if set(c.members) == set(group.members)]
    assert not after


def _front_roads(view, state) -> set[tuple]:
    """The front as a plain count would give it: the open roads between enemy holders,
    as their two ends on screen."""
    sx, sy = view.camera.to_screen(view.px, view.py)
    w = view.world
    out = set()
    for a, b, _ in view.routes:
        oa, ob = int(state.owner[a]), int(state.owner[b])
        if oa >= 0 and ob >= 0 and w.enemies[oa, ob]:
            out.add(((sx[a], sy[a]), (sx[b], sy[b])))
    return out


def test_the_front_drawn_follows_the_holders_and_the_camera(tmp_path):
    """The front's lines are worked out once and kept: a place changing hands or the
    camera moving must show at once, and each road's dashes run its whole length."""
    app = make_app(tmp_path)
    try:
        session = start(app, human=0, seed=3)
        view, state = app.screen.view, session.state
        frames(app, 2)

        def drawn():
            return {(pa, pb) for pa, pb, _ in view._front}

        assert drawn() == _front_roads(view, state) and drawn()
        # A place on the front goes over to the other side: its roads join or leave the front.
        w = session.world
        a, b, _ = next(r for r in view.routes if state.owner[r[0]] >= 0 and state.owner[r[1]] >= 0
                       and w.enemies[state.owner[r[0]], state.owner[r[1]]])
        before = drawn()
        state.owner[b] = state.owner[a]
        frames(app, 1)
        assert drawn() == _front_roads(view, state) != before
        # The camera moves: every line moves with it.
        view.camera.set_zoom(view.camera.zoom * 2)
        frames(app, 1)
        assert drawn() == _front_roads(view, state)
        for pa, pb, dashes in view._front:
            if dashes:  # a road shorter than a pixel on screen has none
                assert dashes[0][0] == pa
                assert abs(dashes[-1][1][0] - pb[0]) + abs(dashes[-1][1][1] - pb[1]) <= 5 + 1e-6  # within a gap
    finally:
        app.close()


def test_a_new_view_of_the_same_map_reuses_its_pixels_and_they_are_the_ones_a_fresh_render_makes(tmp_path):
    """The land and the composed base are kept for the next view of the same map (a new
    game, a loaded save): that view shows exactly what rendering from nothing shows, and a
    change of holder is never hidden by a kept base."""
    from game.client import map_view as mv

    def base_pixels(app) -> bytes:
        return pygame.image.tobytes(app.screen.view._base, "RGB")

    app = make_app(tmp_path)
    try:
        mv._LANDS.clear()
        mv._BASES.clear()
        first = start(app, human=0, seed=3)
        fresh = base_pixels(app)
        kept = app.screen.view._base
        second = start(app, human=0, seed=4)  # another game of the same war, from the same start
        assert app.screen.view is not None and app.screen.view._base is kept
        # A place changes hands: the base is composed anew, not taken from the store.
        w, state = second.world, second.state
        a, b, _ = next(r for r in app.screen.view.routes if state.owner[r[0]] >= 0 and state.owner[r[1]] >= 0
                       and w.enemies[state.owner[r[0]], state.owner[r[1]]])
        state.owner[b] = state.owner[a]
        frames(app, 1)
        changed = base_pixels(app)
        assert changed != fresh
        # The same holders drawn from nothing give the very pixels kept and shown.
        mv._LANDS.clear()
        mv._BASES.clear()
        third = start(app, human=0, seed=4)
        third.state.owner[b] = third.state.owner[a]
        frames(app, 1)
        assert base_pixels(app) == changed
        assert first.world.hash == third.world.hash
    finally:
        app.close()
