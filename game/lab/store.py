"""The append-only record of a run's games: DIR/results.jsonl.

The first line says which run the file belongs to (scenario hash, seed, agents,
settings, version); every other line is one finished game. Each chunk of games is
appended with a single write and flushed to disk before the run moves on, so a run
killed at any moment keeps every chunk it finished; a half-written last line (the
machine died mid-write) is dropped when the file is read back and cut off before the
next append. Results are kept in the order games finished; reports sort them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import LabError

RESULTS = "results.jsonl"
FORMAT = "sandtable-lab-results"
PER_TURN = ("turn_rows", "held")  # a game's records kept on disk, not in memory


class ResultStore:
    def __init__(self, directory: Path, fingerprint: dict):
        self.dir = Path(directory)
        self.path = self.dir / RESULTS
        self.fingerprint = fingerprint
        self.results: dict[int, dict] = {}  # index -> the game's latest record, without its turn rows
        self.offsets: dict[int, int] = {}  # index -> where that record's line starts in the file

    # -- opening -------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def is_empty(self) -> bool:
        """True when the file holds no game (only its header, or nothing readable)."""
        try:
            with open(self.path, "rb") as fh:
                fh.readline()
                return not fh.readline().strip()
        except OSError:
            return False

    def create(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        header = json.dumps({"format": FORMAT, "run": self.fingerprint}, sort_keys=True)
        tmp = self.path.with_name(f".{RESULTS}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(header + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        self.results = {}
        self.offsets = {}

    def load(self) -> None:
        """Read back a run's results (for --resume); LabError if they belong to another run."""
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise LabError(f"{self.path}: cannot read results ({exc.strerror})") from None
        good_end = 0
        lines = raw.split(b"\n")
        records, offsets = [], []
        for i, line in enumerate(lines):
            if not line:
                if i < len(lines) - 1:
                    good_end += 1
                continue
            complete = i < len(lines) - 1  # followed by a newline
            try:
                rec = json.loads(line)
            except ValueError:
                if complete:
                    raise LabError(f"{self.path}:{i + 1}: results file is corrupt (line {i + 1} is not JSON)") from None
                break  # a torn last write: drop it
            if not complete:
                break
            records.append(rec)
            offsets.append(good_end)
            good_end += len(line) + 1
        if not records or not isinstance(records[0], dict) or records[0].get("format") != FORMAT:
            raise LabError(f"{self.path}: not a Sandtable lab results file")
        theirs = records[0].get("run", {})
        if theirs != self.fingerprint:
            diffs = sorted(k for k in set(theirs) | set(self.fingerprint) if theirs.get(k) != self.fingerprint.get(k))
            shown = "; ".join(f"{k}: {theirs.get(k)!r} there, {self.fingerprint.get(k)!r} now" for k in diffs[:4])
            raise LabError(f"{self.dir}: holds results of a different run ({shown}); "
                           "use the same command to resume it, or another --out")
        if good_end < len(raw):
            with open(self.path, "r+b") as fh:  # cut a torn tail before appending
                fh.truncate(good_end)
        self.results = {}
        self.offsets = {}
        for rec, offset in zip(records[1:], offsets[1:]):
            if isinstance(rec, dict) and isinstance(rec.get("index"), int):
                self._keep(rec, offset)

    # -- writing ---------------------------------------------------------------------------
    def append(self, results: list[dict]) -> None:
        if not results:
            return
        lines = [json.dumps(r, sort_keys=True, separators=(",", ":")).encode() + b"\n" for r in results]
        with open(self.path, "ab") as fh:
            offset = fh.seek(0, os.SEEK_END)
            fh.write(b"".join(lines))
            fh.flush()
            os.fsync(fh.fileno())
        for r, line in zip(results, lines):
            self._keep(r, offset)
            offset += len(line)

    def _keep(self, record: dict, offset: int) -> None:
        """Hold a game's row in memory; its per-turn rows and ownership record stay on
        disk until asked for (a run of thousands of games would otherwise hold millions
        of numbers)."""
        self.results[record["index"]] = {k: v for k, v in record.items() if k not in PER_TURN}
        self.offsets[record["index"]] = offset

    def per_turn(self, index: int, key: str) -> list[list]:
        """One of a game's per-turn records (see PER_TURN), read back from the file."""
        with open(self.path, "rb") as fh:
            fh.seek(self.offsets[index])
            return json.loads(fh.readline()).get(key, [])

    def turn_rows(self, index: int) -> list[list]:
        return self.per_turn(index, "turn_rows")

    def held(self, index: int) -> list[list]:
        """[turn, who holds each place] beside each turn row (see play.holders_code)."""
        return self.per_turn(index, "held")

    def done(self) -> set[int]:
        """Indices of games finished without error (failed ones are tried again on resume)."""
        return {i for i, r in self.results.items() if r.get("status") == "ok"}
