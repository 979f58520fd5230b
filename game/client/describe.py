"""Words for the player: places, units, orders, scenario effects and backers' offers.

Plain functions over the engine's state arrays and the scenario spec, returning
text or the small HTML subset pygame_gui's text boxes understand. No pygame here.
"""

from __future__ import annotations

import datetime as dt
import html

import numpy as np

from ..engine import actions as A
from ..engine.fortifications import defence_factor
from ..engine.occupation import garrison_needed
from ..engine.peace import break_costs, why_not_break
from ..engine.routes import closed as routes_closed
from ..engine.siege import siege_pressures
from ..scenario import model as m

KIND_NAMES = {
    "city": "city", "town": "town", "suburb": "district", "airbase": "airbase",
    "oil_field": "oil field", "terminal": "oil terminal", "port": "port",
}
FEATURE_NAMES = {
    "airbase": "airbase", "port": "port", "central_bank": "central bank", "capital": "capital",
    "refinery": "refinery", "supply_hub": "supply hub",
}
CATEGORY_NAMES = {
    "militia": "militia", "regular": "regulars", "elite": "elite", "mercenary": "mercenaries",
    "artillery": "artillery", "armour": "armour", "drone": "drones", "air_defence": "air defence",
    "aircraft": "aircraft",
}
MUTED = "#9aa4ad"
GOOD = "#7fd17f"
BAD = "#ff7b6b"
GOLD = "#f0c75e"


def plain(text) -> str:
    """Engine text with the few symbols the bundled font lacks spelt out."""
    return str(text).replace(" → ", " to ").replace("→", " to ")


def esc(text) -> str:
    return html.escape(plain(text), quote=False)


def colour_of(world, f: int | None) -> str:
    if f is None or f < 0:
        return "#b0b0b0"
    return world.factions[f].colour


def lighten(hex_colour: str, amount: float = 0.45) -> str:
    """A lighter version of a faction colour, readable on the dark panels."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    r, g, b = (int(c + (255 - c) * amount) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def fac(world, f: int | None, short: bool = True) -> str:
    """A faction's name in its (lightened) colour."""
    if f is None or f < 0:
        return f"<font color='{MUTED}'>neutral</font>"
    name = world.factions[f].short if short else world.factions[f].name
    return f"<font color='{lighten(world.factions[f].colour)}'><b>{esc(name)}</b></font>"


def money(x: float) -> str:
    sign = "−" if x < 0 else ""
    x = abs(x)
    return f"{sign}${x:,.1f}M" if x < 100 else f"{sign}${x:,.0f}M"


def people(x: float) -> str:
    return f"{x:,.0f}"


def spread(s) -> str:
    """A previewed quantity (`engine.preview.Spread`): about its mean, with the range that
    holds eight outcomes in ten when it is a range at all."""
    if round(s.high) == round(s.low):
        return people(s.mean)
    return f"about {people(s.mean)} ({people(s.low)}–{people(s.high)})"


def _factors(t: dict, side: str, keys=("morale", "supply", "artillery", "air")) -> str:
    """A side's multipliers that are not ×1, named: morale, supply, artillery, air cover."""
    label = {"morale": "morale", "supply": "out of supply", "artillery": "artillery", "air": "air cover"}
    return "".join(f" × {label[k]} {t[f'{side}_{k}']:.2f}" for k in keys if abs(t[f"{side}_{k}"] - 1.0) > 5e-3)


