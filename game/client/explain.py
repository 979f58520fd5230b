"""What each of a side's numbers means, written from the scenario's own rule constants
so that the text cannot drift from the rules: what raises and lowers it, what happens
at its thresholds, and where the side's starting value came from."""

from __future__ import annotations

from ..engine.gauges import changes
from ..engine.peace import victory_paused
from ..engine.victory import points
from . import describe as D

GAUGES = ("cohesion", "legitimacy", "harm", "funds", "manpower", "points", "victory")


def moved_html(state, gauge: str, i: int) -> list[str]:
    """What moved a gauge (`engine.gauges` ledger) last turn and so far this turn, by cause."""
    out = []
    for turn, when in ((state.turn - 1, "Last turn"), (state.turn, "This turn so far")):
        if turn < 1:
            continue
        parts = changes(state, gauge, i, turn)
        if parts:
            total = sum(d for _, d in parts)
            out.append(f"<b>{when}: {D.change(total)}</b> — "
                       + "; ".join(f"{D.esc(why)} {D.change(d)}" for why, d in parts) + ".")
        elif when == "Last turn":
            out.append(f"<b>{when}:</b> no change.")
    return out


# The gauges whose starting value the scenario gives for the side (and cites sources for).
FROM_THE_SIDE = ("cohesion", "legitimacy", "funds", "manpower")


def gauge_html(state, faction: int, gauge: str) -> str:
    text = _gauge_text(state, faction, gauge)
    if gauge in FROM_THE_SIDE:
        fc = state.world.factions[faction]
        text += D.sources_line(state.world.spec, fc.source, label="Where its starting figures come from")
    return text


def _gauge_text(state, faction: int, gauge: str) -> str:
    w = state.world
    r = w.rules
    fc = w.factions[faction]
    pol, eco, bk, cb = r.politics, r.economy, r.backers, r.combat
    name = D.esc(fc.name)
    if gauge == "cohesion":
        now = float(state.cohesion[faction])
        morale = cb.morale_floor + (1 - cb.morale_floor) * now / 100
        return "<br>".join([
            f"<b>Cohesion</b> of the {name}: <b>{now:.0f}</b> of 100 (it began at {fc.cohesion:g}).",
            "How well the coalition of brigades, towns and tribes holds together.",
            f"• Each place lost costs {pol.cohesion_per_loss:g}, plus {pol.cohesion_per_point:g} per victory point "
            f"it was worth; a rout costs {pol.cohesion_per_loss:g} more. Taking a place gives back "
            f"{pol.cohesion_gain_share:.0%} of what its loser gives up.",
            f"• A turn with no place lost mends {pol.cohesion_recovery:g}, never above where it began.",
        ] + ([f"• Each enemy strike that got through to its troops or air defence in a round, beyond its own "
              f"that got through, costs {pol.cohesion_per_strike:g}."] if pol.cohesion_per_strike > 0 else []) + [
            f"• Each turn the treasury is empty costs {eco.unpaid_cohesion:g}.",
            f"• Its fighters fight at ×{morale:.2f} of their strength now (×{cb.morale_floor:g} at 0, ×1 at 100).",
            f"• Below <b>{pol.defection_below:g}</b> its militias start to leave or change sides, the likelier the "
            "lower it falls and the less loyal they are.",
            "• At <b>0</b> the coalition collapses: its enemies win if that is one of their victory conditions.",
        ] + moved_html(state, "cohesion", faction))
    if gauge == "legitimacy":
        now = float(state.legitimacy[faction])
        return "<br>".join([
            f"<b>Legitimacy</b> of the {name}: <b>{now:.0f}</b> of 100 (it began at {fc.legitimacy:g}).",
            "How far the world, and its own people, accept it as a government.",
            f"• Each civilian its strikes and battles harm costs {pol.harm_legitimacy:g}.",
            f"• Each turn it keeps an oil blockade costs {eco.blockade_legitimacy:g}.",
            f"• Below <b>{bk.pressure_legitimacy:g}</b> standing by it costs each of its backers commitment every "
            f"turn (up to {bk.pressure_rate:g} a turn at 0, by the backer's sensitivity), so help comes less often.",
            "• Scenario events may raise or lower it.",
        ] + moved_html(state, "legitimacy", faction))
    if gauge == "harm":
        return "<br>".join([
            f"<b>Civilian harm</b> caused by the {name}: <b>{float(state.harm_by[faction]):,.0f}</b>.",
            f"• A strike on troops harms {pol.harm_per_strike:g} civilians per 100,000 people living in the place; "
            f"one on air defence or roads {r.air.strike_harm:g} of that. Battles harm too, artillery more.",
            f"• Each civilian harmed costs {pol.harm_legitimacy:g} legitimacy. The report after a battle or strike "
            "says how many it harmed.",
        ])
    if gauge == "funds":
        return "<br>".join([
            f"<b>Funds</b> of the {name}: <b>{D.money(float(state.treasury[faction]))}</b>.",
            f"• Each turn brings {D.money(fc.income.base)} of its own, {fc.income.per_100k_population:g}M per "
            "100,000 people it holds, and a share of the oil money if it holds the central bank; its units' "
            "upkeep is paid out of it.",
            "• Recruits, bought allegiances and some backers' packages cost money.",
            f"• An empty treasury costs {eco.unpaid_desertion:.0%} of every unit's strength and "
            f"{eco.unpaid_cohesion:g} cohesion each turn.",
        ])
    if gauge == "manpower":
        return "<br>".join([
            f"<b>Manpower</b> of the {name}: <b>{D.people(float(state.manpower[faction]))}</b> men who can be "
            "raised.",
            f"• {fc.manpower_per_turn:g} more come each turn. Each unit raised needs its share of them as well as "
            f"its price; only towns in supply of at least {eco.min_recruit_population:,.0f} people can raise them"
            + (f", and each stops raising for the turn once it has given {eco.recruits_per_1000:g} recruits per "
               "1,000 of its people" if eco.recruits_per_1000 else "") + ".",
        ])
    if gauge == "points":
        held = state.owner == faction
        return "<br>".join([
            f"<b>Victory points</b> of the {name}: <b>{int(w.vp[held].sum())}</b>, from the places it holds.",
            "• If the last turn passes with no side's victory condition met, the side with the most points wins "
            "(or it is a draw, as the scenario says).",
            "• Its victory conditions: " + "; ".join(D.esc(v.note or v.kind.value) for v in fc.victory) + ".",
        ])
    if gauge == "victory":
        return victory_html(state)
    raise KeyError(gauge)


