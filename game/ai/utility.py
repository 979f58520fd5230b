"""Utility AI: every candidate order is scored by weighted considerations — the value
of a place (points, people, oil, airbases, supply hubs, the central bank), the threat
to one's own places, the odds of an attack, air defence in the way, supply, and the
legitimacy cost of fighting among civilians — with the weights taken from the
faction's `personality` in the scenario. It reads the game only through the engine's
public functions and returns one legal order at a time, each with a short "why".

Each order it gives is the best by a fixed order of concerns: strikes first, then
attacks, moves, recruits, requests to backers and politics. It thinks once a turn and
then keeps what it worked out (`TurnView`), refreshing after each order only what that
order can have changed; the scoring itself runs in compiled kernels (`scores`).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from ..engine import (
    Attack,
    BreakTruce,
    BuyAllegiance,
    ChooseOption,
    DroneStrike,
    EndTurn,
    Fortify,
    GameState,
    Move,
    Recruit,
    RequestSupport,
    SetBlockade,
    legal_actions,
)
from ..engine import peace
from ..engine.air import air_power_share
from ..engine.backers import red_lines_crossed, red_lines_in_reach
from ..engine.combat import attackers_at, marchers, supply_table
from ..engine.economy import oil_revenue, revenue_share, upkeep
from ..engine.fortifications import buildable
from ..engine.munitions import armed_figures
from ..engine.occupation import garrison_for
from ..engine.politics import standing_cost
from ..engine.reach import enemy_held
from ..engine.rules import affordable_types, move_options, open_requests, politics_options, recruit_towns
from ..engine.stacks import stays_behind
from ..scenario import model as m
from . import scores


@dataclass(frozen=True)
class Level:
    """How carefully a level plays: the odds it needs before attacking, how much of
    the map it thinks about, and how many orders it gives a turn."""

    attack_odds: float
    max_orders: int
    plans_moves: bool
    uses_backers: bool


LEVELS = {
    "easy": Level(attack_odds=0.40, max_orders=12, plans_moves=False, uses_backers=False),
    "normal": Level(attack_odds=0.55, max_orders=40, plans_moves=True, uses_backers=True),
}

_STRIKE_KINDS = ("units", "air_defence")  # road cuts rarely beat hitting troops; left to the search level


def place_values(state: GameState) -> np.ndarray:
    """What holding each place is worth, whoever holds it (all positive)."""
    w = state.world
    return (1.0 + 2.0 * w.vp / max(1, int(w.vp.max())) * 5.0 + w.population / 200_000.0 + state.oil / 100_000.0
            + 1.5 * w.is_airbase + 1.5 * w.is_hub + 4.0 * w.is_bank + 0.5 * w.is_port)


def standing_lost(state: GameState, intensity: float) -> np.ndarray:
    """Per place, the legitimacy a side would lose for the civilians a strike or battle
    of this intensity harms there, by the scenario's own harm rules."""
    return standing_cost(state.world, state.world.population, intensity)


def ground_power(state: GameState) -> np.ndarray:
    """Ground strength × quality per (faction, place)."""
    w = state.world
    power = np.empty((w.F, w.P))
    scores.ground_power_into(state.n_units, state.u_alive, state.u_type, state.u_owner, state.u_place, state.u_str,
                             w.t_ground, w.t_quality, power)
    return power


def threat(state: GameState, f: int) -> np.ndarray:
    """Enemy ground power that could strike each place next turn (`scores.threat_into`)."""
    w = state.world
    hostile = enemy_held(w, state.owner, f)
    enemy, out = np.empty(w.P), np.empty(w.P)
    scores.enemy_into(f, w.enemies, ground_power(state), enemy)
    scores.threat_into(enemy, hostile, state.owner, w.nbr_ptr, w.nbr_idx, out)
    return out