def battle_html(t: dict) -> str:
    """Where an attack's odds come from (`engine.combat.battle_terms`): each side's
    quality-weighted strength and the multipliers on it, in the order the rules apply
    them (the defenders' air cover and the ground lift their armed locals too)."""
    attack = f"Yours: {people(t['attack_strength'])}{_factors(t, 'attack')} = <b>{people(t['attack'])}</b>"
    troops = (f"{people(t['defence_strength'])}{_factors(t, 'defence', ('morale', 'supply', 'artillery'))}"
              if t["defence_strength"] > 0 else "")
    parts = [x for x in (troops, f"{people(t['locals'])} armed locals" if t["locals"] > 0 else "") if x]
    # The battle rules' last factor is the ground's and the works' together (`GameState.ground`).
    ground = "ground and works" if t.get("works", 1.0) > 1.0 else "ground"
    after = _factors(t, "defence", ("air",)) + (f" × {ground} {t['terrain']:.2f}"
                                                if abs(t["terrain"] - 1.0) > 5e-3 else "")
    if t.get("chokepoint", 1.0) > 1.0:
        after += f" × the road's chokepoint {t['chokepoint']:.2f}"
    held = " + ".join(parts) or "nobody"
    if len(parts) > 1 and after:
        held = f"({held})"
    return f"{attack}; theirs: {held}{after} = <b>{people(t['defence'])}</b>."


def _few(x: float) -> str:
    return f"{x:,.1f}" if x < 10 else people(x)


def change(x: float) -> str:
    """A gauge's change, signed, with enough decimals that a small one does not read as 0."""
    text = f"{x:+.2f}" if abs(x) < 0.1 else f"{x:+.1f}"
    return text.replace("-", "−")


def preview_html(p, strike: bool = False) -> str:
    """The lines of an order's preview (`engine.preview.Preview`): losses both ways (a
    strike costs no fighters, only the risk to its airframes), the civilians harmed and
    the standing it costs."""
    if strike:
        first = f"In {p.samples} trial runs by the rules: they lose {spread(p.enemy_lost)} fighters."
    else:
        first = (f"In {p.samples} trial runs by the rules: you lose {spread(p.own_lost)} fighters, "
                 f"they lose {spread(p.enemy_lost)}.")
    lines = [first]
    if strike and p.harm_if_success > 0:
        lines.append(f"<font color='#ffb347'>If it gets through, {_few(p.harm_if_success)} civilians are harmed "
                     f"and your legitimacy changes by {change(p.legitimacy_if_success)}.</font>")
    elif p.harm.high > 0:
        lines.append(f"<font color='#ffb347'>Civilians harmed: about {_few(p.harm.mean)}; your legitimacy "
                     f"{change(p.legitimacy.mean)} on average.</font>")
    return "<br>".join(lines)


def group_html(state, owner: int, places) -> str:
    """The tooltip of a counter that stands for several close places of one side."""
    w = state.world
    rows = []
    total = 0.0
    for p in places:
        here = [u for u in state.units_at(p, owner) if w.t_ground[state.u_type[u]]]
        fighters = float(sum(state.u_str[u] for u in here))
        total += fighters
        rows.append(f"{esc(w.place_name(p))}: {short_strength(fighters)}")
    return (f"<b>{esc(w.faction_short(owner))}: {short_strength(total)} fighters at {len(places)} places close "
            f"together</b><br>" + "<br>".join(rows)
            + f"<br><font color='{MUTED}'>Too close to show apart at this zoom: click to zoom in, or use the "
              "wheel.</font>")


def short_strength(x: float) -> str:
    if x >= 9950:
        return f"{x / 1000:.0f}k"
    if x >= 1000:
        return f"{x / 1000:.1f}k"
    return f"{x:.0f}"


def ground_strength(state, f: int) -> float:
    w = state.world
    n = state.n_units
    mask = state.u_alive[:n] & (state.u_owner[:n] == f) & w.t_ground[state.u_type[:n]]
    return float(state.u_str[:n][mask].sum())


def objectives(world) -> dict[int, list[str]]:
    """Places named in any faction's victory conditions: place index -> notes."""
    out: dict[int, list[str]] = {}
    for f, fc in enumerate(world.factions):
        for v in fc.victory:
            for p in v.places:
                if p in world.pidx:
                    out.setdefault(world.pidx[p], []).append(f"{fc.short}: {v.kind.value}")
    return out


def long_date(day) -> str:
    """A date as a person writes it: '4 April 2019'."""
    return day.strftime("%d %B %Y").lstrip("0")


