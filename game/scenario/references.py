"""Id references checked on the raw document, so that they are reported together
with schema errors instead of only after every schema error is fixed."""

from __future__ import annotations

from typing import Any

from .errors import Problem, did_you_mean
from .locate import dotted, mark_for

# Key name -> the kind of id it refers to. Key names are used consistently across
# the format, so one table covers units, effects, conditions, packages and victory.
REF_KEYS = {
    "owner": "faction",
    "sided_with": "faction",
    "faction": "faction",
    "supports": "faction",
    "enemies": "faction",
    "to": "faction",
    "defects_to": "faction",
    "place": "place",
    "places": "place",
    "deliver_to": "place",
    "home": "place",
    "a": "place",
    "b": "place",
    "backer": "backer",
    "broker": "backer",
    "rivals": "backer",
    "type": "unit type",
    "recruits": "unit type",
    "home_regions": "region",
    "region": "region",
    "regions": "region",
    "by": "faction",
    "variable": "variable",
    "munition": "munition",
    "source": "source",
}


def _keys(data: Any, *path: str) -> set[str] | None:
    """Ids defined at `path`; None when something there is not a mapping, so ids are unknowable."""
    for p in path:
        if not isinstance(data, dict):
            return None
        data = data.get(p, {})
    return set(data) if isinstance(data, dict) else None


class _RefWalker:
    def __init__(self, data: dict, merged, file: str):
        self.data = data
        self.merged = merged
        self.file = file
        self.problems: list[Problem] = []
        places = data.get("map", {}).get("places") if isinstance(data.get("map"), dict) else {}
        regions = None
        if isinstance(places, dict):
            # Only string regions count: any other value is a type error, and may be unhashable.
            regions = {p["region"] for p in places.values() if isinstance(p, dict) and isinstance(p.get("region"), str)}
        self.ids = {
            "faction": _keys(data, "factions"),
            "place": _keys(data, "map", "places"),
            "backer": _keys(data, "backers"),
            "unit type": _keys(data, "unit_types"),
            "region": regions,
            "source": _keys(data, "meta", "sources"),
            "variable": _keys(data, "variables"),
            "munition": _keys(data, "munitions"),
        }
        self.flags_set: set[str] = set()
        self.flags_used: list[tuple[str, tuple]] = []

    def error(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(mark_for(path, self.merged, self.file), message))

    def walk(self, node: Any, path: tuple) -> None:
        if isinstance(node, dict):
            in_map_places = path == ("map",)  # `map.places` defines places, it does not cite them
            for key, value in node.items():
                if key in REF_KEYS and not (in_map_places and key == "places") and path != ("meta",):
                    self.check(key, value, path + (key,))
                self.walk(value, path + (key,))
            self.scoped(node, path)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self.walk(v, path + (i,))

    def check(self, key: str, value: Any, path: tuple) -> None:
        kind = REF_KEYS[key]
        known = self.ids[kind]
        if known is None:
            # The definitions themselves are malformed (the schema pass says so); checking
            # citations against them would report every use of every id as unknown.
            return
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, v in items:
            # Non-strings are type errors, reported by the schema pass.
            if isinstance(v, str) and v not in known:
                at = path + (i,) if i is not None else path
                self.error(at, f"unknown {kind} '{v}' in {dotted(path)}{did_you_mean(v, known)}")

    def scoped(self, node: dict, path: tuple) -> None:
        """Ids that only make sense within another: a faction's militia, a backer's package."""
        factions = self.data.get("factions") if isinstance(self.data.get("factions"), dict) else {}
        backers = self.data.get("backers") if isinstance(self.data.get("backers"), dict) else {}
        militia = node.get("militia")
        owner = node.get("owner", node.get("faction"))
        if isinstance(militia, str) and isinstance(owner, str) and isinstance(factions.get(owner), dict):
            known = factions[owner].get("militias") or {}
            if isinstance(known, dict) and militia not in known:
                self.error(path + ("militia",), f"faction '{owner}' has no militia '{militia}'{did_you_mean(militia, known)}")
        package, backer = node.get("package"), node.get("backer")
        if isinstance(package, str) and isinstance(backer, str) and isinstance(backers.get(backer), dict):
            known = backers[backer].get("packages") or {}
            if isinstance(known, dict) and package not in known:
                self.error(path + ("package",), f"backer '{backer}' has no package '{package}'{did_you_mean(package, known)}")
        if node.get("effect") == "set_flag" and isinstance(node.get("flag"), str):
            self.flags_set.add(node["flag"])
        if node.get("test") == "flag" and isinstance(node.get("flag"), str):
            self.flags_used.append((node["flag"], path + ("flag",)))

    def finish(self) -> list[Problem]:
        for flag, path in self.flags_used:
            if flag not in self.flags_set:
                self.error(path, f"flag '{flag}' is never set by any set_flag effect{did_you_mean(flag, self.flags_set)}")
        return self.problems


def check_references(data: dict, merged, file: str) -> list[Problem]:
    walker = _RefWalker(data, merged, file)
    walker.walk(data, ())
    return walker.finish()
