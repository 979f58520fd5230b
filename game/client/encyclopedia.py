"""The in-game encyclopedia: the rules, each side, the events, every unit type, backer
and place, and a glossary, written from the scenario's data and the rules' own
constants, so that it cannot drift from what the game does. Each rule's page ends with
every constant of that rule in this scenario, with the format's own description of it.
Pure text: the window that shows it is `dialogs.EncyclopediaWindow`."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from ..scenario import model as m
from . import describe as D
from . import keys


@dataclass(frozen=True)
class Entry:
    key: str  # "rules:combat", "glossary", "faction:ID", "events", "unit:ID", "backer:ID", "place:ID"
    title: str  # as listed
    html: str


def _constants(section: str, values) -> str:
    """Every constant of a rule section, with its value here and the format's description."""
    model = type(values)
    rows = []
    for name, field in model.model_fields.items():
        value = getattr(values, name)
        if isinstance(value, dict):
            value = ", ".join(f"{getattr(k, 'value', k)} ×{v:g}" for k, v in value.items())
        elif isinstance(value, float):
            value = f"{value:g}"
        rows.append(f"• <b>rules.{section}.{name}</b> = {D.esc(value)} — {D.esc(field.description or '')}")
    return "<br><br><font color='#9aa4ae'>Every constant of this rule in this scenario:</font><br>" + "<br>".join(rows)


def _economies_text(spec) -> str:
    """Each economy, where its fields are and who it pays."""
    parts = []
    for e in spec.economies.values():
        where = ", ".join(e.regions)
        if e.everywhere_else:
            where = f"{where} and every other region" if where else "every region no other economy lists"
        parts.append(f"{D.esc(e.name)} (the fields of {D.esc(where)}, paid to "
                     + ("the holder of its central bank" if e.paid_to == "bank" else "whoever holds each") + ")")
    return "; ".join(parts)