def source_text(spec, sid: str) -> str:
    """One source as a reader cites it: [id] title — publisher, date, link."""
    src = spec.meta.sources.get(sid)
    if src is None:
        return f"[{sid}]"
    bits = [b for b in (src.publisher, src.date.isoformat() if src.date else None, src.url) if b]
    return f"[{sid}] {src.title}" + (" — " + ", ".join(bits) if bits else "")


def source_ids(*sources) -> list[str]:
    """The ids of one or more `source:` values (an id, a list of ids, or None), each once."""
    ids: list[str] = []
    for source in sources:
        for sid in [source] if isinstance(source, str) else list(source or []):
            if sid not in ids:
                ids.append(sid)
    return ids


def sources_line(spec, *sources, label: str = "Sources") -> str:
    """The `source:` ids behind a value, spelled out, for the end of a tooltip or panel;
    several values' sources (a unit's own and its type's) are cited together, each once."""
    ids = source_ids(*sources)
    if not ids:
        return ""
    cited = [source_text(spec, s) for s in ids]
    return f"<br><font color='#8d99a6'><i>{esc(label)}: " + esc("; ".join(cited)) + "</i></font>"


def starting_units(spec) -> list:
    """The scenario's unit entry behind each unit the game starts with, by unit index:
    the state lays them out in this order, `count` of each (later units have none)."""
    return [u for u in spec.units for _ in range(u.count)]


# -- places and units ---------------------------------------------------------------------


def unit_name(state, u: int) -> str:
    w = state.world
    t = w.types[int(state.u_type[u])]
    own = state.u_names[u] if u < len(state.u_names) else None
    return f"{own} ({t.name})" if own and own != t.name else t.name


def unit_status(state, u: int) -> str:
    w = state.world
    t = int(state.u_type[u])
    if state.u_backer[u] >= 0:
        return f"commanded by {w.backers[int(state.u_backer[u])].name}"
    if w.t_air[t]:
        return f"{int(state.u_sorties[u])}/{int(w.t_sorties[t])} sorties left"
    if w.t_ad[t]:
        return "guarding the sky"
    return "ready" if state.u_ready[u] else "has moved"


def siege_html(state, p: int) -> str:
    """A warning line for a besieged place, or "" if it is not besieged."""
    drain = float(siege_pressures(state)[p])
    if drain <= 0:
        return ""
    text = (f"Besieged (enemy troops at its gates, enemy drones over it): "
            f"loses {drain:.0%} of its {state.local_defence[p]:,.0f} armed locals a turn")
    if state.world.rules.combat.siege_numbers:
        text += "; the fewer the besiegers against its defenders, the slower"
    return f"<font color='{BAD}'>{esc(text)}</font>"


def works_html(state, p: int) -> str:
    """A place's prepared defences and any level being dug, or "" if it has none."""
    w = state.world
    rules = w.rules.fortification
    parts = []
    if state.works[p] > 0:
        parts.append(f"Works at level {state.works[p]:.1f} of {rules.max_level}: "
                     f"defence ×{defence_factor(state, p):.2f}. "
                     f"Each strike that gets through knocks off {rules.wear_per_strike:g} of a level, each assault "
                     f"with artillery {rules.wear_per_bombardment:g}")
    if state.works_due[p]:
        ready = w.date_of(int(state.works_due[p]) + 1).isoformat()
        parts.append(f"{w.faction_short(int(state.works_by[p]))} digging a level, ready {ready}")
    return esc(". ".join(parts) + ".") if parts else ""


