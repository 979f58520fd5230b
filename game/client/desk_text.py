"""Words for the backer's desk (`desk.py`): what a person playing a foreign backer
needs to weigh a package. Its client's state, its own budget, commitment and
exposure, what each package costs and risks, what the client asks for and why, the
rivals' moves and the score so far. No pygame here, so the session can use it too.
"""

from __future__ import annotations

from ..engine.backer_score import backer_score, total
from ..engine.backers import exposure_loss, in_danger, roused_by
from . import describe as D
from .explain import moved_html

RIVAL_TURNS = 4  # how far back the desk lists the rivals' packages


def _held(state, f: int) -> tuple[int, int]:
    """Places the faction holds now, and held at the start of the scenario."""
    w = state.world
    fid = w.faction_ids[f]
    start = sum(1 for p in w.spec.map.places.values() if p.owner == fid)
    return int((state.owner == f).sum()), start


def ask_reason(state, k: int) -> str:
    """Why a client asks for package `k` now, from what its backer can see: its danger,
    the ground it has lost, the enemy's air power when it asks for air defence, and
    what it will pay of the package itself."""
    w = state.world
    ref = w.packages[k]
    pk = ref.spec
    client = w.client_of[ref.backer]
    short = w.faction_short(client)
    bits = []
    if in_danger(state, client):
        bits.append(f"the {short} are in danger (ground lost this round, or the enemy at the gates of a place "
                    "worth points)")
    else:
        bits.append(f"the {short} are not in immediate danger and want the means to press on")
    held, start = _held(state, client)
    if held < start:
        bits.append(f"they hold {held} places, {start - held} fewer than at the start")
    else:
        bits.append(f"they hold {held} places ({start} at the start)")
    if pk.kind.value == "air_defence":
        s = state
        n = s.n_units
        enemy_air = int((s.u_alive[:n] & w.t_air[s.u_type[:n]] & w.enemies[client][s.u_owner[:n]]).sum())
        if enemy_air:
            bits.append(f"the enemy has {enemy_air} drone or air unit{'s' if enemy_air > 1 else ''} flying")
    if pk.client_cost:
        bits.append(f"they will pay {D.money(pk.client_cost)} of it themselves")
    text = "; ".join(bits)
    return text[:1].upper() + text[1:] + "."


def package_risks(state, b: int, k: int) -> list[str]:
    """What sending package `k` costs backer `b` beyond its price, in the rules' own figures."""
    w = state.world
    pk = w.packages[k].spec
    backer = w.backers[b]
    out = []
    if pk.exposure:
        out.append(f"exposure {pk.exposure:g}: international pressure costs you {exposure_loss(w, k):.1f} "
                   f"commitment, and {pk.exposure * backer.score.exposure:g} points of score")
    if pk.escalation:
        rivals = [w.backers[r].name for r in roused_by(w, b)]
        if rivals:
            out.append(f"escalation: {', '.join(rivals)} gain{'s' if len(rivals) == 1 else ''} "
                       f"{pk.escalation:g} commitment")
    if state.embargo > 0:
        out.append(f"embargo enforcement stops a delivery {state.embargo:.0%} of the time")
    if pk.duration:
        out.append(f"the units go home after {pk.duration} turns")
    if pk.kind.value == "volunteers":
        out.append("the fighters stay under your command, not your client's")
    return out


def unit_line(spec, group) -> str:
    """What one kind of unit in a package can do, in the type's own figures."""
    t = spec.unit_types.get(group.type)
    if t is None:
        return group.type
    fights = not (t.strike or t.intercept)  # a strength in fighters means something only on the ground
    bits = [f"{group.strength or t.strength:,} strong" if fights else ""]
    if t.strike:
        bits.append(f"strikes {t.strike:g} × {t.sorties} a turn to {t.range_km:g} km")
    if t.intercept:
        bits.append(f"shoots down {t.intercept:.0%} of strikes within {t.range_km:g} km")
    if t.quality != 1.0:
        bits.append(f"quality {t.quality:g}")
    what = ", ".join(x for x in bits if x)
    count = f"{group.count} × " if group.count > 1 else ""
    return f"{count}{t.name}" + (f" ({what})" if what else "")


