"""A cache in front of pygame_gui's theme lookup, which is most of what creating a
widget costs.

Each new element asks the theme for its "combined ids" (`build_all_combined_ids`).
pygame_gui 0.6.14 keeps the answers, but keys them by a string it builds by nesting
`str.join` calls over the printed id lists: for a button three containers deep that
string runs to millions of characters, built again on every call. Rebuilding the side
panel's unit list made hundreds of them, a visible hitch each time. The answer depends
on the four id lists alone, so here it is kept under a key made of them, and the
library's own method runs once for each.
"""

from __future__ import annotations

from pygame_gui.core.ui_appearance_theme import UIAppearanceTheme

_library_method = UIAppearanceTheme.build_all_combined_ids


def _key(ids):
    return None if ids is None else tuple(ids)


def _cached_combined_ids(self, *id_lists):
    cache = self.__dict__.setdefault("_sandtable_combined_ids", {})
    key = tuple(_key(ids) for ids in id_lists)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _library_method(self, *id_lists)
    return found


def install() -> None:
    """Put the cache in place (once; later calls change nothing)."""
    if UIAppearanceTheme.build_all_combined_ids is _library_method:
        UIAppearanceTheme.build_all_combined_ids = _cached_combined_ids