def turn_aggression(state: GameState, f: int) -> float:
    """The side's aggression this turn: its personality's, moved by the balance in the air
    as far as its `air_confidence` says (a side that commands the air dares more, one under
    the enemy's drones less). Worked out once, at the start of the side's turn."""
    pers = state.world.factions[f].personality
    if not pers.air_confidence:
        return pers.aggression
    return pers.aggression * (2.0 * air_power_share(state, f)) ** pers.air_confidence


def capitals_at_risk(state: GameState, f: int) -> np.ndarray:
    """The faction's capitals with an enemy-held place within two steps: one week's
    march from the gates. Counted on the map, not on the troops: armed locals can hold a
    capital against a raid, but a seat of government its own side has stripped of
    troops with the enemy that close tells every wavering ally the war is lost."""
    w = state.world
    rings = _RINGS.get(w)
    if rings is None:
        # Each capital with the places within two steps of it, worked out once a world.
        rings = _RINGS[w] = [(int(p), np.array(sorted({int(r) for q in w.neighbours[p] for r in w.neighbours[q]}
                                                      | {int(q) for q in w.neighbours[p]}), dtype=np.int64))
                             for p in np.flatnonzero(w.is_capital)]
    risk = np.zeros(w.P, dtype=bool)
    owner = state.owner
    for p, ring in rings:
        if owner[p] == f:
            near = owner[ring]
            risk[p] = bool(((near >= 0) & w.enemies[f, np.maximum(near, 0)]).any())
    return risk


_RINGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _has_troops(state: GameState, f: int, p: int) -> bool:
    """Whether the faction has a ground unit of its own at place p."""
    return bool(state.world.t_ground[state.u_type[state.units_at(p, f)]].any())


def capital_garrison(state: GameState, f: int, at_risk: np.ndarray) -> dict[int, int]:
    """Per capital at risk, the ready unit that stays to hold it (`stacks.stays_behind`)
    whatever else moves or attacks from there: capital → unit."""
    kept = {}
    for p in np.flatnonzero(at_risk):
        ready = attackers_at(state, f, int(p))
        if len(ready):
            kept[int(p)] = stays_behind(state, ready)
    return kept


# What a faction's places are worth to it and what fighting in them costs it, for each
# world, faction, focus on its goals and output of the oil fields (which events change):
# the same for every agent that plays the faction, so worked out once for all of them.
_TERMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _reserve(state: GameState, f: int) -> float:
    """Money the side keeps back from recruits and works: six turns of its upkeep."""
    return 6.0 * max(upkeep(state, f), 1.0)


