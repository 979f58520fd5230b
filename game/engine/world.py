"""The scenario compiled for play: ids turned into indices, numbers into numpy arrays.

A World is built once per scenario and shared, never copied, by every game state
and every clone of it; everything that changes during a game lives in GameState.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..scenario.model import Feature, RouteEffect, Scenario, UnitCategory
from .jit import kernel
from .conditions import reads, swayed_by

GROUND = {UnitCategory.militia, UnitCategory.regular, UnitCategory.elite, UnitCategory.mercenary,
          UnitCategory.artillery, UnitCategory.armour}
AIR = {UnitCategory.drone, UnitCategory.aircraft}
INF = float("inf")


def _great_circle(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


@dataclass(frozen=True)
class PackageRef:
    backer: int
    id: str
    spec: object  # model.Package


class World:
    def __init__(self, spec: Scenario, scenario_hash: str = ""):
        self.spec = spec
        self.hash = scenario_hash
        # The scenario's rule constants: the one place the rules read them from while a
        # game is played (the rest of the scenario is compiled into the tables below).
        self.rules = rules = spec.rules
        meta = spec.meta
        self.start_date: dt.date = meta.start_date
        self.days_per_turn = meta.days_per_turn
        self.last_turn = meta.last_turn

        # Places
        self.place_ids = list(spec.map.places)
        self.pidx = {p: i for i, p in enumerate(self.place_ids)}
        places = list(spec.map.places.values())
        self.P = P = len(places)
        self.lat = np.array([p.lat for p in places])
        self.lon = np.array([p.lon for p in places])
        self.population = np.array([p.population for p in places], dtype=np.float64)
        self.oil0 = np.array([p.oil_bpd for p in places], dtype=np.float64)
        # The side each place's people chose at the start (−1: neutral): its holder's,
        # unless the scenario says otherwise (`sided_with`). They keep it unless their own
        # militia changes sides (`GameState.allegiance`).
        fids = list(spec.factions)
        people = [p.sided_with or p.owner for p in places]
        self.first_owner = np.array([fids.index(side) if side else -1 for side in people], dtype=np.int64)
        # A town's own armed men stand by the side its people chose: all of them are counted
        # here (an uprising calls a share back), but at the start they defend only a holder
        # the people chose.
        guard = rules.combat.home_guard / 1000.0
        most = float(rules.combat.home_guard_max) or np.inf
        self.local_defence0 = np.array([p.local_defence + (min(guard * p.population, most) if side else 0.0)
                                        for p, side in zip(places, people)], dtype=np.float64)
        self.local_defence_start = np.where([side != p.owner for p, side in zip(places, people)],
                                            [float(p.local_defence) for p in places], self.local_defence0)
        self.allegiance_cost = np.array([p.allegiance_cost for p in places], dtype=np.float64)
        self.vp = np.array([p.victory_points for p in places], dtype=np.int64)
        self.terrain_defence = np.array([rules.combat.terrain_defence.get(p.terrain, 1.0) for p in places])
        self.works0 = np.array([p.fortification for p in places], dtype=np.float64)
        per_1000 = rules.economy.recruits_per_1000
        self.recruit_cap = self.population * (per_1000 / 1000.0) if per_1000 > 0 else np.full(P, np.inf)
        # One table for the kernels, as with unit types below.
        self.place_figures = np.zeros((3, P), dtype=np.float64)
        self.place_figures[0], self.place_figures[1] = self.terrain_defence, self.population
        self.terrain_defence, self.population = self.place_figures[0], self.place_figures[1]
        c = rules.combat
        # The combat rules the power kernel reads, in the order it reads them (combat._power),
        # then whether attacks are held to a week's march (rules._attack_pairs, which the AI's
        # kernels call too); and the air rules the strike kernel reads (air._strike).
        # The march rule also as a plain float of its own, for calls from Python: numba
        # takes a numpy scalar argument several times more slowly.
        self.within_march = float(rules.movement.attack_within_march)
        self.combat_params = np.array([c.morale_floor, c.out_of_supply, c.artillery_support, c.artillery_full_share,
                                       c.air_support, self.within_march], dtype=np.float64)
        self.air_rules = np.array([rules.air.hunt_bonus, rules.air.max_strike_share, rules.air.drone_loss_on_intercept,
                                   rules.supply.unit_floor, rules.air.cover], dtype=np.float64)
        feats = [set(p.features) for p in places]
        self.is_airbase = np.array([Feature.airbase in f for f in feats])
        self.is_port = np.array([Feature.port in f for f in feats])
        self.is_bank = np.array([Feature.central_bank in f for f in feats])
        self.is_hub = np.array([Feature.supply_hub in f for f in feats])
        self.is_capital = np.array([Feature.capital in f for f in feats])
        self.place_figures[2] = self.is_capital  # the AI keeps a garrison in a threatened capital
        self.every_place = np.ones(P, dtype=bool)
        self.regions = sorted({p.region for p in places if p.region})
        self.region = np.array([self.regions.index(p.region) if p.region else -1 for p in places])

        # Routes that can close (`closed_months`, the `route` effect): the world a game
        # plays on while some are closed is this one without them (`variant`), so every
        # rule that reads the map reads the map as it is that week.
        self.base = self
        self._variants: dict[frozenset, World] = {}
        self.route_ids = {frozenset((r.a, r.b)): i for i, r in enumerate(spec.map.routes)}
        self.closed_in_month = np.zeros((len(spec.map.routes), 12), dtype=bool)
        for i, r in enumerate(spec.map.routes):
            for month in r.closed_months:
                self.closed_in_month[i, month - 1] = True
        self.routes_can_close = bool(self.closed_in_month.any()) or any(
            isinstance(eff, RouteEffect) for _, eff in spec.effects())
        # Routes: effective km (road class slows movement) and neighbour lists.
        self.route_km = np.full((P, P), INF)
        np.fill_diagonal(self.route_km, 0.0)
        factor = rules.movement.route_factor
        self.neighbours: list[list[int]] = [[] for _ in range(P)]
        for r in spec.map.routes:
            a, b = self.pidx[r.a], self.pidx[r.b]
            km = r.km * factor.get(r.kind, 1.0)
            if km < self.route_km[a, b]:
                self.route_km[a, b] = self.route_km[b, a] = km
            if b not in self.neighbours[a]:
                self.neighbours[a].append(b)
                self.neighbours[b].append(a)
        # The same roads as Python lists of (neighbour, effective km), for Dijkstra.
        self.adjacency = [[(n, float(self.route_km[p, n])) for n in self.neighbours[p]] for p in range(P)]
        # ... and as flat arrays for the compiled kernels: place p's neighbours are
        # nbr_idx[nbr_ptr[p]:nbr_ptr[p + 1]], in the order of `neighbours[p]`.
        self.nbr_ptr = np.zeros(P + 1, dtype=np.int64)
        self.nbr_ptr[1:] = np.cumsum([len(n) for n in self.neighbours])
        self.nbr_idx = np.array([n for ns in self.neighbours for n in ns], dtype=np.int64)
        self.nbr_km = np.array([km for row in self.adjacency for _, km in row], dtype=np.float64)
        self.adjacent = np.isfinite(self.route_km) & ~np.eye(P, dtype=bool)
        # Chokepoints: what an attack from one place on another meets on top of the
        # ground it attacks (`defence` of the route between them, towards its `height`).
        self.edge_defence = np.ones((P, P))
        for r in spec.map.routes:
            a, b = self.pidx[r.a], self.pidx[r.b]
            if r.height is None or r.height == r.b:
                self.edge_defence[a, b] = max(self.edge_defence[a, b], r.defence)
            if r.height is None or r.height == r.a:
                self.edge_defence[b, a] = max(self.edge_defence[b, a], r.defence)
        self.air_km = _great_circle(self.lat, self.lon)
        self.road_km = shortest_paths(self.route_km)  # ignoring who holds what

        # Factions
        self.faction_ids = list(spec.factions)
        self.fidx = {f: i for i, f in enumerate(self.faction_ids)}
        self.factions = list(spec.factions.values())
        self.F = F = len(self.factions)
        self.enemies = np.zeros((F, F), dtype=bool)
        for i, f in enumerate(self.factions):
            for e in f.enemies:
                self.enemies[i, self.fidx[e]] = self.enemies[self.fidx[e], i] = True
        self.militia_ids = [list(f.militias) for f in self.factions]
        # Each militia's home town (−1: none), by faction and the militia's index in it.
        self.militia_home = np.full((F, max([len(m) for m in self.militia_ids] + [1])), -1, dtype=np.int64)
        for i, f in enumerate(self.factions):
            for j, m in enumerate(f.militias.values()):
                if m.home is not None:
                    self.militia_home[i, j] = self.pidx[m.home]
        self.home_region_mask = np.zeros((F, P), dtype=bool)
        for i, f in enumerate(self.factions):
            for r in f.home_regions:
                if r in self.regions:
                    self.home_region_mask[i] = self.home_region_mask[i] | (self.region == self.regions.index(r))
        # Where each faction's supply starts: held ports, airbases and home-region places.
        self.source_mask = self.home_region_mask | self.is_port | self.is_airbase

        # Unit types
        self.type_ids = list(spec.unit_types)
        self.tidx = {t: i for i, t in enumerate(self.type_ids)}
        types = list(spec.unit_types.values())
        self.types = types
        self.type_names = [t.name for t in types]
        # The figures and kinds of unit type the kernels read come in two tables, one row
        # each, so that a kernel takes two arguments rather than eleven; the t_* names
        # are those rows.
        self.type_figures = np.array([[t.quality for t in types], [t.strength for t in types],
                                      [t.range_km for t in types], [t.intercept for t in types],
                                      [t.strike for t in types], [t.speed_km for t in types]], dtype=np.float64)
        self.t_quality, self.t_strength, self.t_range, self.t_intercept, self.t_strike, self.t_speed = self.type_figures
        self.type_kinds = np.array([[t.category in GROUND for t in types], [t.category in AIR for t in types],
                                    [t.category == UnitCategory.air_defence for t in types],
                                    [t.category == UnitCategory.artillery for t in types],
                                    [t.category == UnitCategory.drone for t in types]], dtype=bool)
        self.t_ground, self.t_air, self.t_ad, self.t_artillery, self.t_drone = self.type_kinds
        self.t_sorties = np.array([t.sorties for t in types], dtype=np.int64)
        self.t_cost = [t.cost for t in types]
        self.t_manpower = [t.manpower for t in types]
        self.t_upkeep = np.array([t.upkeep for t in types])
        self.recruits = [[self.tidx[t] for t in f.recruits] for f in self.factions]
        # Munitions that strikes use up: which each type fires (−1: none counted), and
        # each side's stock at the start and what it adds each turn.
        self.munition_ids = list(spec.munitions)
        self.midx = {m: i for i, m in enumerate(self.munition_ids)}
        self.M = len(self.munition_ids)
        self.t_munition = np.array([self.midx[t.munition] if t.munition else -1 for t in types], dtype=np.int64)
        self.stocks0 = np.array([[f.stocks.get(m, 0) for m in self.munition_ids] for f in self.factions],
                                dtype=np.int64).reshape(self.F, self.M)
        self.stocks_per_turn = np.array([[f.stocks_per_turn.get(m, 0) for m in self.munition_ids]
                                         for f in self.factions], dtype=np.int64).reshape(self.F, self.M)

        # Backers and their packages, flattened so a package is one index.
        self.backer_ids = list(spec.backers)
        self.bidx = {b: i for i, b in enumerate(self.backer_ids)}
        self.backers = list(spec.backers.values())
        self.B = len(self.backers)
        self.backer_client = np.array([self.fidx[b.supports] for b in self.backers], dtype=np.int64)
        self.packages: list[PackageRef] = []
        self.kidx: dict[tuple[str, str], int] = {}
        for bi, b in enumerate(self.backers):
            for pid, pk in b.packages.items():
                self.kidx[(self.backer_ids[bi], pid)] = len(self.packages)
                self.packages.append(PackageRef(bi, pid, pk))

        self.packages_of_backer = [np.array([k for k, p in enumerate(self.packages) if p.backer == b], dtype=np.int64)
                                   for b in range(self.B)]
        self.packages_of_client = [np.array([k for k, p in enumerate(self.packages) if self.backer_client[p.backer] == f],
                                            dtype=np.int64) for f in range(self.F)]
        pks = [p.spec for p in self.packages]
        self.client_of = self.backer_client.tolist()
        self.pk_kind = [pk.kind.value for pk in pks]
        # What the cheapest of a backer's packages costs and the least commitment any
        # needs: below either, it has nothing it could send.
        self.cheapest = [min((pks[k].cost for k in ks), default=0.0) for ks in self.packages_of_backer]
        self.least_commitment = [min((pks[k].min_commitment for k in ks), default=0.0)
                                 for ks in self.packages_of_backer]
        self.pk_backer = np.array([p.backer for p in self.packages], dtype=np.int64)
        self.pk_cap = np.array([pk.cap for pk in pks], dtype=np.int64)
        self.pk_min_commitment = np.array([pk.min_commitment for pk in pks], dtype=np.float64)
        self.pk_cost = np.array([pk.cost for pk in pks], dtype=np.float64)
        self.pk_client_cost = np.array([pk.client_cost for pk in pks], dtype=np.float64)

        # Scenario events, each with the turns its date window touches (see `turns_touching`).
        self.event_ids = list(spec.events)
        self.eidx = {e: i for i, e in enumerate(self.event_ids)}
        self.variable_ids = list(spec.variables)
        self.vidx = {v: i for i, v in enumerate(self.variable_ids)}
        self.events = list(spec.events.values())
        self.event_turns = [self.turns_touching(e.date_from, e.date_to) for e in self.events]
        self._events_in_turn: dict[int, list[int]] = {}
        self._dates: list[dt.date] = []
        self._dates = [self.date_of(t) for t in range(self.last_turn + 2)]
        self.pk_from_turn = np.array([self.first_turn_from(pk.available_from) for pk in pks], dtype=np.int64)

        # Looked up every round.
        self.place_names = [p.name for p in places]
        self.key_places = (self.vp > 0) & (self.vp >= np.max(self.vp) * rules.backers.danger_points_share)
        # Revenue streams (`economies`), in the file's order. A place of no stream's region
        # belongs to the one that takes `everywhere_else`, if any, else to none (-1).
        eco = rules.economy
        streams = list(spec.economies.values())
        region_of = {r: e for e, stream in enumerate(streams) for r in stream.regions}
        rest = next((e for e, stream in enumerate(streams) if stream.everywhere_else), -1)
        self.E = len(streams)
        self.economy_of = np.array([region_of.get(p.region, rest) for p in places], dtype=np.int64)
        self.economy_names = [s.name for s in streams]
        self.economy_to_bank = [s.paid_to == "bank" for s in streams]
        self.economy_price = [s.price_usd or eco.oil_price_usd for s in streams]
        self.economy_state_share = [eco.state_share if s.state_share is None else s.state_share for s in streams]
        self.economy_shares = [[s.shares.get(fid, 0.0) for fid in self.faction_ids] for s in streams]
        self.economy_banks = [np.flatnonzero(self.is_bank & (self.economy_of == e)) for e in range(self.E)]
        # The streams that have fields at the start or could have them: the rest pay nothing ever.
        self.economies_used = [e for e in range(self.E) if np.any(self.economy_of == e)]
        self.victory_places = [[[self.pidx[p] for p in v.places] for v in f.victory] for f in self.factions]
        # Each scenario condition as a function of the state, built when first tested
        # (`conditions.holds`), by the id of the condition.
        self.condition_tests: dict[int, tuple] = {}
        # What the backers' red lines read, so that whoever weighs them knows when to weigh
        # again, and the places whose taking could set each off.
        self.red_lines_read = frozenset().union(*(reads(line.when) for b in self.backers for line in b.red_lines))
        self.red_line_sway = [[swayed_by(self, line.when) for line in b.red_lines] for b in self.backers]

    # -- helpers shared by the rules --------------------------------------------
    def ground(self, works: np.ndarray) -> np.ndarray:
        """Each place's defence multiplier: its ground's, and that of its `works` levels of
        works (`fortifications`)."""
        return self.terrain_defence * (1.0 + self.rules.fortification.defence_per_level * works)

    def variant(self, closed: frozenset) -> "World":
        """This scenario's world with the routes `closed` (indices of the base world's
        routes) taken off the map; the base world when none is. Built once each."""
        base = self.base
        if not closed:
            return base
        w = base._variants.get(closed)
        if w is None:
            routes = [r for i, r in enumerate(base.spec.map.routes) if i not in closed]
            spec = base.spec.model_copy(update={"map": base.spec.map.model_copy(update={"routes": routes})})
            w = World(spec, base.hash)
            w.base = base
            base._variants[closed] = w
        return w

    def date_of(self, turn: int) -> dt.date:
        if 0 <= turn < len(self._dates):
            return self._dates[turn]
        return self.start_date + dt.timedelta(days=self.days_per_turn * (turn - 1))

    def turns_touching(self, first: dt.date | None, last: dt.date | None) -> tuple[float, float]:
        """The first and last turn whose days (a turn spans `days_per_turn` of them)
        touch the dates from `first` to `last`; either end may be open (None)."""
        lo = (first - self.start_date).days // self.days_per_turn + 1 if first is not None else -np.inf
        hi = (last - self.start_date).days // self.days_per_turn + 1 if last is not None else np.inf
        return lo, hi

    def events_in_turn(self, turn: int) -> list[int]:
        """The events (indices, in file order) whose window touches `turn`: asked every
        round, and a scenario has dozens of events of which a turn touches a few."""
        out = self._events_in_turn.get(turn)
        if out is None:
            out = self._events_in_turn[turn] = [i for i, (lo, hi) in enumerate(self.event_turns) if lo <= turn <= hi]
        return out

    def first_turn_from(self, day: dt.date | None) -> int:
        """The first turn whose first day is on or after `day` (0 for no date)."""
        if day is None:
            return 0
        return max(0, -(-(day - self.start_date).days // self.days_per_turn) + 1)

    def place_name(self, i: int) -> str:
        return self.place_names[i]

    def faction_short(self, i: int) -> str:
        return self.factions[i].short if i >= 0 else "neutral"


@kernel
def _floyd(d: np.ndarray, through: np.ndarray) -> None:
    P = d.shape[0]
    for k in range(P):
        if not through[k]:
            continue
        for i in range(P):
            via = d[i, k]
            if via == np.inf:
                continue
            for j in range(P):
                step = via + d[k, j]
                if step < d[i, j]:
                    d[i, j] = step


def shortest_paths(weights: np.ndarray, through: np.ndarray | None = None) -> np.ndarray:
    """All-pairs shortest path lengths (Floyd–Warshall).

    `through` limits which places a path may pass through; when the weights already
    forbid the others, skipping them gives the same answer for less work."""
    d = weights.copy()
    _floyd(d, np.ones(d.shape[0], dtype=bool) if through is None else through)
    return d
