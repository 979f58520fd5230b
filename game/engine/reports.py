"""What the engine reports back after each order and round: one `Report` per thing
that happened (a battle, a delivery, an event of the scenario firing), plain data for
the client's pictures and log and for the lab's traces. The engine never draws or
prints anything itself.

Named `Report` and not `Event` because the scenario's own events (`scenario.model.Event`,
carried out by `scenario_events`) are a different thing: one is the rules' account of
what happened, the other a line of the YAML that may make something happen."""

from __future__ import annotations

from dataclasses import dataclass, field


# Not frozen: a game makes thousands of reports, and a frozen dataclass takes four
# times as long to build. Treat them as read-only all the same.
@dataclass(slots=True)
class Report:
    kind: str  # e.g. "battle", "move", "strike", "delivery", "scripted", "victory"
    text: str  # one line a player can read
    turn: int
    faction: str | None = None
    data: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"kind": self.kind, "text": self.text, "turn": self.turn, "faction": self.faction, "data": self.data}
