"""Per-client limits on what costs the server: starting responses and
rendering PDFs. A client is its address (behind a proxy, the address the
proxy reports: PROXY_COUNT). Only what was actually done counts: a start
that made a response, a download that started a PDF's rendering (a cached one,
and asking again while it is being made, are free; the PDF queued when a
questionnaire is completed is paid for by the start that made the response).

A whole workshop behind one office NAT must fit: START_RATE_LIMIT defaults to
60 per 10 minutes, and a person renders one or two PDFs (two languages), so
RENDER_RATE_LIMIT is twice that; it also stops one response being re-rendered
without end (a changed plan is a new PDF). Beyond them, an address is told to
wait (429). What keeps the pages fast while PDFs are made is that PDFs never
get all the cores: report workers run at idle priority, and in-process
renders share RENDER_SLOTS (services/reporting/delivery.py render_slot)."""

from __future__ import annotations

from flask import current_app, g
from flask_limiter.util import get_remote_address
from limits import parse_many

from ..extensions import limiter


def _start_limit() -> str:
    return current_app.config["START_RATE_LIMIT"]


def _page_limit() -> str:
    return current_app.config["HEAVY_PAGE_RATE_LIMIT"]


def _render_limit() -> str:
    return current_app.config["RENDER_RATE_LIMIT"]


def note_render() -> None:
    """Called where a PDF is really rendered (or queued to be): this request counts."""
    g.rendered_pdf = True


response_creation = limiter.shared_limit(
    _start_limit, scope="response-creation", methods=["POST"], deduct_when=lambda reply: reply.status_code == 302)
# Pages that cost several times a light one (issue 25, F14: the measurement page ~47 ms, a
# profile with 50 takes ~141 ms, a light page ~7 ms): one budget per client, HEAVY_PAGE_RATE_LIMIT,
# wide enough for a workshop behind one address opening their profiles again and again.
heavy_pages = limiter.shared_limit(_page_limit, scope="heavy-pages")
pdf_renders = limiter.shared_limit(
    _render_limit, scope="pdf-renders", deduct_when=lambda reply: bool(g.get("rendered_pdf")))


# Wrong follow-up codes and links (issue 25, F7) have a budget of their own per client,
# FOLLOW_UP_LINK_FAILURE_LIMIT, apart from the join limit: an office behind one NAT keeps
# joining when someone mistypes, and a spent budget only refuses further codes (the person
# can still join without one). Checked by hand, as it limits one field, not a route.
def _link_limits() -> list:
    return list(parse_many(current_app.config["FOLLOW_UP_LINK_FAILURE_LIMIT"]))


def link_attempts_left() -> bool:
    if not current_app.config.get("RATELIMIT_ENABLED"):
        return True
    try:
        return all(limiter.limiter.test(item, "follow-up-link-failures", get_remote_address()) for item in _link_limits())
    except Exception:  # the limit store is down: as for every other limit, let it pass
        return True


def note_link_failure() -> None:
    if not current_app.config.get("RATELIMIT_ENABLED"):
        return
    try:
        for item in _link_limits():
            limiter.limiter.hit(item, "follow-up-link-failures", get_remote_address())
    except Exception:  # the limit store is down: the failure goes uncounted, as other limits let it pass
        pass