def _place_terms(agent: "UtilityAgent", state: GameState, f: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = state.world
    memo = _TERMS.setdefault(w, {})
    neutral_cost = w.rules.politics.neutral_attack_legitimacy
    # Which places side with nobody matters only where attacking them costs standing.
    key = (f, agent.focus, state.oil.tobytes(), (state.owner < 0).tobytes() if neutral_cost else b"")
    terms = memo.get(key)
    if terms is None:
        if len(memo) > 64:
            memo.clear()
        pers = w.factions[f].personality
        values = place_values(state)
        if agent.focus != 1.0:
            values = values * agent._goal_weights(state, f)
        battle = standing_lost(state, w.rules.combat.battle_harm)
        if neutral_cost:
            battle = battle + np.where(state.owner < 0, neutral_cost, 0.0)
        terms = memo[key] = (values, pers.legitimacy * standing_lost(state, 1.0) * 8.0,
                             pers.legitimacy * battle * 8.0)
    return terms


def mover_homes(state: GameState, movers: np.ndarray) -> np.ndarray:
    """Each mover's militia's home town, −1 where it has none (`Personality.home_ties`)."""
    m = state.u_militia[movers]
    return np.where(m >= 0, state.world.militia_home[state.u_owner[movers], np.maximum(m, 0)], -1)


class TurnView:
    """What the agent works out about the map for one faction's turn. Parts go stale
    as orders change the game and are worked out again only when next needed: the
    lay of the front when places change hands, the balance of forces when units are
    hit, and the reach of each unit only when the roads open or close."""

    def __init__(self, agent: "UtilityAgent", world, f: int):
        w = world
        self.world = world
        self.f = f
        pers = self.pers = w.factions[f].personality
        # The view's figures and marks per place, in the tables `scores.plan` takes (rows
        # as `scores` names them), each row also under its own name.
        self.figures = np.empty((9, w.P))
        (self.values, self.strike_cost, self.battle_cost, self.staging, self.enemy, self.threat, self.intercept,
         self.deterrence, self.garrison) = self.figures
        self.marks = np.zeros((5, w.P), dtype=bool)
        # `only`: the places whose attacks are in question; `border`: those from which
        # the faction can attack at all; `left`: those it has moved a unit out of this
        # turn, where no unit of its goes back (kept by the agent, not by `look`).
        self.hostile, self.front_near, self.only, self.border, self.left = self.marks
        self.params = np.array([0.0, 0.0, pers.caution, 0.0, w.spec.rules.combat.noise, pers.massing,
                                w.spec.rules.air.cover, pers.concentration, pers.home_ties])
        self.power = np.empty((w.F, w.P))
        self.place_figures = w.place_figures.copy()
        self.stale = np.zeros(6, dtype=np.int64)
        # What each unit type's strength is worth for its price, to a recruiter.
        self.worth = np.array([w.t_strength[t] * w.t_quality[t] / max(w.types[t].cost, 0.5) for t in range(len(w.types))])

    def dare(self, agent: "UtilityAgent", aggression: float) -> None:
        """Set what follows from the side's aggression this turn (`turn_aggression`): the
        odds it needs to attack, the weight of what it takes, and its drive to the front."""
        pers = self.pers
        self.params[scores.NEED] = (agent.level.attack_odds + agent.odds_shift - 0.05 * (aggression - 1.0)
                                    + 0.04 * (pers.caution - 1.0))
        self.params[scores.AGGRESSION] = aggression
        self.params[scores.DRIVE] = agent.boldness * aggression

    def look(self, agent: "UtilityAgent", state: GameState) -> "TurnView":
        """Work everything out afresh, as at the start of a turn."""
        w = state.world
        f = self.f
        self.dare(agent, agent.aggression)
        self.values[:], self.strike_cost[:], self.battle_cost[:] = _place_terms(agent, state, f)
        # The garrison each place would need if the faction took it (`engine.occupation`):
        # which side a town's people stand with can change in a game.
        self.garrison[:] = garrison_for(state, f)
        # Each target's red-line cost (NaN: not yet weighed). It is nothing where taking
        # the place cannot set off a red line; which lines are left to cross changes only
        # between rounds, so `unweighed` (what the costs are reset to) lasts the turn.
        memo = _TERMS.setdefault(w, {})
        key = ("red lines", f, frozenset(state.redlines_fired))
        self.unweighed = memo.get(key)
        if self.unweighed is None:
            self.unweighed = memo[key] = np.where(red_lines_in_reach(state, f), np.nan, 0.0)
        self.changed_ground(state)
        return self

    def dug(self, state: GameState) -> None:
        """Works rose or fell somewhere: the defence the battle rules see there changed."""
        self.place_figures[0] = state.ground

    # What an order can have changed, from most to least.
    def changed_ground(self, state: GameState) -> None:
        """Places changed hands (or anything else may have changed)."""
        self.stale[scores.GROUND] = 1
        self.dug(state)
        # The world's place figures, but with the capitals at risk where the capitals
        # stand: those are the ones `scores.best_move` keeps troops in.
        self.at_risk = capitals_at_risk(state, self.f)
        self.place_figures[2] = self.at_risk
        self.kept = capital_garrison(state, self.f, self.at_risk)
        self._kept_units = np.array(list(self.kept.values()), dtype=np.int64)
        self.movers, reach = move_options(state, self.f)
        self.reach_ptr, self.reach_idx = scores.reach_lists(reach)
        self.mover_home = mover_homes(state, self.movers)
        self.supply = supply_table(state)
        self.towns: np.ndarray | None = None  # where to recruit, worked out when first needed
        self.changed_forces()

    def changed_forces(self, red_lines: bool = True, air_defence: bool = True) -> None:
        """Units of either side were hit, so the balance everywhere is in question (and,
        if `red_lines`, what the backers' red lines read; if `air_defence`, the enemy's
        air defence)."""
        self.stale[scores.FORCES] = 1
        if air_defence:
            self.stale[scores.AIR_DEFENCE] = 1
        self.stale[scores.NO_STRIKE] = 0
        self.enemy_air: bool | None = None  # whether the enemy has drones or aircraft left
        self.reconsider_attacks(red_lines)

    def ready(self, state: GameState) -> np.ndarray:
        """The units free to act: the ready ones, less the garrisons kept in capitals."""
        if not self.kept:
            return state.u_ready
        ready = state.u_ready.copy()
        ready[self._kept_units] = False
        return ready

    def reconsider_attacks(self, red_lines: bool = True) -> None:
        """Every attack's odds changed, or (`red_lines`) something that the backers' red
        lines read did."""
        self.only[:] = True
        if red_lines:
            self.deterrence[:] = self.unweighed

    def changed_own(self, places: tuple[int, ...] = ()) -> None:
        """Only the faction's own ground forces changed, at `places`: attacks from there
        are in question, and no other; but for a side that holds its forces for the
        defence (`Personality.concentration`), every attack is, since what its units
        would leave undone has changed."""
        self.stale[scores.OWN] = 1
        if self.pers.concentration > 0:
            self.only |= self.border
            return
        for p in places:
            self.only[p] |= self.border[p]


class UtilityAgent:
    """Scores candidate orders and gives the best one, turn after turn."""

    # Its candidates come from the rules' own lists of legal orders (`rules.*_options`),
    # so whoever carries its orders out need not check them again.
    gives_legal_orders = True

    def __init__(self, seed=0, level: str = "normal", odds_shift: float = 0.0, boldness: float = 1.0,
                 focus: float = 1.0):
        self.level = LEVELS[level]
        self.name = level
        # Variations of the same judgement, which the search level compares.
        self.odds_shift = odds_shift
        self.boldness = boldness
        self.focus = focus  # extra weight on the places the faction's victory names
        self.rng = np.random.default_rng(seed)
        self.why = ""
        self._key: tuple | None = None
        self._given = 0
        self._asked: set = set()
        self._view: TurnView | None = None  # None when it must be worked out afresh
        self._spare: TurnView | None = None  # its arrays, kept from turn to turn
        self._last = None  # the last order given, and the order count it was given at
        self._count = -1
        self._moved_from = -1
        self._out_i = np.zeros((1, 3), dtype=np.int64)
        self._out_f = np.zeros(1)
        self._queue: list[tuple] = []  # orders worked out ahead, last first
        self._settled = False  # ... and after them, nothing more to strike, attack or move

    @property
    def why(self) -> str:
        """Why it gave its last order, in a player's words."""
        why = self._why
        if type(why) is tuple:
            why = self._why = why[0].format(*why[1:])
        return why

    @why.setter
    def why(self, text: str) -> None:
        self._why = text

    # -- the turn -------------------------------------------------------------------
    def act(self, state: GameState):
        f = state.active
        key = (state.turn, f)
        if key != self._key:
            self._key, self._given = key, 0
            self.aggression = turn_aggression(state, f)
            self._asked = set()
            self._dug = False
            self._view = None
            self._queue = []
            self._settled = False
            if self._spare is not None:
                self._spare.left[:] = False
        if state.pending and any(pf == f for pf, _ in state.pending):
            self._view = None  # the answer's effects may change anything
            return self._choose(state, legal_actions(state))
        if self._given >= self.level.max_orders:
            return self._end("order budget for the turn used")
        if state.truce > 0 and (choice := self._break_truce(state, f)) is not None:
            self._view = None  # attacks and strikes are open again
            return self._gave(state, choice)
        # Whether the run of orders worked out before still stands: nothing but the
        # agent's own last order has happened since.
        on_plan = state.action_count == self._count + 1
        if self._queue and on_plan:
            return self._gave(state, self._next_queued(state))
        # A run of moves worked out to its end found nothing more to strike, attack or
        # move after it.
        settled, self._settled = self._settled and on_plan, False
        self._queue = []
        view = self._refresh(state, f)
        if settled:
            choice = None
        elif self.level.plans_moves:
            choice = self._think(state, view, scores.STRIKE | scores.ATTACK | scores.MOVE)
        else:
            # A level that does not plan its moves considers them only half the time.
            choice = self._think(state, view, scores.STRIKE | scores.ATTACK)
            if choice is None and self.rng.random() >= 0.5:
                choice = self._think(state, view, scores.MOVE)
        if choice is None:
            choice = self._recruit(state, view)
        if choice is None and self.level.uses_backers:
            choice = self._request(state, view)
        if choice is None:
            choice = self._politics(state, view)
        if choice is None:
            choice = self._fortify(state, view)
        if choice is None:
            return self._end("nothing worth doing")
        return self._gave(state, choice)

    def _gave(self, state: GameState, choice):
        self._given += 1
        self._last, self._count = choice, state.action_count
        if type(choice) is Move:
            self._moved_from = int(state.u_place[choice.unit])
            self._spare.left[self._moved_from] = True
        return choice

    def _refresh(self, state: GameState, f: int) -> TurnView:
        """The turn's view, brought up to date with what the last order changed. Only an
        order of this agent's, given on this very turn and carried out, is known in
        detail; anything else calls for a fresh look."""
        view, last = self._view, self._last
        if view is None or state.action_count != self._count + 1 or last is None:
            if self._spare is None or self._spare.world is not state.world or self._spare.f != f:
                self._spare = TurnView(self, state.world, f)
            self._view = self._spare.look(self, state)
            return self._view
        self._last = None
        kind = type(last)
        red_lines = state.world.red_lines_read
        if kind is Move:
            # One unit walked between two places of its own side: only its power moved,
            # so only attacks from those two places can have changed.
            view.changed_own((self._moved_from, state.world.pidx[last.to]))
        elif kind is Recruit:
            # A new unit that cannot act this turn, money spent, and a town that may
            # have given all the recruits it can this turn.
            view.changed_own((state.world.pidx[last.place],))
            view.towns = None
            if "stats" in red_lines:
                view.reconsider_attacks()
        elif kind is RequestSupport:
            # Money, and a backer's commitment: nothing on the ground.
            if red_lines & {"stats", "commitment"}:
                view.reconsider_attacks()
        elif kind is DroneStrike and last.kind != "supply":
            # A strike on troops leaves the air defence as it was; it may wear works down.
            view.changed_forces("stats" in red_lines, last.kind == "air_defence")
            view.dug(state)
        elif kind is Fortify:
            # Money spent, and works that stand only after the turn: nothing on the ground.
            if "stats" in red_lines:
                view.reconsider_attacks()
        else:
            view.changed_ground(state)
        return view

    def _goal_weights(self, state: GameState, f: int) -> np.ndarray:
        w = state.world
        weights = np.ones(w.P)
        for v in w.factions[f].victory:
            for pid in v.places:
                p = w.pidx[pid]
                weights[p] = self.focus
                for n in w.neighbours[p]:
                    weights[n] = max(weights[n], (1.0 + self.focus) / 2.0)
        return weights

    def _end(self, why: str):
        self.why = f"end turn: {why}"
        return EndTurn()

    def _break_truce(self, state: GameState, f: int):
        """Break a truce that holds, where the scenario allows it, when the side is ahead
        (a truce helps whoever is losing ground) and its appetite for a fight outweighs
        what breaking costs it, weighed as the answers to the scenario's questions weigh
        legitimacy and backers' support."""
        if peace.why_not_break(state, f) is not None or _behind(state, f):
            return None
        pers = state.world.factions[f].personality
        legitimacy, moves = peace.break_costs(state, f)
        cost = 0.3 * pers.legitimacy * legitimacy - sum(0.2 * pers.foreign_help * d for b, d in moves
                                                        if state.world.client_of[b] == f)
        # Under a truce nothing is struck, so the balance in the air is as at the turn's start.
        appetite = 2.0 * turn_aggression(state, f)
        if appetite <= cost:
            return None
        self.why = f"break the truce: ahead, and the fight is worth {appetite:.1f} against {cost:.1f}"
        return BreakTruce()

    # -- answers to the scenario's questions ------------------------------------------
    def _choose(self, state: GameState, options) -> ChooseOption:
        w = state.world
        f = state.active
        pers = w.factions[f].personality
        best, best_score = options[0], -np.inf
        for opt in options:
            event = w.events[w.eidx[opt.event]]
            effects = event.choice.options[opt.option].effects
            score = sum(self._effect_score(state, f, e, pers) for e in effects)
            if score > best_score:
                best, best_score = opt, score
        label = w.events[w.eidx[best.event]].choice.options[best.option].label
        self.why = f"answer '{label}': weighs the effects at {best_score:+.1f}"
        return best

    def _effect_score(self, state: GameState, f: int, e, pers) -> float:
        w = state.world
        mine = lambda fid: fid is not None and w.fidx.get(fid) == f  # noqa: E731
        if isinstance(e, m.StatEffect):
            sign = 1.0 if mine(e.faction) else -0.5
            scale = {"treasury": 0.05 * pers.economy, "manpower": 0.001, "legitimacy": 0.3 * pers.legitimacy,
                     "cohesion": 0.3}[e.effect]
            return sign * scale * e.delta
        if isinstance(e, (m.CommitmentEffect,)):
            client = w.fidx[w.backers[w.bidx[e.backer]].supports]
            return (0.2 if client == f else -0.2) * e.delta * pers.foreign_help
        if isinstance(e, m.UnlockEffect):
            client = w.fidx[w.backers[w.bidx[e.backer]].supports]
            return (3.0 if client == f else -3.0) * pers.foreign_help
        if isinstance(e, m.SetOwnerEffect):
            value = float(place_values(state)[w.pidx[e.place]])
            return value if mine(e.faction) else -value
        if isinstance(e, m.TruceEffect):
            # A truce helps whoever is losing ground.
            return (2.0 if _behind(state, f) else -2.0) * pers.caution * min(e.turns, 4) / 4
        if isinstance(e, m.SettleEffect):
            # A settlement is worth what it gives against what the side holds now: a side
            # behind takes fair terms, a side ahead gives up a war it could win.
            share = float(peace.settlement_shares(state, e.shares)[f])
            held = float(peace.settlement_shares(state, None)[f])
            return 20.0 * (share - held) + (4.0 if _behind(state, f) else -4.0) * pers.caution
        if isinstance(e, m.BlockadeEffect):
            return 2.0 * pers.economy - 2.0 * pers.legitimacy if mine(e.faction) and e.on else 0.0
        if isinstance(e, m.SpawnEffect):
            return 2.0 * e.count if mine(e.faction) else -2.0 * e.count
        if isinstance(e, m.DefectEffect):
            return 3.0 if mine(e.to) else (-3.0 if mine(e.faction) else 0.0)
        if isinstance(e, m.FortifyEffect):
            # Works help whoever holds the place, in proportion to what it is worth.
            p = w.pidx[e.place]
            levels = (e.level - float(state.works[p])) if e.level is not None else e.delta
            holder = int(state.owner[p])
            value = 0.5 * levels * float(place_values(state)[p])
            return value if holder == f else (-value if holder >= 0 else 0.0)
        return 0.0

    # -- orders -------------------------------------------------------------------------
    def _think(self, state: GameState, view: TurnView, stages: int):
        """The best strike, attack or move (of those in `stages`), or None. A level that
        plans its moves works out a whole run of them at once (`scores.plan`) and keeps
        the rest, with the order that follows them, for its next calls."""
        w = state.world
        pers = view.pers
        budget = self.level.max_orders - self._given if self.level.plans_moves else 1
        if self._out_f.shape[0] < budget + 1:
            self._out_i = np.zeros((budget + 1, 3), dtype=np.int64)
            self._out_f = np.zeros(budget + 1)
        out_i, out_f = self._out_i, self._out_f
        while True:
            moves, found = scores.plan(
                budget, stages, view.f, state.truce > 0, state.n_units, view.params, view.stale, view.figures,
                view.marks, view.power, view.supply, view.movers, view.reach_ptr, view.reach_idx, view.mover_home,
                state.u_alive, view.ready(state), state.u_owner, state.u_backer, state.u_type, state.u_place,
                state.u_str, state.u_sorties, state.owner, state.local_defence, state.cohesion, state.quality_bonus,
                armed_figures(state, view.f), w.type_kinds, w.enemies, w.air_km, view.place_figures,
                w.edge_defence, w.combat_params, w.nbr_ptr, w.nbr_idx, w.route_km, out_i, out_f)
            if found != scores.ASK_DETERRENCE or moves:
                break
            # A backer's red line deters: taking the place would bring its forces in.
            target = int(out_i[0, 0])
            crossed = red_lines_crossed(state, view.f, target)
            view.deterrence[target] = pers.caution * sum(line.commitment for _, line in crossed) / 10.0
        if moves == 0 and found == scores.STRUCK:  # the commonest answer, given at once
            unit, place, kind = out_i[0].tolist()
            self._why = ("strike {} ({}): value {:.1f}", w.place_names[place], _STRIKE_KINDS[kind], float(out_f[0]))
            return DroneStrike(unit, w.place_ids[place], _STRIKE_KINDS[kind])
        rows, scores_ = out_i[:moves + 1].tolist(), out_f[:moves + 1].tolist()
        queue = [("move", rows[k][0], rows[k][1], scores_[k]) for k in range(moves)]
        if found == scores.STRUCK:
            queue.append(("strike", rows[moves][0], rows[moves][1], scores_[moves], _STRIKE_KINDS[rows[moves][2]]))
        elif found == scores.ATTACKED:
            queue.append(("attack", rows[moves][0], rows[moves][1], scores_[moves]))
        if not queue:
            return None
        self._settled = found == scores.NOTHING
        queue.reverse()
        self._queue = queue
        return self._next_queued(state)

    def _next_queued(self, state: GameState):
        """The next order of a run worked out before, with its reason (put into words
        only if someone reads it)."""
        w = state.world
        what, a, b, score, *kind = self._queue.pop()
        names = w.place_names
        if what == "move":
            self._why = ("move to {}: needed there ({:.2f})", names[b], score)
            return Move(a, w.place_ids[b])
        if what == "strike":
            self._why = ("strike {} ({}): value {:.1f}", names[b], kind[0], score)
            return DroneStrike(a, w.place_ids[b], kind[0])
        self._why = ("attack {} from {}: odds {:.2f}, worth {:.1f}", names[b], names[a], score,
                     float(self._view.values[b]))
        kept = self._view.kept.get(a)
        if kept is None:
            return Attack(w.place_ids[a], w.place_ids[b])
        going = tuple(int(u) for u in marchers(state, state.active, a, b) if u != kept)
        return Attack(w.place_ids[a], w.place_ids[b], going)

    def _recruit(self, state: GameState, view: TurnView):
        w = state.world
        f = view.f
        if state.treasury[f] < _reserve(state, f):
            return None
        if view.towns is None:
            view.towns = recruit_towns(state, f)
        if len(view.towns) == 0:
            return None
        types = affordable_types(state, f)
        if not types:
            return None
        worth = view.worth[types]
        # A capital at risk with no troops of its own, which none could reach this turn,
        # raises them on the spot: the best value for the money.
        for p in np.flatnonzero(view.at_risk):
            if p in view.towns and not _has_troops(state, f, p):
                t = types[int(np.argmax(worth))]
                self.why = f"raise {w.types[t].name} at {w.place_name(p)}: the capital has no troops of its own"
                return Recruit(w.type_ids[t], w.place_ids[p])
        # Each type's strength for the money, raised where the threat is greatest.
        i, j, _ = scores.best_recruit(worth, view.threat, view.towns)
        if i < 0:
            return None
        t, p = types[i], int(view.towns[j])
        self.why = f"raise {w.types[t].name} at {w.place_name(p)}"
        return Recruit(w.type_ids[t], w.place_ids[p])

    def _request(self, state: GameState, view: TurnView):
        w = state.world
        f = view.f
        pers = view.pers
        best, best_score = None, 0.0
        for k in open_requests(state, f):
            ref = w.packages[k]
            if (w.backer_ids[ref.backer], ref.id) in self._asked:
                continue
            pk = ref.spec
            if pk.client_cost > 0.5 * state.treasury[f]:
                continue
            score = pers.foreign_help * (1.0 + len(pk.units)) - pk.client_cost / 20.0
            kind = w.pk_kind[k]
            if kind == "air_defence" and self._enemy_air(state, view):
                score += 2.0
            if kind in ("drones", "jets"):
                score += 1.5
            if score > best_score:
                best, best_score = k, score
        if best is None:
            return None
        ref = w.packages[best]
        self._asked.add((w.backer_ids[ref.backer], ref.id))
        self.why = f"ask {w.backers[ref.backer].name} for {ref.spec.name}"
        return RequestSupport(w.backer_ids[ref.backer], ref.id)

    @staticmethod
    def _enemy_air(state: GameState, view: TurnView) -> bool:
        if view.enemy_air is None:
            w = state.world
            n = state.n_units
            view.enemy_air = bool(np.any(state.u_alive[:n] & w.t_air[state.u_type[:n]]
                                         & w.enemies[view.f, state.u_owner[:n]]))
        return view.enemy_air

    def _fortify(self, state: GameState, view: TurnView):
        """Dig in, once a turn, where a threatened place is most worth holding, with
        money the army does not need (the recruiter's reserve, and a level's cost)."""
        cost = state.world.rules.fortification.build_cost
        f = view.f
        if cost is None or self._dug or state.treasury[f] < _reserve(state, f) + cost:
            return None
        places = buildable(state, f)
        if not len(places):
            return None
        need = view.values[places] * view.threat[places]
        i = int(np.argmax(need))
        if need[i] <= 0:
            return None
        self._dug = True
        p = int(places[i])
        self.why = f"dig in at {state.world.place_name(p)}: the threatened place most worth holding"
        return Fortify(state.world.place_ids[p])

    def _politics(self, state: GameState, view: TurnView):
        w = state.world
        f = view.f
        pers = view.pers
        for a in politics_options(state, f):
            if isinstance(a, BuyAllegiance):
                p = w.pidx[a.place]
                if view.values[p] * 3.0 > w.allegiance_cost[p] / max(state.treasury[f], 1.0) * 10.0:
                    self.why = f"buy the allegiance of {w.place_name(p)}"
                    return a
            if isinstance(a, SetBlockade):
                # Shutting the oil hurts the bank's holder; worth it only to a side that
                # does not hold the bank and cares more for money than for standing.
                mine = revenue_share(state, f)
                if a.on and mine < 0.5 and pers.economy > pers.legitimacy and oil_revenue(state) > 0:
                    self.why = "blockade the oil: the revenue feeds the enemy's bank"
                    return a
                if not a.on and (mine >= 0.5 or pers.legitimacy >= pers.economy):
                    self.why = "lift the blockade"
                    return a
        return None


class EasyAgent(UtilityAgent):
    def __init__(self, seed=0):
        super().__init__(seed, "easy")


class NormalAgent(UtilityAgent):
    def __init__(self, seed=0):
        super().__init__(seed, "normal")


def _behind(state: GameState, f: int) -> bool:
    """The side holds fewer victory points than its strongest rival."""
    w = state.world
    if w.F < 2:
        return False
    vp = [int(w.vp[state.owner == i].sum()) for i in range(w.F)]
    return vp[f] < max(v for i, v in enumerate(vp) if i != f)
