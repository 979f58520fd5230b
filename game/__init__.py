"""Sandtable: a turn-based strategy simulation of proxy war."""

__version__ = "0.1.0"