def place_html(state, p: int, supplied: dict[int, np.ndarray] | None = None) -> str:
    w = state.world
    spec = w.spec
    pid = w.place_ids[p]
    pl = spec.map.places[pid]
    owner = int(state.owner[p])
    lines = [f"<b>{esc(pl.name)}</b> <font color='{MUTED}'>{KIND_NAMES.get(pl.kind.value, pl.kind.value)}"
             f", {pl.terrain.value} ground</font>"]
    lines.append(f"Held by {fac(w, owner, short=False)}")
    facts = []
    if pl.population:
        facts.append(f"population {people(pl.population)}")
    if state.oil[p] > 0:
        flowing = not (owner >= 0 and state.blockade[owner])
        facts.append(f"oil {state.oil[p]:,.0f} bpd" + ("" if flowing else " (shut by blockade)")
                     + f" for {economy_text(w, int(w.economy_of[p]))}")
    feats = [FEATURE_NAMES.get(f.value, f.value) for f in pl.features]
    if feats:
        facts.append(", ".join(feats))
    if w.vp[p]:
        facts.append(f"<font color='{GOLD}'>{int(w.vp[p])} victory points</font>")
    if facts:
        lines.append(" · ".join(facts))
    obj = objectives(w).get(p)
    if obj:
        lines.append(f"<font color='{GOLD}'>Objective ({esc(', '.join(obj))})</font>")
    if state.local_defence[p] > 0:
        lines.append(esc(f"{state.local_defence[p]:,.0f} armed locals defend it"))
        siege = siege_html(state, p)
        if siege:
            lines.append(siege)
    works = works_html(state, p)
    if works:
        lines.append(works)
    need = garrison_needed(state)[p]
    if need > 0:
        side = int(state.allegiance[p])
        whose = f"its people side with {fac(w, side, short=False)}" if side >= 0 else "its people chose no side"
        lines.append(f"<font color='{BAD}'>Occupied: {whose}. The holder must keep {people(need)} fighters "
                     f"here, or it may rise.</font>")
    if owner < 0:
        extra = []
        if w.allegiance_cost[p] > 0:
            extra.append(f"allegiance can be bought for {money(w.allegiance_cost[p])}")
        if extra:
            lines.append(esc("; ".join(extra)))
    elif supplied is not None and owner in supplied:
        ok = bool(supplied[owner][p])
        lines.append(f"<font color='{GOOD if ok else BAD}'>{'In supply' if ok else 'Cut off from supply'}</font>")
    if state.interdicted[p]:
        lines.append(f"<font color='{BAD}'>Roads cut by air strikes this turn</font>")
    units = state.units_at(p)
    if len(units):
        by_owner: dict[int, list[int]] = {}
        for u in units.tolist():
            by_owner.setdefault(int(state.u_owner[u]), []).append(u)
        for o, us in by_owner.items():
            ground = sum(float(state.u_str[u]) for u in us if w.t_ground[state.u_type[u]])
            names: dict[str, int] = {}
            for u in us:
                names[w.types[int(state.u_type[u])].name] = names.get(w.types[int(state.u_type[u])].name, 0) + 1
            kinds = ", ".join(f"{c} × {esc(n)}" if c > 1 else esc(n) for n, c in names.items())
            lines.append(f"Garrison {fac(w, o)}: {people(ground)} fighters — {kinds}")
    if state.harm[p] > 0:
        lines.append(f"<font color='{BAD}'>Civilians harmed here: {state.harm[p]:,.0f}</font>")
    if pl.note:
        lines.append(f"<i>{esc(pl.note)}</i>")
    return "<br>".join(lines) + sources_line(spec, pl.source) + routes_html(spec, pid)


def months_text(months) -> str:
    """'Dec, Jan, Feb' for [12, 1, 2]."""
    return ", ".join(dt.date(2000, m, 1).strftime("%b") for m in months)


def routes_html(spec, pid: str) -> str:
    """The roads out of a place, each with the ids of the sources for its length where the
    scenario gives them, and those sources spelled out once below."""
    lines, cited = [], []
    for r in spec.map.routes:
        if pid not in (r.a, r.b):
            continue
        other = spec.map.places[r.b if r.a == pid else r.a].name
        ids = source_ids(r.source)
        cited.append(r.source)
        shut = f", closed in {months_text(r.closed_months)}" if r.closed_months else ""
        lines.append(f"{esc(other)} {r.km:g} km by {r.kind.value}{shut}" + (f" [{esc(', '.join(ids))}]" if ids else ""))
    if not lines:
        return ""
    return (f"<br><font color='{MUTED}'>Roads: " + " · ".join(lines) + "</font>"
            + sources_line(spec, *cited, label="Sources for the roads"))


