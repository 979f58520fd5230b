"""Agents that play factions. They read the game only through the engine's public API."""
