"""The utility AI written the obvious way: before every order it lists every legal
order and scores each from scratch. The game's agent (game/ai/utility.py) keeps what
it worked out across a turn's orders and scores with compiled kernels; it must give
exactly the orders this one gives (tests/test_ai_equivalence.py). A test oracle, not
used by the game.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.ai.utility import UtilityAgent as GameAgent
from game.engine import (
    Attack,
    BuyAllegiance,
    ChooseOption,
    DroneStrike,
    EndTurn,
    GameState,
    Move,
    Recruit,
    RequestSupport,
    SetBlockade,
    legal_actions,
)
from game.engine.air import air_power_share, intercept_chance
from game.engine.backers import red_lines_crossed
from game.engine.combat import attackers_at
from game.engine.economy import oil_revenue, revenue_share, upkeep
from game.engine.occupation import garrison_for
from game.engine.stacks import stays_behind
from game.engine.supply import supplied
from reference_rules import win_chance


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


# A place is held when what stands in it (with its terrain) is this many times the enemy
# strength that could reach it next turn; only the shortfall calls for more troops, and
# only what is beyond it is free to leave. Battles are decided by a noisy ratio, so a
# bare match is a coin flip.
HOLD_MARGIN = 2.0


def place_values(state: GameState) -> np.ndarray:
    """What holding each place is worth, whoever holds it (all positive)."""
    w = state.world
    return (1.0 + 2.0 * w.vp / max(1, int(w.vp.max())) * 5.0 + w.population / 200_000.0 + state.oil / 100_000.0
            + 1.5 * w.is_airbase + 1.5 * w.is_hub + 4.0 * w.is_bank + 0.5 * w.is_port)


def _standing_lost(state: GameState, place: int, intensity: float) -> float:
    """Legitimacy a side would lose for the civilians a strike or battle of this
    intensity harms here, by the scenario's own harm rules."""
    pol = state.world.spec.rules.politics
    return state.world.population[place] / 100_000.0 * pol.harm_per_strike * intensity * pol.harm_legitimacy


def _power_of(state: GameState, units: np.ndarray) -> float:
    w = state.world
    return float(np.sum(state.u_str[units] * w.t_quality[state.u_type[units]]))


def ground_power(state: GameState) -> np.ndarray:
    """Ground strength × quality per (faction, place)."""
    w = state.world
    n = state.n_units
    t = state.u_type[:n]
    mask = state.u_alive[:n] & w.t_ground[t]
    power = np.zeros((w.F, w.P))
    np.add.at(power, (state.u_owner[:n][mask], state.u_place[:n][mask]), state.u_str[:n][mask] * w.t_quality[t][mask])
    return power