def unit_html(state, u: int, supplied: dict[int, np.ndarray] | None = None) -> str:
    w = state.world
    t = int(state.u_type[u])
    ut = w.types[t]
    f = int(state.u_owner[u])
    p = int(state.u_place[u])
    lines = [f"<b>{esc(unit_name(state, u))}</b> {fac(w, f)}",
             f"{CATEGORY_NAMES.get(ut.category.value, ut.category.value)} at {esc(w.place_name(p))}"]
    what = "airframes" if w.t_air[t] else ("equivalent fighters" if w.t_ad[t] or w.t_artillery[t] else "fighters")
    lines.append(f"Strength {people(state.u_str[u])} / {people(w.t_strength[t])} {what} · quality {w.t_quality[t]:.2f}")
    if w.t_air[t]:
        lines.append(f"Strike range {w.t_range[t]:.0f} km · {int(state.u_sorties[u])}/{int(w.t_sorties[t])} sorties left")
    elif w.t_ad[t]:
        lines.append(f"Covers {w.t_range[t]:.0f} km · intercepts {w.t_intercept[t]:.0%} of strikes at full strength")
    else:
        lines.append(f"Moves {w.t_speed[t]:.0f} km a turn by road · {'ready' if state.u_ready[u] else 'has moved or fought'}")
    if supplied is not None and f in supplied and (w.t_ground[t] or w.t_ad[t]):
        ok = bool(supplied[f][p])
        lines.append(f"<font color='{GOOD if ok else BAD}'>{'In supply' if ok else 'Out of supply: losing strength'}</font>")
    if state.u_backer[u] >= 0:
        b = w.backers[int(state.u_backer[u])]
        lines.append(f"<font color='{lighten(b.colour)}'>Commanded by {esc(b.name)}</font> — it fights beside you "
                     "but takes no orders")
    if state.u_expires[u] > 0:
        lines.append(f"Leaves after turn {int(state.u_expires[u])}")
    lines.append(f"<font color='{MUTED}'>Upkeep {money(w.t_upkeep[t])} a turn at full strength</font>")
    # A unit on the map from the start has its own sources (its name, size, place) beside
    # its type's; one raised, sent or split off in play has only its type's.
    start = starting_units(w.spec)
    own = start[u].source if u < len(start) else None
    return "<br>".join(lines) + sources_line(w.spec, own, ut.source)


# -- orders -------------------------------------------------------------------------------


def action_text(world, state, action) -> str:
    pn = lambda pid: world.spec.map.places[pid].name if pid in world.pidx else pid  # noqa: E731
    if isinstance(action, A.Move):
        return f"move {unit_name(state, action.unit)} to {pn(action.to)}"
    if isinstance(action, A.Attack):
        return f"attack {pn(action.target)} from {pn(action.origin)}"
    if isinstance(action, A.DroneStrike):
        what = {"units": "forces at", "air_defence": "air defence at", "supply": "supply roads through"}.get(action.kind, "")
        return f"strike {what} {pn(action.target)} with {unit_name(state, action.unit)}"
    if isinstance(action, A.Relocate):
        return f"fly {unit_name(state, action.unit)} to {pn(action.to)}"
    if isinstance(action, A.Recruit):
        t = world.spec.unit_types.get(action.unit_type)
        return f"raise {t.name if t else action.unit_type} at {pn(action.place)}"
    if isinstance(action, A.RequestSupport):
        b = world.spec.backers.get(action.backer)
        pk = b.packages.get(action.package) if b else None
        return f"ask {b.name if b else action.backer} for {pk.name if pk else action.package}"
    if isinstance(action, A.BuyAllegiance):
        return f"buy the allegiance of {pn(action.place)}"
    if isinstance(action, A.Fortify):
        return f"dig in at {pn(action.place)}"
    if isinstance(action, A.SetBlockade):
        return "shut the oil fields and terminals" if action.on else "lift the oil blockade"
    if isinstance(action, A.BreakTruce):
        return "break the truce"
    if isinstance(action, A.SendPackage):
        b = world.spec.backers.get(action.backer)
        pk = b.packages.get(action.package) if b else None
        return f"{b.name if b else action.backer} sends {pk.name if pk else action.package}"
    if isinstance(action, A.ChooseOption):
        ev = world.spec.events.get(action.event)
        opt = ev.choice.options.get(action.option) if ev is not None and ev.choice is not None else None
        return f"answer '{opt.label}'" if opt is not None else f"answer: {action.option}"
    if isinstance(action, A.EndTurn):
        return "end the turn"
    return str(action)