def _rule_pages(spec) -> list[Entry]:
    r = spec.rules
    c, s, mv, e, p, a, b = r.combat, r.supply, r.movement, r.economy, r.politics, r.air, r.backers
    terrain = ", ".join(f"{getattr(k, 'value', k)} ×{v:g}" for k, v in c.terrain_defence.items())
    pages = [
        ("combat", "Combat", [
            "An attack sends the ready ground units at one place against a neighbouring place. Each side's "
            "<b>power</b> is its fighters times their quality, times its morale (from cohesion), times "
            f"×{c.out_of_supply:g} if it is out of supply, times up to ×{1 + c.artillery_support:g} for artillery, "
            f"times up to ×{1 + c.air_support:g} for air cover. The defenders' armed locals fight beside them, and "
            f"the ground multiplies the defence ({terrain}).",
            f"• The battle's luck is a random factor of spread {c.noise:g}; the attacker takes the place when its "
            "power, after luck, exceeds the defence. The attack dialog shows the chance, where it comes from, and "
            "what 200 trial runs of the battle cost.",
            f"• Each side loses about {c.loss_rate:.0%} of its strength, more the worse its odds (at most "
            f"{c.max_loss:.0%}). A defender beaten {c.rout_ratio:g} times over routs and loses {c.rout_loss:.0%} more.",
            f"• Every town has its own armed men, {c.home_guard:g} per 1,000 people"
            + (f" (at most {c.home_guard_max:,} in any one place)" if c.home_guard_max else "")
            + ", for the side it chose at the start; they are gone once it is taken.",
        ] + ([f"• A town with enemy troops at its gates"
              + (f" (within {c.siege_km:g} km of road)" if c.siege_km else "")
              + f" and enemy drones over it is besieged: it loses {c.siege_loss:.0%} of its armed locals a turn, "
              "less the more often its air defence brings the drones down"
              + ("; the fewer the besiegers against its defenders, the slower" if c.siege_numbers else "")
              + ". The place panel says when one of yours is."] if c.siege_loss else [])),
        ("supply", "Supply", [
            "A place is in supply if a road through its side's own places leads, within the supply range, to a "
            "port, an airbase or a place in the side's home regions"
            + (" (in this scenario, roads through places that side with nobody count too)"
               if s.through_neutral else "")
            + ". Units out of supply fight weaker and wear "
            "away; strikes on roads cut supply through a place until its holder's turn ends.",
        ]),
        ("movement", "Movement", [
            "A unit moves once a turn along roads through its side's places, as far as its speed allows (roads "
            "are faster than tracks). Aircraft fly between airbases within their range.",
        ] + (["• In this war a unit may always march one road to a place its side holds, however long, so "
              "a hub far out in the desert is not a trap."] if mv.one_road_a_turn else [])
          + (["• In this war an attack goes only along a road the attackers could march in one turn: units too "
              "slow for the road stay behind, and the attack dialog counts only those who go."]
             if mv.attack_within_march else [])),
        ("air", "The air war", [
            "Drones and aircraft strike places within range: the troops there, the air defence, or the roads "
            "(to cut supply). Each has a number of sorties a turn.",
            f"• Enemy air defence in range may shoot a strike down; a drone unit loses {a.drone_loss_on_intercept:.0%} "
            f"of itself each time. A strike on air defence hits ×{a.hunt_bonus:g} as hard. One strike destroys at "
            f"most {a.max_strike_share:.0%} of the forces at a place.",
            f"• Strikes harm civilians where people live (a strike on air defence or roads "
            f"{a.strike_harm:g} of one on troops), and each civilian harmed costs the striker legitimacy.",
        ] + ([f"• In this war troops shelter from strikes behind their ground: a strike on troops does its damage "
              f"divided by the place's defence (its ground and works, as in battle) to the power {a.cover:g}, "
              f"so men in a city or the mountains lose less than men in the open."] if a.cover else [])),
        ("backers", "Backers", [
            "Foreign backers send packages (drones, air defence, fighters, money, advisers) when their "
            "<b>commitment</b> is high enough and they can pay. A client may ask; the chance is the backer's "
            f"commitment (+{b.request_bonus:g}), and a refusal still raises it by {b.request_gain:g}.",
            f"• Commitment rises {b.danger_gain:g} a turn (by the backer's responsiveness) while its client is in "
            f"danger, and falls {b.decay:g} a turn. Sending a package exposes the backer (it loses commitment) and "
            "raises its rivals'. A discredited client (legitimacy below "
            f"{b.pressure_legitimacy:g}) costs its backers commitment every turn.",
            "• A backer's <b>red line</b> brings it into the war when crossed: the attack dialog warns before.",
        ]),
        ("politics", "Politics: legitimacy and cohesion", [
            f"• Losing a place costs cohesion ({p.cohesion_per_loss:g}, plus {p.cohesion_per_point:g} per victory "
            f"point); taking one gives back {p.cohesion_gain_share:.0%} of that. A turn with no place lost mends "
            f"{p.cohesion_recovery:g}. Below {p.defection_below:g} militias leave or change sides; at 0 the "
            "coalition collapses.",
        ] + ([f"• Each enemy strike that got through to a side's troops or air defence in a round, beyond the "
              f"strikes of its own that got through, costs it {p.cohesion_per_strike:g} cohesion at the round's "
              "end."] if p.cohesion_per_strike > 0 else []) + [
            f"• Each civilian harmed costs {p.harm_legitimacy:g} legitimacy.",
            "• The gauges' windows (click the number in the side panel) say what moved them last turn.",
        ]),
        ("economy", "Money and manpower", [
            "Each turn a side earns its own income, plus "
            + ("the oil money of each of the war's economies as it pays out: " + _economies_text(spec)
               if spec.economies else "no oil money, since this war declares no economies")
            + ", and pays its units' upkeep. Recruits cost money and manpower; only supplied towns of at least "
            f"{e.min_recruit_population:,.0f} people raise them"
            + (f", and each stops raising for the turn once it has given {e.recruits_per_1000:g} recruits per "
               "1,000 of its people" if e.recruits_per_1000 else "")
            + f". An empty treasury costs {e.unpaid_desertion:.0%} "
            f"of every unit's strength and {e.unpaid_cohesion:g} cohesion a turn. A side holding oil can blockade "
            f"it, at {e.blockade_legitimacy:g} legitimacy a turn.",
        ]),
    ]
    fo = r.fortification
    if fo.build_cost is not None or any(pl.fortification for pl in spec.map.places.values()):
        pages.append(("fortification", "Works", [
            f"Trenches, berms and shelters: each level of a place's works adds {fo.defence_per_level:.0%} to its "
            f"defence, for its troops and armed locals alike, up to level {fo.max_level}.",
            (f"• A side digs one level at a time at a place it holds, for {fo.build_cost:g}M; it stands after "
             f"{fo.build_turns} turn(s), unless the place is lost first. Select one of your places and press Dig in."
             if fo.build_cost is not None else "• In this scenario no side can dig: only the works on the map and "
             "those the scenario's events bring stand."),
            f"• Each strike that gets through knocks off {fo.wear_per_strike:g} of a level, each assault with "
            f"artillery {fo.wear_per_bombardment:g}; a place taken by force keeps {fo.kept_on_capture:.0%} of its "
            "works (one whose allegiance is bought keeps them all).",
        ]))
    tr = r.truce
    effects = [eff for _, eff in spec.effects()]
    truces = any(isinstance(eff, m.TruceEffect) and eff.turns for eff in effects)
    settles = any(isinstance(eff, m.SettleEffect) for eff in effects)
    if truces or settles:
        pages.append(("truce", "Truces and settlements", [
            "A truce, which some of the scenario's events bring (and a backer may broker), stops ground attacks and "
            "strikes for the turns it names"
            + (", and while it holds no side can win: the turns a place must be held stand still" if tr.pauses_victory
               else "; victory is checked as always") + ".",
            (f"• A side may break a truce (the 'What now?' line, or {keys.shown('break_truce')}): it loses {tr.break_legitimacy:g} legitimacy, "
             f"each of its backers {tr.break_commitment:g} commitment, and a broker backing the other side gains as "
             "much. Its units may then attack at once." if tr.breakable else
             "• In this scenario a truce holds for all its turns."),
        ] + (["• A settlement ends the war with no winner: each side gets the share its terms give it, or, where "
              "they name none, its share of the map's victory points."] if settles else [])))
    sections = {"combat": c, "supply": s, "movement": mv, "air": a, "backers": b, "politics": p, "economy": e,
                "fortification": fo, "truce": tr}
    out = []
    for key, title, lines in pages:
        out.append(Entry(f"rules:{key}", f"Rules: {title}", f"<b>{title}</b><br>" + "<br>".join(lines)
                         + _constants(key, sections[key])))
    victory = ["<b>Victory</b><br>Each side wins by one of its own conditions (capture and hold places, survive, "
               "or see the enemy's coalition collapse); if none is met by the last turn, the most victory points "
               "win. This scenario's conditions:"]
    for fid, f in spec.factions.items():
        for v in f.victory:
            victory.append(f"• <b>{D.esc(f.short)}</b>: {D.esc(v.note or v.kind.value)}")
    out.append(Entry("rules:victory", "Rules: Victory", "<br>".join(victory)))
    return out


