"""Retakes: a new response linked to the one it retakes, and the chain of a
person's completed takes for the then-and-now comparison."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from assessment.followup import History, Take, history
from services.db import db
from services.models import Response, Retake, RetakeLink, hash_token
from services.responses import profiles_of, start_response

MAX_CHAIN = 50


def start_retake(previous: Response, by_link: bool = False, client_bucket: str | None = None) -> tuple[Response, str]:
    """Same language and name as the previous take, on the current instrument; the previous one stays.
    `by_link`: started from the reminder's retake-only link, so it may not change the previous take.
    `client_bucket`: the coarse bucket of the client that started it (services/evidence.py). Commits."""
    return start_response(previous.language, previous.respondent_name, client_bucket=client_bucket,
                          previous=previous, by_link=by_link)


def retake_link(link: str) -> tuple[RetakeLink, Response] | None:
    """The stored limited retake link with this token and the take it retakes, or None."""
    row = db.session.get(RetakeLink, hash_token(link)) if link and len(link) <= 100 else None
    previous = db.session.get(Response, row.response_id) if row else None
    return (row, previous) if previous is not None else None


def retake_links_sent_before(now: datetime | None = None) -> datetime:
    """Retake links sent before this moment have expired (RETAKE_LINK_DAYS)."""
    return (now or datetime.now(timezone.utc)) - timedelta(days=current_app.config["RETAKE_LINK_DAYS"])


def retake_link_expired(link: RetakeLink) -> bool:
    return link.created_at < retake_links_sent_before()


def may_change_previous(response: Response) -> bool:
    """Whether whoever holds this take's link may change the take before it (ticks, and with them
    its retention): not when this take was started from a link that does not open that one (F12)."""
    by_link = db.session.scalar(select(Retake.by_link).where(Retake.response_id == response.id))
    return by_link is not None and not by_link


def shows_previous_plan(response: Response) -> bool:
    """Whether this take shows the plan of the take before it: to whoever holds that take's
    private link (pasted, or a retake from its profile), and to a retake from the reminder's
    link, mailed to the person's own confirmed address. Not to a take linked in a follow-up
    session by a follow-up code or a pasted retake link, which may have been passed on: that
    one sees the earlier take's scores, never its plan (found in the attack replay of issue 25)."""
    by_link = db.session.scalar(select(Retake.by_link).where(Retake.response_id == response.id))
    if by_link is None:
        return False
    return not by_link or response.workshop_id is None


def takes_to_delete(response: Response) -> tuple[list[Response], Response | None]:
    """What "delete my answers" on this take deletes (issue 25, F11): every take of the person's
    chain, with (by cascade) their plans, reminders and links: the takes before it, back through
    links that open them, and every take after any of those. A take started from a link that does
    not open the earlier one (the reminder's retake-only link, a follow-up code) does not delete
    that earlier one (F12: such a link cannot change it); the second value is the nearest take
    kept for that reason, to say so on the page."""
    ids = {response.id}
    kept = None
    current_id = response.id
    while len(ids) < MAX_CHAIN:
        row = db.session.execute(select(Retake.previous_id, Retake.by_link).where(Retake.response_id == current_id)).first()
        if row is None or row.previous_id in ids:
            break
        if row.by_link:
            kept = db.session.get(Response, row.previous_id)
            break
        ids.add(row.previous_id)
        current_id = row.previous_id
    frontier = set(ids)
    while frontier and len(ids) < 10 * MAX_CHAIN:
        later = set(db.session.scalars(select(Retake.response_id).where(Retake.previous_id.in_(frontier)))) - ids
        ids |= later
        frontier = later
    takes = list(db.session.scalars(select(Response).where(Response.id.in_(ids)).order_by(Response.created_at, Response.id)))
    return takes, kept


def previous_of(response: Response) -> Response | None:
    previous_id = db.session.scalar(select(Retake.previous_id).where(Retake.response_id == response.id))
    return db.session.get(Response, previous_id) if previous_id is not None else None


def chain_of(response: Response) -> list[Response]:
    """The completed takes up to and including this one, oldest first."""
    chain = [response]
    seen = {response.id}
    current = previous_of(response)
    while current is not None and current.id not in seen and len(chain) < MAX_CHAIN:
        seen.add(current.id)
        if current.completed_at is not None:
            chain.append(current)
        current = previous_of(current)
    return list(reversed(chain))


def history_of(response: Response, language: str) -> tuple[History, list[Response]] | None:
    chain = [r for r in chain_of(response) if r.completed_at is not None]
    if len(chain) < 2:
        return None
    profiles = profiles_of(chain, language)
    takes = [Take(r.completed_at.date(), profiles[r.id]) for r in chain]
    return history(takes), chain