# -- scenario effects ----------------------------------------------------------------------


def stocks_html(state, f: int) -> str:
    """The munitions a side holds or has units to fire, each by name; a stock run dry
    in red. '' if none concerns it: the enemy's missiles are no part of its count."""
    w = state.world
    alive = state.u_alive[:state.n_units] & (state.u_owner[:state.n_units] == f)
    fired = set(w.t_munition[state.u_type[:state.n_units][alive]].tolist())
    parts = []
    for m, mid in enumerate(w.munition_ids):
        n = int(state.stocks[f, m])
        if n <= 0 and m not in fired:
            continue
        text = f"{n:,} {esc(w.spec.munitions[mid].name.lower())}"
        parts.append(f"<font color='{BAD}'>{text}</font>" if n <= 0 else text)
    return "Munitions: " + ", ".join(parts) if parts else ""


def fires_text(state, u: int) -> str:
    """What a strike of the unit spends, and how many its side has left ('' if nothing is counted)."""
    w = state.world
    m = int(w.t_munition[state.u_type[u]])
    if m < 0:
        return ""
    left = int(state.stocks[state.u_owner[u], m])
    return f" · each strike fires one of {left:,} {w.spec.munitions[w.munition_ids[m]].name.lower()}"


def third_party_html(state, p: int, you: int | None) -> str:
    """A line for a place held by a side that fights no one: a third party that no side
    may attack or march through (unless one counts it among its enemies)."""
    w = state.world
    owner = int(state.owner[p])
    if owner < 0 or w.factions[owner].enemies:
        return ""
    hostile = [f for f in range(w.F) if f != owner and w.enemies[f, owner]]
    if you in hostile:
        what = "your side counts it among its enemies and may attack it."
    else:
        what = ("you may not attack it, march through it or send supplies through it"
                + (f"; the {esc(' and the '.join(w.faction_short(f) for f in hostile))} may attack it" if hostile else "")
                + ".")
    return f"<font color='{GOLD}'>Held by a third party, the {esc(w.faction_short(owner))}: {what}</font>"


def closed_routes_html(state, p: int) -> str:
    """The routes out of the place closed this week, and why; '' if none."""
    base = state.world.base
    if not base.routes_can_close:
        return ""
    shut = routes_closed(state)
    spec = base.spec
    names = []
    for i, r in enumerate(spec.map.routes):
        if shut[i] and p in (base.pidx[r.a], base.pidx[r.b]):
            other = spec.map.places[r.b if base.pidx[r.a] == p else r.a].name
            why = "closed by events" if state.route_shut[i] else f"closed in {months_text(r.closed_months)}"
            names.append(f"{esc(other)} ({why})")
    return f"<font color='#eb5ad2'>Closed this week: the road to {', '.join(names)}</font>" if names else ""


def oil_html(state, p: int) -> str:
    """A field's output and who it pays, for the place panel; '' where nothing flows."""
    w = state.world
    if state.oil[p] <= 0:
        return ""
    owner = int(state.owner[p])
    shut = owner >= 0 and state.blockade[owner]
    return (f"Oil {state.oil[p]:,.0f} bpd" + (f" <font color='{BAD}'>shut by blockade</font>" if shut else "")
            + f" · <font color='{MUTED}'>{esc(economy_text(w, int(w.economy_of[p])))}</font>")