GLOSSARY = (
    ("Armed locals", "A town's own fighters, who defend it for the side it chose and are gone once it is taken."),
    ("Cohesion", "How well a side's coalition holds together (0–100); low cohesion costs morale and loses militias."),
    ("Commitment", "How far a backer will go for its client (0–100); packages need enough of it."),
    ("Escalation", "What a package adds to the commitment of the sender's rivals."),
    ("Exposure", "What sending a package costs the sender in commitment: the price of being seen."),
    ("Interdicted", "Supply cut through a place by strikes on its roads, until its holder's turn ends."),
    ("Legitimacy", "How far the world and its own people accept a side (0–100); discredited clients lose backers."),
    ("Manpower", "Men a side can still raise; each recruit needs its share."),
    ("Morale", "The share of its strength a side fights with, from its cohesion."),
    ("Red line", "A backer's stated limit: crossing it brings the backer into the war."),
    ("Rout", "A defence beaten several times over breaks and loses more as it flees."),
    ("Sortie", "One strike by an air unit; each has a number a turn."),
    ("Supply", "A road through a side's own places to a port, airbase or home region; without it units weaken."),
    ("Upkeep", "What a unit costs each turn; an empty treasury sends fighters home."),
    ("Victory points", "What each place is worth; if no side wins outright, the most points win."),
)


