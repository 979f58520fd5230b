"""The mutable game state: numpy arrays indexed by place, unit, faction and backer.

Bulk numbers live in arrays so that `clone()` is a handful of array copies, cheap
enough for an AI search to call thousands of times a turn.
"""

from __future__ import annotations

import copy

import numpy as np

from .jit import kernel, np_sum
from .world import World, shortest_paths

UNIT_FIELDS = (
    "u_type", "u_owner", "u_place", "u_str", "u_ready", "u_sorties", "u_backer", "u_militia", "u_alive", "u_expires",
)


@kernel
def _add_place(d: np.ndarray, route_km: np.ndarray, mine: np.ndarray, p: int) -> np.ndarray:
    """Shortest paths after one more place joins the passable set (one Floyd step)."""
    P = d.shape[0]
    row = np.full(P, np.inf)  # p to everywhere, via a neighbour it now links up with
    for q in range(P):
        edge = 0.0 if q == p else (route_km[p, q] if mine[q] else np.inf)
        if edge == np.inf:
            continue
        for j in range(P):
            row[j] = min(row[j], edge + d[q, j])
    row[p] = 0.0
    new = d.copy()  # cached arrays may be shared with clones: never modify in place
    for i in range(P):
        for j in range(P):
            new[i, j] = min(row[j] if i == p else (row[i] if j == p else d[i, j]), row[i] + row[j])
    return new


@kernel
def _passes_through(d: np.ndarray, p: int) -> bool:
    P = d.shape[0]
    for i in range(P):
        if i == p:
            continue
        for j in range(P):
            if j != p and d[i, p] + d[p, j] <= d[i, j] + 1e-9:
                return True
    return False


def _drop_place(d: np.ndarray, p: int) -> np.ndarray | None:
    """Shortest paths after a place leaves the passable set, when no shortest path
    ran through it (usual for a place on the front line); None when one did and
    everything must be traced again."""
    if _passes_through(d, p):
        return None
    new = d.copy()
    new[p, :] = np.inf
    new[:, p] = np.inf
    return new


@kernel
def lose_share(units, frac, floor, u_alive, u_type, u_str, t_strength):
    """Each of `units` loses `frac` of its strength, and one worn below the `floor` share
    of its full strength is lost; returns the strength lost, the whole of a lost unit's
    included, added as numpy adds it."""
    k = units.shape[0]
    strength = np.empty(k)
    for j in range(k):
        strength[j] = u_str[units[j]]
    before = np_sum(strength, k)
    for j in range(k):
        u = units[j]
        u_str[u] *= 1.0 - frac
        if u_str[u] < floor * t_strength[u_type[u]]:
            u_alive[u] = False
            u_str[u] = 0.0
        strength[j] = u_str[u]
    return before - np_sum(strength, k)


