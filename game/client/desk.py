"""The backer's desk: the window where a person playing a foreign backer decides, once
in each of its client's turns, what to send. Its orders are the engine's own:
SendPackage for each package, and EndTurn (Done) to end the step. The words are in
`desk_text.py`.
"""

from __future__ import annotations

import pygame
from pygame_gui.elements import UIButton, UIScrollingContainer, UITextBox

from ..engine import actions as A
from ..engine.backers import why_closed
from . import describe as D
from . import keys
from .desk_text import (ask_reason, next_opening, on_the_way_html, package_risks, package_terms, rival_moves_html,
                        summary_html, waits_for)
from .dialogs import TITLE_H, Dialog
from .gfx import later


class BackerDesk(Dialog):
    """The backer's step, as a window: every package with its terms, risks and a Send
    button (or why it cannot go), the client's asks first, and Done to end the step."""

    def __init__(self, screen, on_send, on_done):
        session = screen.session
        s, w = session.state, session.world
        b = session.backer
        self.backer = b
        size = screen.app.size
        width = min(900, size[0] - 60)
        bk = w.backers[b]
        step = session.is_human_turn()
        title = f"{bk.name} — your desk, turn {s.turn}" + ("" if step else " (read only: not your step)")
        super().__init__(screen, title, width, size[1] - 80, blocking=True, object_id="#dialog")
        inner_h = size[1] - 80 - TITLE_H - 96
        self.scroll = UIScrollingContainer(pygame.Rect(0, 0, width - 32, inner_h), self.ui_manager, container=self,
                                           allow_scroll_x=False)
        c = self.scroll
        cw = width - 60
        y = 6

        def add_text(html, x=6, wdt=None):
            nonlocal y
            tb = UITextBox(html, pygame.Rect(x, y, wdt or cw, -1), self.ui_manager, container=c)
            y += tb.rect.height + 4
            return tb

        self.summary = add_text(summary_html(s, b))
        asked = [k for k in w.packages_of_backer[b] if int(k) in s.asked]
        others = [k for k in w.packages_of_backer[b] if int(k) not in s.asked]
        client = w.faction_short(w.client_of[b])
        self.send_buttons: dict[str, UIButton] = {}
        if asked:
            add_text(f"<font color='{D.GOLD}'><b>The {D.esc(client)} ask you for {len(asked)} package"
                     f"{'s' if len(asked) > 1 else ''}</b></font>: what you leave unanswered when you end the step "
                     "is declined (each refusal still raises your commitment a little).")
        else:
            add_text(f"<font color='{D.MUTED}'>The {D.esc(client)} ask you for nothing this turn.</font>")
        if step and not any(why_closed(s, int(k)) is None for k in w.packages_of_backer[b]):
            add_text(f"<font color='{D.MUTED}'>Nothing of yours can go this turn (each package says why): "
                     f"press Done.{next_opening(s, b)}</font>")
        for k in asked + [None] + others:
            if k is None:
                add_text("<b>What you can send of your own accord</b>" if others else "")
                continue
            k = int(k)
            ref = w.packages[k]
            pk = ref.spec
            reason = why_closed(s, k) if step else "only in your step"
            wait = waits_for(s, k) if reason is not None else None
            status = (f"<font color='{D.GOOD}'>can be sent now</font>" if reason is None
                      else f"<font color='{D.MUTED}'>{D.esc(reason)}{': ' + D.esc(wait) if wait else ''}</font>")
            body = (f"<b>{D.esc(pk.name)}</b> — sent {int(s.sent[k])}/{pk.cap}<br>"
                    f"<font color='#c8d0d8'>{D.esc(package_terms(s, b, k))}</font>")
            if k in s.asked:
                why = session.ask_why.get(ref.id) or f"as it stands: {ask_reason(s, k)}"
                body += f"<br><font color='{D.GOLD}'>Why they ask, {D.esc(why)}</font>"
            risks = package_risks(s, b, k)
            if risks:
                body += f"<br><font color='#ffb347'>Risks: {D.esc('; '.join(risks))}</font>"
            top = y
            add_text(body + f"<br>{status}" + D.sources_line(w.spec, pk.source), x=24, wdt=cw - 150)
            action = A.SendPackage(w.backer_ids[b], ref.id)
            btn = UIButton(pygame.Rect(cw - 118, top + 6, 120, 32), "Grant" if k in s.asked else "Send",
                           self.ui_manager, container=c,
                           tool_tip_text=f"Cannot: {reason}" if reason else f"Send {pk.name} now",
                           command=later(self.defer, on_send, action))
            if reason is not None:
                btn.disable()
            self.send_buttons[ref.id] = btn
        y += 6
        add_text(on_the_way_html(s, b))
        add_text(rival_moves_html(s, b, session.package_log))
        c.set_scrollable_area_dimensions((cw + 10, y + 10))
        shown = min(y + 10, inner_h)
        c.set_dimensions((width - 32, shown))
        self.y = shown + 6
        self.done_button = self.button(keys.labelled("Done for this turn ", "confirm"), on_done,
                                       object_id="#start_button")
        if not step:
            self.done_button.disable()
        else:
            self.default = on_done
        self.text(f"<font color='{D.MUTED}'>The AI commands every faction; you decide what {D.esc(bk.name)} sends. "
                  f"Esc closes the desk to look at the map; {keys.shown('open_backers')} opens it again.</font>")
        self.fit(max_h=size[1] - 40)
