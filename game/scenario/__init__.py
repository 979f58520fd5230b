"""Scenario files: the schema, safe loading with located errors, and checks of meaning."""

from .errors import Mark, Problem, ScenarioError
from .loader import LoadedScenario, load_scenario, scenario_hash
from .model import FORMAT_VERSION, Scenario

__all__ = [
    "FORMAT_VERSION",
    "LoadedScenario",
    "Mark",
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_hash",
]