class GameState:
    def __init__(self, world: World, seed: int | np.random.SeedSequence = 0):
        self.world = world
        w = world
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
        # Enough to rebuild the exact seed sequence, spawned children included (for replays).
        self.seed = {"entropy": int(ss.entropy), "spawn_key": [int(k) for k in ss.spawn_key]}
        self.rng = np.random.Generator(np.random.PCG64(ss))
        self.turn = 1
        self.active = 0  # index into world.faction_ids of the faction giving orders
        self.winner: int | None = None  # faction index, -1 for a draw, None while playing
        self.reason = ""

        spec = w.spec
        self.owner = np.array([w.fidx[p.owner] if p.owner else -1 for p in spec.map.places.values()], dtype=np.int64)
        self.local_defence = w.local_defence_start.copy()
        # The side each place's people stand with (−1: none): the one that held it at the
        # start, or the scenario's `sided_with`, until a militia of the town changes sides
        # and takes its people along.
        self.allegiance = w.first_owner.copy()
        self.oil = w.oil0.copy()
        self.harm = np.zeros(w.P)  # civilians harmed, per place
        self.harm_by = np.zeros(w.F)  # ... and by whom
        self.interdicted = np.zeros(w.P, dtype=bool)  # supply cut by strikes, until the holder's turn ends
        self.raised = np.zeros(w.P)  # recruits drawn at each place this round (`rules.economy.recruits_per_1000`)
        # Prepared defences (`fortifications`): each place's level, the turn a level under
        # way stands (0: none) and who is digging it; and the defence multiplier they and
        # the ground give, which the battle rules read (kept by `fortifications` alone).
        self.works = w.works0.copy()
        self.works_due = np.zeros(w.P, dtype=np.int64)
        self.works_by = np.full(w.P, -1, dtype=np.int64)
        self.ground = w.ground(self.works)

        self.treasury = np.array([f.treasury for f in w.factions], dtype=np.float64)
        self.manpower = np.array([f.manpower for f in w.factions], dtype=np.float64)
        self.legitimacy = np.array([f.legitimacy for f in w.factions], dtype=np.float64)
        self.cohesion = np.array([f.cohesion for f in w.factions], dtype=np.float64)
        # [turn, gauge, index, change, cause] for every move of a 0–100 gauge (`gauges`).
        self.ledger: list[list] = []
        self.quality_bonus = np.zeros(w.F)
        self.blockade = np.zeros(w.F, dtype=bool)
        self.hold = np.zeros((w.F, max(len(f.victory) for f in w.factions)), dtype=np.int64)
        self.places_lost = np.zeros(w.F, dtype=np.int64)  # this round, for backers' sense of danger
        # This round: enemy strikes that got through to each side, less its own that did.
        self.air_balance = np.zeros(w.F)

        self.commitment = np.array([b.commitment for b in w.backers], dtype=np.float64)
        self.budget = np.array([b.budget for b in w.backers], dtype=np.float64)
        self.sent = np.zeros(len(w.packages), dtype=np.int64)
        self.unlocked = np.array([not p.spec.locked for p in w.packages], dtype=bool)
        self.sent_this_round = np.zeros(w.B, dtype=np.int64)
        self.deliveries: list[list[int]] = []  # [arrival turn, package index]
        # Backers a seat commands (a player, or a lab agent) in place of the scenario's
        # built-in policy: each sends by order in a step of its own at the start of its
        # client's turn; `backer_step` is the backer giving orders now (−1: the faction).
        self.seated = np.zeros(w.B, dtype=bool)
        self.backer_step = -1
        self.asked: set[int] = set()  # packages clients asked their seated backers for, not yet answered
        self.spent = np.zeros(w.B)  # what each backer has sent, in money and in exposure, for its score
        self.exposed = np.zeros(w.B)
        self.redlines_fired: set[tuple[int, int]] = set()
        self.embargo = float(w.rules.embargo)
        self.truce = 0
        self.truce_broker = -1  # backer that brokered the truce that holds (−1: none)
        # Set when the war ends in a settlement (`peace`): no side won, and `terms` is what each got.
        self.settled = False
        self.terms = np.zeros(w.F)
        self.flags: set[str] = set()
        # The scenario's counters (`variables`), and the strikes that got through, by striking side and place.
        self.variables = np.array([v.start for v in spec.variables.values()], dtype=np.int64)
        self.struck = np.zeros((w.F, w.P), dtype=np.int64)
        # Fighters each side has lost in battle, to strikes and under siege (armed locals
        # with it), and each package's deliveries that arrived: what conditions count.
        self.losses = np.zeros(w.F)
        self.arrived = np.zeros(len(w.packages), dtype=np.int64)
        self.stocks = w.stocks0.copy()  # munitions each side holds (`munitions`)
        # Routes an event has closed (the base world's routes, in file order; `routes`).
        self.route_shut = np.zeros(len(w.base.spec.map.routes), dtype=bool)
        self.fired: set[int] = set()
        self.pending: list[tuple[int, int]] = []  # (faction, event) choices awaiting an answer
        self.requested: set[int] = set()  # packages asked for this turn
        self.action_count = 0

        self.u_names: list[str | None] = []
        n = sum(u.count for u in spec.units)
        for name in UNIT_FIELDS:
            dtype = np.float64 if name == "u_str" else (bool if name in ("u_ready", "u_alive") else np.int64)
            setattr(self, name, np.zeros(n, dtype=dtype))
        self.n_units = 0
        for u in spec.units:
            for _ in range(u.count):
                self.add_unit(
                    w.tidx[u.type], w.fidx[u.owner], w.pidx[u.place], u.strength,
                    backer=w.bidx[u.backer] if u.backer else -1,
                    militia=w.militia_ids[w.fidx[u.owner]].index(u.militia) if u.militia else -1,
                    name=u.name,
                )
        self.u_ready[:] = True
        self._paths: dict[int, np.ndarray] = {}
        self._march: dict[int, np.ndarray] = {}  # march_paths, kept while the faction's places stay the same
        self._supply: dict[int, np.ndarray] = {}

    # -- units ----------------------------------------------------------------------
    def add_unit(self, t: int, owner: int, place: int, strength: float | None = None, *,
                 backer: int = -1, militia: int = -1, name: str | None = None, expires: int = 0) -> int:
        if self.n_units == len(self.u_type):
            grow = max(8, len(self.u_type))
            for f in UNIT_FIELDS:
                arr = getattr(self, f)
                setattr(self, f, np.concatenate([arr, np.zeros(grow, dtype=arr.dtype)]))
        i = self.n_units
        self.n_units += 1
        w = self.world
        self.u_type[i] = t
        self.u_owner[i] = owner
        self.u_place[i] = place
        self.u_str[i] = float(strength if strength is not None else w.t_strength[t])
        self.u_ready[i] = False
        self.u_sorties[i] = w.t_sorties[t]
        self.u_backer[i] = backer
        self.u_militia[i] = militia
        self.u_alive[i] = True
        self.u_expires[i] = expires  # last turn it serves; 0 for good
        self.u_names.append(name)
        return i

    def units_at(self, place: int, faction: int | None = None) -> np.ndarray:
        n = self.n_units
        mask = self.u_alive[:n] & (self.u_place[:n] == place)
        if faction is not None:
            mask &= self.u_owner[:n] == faction
        return np.nonzero(mask)[0]

    def kill(self, i: int) -> None:
        self.u_alive[i] = False
        self.u_str[i] = 0.0

    def prune(self, units: np.ndarray) -> None:
        """Units worn below the scenario's floor share of full strength are lost."""
        t = self.u_type[units]
        floor = self.world.rules.supply.unit_floor
        for u in units[self.u_str[units] < floor * self.world.t_strength[t]].tolist():
            self.kill(u)

    # -- bookkeeping -------------------------------------------------------------------
    def count_loss(self, faction: int, fighters: float) -> None:
        """A side lost fighters in battle, to a strike or under siege (a neutral place's
        armed locals count for nobody)."""
        if faction >= 0:
            self.losses[faction] += fighters

    # -- derived, cached ----------------------------------------------------------------
    def invalidate(self) -> None:
        """Forget traced paths and supply (after loading, or any wholesale change)."""
        self._paths.clear()
        self._march.clear()
        self._supply.clear()

    def set_owner(self, place: int, faction: int) -> None:
        """Change who holds a place, keeping the traced paths cheap to maintain: the
        loser's are traced again when next needed, the winner's gain one place."""
        old = int(self.owner[place])
        if old == faction:
            return
        self.owner[place] = faction
        if (old < 0 or faction < 0) and self.world.rules.supply.through_neutral:
            # A neutral place carries everyone's supply, so everyone's may change.
            self._supply.clear()
        else:
            self._supply.pop(old, None)  # only the two sides' supply lines change
            self._supply.pop(faction, None)
        self._march.pop(old, None)
        self._march.pop(faction, None)
        lost = self._paths.pop(old, None)
        if lost is not None:
            kept = _drop_place(lost, place)
            if kept is not None:
                self._paths[old] = kept
        d = self._paths.get(faction)
        if d is not None:
            self._paths[faction] = _add_place(d, self.world.route_km, self.owner == faction, place)

    def paths(self, faction: int) -> np.ndarray:
        """Road km between places, travelling only through places the faction holds."""
        d = self._paths.get(faction)
        if d is None:
            w = self.world
            mine = self.owner == faction
            weights = np.where(mine[:, None] & mine[None, :], w.route_km, np.inf)
            d = shortest_paths(weights, mine)
            self._paths[faction] = d
        return d

    def march_paths(self, faction: int) -> np.ndarray:
        """`paths` as a march reads it: with `rules.movement.one_road_a_turn`, a place of
        the faction's at the end of one road is always within a turn's march."""
        w = self.world
        if not w.rules.movement.one_road_a_turn:
            return self.paths(faction)
        # Built once while the faction's places stay the same: the order lists ask for
        # it thousands of times a game.
        m = self._march.get(faction)
        if m is None:
            mine = self.owner == faction
            direct = np.isfinite(w.route_km) & mine[:, None] & mine[None, :]
            m = self._march[faction] = np.where(direct, 0.0, self.paths(faction))
        return m

    @property
    def date(self):
        return self.world.date_of(self.turn)

    @property
    def active_id(self) -> str:
        return self.world.faction_ids[self.active]

    @property
    def over(self) -> bool:
        return self.winner is not None

    def clone(self) -> "GameState":
        new = copy.copy(self)
        for name, value in self.__dict__.items():
            if isinstance(value, np.ndarray):
                setattr(new, name, value.copy())
        new.rng = np.random.Generator(np.random.PCG64())
        new.rng.bit_generator.state = self.rng.bit_generator.state
        new.u_names = list(self.u_names)
        new.deliveries = [list(d) for d in self.deliveries]
        new.redlines_fired = set(self.redlines_fired)
        new.flags = set(self.flags)
        new.fired = set(self.fired)
        new.pending = list(self.pending)
        new.requested = set(self.requested)
        new.asked = set(self.asked)
        new.ledger = list(self.ledger)  # entries are never changed once written
        # Caches hold arrays that are never modified in place, so they can be shared.
        new._paths = dict(self._paths)
        new._march = dict(self._march)
        new._supply = dict(self._supply)
        return new
