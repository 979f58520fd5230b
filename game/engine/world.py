"""The scenario compiled for play: ids turned into indices, numbers into numpy arrays.

A World is built once per scenario and shared, never copied, by every game state
and every clone of it; everything that changes during a game lives in GameState.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..scenario.model import Feature, Scenario, UnitCategory

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
        rules = spec.rules
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
        # A town's own armed men stand by the side it chose at the start.
        guard = rules.combat.home_guard / 1000.0
        self.local_defence0 = np.array([p.local_defence + (guard * p.population if p.owner else 0.0) for p in places],
                                       dtype=np.float64)
        self.allegiance_cost = np.array([p.allegiance_cost for p in places])
        self.vp = np.array([p.victory_points for p in places], dtype=np.int64)
        self.terrain_defence = np.array([rules.combat.terrain_defence.get(p.terrain, 1.0) for p in places])
        feats = [set(p.features) for p in places]
        self.is_airbase = np.array([Feature.airbase in f for f in feats])
        self.is_port = np.array([Feature.port in f for f in feats])
        self.is_bank = np.array([Feature.central_bank in f for f in feats])
        self.is_hub = np.array([Feature.supply_hub in f for f in feats])
        self.regions = sorted({p.region for p in places if p.region})
        self.region = np.array([self.regions.index(p.region) if p.region else -1 for p in places])

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
        self.adjacent = np.isfinite(self.route_km) & ~np.eye(P, dtype=bool)
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
        self.home_region_mask = np.zeros((F, P), dtype=bool)
        for i, f in enumerate(self.factions):
            for r in f.home_regions:
                if r in self.regions:
                    self.home_region_mask[i] = self.home_region_mask[i] | (self.region == self.regions.index(r))

        # Unit types
        self.type_ids = list(spec.unit_types)
        self.tidx = {t: i for i, t in enumerate(self.type_ids)}
        types = list(spec.unit_types.values())
        self.types = types
        self.t_strength = np.array([t.strength for t in types], dtype=np.float64)
        self.t_quality = np.array([t.quality for t in types])
        self.t_speed = np.array([t.speed_km for t in types])
        self.t_range = np.array([t.range_km for t in types])
        self.t_strike = np.array([t.strike for t in types])
        self.t_sorties = np.array([t.sorties for t in types], dtype=np.int64)
        self.t_intercept = np.array([t.intercept for t in types])
        self.t_upkeep = np.array([t.upkeep for t in types])
        self.t_ground = np.array([t.category in GROUND for t in types])
        self.t_air = np.array([t.category in AIR for t in types])
        self.t_drone = np.array([t.category == UnitCategory.drone for t in types])
        self.t_ad = np.array([t.category == UnitCategory.air_defence for t in types])
        self.t_artillery = np.array([t.category == UnitCategory.artillery for t in types])
        self.recruits = [[self.tidx[t] for t in f.recruits] for f in self.factions]

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

        self.packages_of_backer = [[k for k, p in enumerate(self.packages) if p.backer == b] for b in range(self.B)]
        self.packages_of_client = [[k for k, p in enumerate(self.packages) if self.backer_client[p.backer] == f]
                                   for f in range(self.F)]

        # Scenario events
        self.event_ids = list(spec.events)
        self.eidx = {e: i for i, e in enumerate(self.event_ids)}
        self.events = list(spec.events.values())

    # -- helpers shared by the rules --------------------------------------------
    def date_of(self, turn: int) -> dt.date:
        return self.start_date + dt.timedelta(days=self.days_per_turn * (turn - 1))

    def place_name(self, i: int) -> str:
        return self.spec.map.places[self.place_ids[i]].name

    def faction_short(self, i: int) -> str:
        return self.factions[i].short if i >= 0 else "neutral"


def shortest_paths(weights: np.ndarray, through: np.ndarray | None = None) -> np.ndarray:
    """All-pairs shortest path lengths (Floyd–Warshall, vectorised over rows).

    `through` limits which places a path may pass through; when the weights already
    forbid the others, skipping them gives the same answer for less work."""
    d = weights.copy()
    ks = range(d.shape[0]) if through is None else np.flatnonzero(through).tolist()
    for k in ks:
        np.minimum(d, d[:, k, None] + d[None, k, :], out=d)
    return d

