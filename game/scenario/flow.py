"""Reading YAML flow-style text by hand, one line at a time: where the brackets open and
close, with quoted text passed over. The format's rewriter (`rewrite`) measures a value
with it, and the lab (`lab.sweep`) splits a list of values given on the command line."""

from __future__ import annotations

from collections.abc import Iterator


def outside_quotes(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of `text` from `start` that is not quoted, as (index, character,
    depth), depth being how many brackets (`[` or `{`) are open once it is read. Quotes,
    and what they enclose, are passed over."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        yield i, ch, depth


def split_top_level(text: str) -> list[str]:
    """Split 'a,b,[c, d],{e: 1, f: 2}' at the commas outside brackets and quotes."""
    cuts = [i for i, ch, depth in outside_quotes(text) if ch == "," and depth == 0]
    bounds = [-1, *cuts, len(text)]
    return [text[a + 1:b].strip() for a, b in zip(bounds, bounds[1:])]


def bracketed_length(text: str, start: int) -> int | None:
    """Length of the bracketed value opening at `start`, with all it nests; None if it
    does not close on this line."""
    for i, ch, depth in outside_quotes(text, start):
        if ch in "]}" and depth == 0:
            return i + 1 - start
    return None
