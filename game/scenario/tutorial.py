"""A scenario's tutorial as data: `NAME.tutorial.yaml` beside `NAME.yaml`.

The steps name places and sides of one war, so they belong with that war's scenario,
not in the game's code; the client's coach (game/client/tutorial.py) only knows how to
watch for each *sign* and show a step. A scenario author can write a tutorial for any
scenario in the same way, and `sandtable validate` checks it against its scenario.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from .companion import companion_path, load_companion
from .errors import did_you_mean
from .model import Id, Scenario, Strict

# What a step can wait for; the coach gathers these from what the player really did.
SIGNS = {
    "unit": "the player has selected one of their units",
    "move": "the player has moved a unit",
    "split": "the player has split a unit",
    "undo": "the player has taken an order back",
    "strike": "the player has ordered an air or artillery strike",
    "attack": "the player has attacked",
    "request": "the player has asked a backer for a package",
    "choice": "the player has answered an event's question",
    "ended1": "the player's first turn is over (ended2, ended3 ... for later turns)",
}
ENDED = re.compile(r"^ended([1-9][0-9]?)$")
# A link in a step's text: `place:ID` selects a place, `air:ID` the player's air unit there.
LINK = re.compile(r"""href=['"](place|air):([^'"]*)['"]""")


def sign_known(sign: str) -> bool:
    return sign in SIGNS or ENDED.match(sign) is not None


class Meanwhile(Strict):
    """Other text for a step while one of the client's windows is open over the map."""

    window: Literal["AttackDialog", "StrikeDialog", "ReportDialog", "BackersWindow", "EventDialog",
                    "NewsDialog"] = Field(description="The window: the attack, strike, battle report, "
                                                      "backers, event question or news window.")
    text: str = Field(min_length=1, description="What the step says while that window is open (HTML, as `text`).")


class Step(Strict):
    """One step: text shown until the player has done what `sign` names."""

    sign: str | None = Field(
        None, description="What the step waits for: " + "; ".join(f"`{k}`: {v}" for k, v in SIGNS.items())
        + ". Leave it out on the last page, which the player closes with its button.")
    title: str = Field(min_length=1, max_length=60, description="The step's heading.")
    text: str = Field(min_length=1, description="What to do, in HTML as the client's text boxes show it "
                      "(<b>, <i>, <br>). A link `<a href='place:ID'>` selects that place and brings it into "
                      "view; `<a href='air:ID'>` also selects the player's air unit there.")
    meanwhile: list[Meanwhile] = Field(default_factory=list, description="Other text while a window is open.")


class Tutorial(Strict):
    """A tutorial: a seeded game of the scenario, played by a newcomer step by step."""

    format_version: Literal[1] = Field(description="Version of this file format. Currently 1.")
    scenario: Id = Field(description="The `meta.id` of the scenario this tutorial plays.")
    summary: str = Field(min_length=1, max_length=200, description="One line for the main menu: what the "
                         "tutorial plays.")
    side: Id = Field(description="The faction the player commands.")
    level: Literal["easy", "normal", "hard"] = Field(
        "easy", description="The opponents' AI level; a forgiving one lets a newcomer learn the controls.")
    seed: int = Field(1, ge=0, description="The game's seed: the same game every time, so the text's places "
                      "are where it says.")
    steps: list[Step] = Field(min_length=1, description="The steps, in order.")

    @model_validator(mode="after")
    def _last_page_closes(self) -> "Tutorial":
        *rest, last = self.steps
        if last.sign is not None:
            raise ValueError("the last step has no sign: it is the closing page, shut by its button")
        if any(st.sign is None for st in rest):
            raise ValueError("only the last step may leave out its sign")
        return self


@dataclass(frozen=True)
class LoadedTutorial:
    tutorial: Tutorial
    path: Path
    scenario_path: Path


def tutorial_path(scenario_path: str | Path) -> Path:
    """Where a scenario's tutorial lives: `NAME.tutorial.yaml` beside `NAME.yaml`."""
    return companion_path(scenario_path, "tutorial")


def load_tutorial(path: str | Path, spec: Scenario, scenario_path: str | Path) -> LoadedTutorial:
    """Read and check a tutorial against its scenario; ScenarioError with every problem located."""
    t = load_companion(path, Tutorial, spec, _check, "a tutorial file",
                       "format_version:, scenario:, summary:, side:, steps:")
    return LoadedTutorial(t, Path(path), Path(scenario_path))


def _check(t: Tutorial, spec: Scenario, at) -> None:
    """What needs the scenario: its id, the side, the places the links name."""
    if t.scenario != spec.meta.id:
        at(("scenario",), f"this tutorial is for scenario '{t.scenario}', but the scenario is '{spec.meta.id}'")
    factions, places = list(spec.factions), list(spec.map.places)
    if t.side not in factions:
        at(("side",), f"unknown faction '{t.side}'{did_you_mean(t.side, factions)}; "
                      f"expected one of: {', '.join(factions)}")
    for i, st in enumerate(t.steps):
        if st.sign is not None and not sign_known(st.sign):
            at(("steps", i, "sign"), f"unknown sign '{st.sign}'{did_you_mean(st.sign, list(SIGNS))}; "
                                     f"expected one of: {', '.join(SIGNS)} (or ended2, ended3 ...)")
        texts = [(("steps", i, "text"), st.text)]
        texts += [(("steps", i, "meanwhile", j, "text"), m.text) for j, m in enumerate(st.meanwhile)]
        for where, text in texts:
            for _, pid in LINK.findall(text):
                if pid not in places:
                    at(where, f"the link names an unknown place '{pid}'{did_you_mean(pid, places)}")