def economy_text(w, e: int) -> str:
    """An economy's name and who it pays."""
    if e < 0:
        return "no economy: its oil pays nobody"
    pays = "the holder of its central bank" if w.economy_to_bank[e] else "whoever holds each field"
    return f"{w.economy_names[e]} (paid to {pays})"


def truce_break_html(state, f: int) -> str:
    """What breaking the truce that holds would cost the side, before it is asked to."""
    w = state.world
    legitimacy, moves = break_costs(state, f)
    lines = [f"A truce holds for {state.truce} more turn(s)"
             + (f", brokered by <b>{esc(w.backers[state.truce_broker].name)}</b>" if state.truce_broker >= 0 else "")
             + ". Breaking it lets your units attack and strike at once, and the world will know who broke it:",
             f"• your legitimacy: <font color='{BAD}'>−{legitimacy:g}</font>"]
    for b, delta in moves:
        col = BAD if delta < 0 else GOOD
        lines.append(f"• {esc(w.backers[b].name)}'s commitment: <font color='{col}'>{_signed(delta)}</font>"
                     + (" (it backs your enemy and brokered the truce)" if w.client_of[b] != f else ""))
    return "<br>".join(lines)


def truce_hint(state, f: int, key: str) -> str | None:
    """The 'What now?' line on a truce the side could break (`key` breaks it), or None."""
    if why_not_break(state, f) is not None:
        return None
    legitimacy, moves = break_costs(state, f)
    cost = f"{legitimacy:g} legitimacy" + (", and your backers' support" if any(d < 0 for _, d in moves) else "")
    return (f"» A truce holds {state.truce} more turn(s): <a href='break_truce'>break it</a> "
            f"(<b>{key}</b>) and fight on, at the cost of {cost}")


def _signed(x: float, unit: str = "") -> str:
    return f"{'+' if x >= 0 else '−'}{abs(x):g}{unit}"


