"""The end of a game: who won, when and why, and charts of how it went — ground
held, fighters in the field, legitimacy — turn by turn. A player who sat in a
backer's seat gets its score, part by part, and its deliveries marked on the war's
course. Charts are drawn with matplotlib (Agg) into a pygame surface."""

from __future__ import annotations

import numpy as np
import pygame
from pygame_gui.elements import UIButton, UITextBox

from ..engine.backer_score import backer_score, total
from . import describe as D
from . import keys
from .gfx import figure, figure_surface, later


def seat_deliveries(session) -> list[tuple[int, str, str]]:
    """(turn, kind, package name) for each package the player's backer sent, delivered or
    lost to the embargo, in the order they happened."""
    if session.backer is None:
        return []
    w = session.world
    me = w.backer_ids[session.backer]
    names = {w.packages[k].id: w.packages[k].spec.name for k in w.packages_of_backer[session.backer]}
    return [(e["turn"], e["kind"], names.get(e["package"], e["package"])) for e in session.package_log
            if e["backer"] == me]


def render_charts(session, size: tuple[int, int]) -> pygame.Surface:
    import matplotlib

    w = session.world
    hist = session.history
    turns = [h["turn"] for h in hist]
    fig = figure(size)
    panels = [("places", "Places held"), ("strength", "Fighters in the field"), ("legitimacy", "Legitimacy")]
    for i, (key, title) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1)
        ax.set_facecolor("#1d252d")
        for f, fc in enumerate(w.factions):
            ys = [h[key][f] if key in h and f < len(h[key]) else np.nan for h in hist]
            ax.plot(turns, ys, color=fc.colour, lw=2.4, label=fc.short)
        ax.set_title(title, color="#e8e4da", fontsize=12)
        ax.tick_params(colors="#aab4be", labelsize=9)
        for spine in ax.spines.values():
            spine.set_color("#4a5560")
        ax.grid(color="#2f3a44", lw=0.6)
        ax.set_xlabel("turn", color="#aab4be", fontsize=9)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        if key == "strength":
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v / 1000:.0f}k"))
        if i == 0 and session.backer is not None:
            arrived = sorted({t for t, kind, _ in seat_deliveries(session) if kind == "delivery"})
            for j, t in enumerate(arrived):
                ax.axvline(t, color="#f0c75e", lw=1.0, ls=":", alpha=0.9,
                           label=f"{w.backers[session.backer].name}'s deliveries" if j == 0 else None)
        if i == 0:
            ax.legend(facecolor="#1d252d", edgecolor="#4a5560", labelcolor="#e8e4da", fontsize=10)
    fig.tight_layout(pad=1.2)
    return figure_surface(fig)


def _grouped(items: list[tuple[int, str]]) -> list[str]:
    """'TB2 squadron × 3 (turns 11–13)': each package once, with how often and when it came."""
    turns: dict[str, list[int]] = {}
    for t, name in items:
        turns.setdefault(name, []).append(t)
    out = []
    for name, ts in turns.items():
        when = f"turn {ts[0]}" if len(ts) == 1 else f"turns {ts[0]}–{ts[-1]}"
        out.append(f"{name}{f' × {len(ts)}' if len(ts) > 1 else ''} ({when})")
    return out


