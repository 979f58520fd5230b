"""Every value a scenario backs with `source:` ids is shown with those sources spelled
out (id, title, publisher, date, link): in the tooltip or window where the value is
read in play, and on its encyclopedia page.

The kinds of value that can carry sources are found by walking the scenario format's
models, so a new model given a `source:` field fails here until the client shows it."""

from __future__ import annotations

import datetime as dt
import typing

import pytest
from pydantic import BaseModel

from client_helpers import loaded
from conftest import SCENARIOS
from game.client import describe as D
from game.client.encyclopedia import entries
from game.client.explain import FROM_THE_SIDE, gauge_html
from game.engine import World, new_game
from game.scenario import model as m


def _models(tp, seen: set) -> None:
    """Every pydantic model reachable from the annotation `tp`, into `seen`."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return
        seen.add(tp)
        for field in tp.model_fields.values():
            _models(field.annotation, seen)
        return
    for arg in typing.get_args(tp):
        _models(arg, seen)


def sourced_models() -> set[type]:
    seen: set[type] = set()
    _models(m.Scenario, seen)
    return {tp for tp in seen if "source" in tp.model_fields}


def _views(spec, state) -> dict[type, list]:
    """For each kind of sourced value: (what, its `source`, the texts that must cite it)."""
    w = state.world
    pages = {e.key: e.html for e in entries(spec, "")}
    unit_tip = {}
    for i in range(state.n_units):
        unit_tip.setdefault(w.type_ids[int(state.u_type[i])], D.unit_html(state, i))
    place_tip = {pid: D.place_html(state, w.pidx[pid]) for pid in spec.map.places}
    out: dict[type, list] = {tp: [] for tp in sourced_models()}
    for pid, p in spec.map.places.items():
        out[m.Place].append((pid, p.source, [place_tip[pid], pages[f"place:{pid}"]]))
    for r in spec.map.routes:
        out[m.Route].append((f"{r.a}-{r.b}", r.source, [place_tip[r.a], place_tip[r.b],
                                                         pages[f"place:{r.a}"], pages[f"place:{r.b}"]]))
    for tid, t in spec.unit_types.items():
        out[m.UnitType].append((tid, t.source, [pages[f"unit:{tid}"]] + ([unit_tip[tid]] if tid in unit_tip else [])))
    i = 0
    for u in spec.units:
        tips = [D.unit_html(state, j) for j in range(i, i + u.count)]
        i += u.count
        out[m.Unit].append((u.name or u.type, u.source, tips + [pages[f"faction:{u.owner}"]]))
    for fid, f in spec.factions.items():
        side = w.fidx[fid]
        out[m.Faction].append((fid, f.source, [gauge_html(state, side, g) for g in FROM_THE_SIDE]
                               + [pages[f"faction:{fid}"]]))
        for mid, mil in f.militias.items():
            out[m.Militia].append((mid, mil.source, [pages[f"faction:{fid}"]]))
    for bid, b in spec.backers.items():
        out[m.Backer].append((bid, b.source, [pages[f"backer:{bid}"]]))
        for kid, pk in b.packages.items():
            out[m.Package].append((f"{bid}.{kid}", pk.source, [pages[f"backer:{bid}"]]))
    for eid, ev in spec.events.items():
        out[m.Event].append((eid, ev.source, [pages["events"]]))
    return out


def test_the_kinds_of_sourced_value_are_the_ones_shown():
    # If this fails, a model has gained (or lost) a `source:` field: show it in the
    # client and the encyclopedia, and add it to _views.
    assert sourced_models() == {m.Place, m.Route, m.UnitType, m.Unit, m.Faction, m.Militia, m.Backer, m.Package,
                                m.Event}


@pytest.mark.parametrize("name", ["tripoli_2019", "dignity_2014", "karabakh_2020"])
def test_every_carried_source_is_shown_where_its_value_is(name):
    spec = loaded(SCENARIOS / f"{name}.yaml").spec
    state = new_game(World(spec, "test"), 0)
    views = _views(spec, state)
    assert set(views) == sourced_models()
    cited_kinds = set()
    for kind, items in views.items():
        for what, source, texts in items:
            for sid in D.source_ids(source):
                cited_kinds.add(kind)
                cited = D.esc(D.source_text(spec, sid))
                for text in texts:
                    assert cited in text, (kind.__name__, what, sid, D.plain(text)[-300:])
    # The shipped scenarios cite sources on every kind of value, so no kind passes unseen.
    if name == "tripoli_2019":
        assert cited_kinds == set(views)


def test_a_source_is_spelled_out_in_full():
    spec = loaded(SCENARIOS / "tripoli_2019.yaml").spec
    src = m.Source(title="A report", publisher="An outlet", date=dt.date(2020, 1, 2), url="https://example.org/r")
    spec = spec.model_copy(update={"meta": spec.meta.model_copy(update={"sources": {"rep": src}})})
    assert D.source_text(spec, "rep") == "[rep] A report — An outlet, 2020-01-02, https://example.org/r"
    # An id the scenario does not list is still named rather than dropped.
    assert D.source_text(spec, "gone") == "[gone]"
    # A unit's own sources and its type's are cited together, each once.
    line = D.sources_line(spec, ["rep", "gone"], "rep")
    assert line.count("[rep]") == 1 and line.count("[gone]") == 1
    assert D.sources_line(spec, None, []) == ""
