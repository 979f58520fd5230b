"""Mistakes in what the user asked the lab for, each told in one line."""

from __future__ import annotations


class LabError(Exception):
    """One or more problems with a lab request (a bad `--set`, an unknown backer or
    agent, results that belong to another run...). Each problem is one line."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))