class EndScreen:
    name = "end"

    def __init__(self, app, session):
        self.app = app
        self.session = session
        W, H = app.size
        m = app.manager
        d = app.defer
        s, w = session.state, session.world
        self.chart_rect = pygame.Rect(40, 200, W - 80, max(220, int(H * 0.38)))
        try:
            self.charts = render_charts(session, self.chart_rect.size)
        except Exception as exc:  # charts are a luxury; the verdict must still show
            self.charts = None
            self.chart_error = str(exc)
        ty = self.chart_rect.bottom + 14
        sw = int((W - 80) * 0.62)
        self.stats = UITextBox(self._stats_html(), pygame.Rect(40, ty, sw, H - ty - 76), m, object_id="#end_stats")
        self.map_rect = pygame.Rect(40 + sw + 14, ty, W - 80 - sw - 14, H - ty - 76 - 18)
        self.buttons = []
        bx = 40
        for label, cb in (("Back to the map", self.back_to_map), ("Main menu", app.show_menu), ("Quit", app.quit)):
            self.buttons.append(UIButton(pygame.Rect(bx, H - 62, 200, 44), label, m, command=later(d, cb)))
            bx += 210
        winner = s.winner if s.winner is not None else -1
        if winner >= 0:
            self.headline = f"{w.factions[winner].name} wins"
            self.colour = D.lighten(w.factions[winner].colour, 0.35)
        elif s.settled:
            # What each side got is in the reason's line; the headline names the ending.
            self.headline = "A settlement"
            self.colour = "#e4d38a"
        else:
            self.headline = "A draw"
            self.colour = "#dddddd"
        you = session.human
        self.verdict = ""
        if you is not None:
            if s.settled:
                rivals = max((s.terms[e] for e in range(w.F) if e != you), default=0.0)
                self.verdict = "Settlement: " + ("the better terms" if s.terms[you] > rivals else
                                                 "the worse terms" if s.terms[you] < rivals else "even terms")
            else:
                self.verdict = "Victory" if winner == you else ("Defeat" if winner >= 0 else "Stalemate")
        elif session.backer is not None:
            self.score_parts = backer_score(s, session.backer)
            self.verdict = f"{w.backers[session.backer].name}: score {total(self.score_parts) + 0.0:+.1f}"
        self.reason = s.reason or ""
        if s.settled:
            self.reason += " · terms: " + ", ".join(f"{w.faction_short(f)} {s.terms[f]:.0%}" for f in range(w.F))
        # the final map, small, beside the verdict
        from .map_view import MapView

        try:
            self.final_map = MapView(w, session.loaded.geojson, self.map_rect, app.fonts)
            country = [pts for role, _, pts in self.final_map.rings if role == "country"]
            if country:
                import numpy as _np

                allpts = _np.vstack(country)
                self.final_map.camera.fit(*allpts.min(axis=0), *allpts.max(axis=0), pad=0.02)
        except Exception:
            self.final_map = None
        self.when = f"Turn {s.turn}, {D.long_date(s.date)}"

    def _stats_html(self) -> str:
        s, w = self.session.state, self.session.world
        rows = self._backer_rows() if self.session.backer is not None else []
        for f, fc in enumerate(w.factions):
            held = s.owner == f
            rows.append(f"{D.fac(w, f)} {D.esc(fc.name)}: {int(held.sum())} places, {int(w.vp[held].sum())} victory "
                        f"points, {D.people(D.ground_strength(s, f))} fighters, funds {D.money(s.treasury[f])}, "
                        f"legitimacy {s.legitimacy[f]:.0f}, cohesion {s.cohesion[f]:.0f}, civilian harm caused "
                        f"<font color='{D.BAD}'>{s.harm_by[f]:,.0f}</font>")
        sent = []
        for b, bk in enumerate(w.backers):
            n = int(sum(int(s.sent[k]) for k in w.packages_of_backer[b]))
            if n:
                sent.append(f"<font color='{D.lighten(bk.colour)}'>{D.esc(bk.name)}</font> {n}")
        rows.append("<br><b>Packages sent by backers:</b> " + (", ".join(sent) if sent else "none"))
        fired = sorted(s.fired)
        if fired:
            names = [w.events[i].name for i in fired]
            rows.append(f"<b>Events that happened ({len(names)}):</b> <font color='{D.MUTED}'>"
                        + D.esc("; ".join(names)) + "</font>")
        return "<br>".join(rows)

    def _backer_rows(self) -> list[str]:
        """The backer's score, each part with why it is what it is, and what it sent."""
        s, w = self.session.state, self.session.world
        b = self.session.backer
        parts = backer_score(s, b)
        rows = [f"<b>{D.esc(w.backers[b].name)}'s score: {total(parts) + 0.0:+.1f}</b>, the sum of its interests as "
                "the scenario weighs them:"]
        for p in parts:
            col = D.GOOD if p.points > 0 else (D.BAD if p.points < 0 else D.MUTED)
            rows.append(f"• {p.name}: <font color='{col}'><b>{p.points + 0.0:+.1f}</b></font> — {D.esc(p.why)}")
        sent = seat_deliveries(self.session)
        arrived, lost = (_grouped([(t, name) for t, k, name in sent if k == kind]) for kind in ("delivery", "interdicted"))
        rows.append("<b>What arrived:</b> " + (D.esc(", ".join(arrived)) if arrived else "nothing")
                    + (f" · <font color='{D.BAD}'>stopped: {D.esc(', '.join(lost))}</font>" if lost else "")
                    + f" <font color='{D.MUTED}'>(dotted lines on the first chart)</font>")
        return rows + [""]

    def back_to_map(self) -> None:
        self.app.start_game(self.session)

    def close(self) -> None:
        self.stats.kill()
        for b in self.buttons:
            b.kill()

    def rebuild(self):
        self.close()
        return EndScreen(self.app, self.session)

    def handle(self, event, consumed: bool) -> None:
        if event.type == pygame.KEYDOWN and (event.key in keys.ACCEPT or event.key in keys.CLOSE):
            self.app.defer(self.app.show_menu)

    def update(self, dt: float) -> None:
        pass

    def draw(self, surface: pygame.Surface) -> None:
        from .gfx import hex_rgb

        surface.fill((18, 24, 30))
        f = self.app.fonts
        y = 26
        if self.verdict:
            surface.blit(f.text(self.verdict.upper(), 22, (220, 220, 210), bold=True), (40, y))
            y += 34
        surface.blit(f.text(self.headline, 40, hex_rgb(self.colour), bold=True, halo=(0, 0, 0)), (40, y))
        y += 58
        surface.blit(f.text(self.reason, 18, (235, 232, 220)), (40, y))
        surface.blit(f.text(self.when, 16, (160, 170, 180)), (40, y + 28))
        if self.final_map is not None:
            clip = surface.get_clip()
            surface.set_clip(self.map_rect)
            self.final_map.draw_backdrop(surface, self.session.state.owner, labels=False)
            surface.set_clip(clip)
            pygame.draw.rect(surface, (70, 80, 90), self.map_rect, 1)
            surface.blit(f.text("Who holds what at the end", 13, (170, 178, 186)), (self.map_rect.x, self.map_rect.bottom + 3))
        if self.charts is not None:
            surface.blit(self.charts, self.chart_rect.topleft)
        else:
            surface.blit(f.text(f"(charts unavailable: {self.chart_error})", 14, (200, 120, 120)), self.chart_rect.topleft)
