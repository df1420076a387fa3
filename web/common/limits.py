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
renders share RENDER_SLOTS (downloads.render_slot)."""

from __future__ import annotations

from flask import current_app, g

from ..extensions import limiter


def _start_limit() -> str:
    return current_app.config["START_RATE_LIMIT"]


def _render_limit() -> str:
    return current_app.config["RENDER_RATE_LIMIT"]


def note_render() -> None:
    """Called where a PDF is really rendered (or queued to be): this request counts."""
    g.rendered_pdf = True


response_creation = limiter.shared_limit(
    _start_limit, scope="response-creation", methods=["POST"], deduct_when=lambda reply: reply.status_code == 302)
pdf_renders = limiter.shared_limit(
    _render_limit, scope="pdf-renders", deduct_when=lambda reply: bool(g.get("rendered_pdf")))