def package_terms(state, b: int, k: int) -> str:
    """A package as its backer sees it: what it pays, what its client pays, when it arrives, what it brings."""
    w = state.world
    pk = w.packages[k].spec
    short = w.faction_short(w.client_of[b])
    bits = [pk.kind.value.replace("_", " "), f"you pay {D.money(pk.cost)}"]
    if pk.client_cost:
        bits.append(f"the {short} pay {D.money(pk.client_cost)} if they asked")
    bits.append("arrives at once" if pk.delay == 0 else f"arrives in {pk.delay} turn{'s' if pk.delay > 1 else ''}")
    brings = [unit_line(w.spec, g) for g in pk.units]
    # The rest of what it brings, as the client's panel says it (the price, the delay and
    # the units are said above in the backer's words).
    brings += [x for x in D.package_terms(pk, w.spec).split(" · ")[1:]
               if not x.startswith(("costs you", "backer pays", "arrives")) and (not pk.units or x.startswith(("+", "legitimacy", "quality")))]
    if brings:
        bits.append("brings " + "; ".join(brings))
    return " · ".join(bits)


def score_html(state, b: int) -> str:
    parts = backer_score(state, b)
    # + 0.0: a part worth nothing is shown as +0.0, not as the −0.0 of a weight times nothing.
    rows = [f"{p.name} <b>{p.points + 0.0:+.1f}</b> <font color='{D.MUTED}'>({D.esc(p.why)})</font>" for p in parts]
    return f"<b>Score so far: {total(parts) + 0.0:+.1f}</b> = " + " + ".join(rows)


def summary_html(state, b: int) -> str:
    """The top of the desk: the client's state, the backer's means and standing, its interests."""
    w = state.world
    bk = w.backers[b]
    client = w.client_of[b]
    held, start = _held(state, client)
    danger = (f"<font color='{D.BAD}'><b>in danger</b></font>" if in_danger(state, client)
              else f"<font color='{D.GOOD}'>not in immediate danger</font>")
    lines = [f"Your client, {D.fac(w, client, short=False)}: {held} places ({start} at the start), "
             f"{D.people(D.ground_strength(state, client))} fighters, funds {D.money(state.treasury[client])}; "
             f"{danger}.",
             f"Budget <b>{D.money(state.budget[b])}</b> (+{D.money(bk.budget_per_turn)} a turn) · spent "
             f"{D.money(state.spent[b])} · commitment <b>{state.commitment[b]:.0f}</b>/100 · exposure "
             f"<b>{state.exposed[b]:g}</b>"
             + (f" · embargo enforcement {state.embargo:.0%}" if state.embargo > 0 else "")]
    moved = moved_html(state, "commitment", b)
    if moved:
        lines.append(f"<font color='#c8d0d8'>Commitment: {' '.join(moved)}</font>")
    if bk.interests:
        lines.append(f"<i>You want: {D.esc('; '.join(bk.interests))}</i>")
    lines.append(score_html(state, b))
    return "<br>".join(lines) + D.sources_line(w.spec, bk.source)