def condition_progress(state, f: int, j: int) -> tuple[str, str, float]:
    """Side f's victory condition j: what it asks (HTML), how far the side has got
    (HTML), and a rough share of the way there (1: met, or about to be) by which the
    side panel picks each side's nearest win. Places all held put a capture three
    quarters there, the rest is the run of turns; a coalition's fall is weighed below
    that, since cohesion mends; holding on counts for more as the end comes closer."""
    w = state.world
    v = w.factions[f].victory[j]
    places = [w.pidx[p] for p in v.places if p in w.pidx]
    names = D.esc(", ".join(w.place_name(p) for p in places))
    held = [p for p in places if state.owner[p] == f]
    share = len(held) / max(len(places), 1)
    kind = v.kind.value
    if kind == "capture":
        run = int(state.hold[f, j])
        if len(held) == len(places):
            return (f"Hold {names} for {v.hold_turns} turns in a row", f"{run} of {v.hold_turns} turns in a row",
                    0.75 + 0.25 * min(run / max(v.hold_turns, 1), 1.0))
        return (f"Hold {names} for {v.hold_turns} turns in a row", f"holds {len(held)} of {len(places)}",
                0.5 * share)
    if kind == "survive":
        return (f"Still hold {names} when the last turn ends", f"holds {len(held)} of {len(places)} now",
                share * (0.25 + 0.75 * min(state.turn / max(w.last_turn, 1), 1.0)))
    if kind == "collapse":
        foes = [e for e in range(w.F) if w.enemies[f, e]]
        now = ", ".join(f"{w.factions[e].short} cohesion {float(state.cohesion[e]):.0f}" for e in foes)
        weakest = min((float(state.cohesion[e]) for e in foes), default=100.0)
        return ("An enemy's coalition collapses", D.esc(now),
                0.7 * (1.0 - max(0.0, min(weakest, 100.0)) / 100.0))
    return (f"Reach {v.points} victory points", f"{points(state, f)} now",
            min(points(state, f) / max(v.points, 1), 1.0))


def victory_line(state, you: int) -> str:
    """One line for the side panel, always in view: the player's side's nearest way to
    win and the enemy's nearest, with how far each has got."""
    w = state.world

    def nearest(f: int) -> tuple[float, str] | None:
        best = None
        for j in range(len(w.factions[f].victory)):
            asks, now, share = condition_progress(state, f, j)
            if best is None or share > best[0]:
                best = (share, f"{asks[0].lower()}{asks[1:]} — <b>{now}</b>")
        return best

    mine = nearest(you)
    threats = [(t, e) for e in range(w.F) if w.enemies[you, e] and (t := nearest(e)) is not None]
    parts = []
    if mine is not None:
        parts.append(f"<b>Your nearest win:</b> {mine[1]}")
    if threats:
        (_, text), e = max(threats, key=lambda x: x[0][0])
        parts.append(f"<font color='{D.BAD}'><b>{D.esc(w.factions[e].short)}'s nearest win:</b></font> {text}")
    if victory_paused(state):
        parts.append(f"<font color='{D.GOLD}'>No side can win while the truce holds ({state.truce} more turn(s)).</font>")
    return "<br>".join(parts)


def victory_html(state) -> str:
    """Every side's ways to win, and how far each has got: the places a capture needs and
    how many turns in a row they have been held, an enemy's cohesion, the points."""
    w = state.world
    lines = [f"<b>How the war can end</b> (turn {state.turn} of {w.last_turn})"]
    for f, fc in enumerate(w.factions):
        lines.append(f"<br>{D.fac(w, f)} <b>{D.esc(fc.name)}</b>")
        for j, v in enumerate(fc.victory):
            asks, now, _ = condition_progress(state, f, j)
            if v.kind.value == "collapse":
                asks += " (cohesion 0, or no place and no army left)"
            lines.append(f"• {asks}: <b>{now}</b>")
            if v.note:
                lines.append(f"<font color='{D.MUTED}'>   <i>{D.esc(v.note)}</i></font>")
    rule = ("the side with the most victory points wins (a tie is a draw)"
            if w.spec.meta.on_timeout.value == "points" else "it is a draw")
    lines.append(f"<br>If the last turn passes with no condition met, {rule}.")
    if w.rules.truce.pauses_victory:
        lines.append("While a truce holds, no side can win: the turns a place must be held stand still until it ends.")
    if "settlement" in w.spec.outcomes():
        lines.append("The war can also end in a settlement, which some of the scenario's events bring: no side wins, "
                     "and each gets the share the terms give it.")
    return "<br>".join(lines)