def effect_text(world, eff) -> str | None:
    """One line saying what an effect does; None for bookkeeping a player need not see."""
    spec = world.spec
    fname = lambda f: spec.factions[f].short if f and f in spec.factions else "neutral"  # noqa: E731
    pname = lambda p: spec.map.places[p].name if p in spec.map.places else p  # noqa: E731
    bname = lambda b: spec.backers[b].name if b in spec.backers else b  # noqa: E731
    if isinstance(eff, m.SetOwnerEffect):
        kept = ", its armed locals with it" if eff.keep_locals else ""
        if eff.rout:
            kept += f"; other sides' troops there lose {eff.rout:.0%} as they fall back"
        return f"{pname(eff.place)} passes to {fname(eff.faction)}{kept}"
    if isinstance(eff, m.StatEffect):
        unit = "M" if eff.effect == "treasury" else ""
        what = {"treasury": "funds", "manpower": "manpower"}.get(eff.effect, eff.effect)
        return f"{fname(eff.faction)} {what} {_signed(eff.delta, unit)}"
    if isinstance(eff, m.CommitmentEffect):
        return f"{bname(eff.backer)} commitment {_signed(eff.delta)}"
    if isinstance(eff, m.SpawnEffect):
        t = spec.unit_types[eff.type].name if eff.type in spec.unit_types else eff.type
        by = f" under {bname(eff.backer)}'s command" if eff.backer else ""
        return f"{eff.count} × {t} join the {fname(eff.faction)} at {pname(eff.place)}{by}"
    if isinstance(eff, m.DisbandEffect):
        who = ""
        if eff.militia:
            mil = spec.factions[eff.faction].militias.get(eff.militia) if eff.faction in spec.factions else None
            who = f" ({mil.name if mil else eff.militia})"
        if eff.backer:
            who = f" ({bname(eff.backer)}'s units)"
        return f"{fname(eff.faction)} forces{who} lose {eff.fraction:.0%} of their strength"
    if isinstance(eff, m.DefectEffect):
        mil = spec.factions[eff.faction].militias.get(eff.militia) if eff.faction in spec.factions else None
        return f"{mil.name if mil else eff.militia} leave the {fname(eff.faction)} for the {fname(eff.to)}"
    if isinstance(eff, m.FlagEffect):
        return None
    if isinstance(eff, m.BlockadeEffect):
        return f"{fname(eff.faction)} {'shuts' if eff.on else 'reopens'} the oil fields and terminals it holds"
    if isinstance(eff, m.OilEffect):
        return f"{pname(eff.place)} output becomes {eff.bpd:,} bpd"
    if isinstance(eff, m.EmbargoEffect):
        return f"embargo enforcement: {eff.level:.0%} of deliveries stopped"
    if isinstance(eff, m.TruceEffect):
        if not eff.turns:
            return "the truce ends"
        by = f", brokered by {bname(eff.broker)}" if eff.broker else ""
        return f"truce for {eff.turns} turn(s){by}: no ground attacks or strikes"
    if isinstance(eff, m.SettleEffect):
        if eff.shares is None:
            return "the war ends in a settlement: each side keeps what it holds"
        parts = ", ".join(f"{fname(fid)} {share:.0%}" for fid, share in eff.shares.items())
        return f"the war ends in a settlement ({parts})"
    if isinstance(eff, m.UnlockEffect):
        b = spec.backers.get(eff.backer)
        pk = b.packages.get(eff.package) if b else None
        return f"{bname(eff.backer)} can now send {pk.name if pk else eff.package}"
    if isinstance(eff, m.FortifyEffect):
        if eff.level is not None:
            return f"works at {pname(eff.place)} set to level {eff.level:g}"
        return f"works at {pname(eff.place)} {_signed(eff.delta)} level(s)"
    if isinstance(eff, m.VariableEffect):
        name = spec.variables[eff.variable].name if eff.variable in spec.variables else eff.variable
        return f"{name}: {_signed(eff.add)}" if eff.add is not None else f"{name} set to {eff.set}"
    if isinstance(eff, m.MessageEffect):
        return None
    return None


def effects_html(world, effects) -> str:
    items = [t for t in (effect_text(world, e) for e in effects) if t]
    if not items:
        return ""
    return "<br>".join(f"• {esc(t)}" for t in items)


# -- backers -------------------------------------------------------------------------------


def package_terms(pk, spec=None) -> str:
    bits = [f"{pk.kind.value.replace('_', ' ')}"]
    if pk.client_cost:
        bits.append(f"costs you {money(pk.client_cost)}")
    bits.append(f"backer pays {money(pk.cost)}")
    bits.append("arrives at once" if pk.delay == 0 else f"arrives in {pk.delay} turn{'s' if pk.delay > 1 else ''}")
    if pk.units:
        name = lambda t: spec.unit_types[t].name if spec is not None and t in spec.unit_types else t  # noqa: E731
        bits.append(", ".join(f"{u.count} × {name(u.type)}" if u.count > 1 else name(u.type) for u in pk.units))
    if pk.money:
        bits.append(f"+{money(pk.money)}")
    if pk.stocks:
        named = lambda m: spec.munitions[m].name.lower() if spec is not None and m in spec.munitions else m  # noqa: E731
        bits.append(", ".join(f"{n:,} {named(m)}" for m, n in pk.stocks.items()))
    if pk.legitimacy:
        bits.append(f"legitimacy {_signed(pk.legitimacy)}")
    if pk.quality_bonus:
        bits.append(f"quality +{pk.quality_bonus:g}")
    return " · ".join(bits)


def package_block_reason(state, faction: int, k: int) -> str | None:
    """Why the faction cannot ask for package k now (None if it can), in the engine's
    words when it is the faction's turn."""
    from ..engine import why_illegal

    w = state.world
    ref = w.packages[k]
    action = A.RequestSupport(w.backer_ids[ref.backer], ref.id)
    if state.active == faction and not state.over:
        return why_illegal(state, action)
    return "only on your turn"
