"""A backer's score, for the person who plays it: its interests from the scenario
(`score` on each backer) as points, part by part, so that the parts add up to the
total shown at the end."""

from __future__ import annotations

from dataclasses import dataclass

from .state import GameState


@dataclass(frozen=True)
class Part:
    name: str
    points: float
    why: str


def backer_score(state: GameState, b: int) -> list[Part]:
    """The parts of backer `b`'s score as the game stands (at its end, its final score)."""
    w = state.world
    weights = w.backers[b].score
    client = w.client_of[b]
    short = w.faction_short(client)
    if not state.over:
        outcome = Part("outcome", 0.0, "the war goes on")
    elif state.winner == client:
        outcome = Part("outcome", weights.outcome, f"the {short} won")
    elif state.settled:
        # Terms as good as the best rival's are worth nothing either way; all and nothing, a win.
        rival = max(float(state.terms[e]) for e in range(w.F) if e != client)
        mine = float(state.terms[client])
        outcome = Part("outcome", weights.outcome * (mine - rival),
                       f"a settlement: the {short} got {mine:.0%} against {rival:.0%}")
    elif state.winner < 0:
        outcome = Part("outcome", 0.0, "a draw")
    else:
        outcome = Part("outcome", -weights.outcome, f"the {w.faction_short(state.winner)} won")
    total_vp = float(w.vp.sum())
    held = float(w.vp[state.owner == client].sum())
    share = held / total_vp if total_vp > 0 else 0.0
    ground = Part("ground", weights.ground * share,
                  f"the {short} hold {held:g} of {total_vp:g} victory points")
    spent = float(state.spent[b])
    # What it had over the game is what it spent plus what is left of its budget.
    had = spent + max(float(state.budget[b]), 0.0)
    used = spent / had if had > 0 else 0.0
    money = Part("money", -weights.money * used, f"{spent:g}M spent, {used:.0%} of what it had")
    exposed = float(state.exposed[b])
    exposure = Part("exposure", -weights.exposure * exposed, f"exposure of {exposed:g} from what it sent")
    return [outcome, ground, money, exposure]


def total(parts: list[Part]) -> float:
    return sum(p.points for p in parts)