def _unit_page(spec, tid: str) -> Entry:
    t = spec.unit_types[tid]
    figures = [f"strength {t.strength:,g}", f"quality {t.quality:g}"]
    for name, label in (("speed_km", "moves {:g} km"), ("range_km", "range {:g} km"), ("strike", "strike {:g}"),
                        ("sorties", "{:g} sorties a turn"), ("intercept", "intercepts {:.0%}")):
        value = getattr(t, name, None)
        if value:
            figures.append(label.format(value))
    figures += [f"upkeep {D.money(t.upkeep)}/turn", f"costs {D.money(t.cost)}"]
    if getattr(t, "manpower", 0):
        figures.append(f"{t.manpower:,} recruits")
    raised = [f.short for f in spec.factions.values() if tid in f.recruits]
    sent = [f"{b.name} ({pk.name})" for b in spec.backers.values() for pk in b.packages.values()
            if any(u.type == tid for u in pk.units)]
    lines = [f"<b>{D.esc(t.name)}</b> — {t.category.value}", " · ".join(figures)]
    lines.append("Raised by: " + (", ".join(raised) if raised else "nobody (it comes only from the map or a backer)"))
    if sent:
        lines.append("Sent by: " + D.esc("; ".join(sent)))
    return Entry(f"unit:{tid}", f"Unit: {t.name}", "<br>".join(lines) + D.sources_line(spec, t.source))


def _backer_page(spec, bid: str) -> Entry:
    bk = spec.backers[bid]
    lines = [f"<b>{D.esc(bk.name)}</b> backs the {D.esc(spec.factions[bk.supports].short)}. Commitment "
             f"{bk.commitment:g} at the start, budget {D.money(bk.budget)} and {D.money(bk.budget_per_turn)} a turn."]
    if bk.interests:
        lines.append("Wants: " + D.esc("; ".join(bk.interests)))
    if bk.rivals:
        lines.append("Rivals: " + D.esc(", ".join(spec.backers[r].name for r in bk.rivals if r in spec.backers)))
    lines.append("<b>Packages</b>")
    for pk in bk.packages.values():
        lines.append(f"• {D.esc(pk.name)}: {D.esc(D.package_terms(pk, spec))}" + D.sources_line(spec, pk.source))
    for line in bk.red_lines:
        lines.append(f"• <b>Red line</b>: {D.esc(line.note or 'stated in the scenario')} (commitment "
                     f"+{line.commitment:g})")
    return Entry(f"backer:{bid}", f"Backer: {bk.name}", "<br>".join(lines) + D.sources_line(spec, bk.source))


def _faction_page(spec, fid: str) -> Entry:
    """A side: who leads it, what it starts with, the groups its coalition is made of
    (each with the sources behind it), and how it wins."""
    f = spec.factions[fid]
    enemies = ", ".join(spec.factions[e].short for e in f.enemies if e in spec.factions)
    lines = [f"<b>{D.esc(f.name)}</b> ({D.esc(f.short)})" + (f", led by {D.esc(f.leader)}" if f.leader else "")
             + f"; fights the {D.esc(enemies)}.",
             f"At the start: {D.money(f.treasury)}, {f.manpower:,} recruits (+{f.manpower_per_turn:,} a turn), "
             f"legitimacy {f.legitimacy:g}, cohesion {f.cohesion:g}."]
    if f.militias:
        lines.append("<b>Its coalition</b>")
        for m in f.militias.values():
            home = spec.map.places[m.home].name if m.home and m.home in spec.map.places else None
            turn = (f"; would join the {D.esc(spec.factions[m.defects_to].short)}"
                    if m.defects_to and m.defects_to in spec.factions else "")
            lines.append(f"• {D.esc(m.name)}" + (f" (home: {D.esc(home)})" if home else "")
                         + f": loyalty {m.loyalty:g}{turn}" + D.sources_line(spec, m.source))
    forces = [u for u in spec.units if u.owner == fid]
    if forces:
        lines.append("<b>Its forces at the start</b>")
        for u in forces:
            t = spec.unit_types[u.type]
            size = u.strength if u.strength is not None else t.strength
            what = D.esc(u.name or t.name) + (f" ({D.esc(t.name)})" if u.name and u.name != t.name else "")
            lines.append(f"• {f'{u.count} × ' if u.count > 1 else ''}{what} at {D.esc(spec.map.places[u.place].name)}"
                         f", {size:,g} strong"
                         + (f", commanded by {D.esc(spec.backers[u.backer].name)}" if u.backer in spec.backers else "")
                         + D.sources_line(spec, u.source))
    lines.append("<b>How it wins</b>")
    for v in f.victory:
        lines.append(f"• {D.esc(v.note or v.kind.value)}")
    return Entry(f"faction:{fid}", f"Side: {f.name}", "<br>".join(lines) + D.sources_line(spec, f.source))


