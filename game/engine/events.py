"""What the engine reports back: plain data for the client's pictures and log,
and for the lab's traces. The engine never draws or prints anything itself."""

from __future__ import annotations

from dataclasses import dataclass, field


# Not frozen: a game reports thousands of events, and a frozen dataclass takes four
# times as long to build. Treat them as read-only all the same.
@dataclass(slots=True)
class Event:
    kind: str  # e.g. "battle", "move", "strike", "delivery", "scripted", "victory"
    text: str  # one line a player can read
    turn: int
    faction: str | None = None
    data: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"kind": self.kind, "text": self.text, "turn": self.turn, "faction": self.faction, "data": self.data}
