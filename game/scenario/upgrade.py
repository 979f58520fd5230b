"""Format versions: each step that rewrites a scenario of one version into the next.

A step works on one file's own mapping, before `extends` is resolved, so the same code
serves the loader (which upgrades an older file in memory, and so still plays it) and
`sandtable upgrade` (which rewrites the file on disk, keeping its comments). A step only
uses plain mapping operations, which both a dict and ruamel's commented mapping have, and
returns the paths it moved a value from and to, so that errors about a moved value can
still point at the line it was written on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field

CURRENT = 2
# Oldest version a step can start from.
OLDEST = 1

Path_ = tuple


@dataclass
class Upgraded:
    """What upgrading one file did: the versions, the moves made, and a line per change."""

    source: int
    target: int = CURRENT
    moves: list[tuple[Path_, Path_]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


NATIONAL = "national"
NATIONAL_NAME = "National oil revenue"


def _explicit_national_pot(data: MutableMapping, inherited: Mapping | None, done: Upgraded) -> None:
    """Version 1 paid every oil field of a region no economy lists into one national pot,
    drawn by the central bank's holder after each faction's `income.oil_share`. Version 2
    has no pot the file does not declare: it becomes an economy named `national` that
    takes every such field (`everywhere_else`), and the factions' oil shares become its
    `shares`."""
    # `inherited`: what the file extends, already upgraded, so a child that adds to the
    # parent's pot does not declare it twice.
    shares: dict = {}
    factions = data.get("factions")
    if isinstance(factions, MutableMapping):
        for fid, faction in factions.items():
            income = faction.get("income") if isinstance(faction, MutableMapping) else None
            if isinstance(income, MutableMapping) and "oil_share" in income:
                shares[fid] = income.pop("oil_share")
                done.moves.append((("factions", fid, "income", "oil_share"), ("economies", NATIONAL, "shares", fid)))
                if not income:
                    del faction["income"]
        # A file that only set the shares (a variant giving one side more) is left with empty
        # mappings, which would read back as nothing rather than as empty.
        for fid in [fid for fid, faction in factions.items() if faction == {}]:
            del factions[fid]
        if not factions:
            del data["factions"]
    # A file that extends one with the pot adds to it; any other declares the pot when
    # it has anything to pay.
    declared = NATIONAL in ((inherited or {}).get("economies") or {})
    if not shares and (declared or not _may_pay(data)):
        return
    economies = data.get("economies")
    if economies is None:
        economies = data["economies"] = type(data)()
    if not isinstance(economies, MutableMapping) or NATIONAL in economies:
        raise UpgradeError(f"the file already has an economy named '{NATIONAL}'; rename it, then upgrade again")
    pot = economies[NATIONAL] = type(data)()
    if not declared:
        pot["name"] = NATIONAL_NAME
        pot["everywhere_else"] = True
    if shares:
        pot["shares"] = type(data)(shares)
    done.changes.append(
        f"the national oil pot is now the economy '{NATIONAL}'"
        + (f", with the oil shares of {', '.join(map(str, shares))}" if shares else "")
    )


def _may_pay(data: MutableMapping) -> bool:
    """Whether the implicit pot of version 1 could ever pay anything: some place has oil
    or a central bank."""
    places = data.get("map", {}).get("places") if isinstance(data.get("map"), MutableMapping) else None
    if not isinstance(places, MutableMapping):
        return False
    for place in places.values():
        if isinstance(place, MutableMapping) and (
            place.get("oil_bpd") or "central_bank" in (place.get("features") or [])
        ):
            return True
    return False


# The step that turns version v into v + 1, by v.
STEPS: dict[int, Callable[[MutableMapping, Mapping | None, Upgraded], None]] = {1: _explicit_national_pot}


class UpgradeError(ValueError):
    """A file that cannot be upgraded as it stands."""


def declared_version(data) -> object:
    """The `meta.format_version` a file writes, or None if it writes none."""
    meta = data.get("meta") if isinstance(data, MutableMapping) else None
    return meta.get("format_version") if isinstance(meta, MutableMapping) else None


def version_problem(version: object) -> str | None:
    """Why a declared version cannot be read, or None."""
    if version is None:
        return "meta.format_version is missing: a scenario says which version of the format it is written in"
    if type(version) is not int:
        return f"meta.format_version must be a whole number from {OLDEST} to {CURRENT}, not {version!r}"
    if version > CURRENT:
        return (f"this file is written in format version {version}, newer than this Sandtable reads "
                f"({OLDEST}–{CURRENT}); update Sandtable to load it")
    if version < OLDEST:
        return f"there is no format version {version}; the first is {OLDEST}"
    return None


def upgrade(data: MutableMapping, version: int, inherited: Mapping | None = None) -> Upgraded:
    """Rewrite one file's mapping, in place, from `version` to the current one; `inherited`
    is the current-version data of the file it extends, if it extends one."""
    done = Upgraded(source=version)
    for v in range(version, CURRENT):
        STEPS[v](data, inherited, done)
    meta = data.get("meta")
    if isinstance(meta, MutableMapping) and "format_version" in meta:
        meta["format_version"] = CURRENT
    return done