def rival_moves_html(state, b: int, package_log: list[dict]) -> str:
    """What the other backers sent, delivered or lost lately, and how committed they are."""
    w = state.world
    me = w.backer_ids[b]
    roused = roused_by(w, b)
    lines = ["<b>The other backers</b>"]
    for r, rb in enumerate(w.backers):
        if r == b:
            continue
        side = "your side" if w.client_of[r] == w.client_of[b] else f"the {w.faction_short(w.client_of[r])}"
        rival = " · your rival" if r in roused else ""
        lines.append(f"• <font color='{D.lighten(rb.colour)}'>{D.esc(rb.name)}</font>, for {side}: commitment "
                     f"{state.commitment[r]:.0f}{rival}")
    recent = [e for e in package_log if e["backer"] != me and e["turn"] > state.turn - RIVAL_TURNS
              and e["kind"] in ("dispatch", "delivery") and e["backer"] in w.bidx]
    if recent:
        lines.append(f"<br><b>Their moves in the last {RIVAL_TURNS} turns</b>")
        for e in recent[-12:]:
            r = w.bidx[e["backer"]]
            k = w.kidx.get((e["backer"], e["package"]))
            what = w.packages[k].spec.name if k is not None else e["package"]
            verb = "sent" if e["kind"] == "dispatch" else "delivered"
            lines.append(f"• turn {e['turn']}: {D.esc(w.backers[r].name)} {verb} {D.esc(what)}")
    else:
        lines.append(f"<font color='{D.MUTED}'>No other backer has sent anything in the last {RIVAL_TURNS} "
                     "turns.</font>")
    return "<br>".join(lines)


def on_the_way_html(state, b: int) -> str:
    w = state.world
    mine = sorted((t, k) for t, k in state.deliveries if w.packages[k].backer == b)
    lines = ["<b>On the way</b>"]
    for t, k in mine:
        when = "next turn" if t == state.turn + 1 else (f"in {t - state.turn} turns" if t > state.turn else "now")
        lines.append(f"• {D.esc(w.packages[k].spec.name)}: turn {t} ({when})")
    if not mine:
        lines.append(f"<font color='{D.MUTED}'>Nothing you sent is on its way.</font>")
    return "<br>".join(lines)


def unlocked_by(world, k: int) -> list[str]:
    """The scenario's events that put locked package `k` on offer, by name: in an event's
    own effects, or in one of the answers to its question."""
    ref = world.packages[k]
    bid, pid = world.backer_ids[ref.backer], ref.id
    names = []
    for ev in world.spec.events.values():
        effects = list(ev.effects) + [e for opt in (ev.choice.options.values() if ev.choice else []) for e in opt.effects]
        if any(getattr(e, "effect", None) == "unlock_package" and e.backer == bid and e.package == pid
               for e in effects):
            names.append(ev.name)
    return names


def waits_for(state, k: int) -> str | None:
    """What a package not on offer waits for, in words: the events that unlock it, or
    its date (None if it is on offer, or waits for neither)."""
    w = state.world
    pk = w.packages[k].spec
    if not state.unlocked[k]:
        events = unlocked_by(w, k)
        return ("it waits on " + " or ".join(f"'{e}'" for e in events)) if events else "no event of this war offers it"
    if pk.available_from is not None and state.turn < w.pk_from_turn[k]:
        return f"it comes on offer on {D.long_date(pk.available_from)}"
    return None


def next_opening(state, b: int) -> str:
    """What the backer's packages not yet on offer wait for, as a sentence for a desk with
    nothing to send ("" if none waits for a date or an event)."""
    w = state.world
    left = [int(k) for k in w.packages_of_backer[b] if state.sent[k] < w.packages[k].spec.cap]
    dated = sorted((w.packages[k].spec.available_from, w.packages[k].spec.name) for k in left
                   if state.unlocked[k] and w.packages[k].spec.available_from is not None
                   and state.turn < w.pk_from_turn[k])
    events = sorted({e for k in left if not state.unlocked[k] for e in unlocked_by(w, k)})
    parts = []
    if dated:
        parts.append(f"{dated[0][1]} comes on offer first, on {D.long_date(dated[0][0])}")
    if events:
        parts.append("others wait on the war's events (" + "; ".join(f"'{e}'" for e in events) + ")")
    text = "; ".join(parts)
    return f" {text[:1].upper()}{text[1:]}." if text else ""