class UtilityAgent:
    """Scores candidate orders and gives the best one, turn after turn."""

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

    # -- the turn -------------------------------------------------------------------
    def act(self, state: GameState):
        f = state.active
        w = state.world
        key = (state.turn, f)
        if key != self._key:
            self._key, self._given = key, 0
            self._asked = set()
            self._left: set[int] = set()  # places a unit was moved out of this turn
            # The side's daring this turn: its aggression times (2 × its share of the
            # war's air power) to the power of its air confidence, as the turn begins.
            pers = w.factions[f].personality
            self.aggression = pers.aggression * (2.0 * air_power_share(state, f)) ** pers.air_confidence
        options = legal_actions(state)
        if options and isinstance(options[0], ChooseOption):
            return self._choose(state, options)
        if self._given >= self.level.max_orders:
            return self._end("order budget for the turn used")
        if state.truce > 0 and (choice := self._break_truce(state, f)) is not None:
            self._given += 1
            return choice
        pers = w.factions[f].personality
        values = place_values(state)
        if self.focus != 1.0:
            values = values * self._goal_weights(state, f)
        power = ground_power(state)
        hostile = self._hostile(state, f)
        threat = self._threat(state, f, power, hostile)
        # A capital with an enemy-held place within two steps keeps troops of its own:
        # the smallest ready unit there stays, whatever else moves or attacks.
        self._at_risk = np.zeros(w.P, dtype=bool)
        self._kept = {}
        for p in range(w.P):
            if w.is_capital[p] and state.owner[p] == f:
                two_steps = set(w.neighbours[p])
                for q in w.neighbours[p]:
                    two_steps |= set(w.neighbours[q])
                two_steps.discard(p)
                self._at_risk[p] = any(hostile[q] for q in two_steps)
                ready = attackers_at(state, f, p)
                if self._at_risk[p] and len(ready):
                    self._kept[p] = stays_behind(state, ready)
        for step in (self._strike, self._attack, self._move, self._recruit, self._request, self._politics):
            if step in (self._move,) and not self.level.plans_moves and self.rng.random() < 0.5:
                continue
            if step == self._request and not self.level.uses_backers:
                continue
            choice = step(state, f, options, pers, values, power, hostile, threat)
            if choice is not None:
                self._given += 1
                if isinstance(choice, Move):
                    self._left.add(int(state.u_place[choice.unit]))
                return choice
        return self._end("nothing worth doing")

    def _end(self, why: str):
        self.why = f"end turn: {why}"
        return EndTurn()

    # -- considerations -----------------------------------------------------------------
    @staticmethod
    def _hostile(state: GameState, f: int) -> np.ndarray:
        o = state.owner
        return (o >= 0) & state.world.enemies[f, np.maximum(o, 0)]

    @staticmethod
    def _threat(state: GameState, f: int, power: np.ndarray, hostile: np.ndarray) -> np.ndarray:
        """Enemy ground power that could strike each place next turn: from its hostile
        neighbours, and (at a discount) from one step further back, through a hostile
        or a neutral place, since a week's march along the enemy's own roads, or through
        a town nobody holds, brings those troops to the front."""
        w = state.world
        enemy = power[w.enemies[f]].sum(axis=0) if w.enemies[f].any() else np.zeros(w.P)
        near = np.array([sum(enemy[n] for n in w.neighbours[p] if hostile[n]) for p in range(w.P)])
        on_the_way = hostile | (state.owner < 0)
        threat = np.zeros(w.P)
        for p in range(w.P):
            threat[p] = sum(enemy[n] + 0.5 * near[n] for n in w.neighbours[p] if on_the_way[n])
        return threat

    # What the game's agent does the same way, not by a kernel or a kept view, is its own.
    _goal_weights = GameAgent._goal_weights
    _choose = GameAgent._choose
    _effect_score = GameAgent._effect_score
    _break_truce = GameAgent._break_truce

    # -- orders -------------------------------------------------------------------------
    def _strike(self, state, f, options, pers, values, power, hostile, threat):
        """Drones and jets hit the enemy force whose loss helps most, avoiding air defence."""
        w = state.world
        best, best_score = None, 0.0
        enemy_power = power[w.enemies[f]].sum(axis=0)
        own_front = np.zeros(w.P, dtype=bool)
        for p in np.flatnonzero(state.owner == f):
            if any(hostile[n] for n in w.neighbours[p]):
                own_front[p] = True
        # A strike's worth depends only on its kind and target, so each is scored once,
        # for the first unit that can fly it (a later equal score never wins).
        for kind in ("units", "air_defence"):  # road cuts rarely beat hitting troops; left to the search level
            units, targets = options.unit_place_pairs(DroneStrike, kind)
            first = dict(zip(reversed(targets.tolist()), reversed(units.tolist())))
            for p in dict.fromkeys(targets.tolist()):
                risk = intercept_chance(state, f, p)
                near_front = any(own_front[n] for n in w.neighbours[p]) or own_front[p]
                if kind == "units":
                    gain = enemy_power[p] / 1000.0 * (2.0 if near_front else 0.7) * (1.0 + 0.2 * values[p])
                    if w.spec.rules.air.cover:
                        # Troops behind good ground are worth less to strike (`rules.air.cover`).
                        gain /= state.ground[p] ** w.spec.rules.air.cover
                    gain -= pers.legitimacy * _standing_lost(state, p, 1.0) * 8.0
                else:
                    gain = 3.0 * risk + (1.5 if near_front else 0.3)
                score = gain * (1.0 - risk)
                if score > best_score:
                    best, best_score = DroneStrike(first[p], w.place_ids[p], kind), score
        if best is not None:
            self.why = f"strike {w.place_name(w.pidx[best.target])} ({best.kind}): value {best_score:.1f}"
        return best

    def _attack(self, state, f, options, pers, values, power, hostile, threat):
        w = state.world
        best, best_score, best_p = None, 0.0, 0.0
        need = self.level.attack_odds + self.odds_shift - 0.05 * (self.aggression - 1.0) + 0.04 * (pers.caution - 1.0)
        enemy = power[w.enemies[f]].sum(axis=0)
        garrison = garrison_for(state, f)
        # A side that holds its forces for the defence weighs what an attack's units
        # leave undone: the greatest need of troops, as its moves weigh it, among the
        # other places its ready units at the origin could move to instead.
        held_back = np.zeros(w.P)
        if pers.concentration > 0:
            defend = self._defend(state, f, pers, values, power, threat, garrison)
            kept = set(self._kept.values())
            units, to = options.unit_place_pairs(Move)
            for u, p in zip(units.tolist(), to.tolist()):
                here = int(state.u_place[u])
                if u not in kept and p != here and p not in self._left:
                    held_back[here] = max(held_back[here], defend[p])
        for a in options.of_type(Attack):
            origin, target = w.pidx[a.origin], w.pidx[a.target]
            going_units = attackers_at(state, f, origin)
            if origin in self._kept:
                going_units = tuple(int(u) for u in going_units if u != self._kept[origin])
                if not going_units:
                    continue
                # Where attacks are held to a week's march, those too slow for the road
                # stay behind with the garrison.
                marching = tuple(u for u in going_units if not w.spec.rules.movement.attack_within_march
                                 or w.t_speed[state.u_type[u]] >= w.route_km[origin, target])
                a = Attack(a.origin, a.target, marching)
            p = win_chance(state, f, origin, target, a.units)
            if p < need:
                continue
            gain = p * values[target] * (0.5 + 0.5 * self.aggression)
            # The standing the battle costs: the harm to the town's people, and (the
            # rule's price of widening the war) attacking a place that sides with nobody.
            neutral = w.spec.rules.politics.neutral_attack_legitimacy if state.owner[target] < 0 else 0.0
            if w.population[target] > 0 or neutral:
                gain -= pers.legitimacy * (_standing_lost(state, target, w.spec.rules.combat.battle_harm)
                                           + neutral) * 8.0
            # A place taken only to be lost next week is worth little, and the week's
            # losses weaken the coalition: weigh whether the force can hold it.
            going = _power_of(state, np.asarray(going_units, dtype=np.int64))
            counter = sum(enemy[n] for n in w.neighbours[target] if n != origin and hostile[n])
            hold = min(1.0, going * state.ground[target] / (counter + 1.0))
            if garrison[target] > 0:
                # A town whose people chose the enemy stays taken only under a garrison.
                hold = min(hold, going / garrison[target])
            gain *= 0.3 + 0.7 * hold
            # So is the place the attack sets out from, if it is left bare to a neighbour.
            left = power[f][origin] - going + state.local_defence[origin]
            exposed = sum(enemy[n] for n in w.neighbours[origin] if n != target and hostile[n])
            if exposed > 0:
                gain -= pers.caution * values[origin] * min(1.0, exposed / (left * state.ground[origin] + 1.0)) * 0.5
            if garrison[origin] > 0:
                # ... and a town whose people chose the enemy rises behind a garrison that leaves it.
                gain -= values[origin] * max(0.0, 1.0 - (power[f][origin] - going) / garrison[origin])
            gain -= pers.concentration * held_back[origin]
            # A backer's red line deters: taking the place would bring its forces in.
            crossed = red_lines_crossed(state, f, target) if gain > 0 else []
            gain -= pers.caution * sum(line.commitment for _, line in crossed) / 10.0
            if gain > best_score:
                best, best_score, best_p = a, gain, p
        if best is not None:
            self.why = (f"attack {w.place_name(w.pidx[best.target])} from {w.place_name(w.pidx[best.origin])}: "
                        f"odds {best_p:.2f}, worth {values[w.pidx[best.target]]:.1f}")
        return best

    def _defend(self, state, f, pers, values, power, threat, garrison):
        """What troops are worth at each place for holding it: its shortfall against
        twice the threat to it (or, in a town whose people chose the enemy, against its
        garrison), times its value and the side's caution, a third of that where it is
        cut off from supply; a capital at risk with no troops of its own needs them first."""
        own = power[f]
        stands = (own + state.local_defence) * state.ground
        shortfall = np.maximum(np.maximum(HOLD_MARGIN * threat - stands, garrison - own), 0.0)
        scale = np.where(supplied(state, f), 1.0, 0.3)
        defend = pers.caution * shortfall * values / 1000.0 * scale
        bare_capital = self._at_risk & (own <= 0)
        return np.where(bare_capital, np.maximum(defend, pers.caution * values), defend)

    def _move(self, state, f, options, pers, values, power, hostile, threat):
        """Send ready units where they are needed: threatened places worth holding,
        and staging places next to targets worth taking."""
        w = state.world
        sup = supplied(state, f)
        staging = np.zeros(w.P)
        for p in np.flatnonzero(state.owner == f):
            targets = [values[n] for n in w.neighbours[p] if hostile[n] or state.owner[n] < 0]
            if targets:
                staging[p] = max(targets)
        own = power[f]
        stands = (own + state.local_defence) * state.ground
        garrison = garrison_for(state, f)
        defend = self._defend(state, f, pers, values, power, threat, garrison)
        scale = np.where(sup, 1.0, 0.3)
        need = defend + self.boldness * self.aggression * staging / (1.0 + own / pers.massing) * scale
        # Every legal move is scored at once; the first best one wins, as in a loop.
        units, to = options.unit_place_pairs(Move)
        t = state.u_type[units]
        here = state.u_place[units]
        # Do not strip a place that is itself under threat, and never leave one that
        # faces the enemy with nobody at all to hold it, nor a capital with no troops.
        left = np.maximum(own[here] - state.u_str[units] * w.t_quality[t], 0.0)
        bared = ((threat[here] > 0) & (left + state.local_defence[here] <= 0)) | (self._at_risk[here] & (left <= 0))
        kept = np.isin(units, list(self._kept.values()))
        stays = (left + state.local_defence[here]) * state.ground[here]
        keep = pers.caution * values[here] / 1000.0 * np.maximum(
            np.maximum(HOLD_MARGIN * threat[here] - stays, garrison[here] - left), 0.0)
        # A militia's fighters weigh their own town's need (1 + home_ties) times: both
        # what they would leave undone there and what they would find there.
        militia = state.u_militia[units]
        home = np.where(militia >= 0, w.militia_home[state.u_owner[units], np.maximum(militia, 0)], -1)
        ties = np.where(here == home, 1.0 + pers.home_ties, 1.0)
        score = need[to] - np.maximum(need[here], keep) * ties - 0.05
        # A unit that could not bring a threatened place up to the enemy's strength
        # against it is worth less there: by the square root of the share it would make up.
        threatened = threat[to] > 0
        hope = np.minimum(1.0, (stands[to] + state.u_str[units] * w.t_quality[t] * state.ground[to])
                          / np.where(threatened, threat[to], 1.0))
        failing = np.where(threatened, defend[to] * (1.0 - np.sqrt(hope)), 0.0)
        score -= failing
        if pers.home_ties > 0:
            score += np.where(to == home, pers.home_ties * (need[to] - failing), 0.0)
        # No unit goes back into a place its side moved a unit out of this turn.
        went = np.isin(to, list(self._left))
        score[~w.t_ground[t] | bared | went | kept] = -np.inf
        best, best_score = None, 0.0
        if len(score):
            i = int(np.argmax(score))
            if score[i] > best_score:
                best, best_score = Move(int(units[i]), w.place_ids[int(to[i])]), float(score[i])
        if best is not None:
            self.why = f"move to {w.place_name(w.pidx[best.to])}: needed there ({best_score:.2f})"
        return best

    def _recruit(self, state, f, options, pers, values, power, hostile, threat):
        w = state.world
        reserve = 6.0 * max(upkeep(state, f), 1.0)
        if state.treasury[f] < reserve:
            return None
        best, best_score = None, 0.0
        # A bare capital at risk raises its own troops first, the best value for the money.
        for a in options.of_type(Recruit):
            p = w.pidx[a.place]
            mine_there = [u for u in range(state.n_units) if state.u_alive[u] and state.u_place[u] == p
                          and state.u_owner[u] == f and w.t_ground[state.u_type[u]]]
            if self._at_risk[p] and not mine_there:
                ut = w.types[w.tidx[a.unit_type]]
                worth = ut.strength * ut.quality / max(ut.cost, 0.5)
                if best is None or worth > best_score:
                    best, best_score = a, worth
        if best is not None:
            self.why = (f"raise {w.types[w.tidx[best.unit_type]].name} at {w.place_name(w.pidx[best.place])}: "
                        "the capital has no troops of its own")
            return best
        for a in options.of_type(Recruit):
            t = w.tidx[a.unit_type]
            ut = w.types[t]
            p = w.pidx[a.place]
            worth = ut.strength * ut.quality / max(ut.cost, 0.5)
            score = worth * (1.0 + threat[p] / 2000.0) / 100.0
            if score > best_score:
                best, best_score = a, score
        if best is not None:
            self.why = f"raise {w.types[w.tidx[best.unit_type]].name} at {w.place_name(w.pidx[best.place])}"
        return best

    def _request(self, state, f, options, pers, values, power, hostile, threat):
        w = state.world
        best, best_score = None, 0.0
        enemy_air = bool(np.any(state.u_alive[:state.n_units] & w.t_air[state.u_type[:state.n_units]]
                                & w.enemies[f, state.u_owner[:state.n_units]]))
        for a in options.of_type(RequestSupport):
            if (a.backer, a.package) in self._asked:
                continue
            pk = w.packages[w.kidx[(a.backer, a.package)]].spec
            if pk.client_cost > 0.5 * state.treasury[f]:
                continue
            score = pers.foreign_help * (1.0 + len(pk.units)) - pk.client_cost / 20.0
            if pk.kind.value == "air_defence" and enemy_air:
                score += 2.0
            if pk.kind.value in ("drones", "jets"):
                score += 1.5
            if score > best_score:
                best, best_score = a, score
        if best is not None:
            self._asked.add((best.backer, best.package))
            self.why = f"ask {w.backers[w.bidx[best.backer]].name} for {w.packages[w.kidx[(best.backer, best.package)]].spec.name}"
        return best

    def _politics(self, state, f, options, pers, values, power, hostile, threat):
        w = state.world
        for a in options.of_type((BuyAllegiance, SetBlockade)):
            if isinstance(a, BuyAllegiance):
                p = w.pidx[a.place]
                if values[p] * 3.0 > w.allegiance_cost[p] / max(state.treasury[f], 1.0) * 10.0:
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