def _events_page(spec) -> Entry:
    """The scenario's events in date order: when each can happen, whether it happened in
    the real war, the question it puts to a side, and the sources behind it."""
    def when(ev) -> str:
        if ev.date_from and ev.date_to:
            return f"{ev.date_from.isoformat()} to {ev.date_to.isoformat()}"
        if ev.date_from:
            return f"from {ev.date_from.isoformat()}"
        if ev.date_to:
            return f"until {ev.date_to.isoformat()}"
        return "any time"

    lines = ["What can happen in this war beyond the sides' orders: each event fires when its dates, its "
             "condition and its chance allow. Events marked <i>what-if</i> did not happen in the real war."]
    undated = dt.date.max
    for ev in sorted(spec.events.values(), key=lambda e: (e.date_from or e.date_to or undated, e.name)):
        bits = [when(ev)] + ([] if ev.historical else ["what-if"])
        if ev.probability < 1:
            bits.append(f"chance {ev.probability:.0%} a turn")
        if ev.choice is not None and ev.choice.faction in spec.factions:
            bits.append(f"the {D.esc(spec.factions[ev.choice.faction].short)} decide")
        lines.append(f"• <b>{D.esc(ev.name)}</b> ({D.esc('; '.join(bits))})" + D.sources_line(spec, ev.source))
    return Entry("events", "Events", "<br>".join(lines))


def _place_page(spec, pid: str) -> Entry:
    p = spec.map.places[pid]
    holder = spec.factions[p.owner].short if p.owner else "nobody"
    facts = [f"{p.kind.value}", f"pop. {p.population:,}" if p.population else "", f"held by {holder} at the start",
             f"{p.terrain.value} ground (defence ×{spec.rules.combat.terrain_defence.get(p.terrain, 1.0):g})",
             f"{p.victory_points} victory points" if p.victory_points else "",
             "features: " + ", ".join(f.value for f in p.features) if p.features else ""]
    lines = [f"<b>{D.esc(p.name)}</b>" + (f" ({D.esc(p.region)})" if p.region else ""),
             " · ".join(x for x in facts if x)]
    if p.note:
        lines.append(D.esc(p.note))
    return Entry(f"place:{pid}", f"Place: {p.name}", "<br>".join(lines) + D.routes_html(spec, pid)
                 + D.sources_line(spec, p.source))


def entries(spec, how_to_play: str) -> list[Entry]:
    """Every page, in the order the window lists them: how to play, the rules, the
    glossary, the sides, the events, then unit types, backers and places by name."""
    out = [Entry("help", "How to play", how_to_play)]
    out += _rule_pages(spec)
    out.append(Entry("glossary", "Glossary", "<br>".join(f"<b>{D.esc(k)}</b>: {D.esc(v)}" for k, v in GLOSSARY)))
    out += [_faction_page(spec, f) for f in spec.factions]
    if spec.events:
        out.append(_events_page(spec))
    out += sorted((_unit_page(spec, t) for t in spec.unit_types), key=lambda e: e.title)
    out += sorted((_backer_page(spec, b) for b in spec.backers), key=lambda e: e.title)
    out += sorted((_place_page(spec, p) for p in spec.map.places), key=lambda e: e.title)
    return out


_TAG = re.compile(r"<[^>]*>")


def _plain(text: str) -> str:
    """Lower case, hyphens and underscores as spaces ("air-defence" and "air_defence" are
    found by "air defence"), single spaces."""
    return " ".join(text.replace("-", " ").replace("_", " ").split()).lower()


def searchable(entry: Entry) -> tuple[str, str]:
    """The page's title and its whole text, tags and entities gone: what a search is
    matched against."""
    return _plain(entry.title), _plain(html.unescape(_TAG.sub(" ", entry.html)))


def matching(pages: list[Entry], words: list[tuple[str, str]], query: str) -> list[int]:
    """The indices of the pages a query finds, every page for an empty one. Pages holding
    the query as typed come first (those with it in the title before the rest); if no page
    holds it as typed, the pages holding each of its words anywhere. Within a group the
    list keeps its own order."""
    q = _plain(query)
    if not q:
        return list(range(len(pages)))
    phrase = [i for i, (t, x) in enumerate(words) if q in t] + [i for i, (t, x) in enumerate(words)
                                                                 if q not in t and q in x]
    if phrase:
        return phrase
    terms = q.split()
    return [i for i, (t, x) in enumerate(words) if all(w in t or w in x for w in terms)]
