"""Checks of meaning that a schema cannot express: ids that must exist, a map that
must be connected, victories that must be reachable, backers that must have
something to send, events that must be able to fire.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import deque
from pathlib import Path

from .cache import file_digest
from .errors import Problem, did_you_mean
from .locate import mark_for
from .map_layers import LAYERS, feature_layer, layer_dates
from .model import Feature, RouteEffect, Scenario, SettleEffect, VictoryKind


class _Checker:
    def __init__(self, spec: Scenario, merged, file: str):
        self.spec = spec
        self.merged = merged
        self.file = file
        self.problems: list[Problem] = []

    def error(self, path: tuple, message: str, key: bool = False) -> None:
        self.problems.append(Problem(mark_for(path, self.merged, self.file, prefer_key=key), message))

    # -- specific checks ----------------------------------------------------------
    def check_map(self) -> None:
        places = self.spec.map.places
        b = self.spec.meta.bounds
        for pid, p in places.items():
            if not (b.lat_min <= p.lat <= b.lat_max and b.lon_min <= p.lon <= b.lon_max):
                self.error(("map", "places", pid, "lat"), f"place '{pid}' lies outside meta.bounds")
            most = self.spec.rules.fortification.max_level
            if p.fortification > most:
                self.error(("map", "places", pid, "fortification"),
                           f"place '{pid}' starts with {p.fortification:g} levels of works, but "
                           f"rules.fortification.max_level is {most}")
        seen: dict[frozenset, int] = {}
        adj: dict[str, set[str]] = {pid: set() for pid in places}
        for i, r in enumerate(self.spec.map.routes):
            pair = frozenset((r.a, r.b))
            if pair in seen:
                self.error(("map", "routes", i), f"route {r.a}-{r.b} is listed twice (also routes[{seen[pair]}])")
            seen.setdefault(pair, i)
            if r.a in adj and r.b in adj:
                adj[r.a].add(r.b)
                adj[r.b].add(r.a)
        start = next(iter(places))
        reached = {start}
        queue = deque([start])
        while queue:
            for n in adj[queue.popleft()]:
                if n not in reached:
                    reached.add(n)
                    queue.append(n)
        for pid in places:
            if pid not in reached:
                self.error(("map", "places", pid), f"place '{pid}' cannot be reached by any route from '{start}'", key=True)

    def check_factions(self) -> None:
        total_points = sum(p.victory_points for p in self.spec.map.places.values())
        for fid, f in self.spec.factions.items():
            if fid in f.enemies:
                self.error(("factions", fid, "enemies"), f"faction '{fid}' cannot be its own enemy")
            if f.playable and not f.enemies:
                self.error(("factions", fid), f"playable faction '{fid}' has no enemies: give it `enemies`, or make "
                           "it a third party with `playable: false`", key=True)
            if f.playable and not f.victory:
                self.error(("factions", fid), f"playable faction '{fid}' has no way to win: give it `victory`, or "
                           "make it a third party with `playable: false`", key=True)
            for i, v in enumerate(f.victory):
                at = ("factions", fid, "victory", i)
                if v.kind in (VictoryKind.capture, VictoryKind.survive) and not v.places:
                    self.error(at, f"{v.kind.value} victory for '{fid}' names no places, so it can never be met")
                if v.kind == VictoryKind.points and v.points > total_points:
                    self.error(at + ("points",), f"victory needs {v.points} points but the map only has {total_points}")
                if v.kind == VictoryKind.points and v.points == 0:
                    self.error(at, "points victory needs 'points' above 0")
            for mid, m in f.militias.items():
                if m.defects_to == fid:
                    self.error(("factions", fid, "militias", mid, "defects_to"), "a militia cannot defect to its own faction")
            has_units = any(u.owner == fid for u in self.spec.units)
            has_places = any(p.owner == fid for p in self.spec.map.places.values())
            if f.playable and not (has_units or has_places):
                self.error(("factions", fid), f"playable faction '{fid}' starts with no units and no places", key=True)

    def check_backers(self) -> None:
        for bid, bk in self.spec.backers.items():
            if not bk.packages:
                self.error(("backers", bid), f"backer '{bid}' has nothing to send: give it at least one package", key=True)
            if bid in bk.rivals:
                self.error(("backers", bid, "rivals"), f"backer '{bid}' cannot be its own rival")
            for pid, pk in bk.packages.items():
                if not (pk.units or pk.money or pk.legitimacy or pk.cohesion or pk.quality_bonus or pk.stocks):
                    self.error(("backers", bid, "packages", pid), f"package '{pid}' delivers nothing (no units, money or effect)", key=True)

    def check_events(self) -> None:
        meta = self.spec.meta
        try:
            end = meta.start_date + dt.timedelta(days=meta.days_per_turn * meta.last_turn)
        except OverflowError:
            # Every turn has a date; a game whose calendar runs out cannot be played.
            self.error(("meta", "start_date"), f"the last turn would fall after the year {dt.MAXYEAR}")
            end = dt.date.max
        for eid, ev in self.spec.events.items():
            at = ("events", eid)
            if ev.date_to and ev.date_to < meta.start_date:
                self.error(at + ("date_to",), f"event '{eid}' ends before the scenario starts ({meta.start_date}), so it can never fire")
            if ev.date_from and ev.date_from > end:
                self.error(at + ("date_from",), f"event '{eid}' starts after the last turn ({end}), so it can never fire")
            if ev.probability == 0:
                self.error(at + ("probability",), f"event '{eid}' has probability 0, so it can never fire")
            if ev.choice and ev.choice.default not in ev.choice.options:
                hint = did_you_mean(ev.choice.default, ev.choice.options)
                self.error(at + ("choice", "default"), f"default option '{ev.choice.default}' is not one of the options{hint}")
            if not ev.effects and not ev.choice:
                self.error(at, f"event '{eid}' has no effects and no choice", key=True)

    def check_munitions(self) -> None:
        known = set(self.spec.munitions)
        counts = [(("factions", fid, key), getattr(f, key)) for fid, f in self.spec.factions.items()
                  for key in ("stocks", "stocks_per_turn")]
        counts += [(("backers", bid, "packages", pid, "stocks"), pk.stocks) for bid, bk in self.spec.backers.items()
                   for pid, pk in bk.packages.items()]
        for at, stocks in counts:
            for mid in stocks:
                if mid not in known:
                    self.error(at + (mid,), f"unknown munition '{mid}'{did_you_mean(mid, known)}; the scenario's "
                               "`munitions` lists those it counts", key=True)

    def check_economies(self) -> None:
        factions = set(self.spec.factions)
        first: dict[str, str] = {}
        banks = {p.region for p in self.spec.map.places.values() if Feature.central_bank in p.features}
        for eid, eco in self.spec.economies.items():
            at = ("economies", eid)
            for i, region in enumerate(eco.regions):
                if region in first:
                    self.error(at + ("regions", i), f"region '{region}' is already in economy '{first[region]}': "
                               "a field feeds one economy")
                first.setdefault(region, eid)
            for fid in eco.shares:
                if fid not in factions:
                    self.error(at + ("shares", fid), f"unknown faction '{fid}' in the economy's shares"
                               f"{did_you_mean(fid, factions)}", key=True)
            if eco.paid_to == "holder" and eco.shares:
                self.error(at + ("shares",), "fixed shares only apply to an economy paid to the bank; here each "
                           "field pays whoever holds it")
            if eco.paid_to == "bank" and not eco.everywhere_else and not banks & set(eco.regions):
                self.error(at + ("paid_to",), f"economy '{eid}' is paid to the bank, but no place of its regions "
                           "has the central_bank feature, so it would pay only the fixed shares")
            if sum(eco.shares.values()) > 1.0 + 1e-9:
                self.error(at + ("shares",), "the fixed shares add up to more than the whole")
        rest = [eid for eid, eco in self.spec.economies.items() if eco.everywhere_else]
        for eid in rest[1:]:
            self.error(("economies", eid, "everywhere_else"), f"economy '{rest[0]}' already takes every place no "
                       "other economy lists; only one may")
        if rest:
            return
        for pid, place in self.spec.map.places.items():
            if place.oil_bpd and place.region not in first:
                where = f"its region '{place.region}' is" if place.region else "it has no region, so it is"
                self.error(("map", "places", pid, "oil_bpd"), f"'{pid}' produces oil but {where} in no economy: "
                           "list the region in one of `economies`, or give one `everywhere_else: true`")

    def check_route_effects(self) -> None:
        routes = {frozenset((r.a, r.b)) for r in self.spec.map.routes}
        for at, eff in self.spec.effects():
            if isinstance(eff, RouteEffect) and frozenset((eff.a, eff.b)) not in routes:
                self.error(at, f"there is no route between '{eff.a}' and '{eff.b}' in map.routes")

    def check_settlements(self) -> None:
        factions = set(self.spec.factions)
        for at, eff in self.spec.effects():
            if not isinstance(eff, SettleEffect) or eff.shares is None:
                continue
            for fid in eff.shares:
                if fid not in factions:
                    self.error(at + ("shares", fid), f"unknown faction '{fid}' in the settlement's shares"
                               f"{did_you_mean(fid, factions)}", key=True)
            missing = sorted(factions - set(eff.shares))
            if missing:
                self.error(at + ("shares",), "a settlement's shares name every faction; missing: " + ", ".join(missing))

    def check_geojson(self, scenario_path: Path) -> dict:
        at = ("map", "geojson")
        # A relative path reads from the folder of the file that wrote it, which for a
        # file that `extends` another elsewhere is the parent's folder, not the child's.
        mark = self.merged.value_marks.get(at)
        folder = Path(mark.file).parent if mark is not None else scenario_path.parent
        target = folder / self.spec.map.geojson
        # is_file() also turns away directories, devices that never end (/dev/zero) and
        # paths with a NUL byte, which open() would raise ValueError for.
        if not target.is_file():
            self.error(at, f"map file not found: {self.spec.map.geojson} (looked for {os.path.abspath(target)})")
            return {}
        self.merged.files.append((target.resolve(), file_digest(target)))
        try:
            with open(target, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError, RecursionError) as exc:  # ValueError covers bad UTF-8 and bad JSON
            self.error(at, f"map file {self.spec.map.geojson} is not readable GeoJSON: {exc}")
            return {}
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
            self.error(at, f"map file {self.spec.map.geojson} must be a GeoJSON FeatureCollection")
            return {}
        self._check_layers(data, at)
        return data

    def _check_layers(self, data: dict, at: tuple) -> None:
        """Each feature with a `layer` names a known kind, has that kind's geometry and
        dates that are dates."""
        for n, feat in enumerate(data["features"], 1):
            kind = feature_layer(feat)
            if kind is None:
                continue
            name = (feat.get("properties") or {}).get("name")
            where = f"map file {self.spec.map.geojson}, feature {n}" + (f" ('{name}')" if name else "")
            if kind not in LAYERS:
                self.error(at, f"{where}: unknown layer '{kind}'{did_you_mean(kind, LAYERS)} "
                               f"(layers: {', '.join(LAYERS)})")
                continue
            geom = (feat.get("geometry") or {}).get("type")
            if geom not in LAYERS[kind]:
                self.error(at, f"{where}: a '{kind}' layer is a {' or '.join(LAYERS[kind])}, not {geom}")
            try:
                start, until = layer_dates(feat)
            except ValueError as exc:
                self.error(at, f"{where}: {exc}")
                continue
            if start and until and until < start:
                self.error(at, f"{where}: 'until' ({until}) is before 'from' ({start})")


def check_semantics(spec: Scenario, scenario_path: Path, merged, file: str) -> tuple[list[Problem], dict]:
    """Checks that need a fully validated scenario (run after `check_references`)."""
    checker = _Checker(spec, merged, file)
    checker.check_map()
    checker.check_factions()
    checker.check_backers()
    checker.check_events()
    checker.check_settlements()
    checker.check_economies()
    checker.check_munitions()
    checker.check_route_effects()
    geojson = checker.check_geojson(scenario_path)
    return checker.problems, geojson
