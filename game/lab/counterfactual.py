"""Counterfactuals on scenario data: "what if this backer had stayed out?".

`without_backers(data, ["patron"])` takes raw scenario data (plain YAML values, as
`game.scenario.variants.read_scenario_data` gives them) and returns a copy with the
backer removed together with everything that refers to it. The result is validated
like any scenario file afterwards; this module only rewrites data.

What goes, and why:

- the backer itself, with its packages and red lines;
- its name in other backers' `rivals`;
- starting units it commands (`units[*].backer`): its own men leave with it;
- effects that name it (`commitment`, `unlock_package`, `spawn_units` and `disband`
  with `backer:`) wherever they are: in events, in event choices' options, in other
  backers' red lines. A spawn of its troops does not happen; a disband of its units
  has nothing to act on (and without its `backer:` filter it would wrongly disband the
  client's whole army, so it is dropped, not loosened);
- conditions on its commitment (`commitment_at_least`) are false: a backer who is
  not there is not committed. Falsehood then propagates: `all` with a false part is
  false, a false part of `any` drops out, `not` inverts. An event whose `when:` is
  false can never fire and is dropped; one whose `when:` becomes always true loses
  it. A red line of another backer whose condition is false is dropped;
- an event left with no effect other than messages (and no choice), because its
  other effects named the backer, is dropped: its text would describe something
  that no longer happens. Event choices stay, even if an option loses its effects;
- flags that only dropped events set can never be set, so conditions on them are
  false too; this is repeated until nothing more changes.

Starting units that were historically supplied by the backer but fight under the
client's command (no `backer:` key) stay: the data cannot tell them apart. Every
change is listed in the returned notes, for the run's summary and report.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..scenario.errors import did_you_mean
from .errors import LabError

TRUE = {"test": "turn_at_least", "turn": 1}  # holds on every turn: how a red line says "always"
_MSG = "message"


@dataclass
class Counterfactual:
    data: dict
    removed: list[str]
    notes: list[str] = field(default_factory=list)


def check_backer_ids(data: dict, ids: Iterable[str]) -> list[str]:
    """The ids, in order and without repeats; LabError naming any the scenario lacks."""
    backers = data.get("backers") if isinstance(data.get("backers"), dict) else {}
    out, problems = [], []
    for b in ids:
        if b not in backers:
            listed = f" (backers: {', '.join(backers)})" if backers else " (the scenario has no backers)"
            problems.append(f"--without {b}: no backer '{b}' in this scenario{did_you_mean(b, backers) or listed}")
        elif b not in out:
            out.append(b)
    if problems:
        raise LabError(problems)
    return out


class _Rewriter:
    def __init__(self, data: dict, removed: list[str]):
        self.data = data
        self.removed = set(removed)
        self.notes: list[str] = []
        self.dead_flags: set[str] = set()

    def note(self, text: str) -> None:
        self.notes.append(text)

    # -- conditions --------------------------------------------------------------------
    def cond(self, c: Any) -> Any:
        """The condition simplified: True, False, or a (new) condition mapping."""
        if not isinstance(c, dict):
            return c
        test = c.get("test")
        if test == "commitment_at_least" and c.get("backer") in self.removed:
            return False
        if test == "flag" and c.get("flag") in self.dead_flags:
            return False
        if test in ("all", "any") and isinstance(c.get("of"), list):
            parts = [self.cond(p) for p in c["of"]]
            if test == "all":
                if any(p is False for p in parts):
                    return False
                parts = [p for p in parts if p is not True]
                if not parts:
                    return True
            else:
                if any(p is True for p in parts):
                    return True
                parts = [p for p in parts if p is not False]
                if not parts:
                    return False
            return parts[0] if len(parts) == 1 else {**c, "of": parts}
        if test == "not" and "of" in c:
            inner = self.cond(c["of"])
            if isinstance(inner, bool):
                return not inner
            return {**c, "of": inner}
        return c

    # -- effects -----------------------------------------------------------------------
    def effects(self, effects: Any, where: str) -> tuple[Any, int]:
        """Effects without those naming a removed backer, and how many went."""
        if not isinstance(effects, list):
            return effects, 0

        # A truce that a removed backer brokered is not made without it.
        def naming(e) -> bool:
            return isinstance(e, dict) and (e.get("backer") in self.removed or e.get("broker") in self.removed)

        kept = [e for e in effects if not naming(e)]
        gone = len(effects) - len(kept)
        if gone:
            names = sorted({str(e.get("effect")) for e in effects if naming(e)})
            self.note(f"{where}: dropped {gone} effect{'s' if gone > 1 else ''} naming the removed backer ({', '.join(names)})")
        return kept, gone

    # -- the passes --------------------------------------------------------------------
    def remove_backers(self) -> None:
        backers = self.data.get("backers")
        for b in list(backers):
            if b in self.removed:
                packages = backers[b].get("packages") or {} if isinstance(backers[b], dict) else {}
                lines = backers[b].get("red_lines") or [] if isinstance(backers[b], dict) else []
                self.note(f"backers.{b}: removed, with its {len(packages)} package(s) and {len(lines)} red line(s)")
                del backers[b]
        for bid, bk in backers.items():
            if isinstance(bk, dict) and isinstance(bk.get("rivals"), list):
                kept = [r for r in bk["rivals"] if r not in self.removed]
                if len(kept) != len(bk["rivals"]):
                    gone = ", ".join(r for r in bk["rivals"] if r in self.removed)
                    bk["rivals"] = kept
                    self.note(f"backers.{bid}.rivals: {gone} taken off the list")

    def remove_units(self) -> None:
        units = self.data.get("units")
        if not isinstance(units, list):
            return
        kept = []
        for i, u in enumerate(units):
            if isinstance(u, dict) and u.get("backer") in self.removed:
                label = u.get("name") or u.get("type")
                self.note(f"units[{i}] ({label}): removed, commanded by {u['backer']}")
            else:
                kept.append(u)
        self.data["units"] = kept

    def rewrite_red_lines(self) -> None:
        for bid, bk in (self.data.get("backers") or {}).items():
            if not isinstance(bk, dict) or not isinstance(bk.get("red_lines"), list):
                continue
            kept = []
            for i, line in enumerate(bk["red_lines"]):
                where = f"backers.{bid}.red_lines[{i}]"
                if not isinstance(line, dict):
                    kept.append(line)
                    continue
                when = self.cond(line.get("when"))
                if when is False:
                    self.note(f"{where}: its condition can no longer hold; dropped")
                    continue
                line = dict(line)
                if when is True:
                    line["when"] = dict(TRUE)
                    self.note(f"{where}: its condition now always holds")
                elif when != line.get("when"):
                    line["when"] = when
                    self.note(f"{where}: parts of its condition that named the removed backer dropped")
                line["effects"], _ = self.effects(line.get("effects"), where + ".effects")
                kept.append(line)
            bk["red_lines"] = kept

    def rewrite_events(self) -> None:
        events = self.data.get("events")
        if not isinstance(events, dict):
            return
        for eid in list(events):
            ev = events[eid]
            if not isinstance(ev, dict):
                continue
            where = f"events.{eid}"
            if "when" in ev and ev["when"] is not None:
                when = self.cond(ev["when"])
                if when is False:
                    self.note(f"{where}: its condition can no longer hold; dropped")
                    del events[eid]
                    continue
                if when is True:
                    del ev["when"]
                    self.note(f"{where}: its condition now always holds; removed it")
                else:
                    if when != ev["when"]:
                        self.note(f"{where}: parts of its condition that named the removed backer dropped")
                    ev["when"] = when
            ev["effects"], gone = self.effects(ev.get("effects", []), where + ".effects")
            choice = ev.get("choice")
            if isinstance(choice, dict) and isinstance(choice.get("options"), dict):
                for oid, opt in choice["options"].items():
                    if isinstance(opt, dict) and "effects" in opt:
                        opt["effects"], _ = self.effects(opt["effects"], f"{where}.choice.options.{oid}.effects")
            substantive = [e for e in ev["effects"] if not (isinstance(e, dict) and e.get("effect") == _MSG)]
            if gone and not substantive and not choice:
                self.note(f"{where}: nothing left but its message; dropped")
                del events[eid]

    def flags_set(self) -> set[str]:
        return self._flags("effect", "set_flag")

    def flags_used(self) -> set[str]:
        return self._flags("test", "flag")

    def _flags(self, key: str, kind: str) -> set[str]:
        """Flags named by every effect (or condition) of one kind, in events and backers."""
        found: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get(key) == kind and isinstance(node.get("flag"), str):
                    found.add(node["flag"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(self.data.get("events"))
        walk(self.data.get("backers"))
        return found


def without_backers(data: dict, backers: Iterable[str]) -> Counterfactual:
    """A copy of the scenario data with the backers and everything naming them removed."""
    data = copy.deepcopy(data)
    removed = check_backer_ids(data, backers)
    rw = _Rewriter(data, removed)
    if not removed:
        return Counterfactual(data, [], [])
    set_before = rw.flags_set()
    rw.remove_backers()
    rw.remove_units()
    # Dropping events can leave flags that nothing sets; conditions on them are then
    # false, which can drop more events: repeat until nothing changes.
    while True:
        rw.rewrite_red_lines()
        rw.rewrite_events()
        dead = (rw.flags_used() & set_before) - rw.flags_set()
        if dead <= rw.dead_flags:
            break
        for f in sorted(dead - rw.dead_flags):
            rw.note(f"flag '{f}': nothing left can set it; conditions on it are false")
        rw.dead_flags |= dead
    return Counterfactual(data, removed, rw.notes)
