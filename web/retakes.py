"""Retakes: a new response linked to the one it retakes, and the chain of a
person's completed takes for the then-and-now comparison."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from assessment.followup import History, Take, history

from .extensions import db
from .models import Response, Retake, RetakeLink
from .responses import create_response, profiles_of

MAX_CHAIN = 50


def start_retake(previous: Response) -> tuple[Response, str]:
    """Same language and name as the previous take, on the current instrument; the previous one stays."""
    response, token = create_response(previous.language, previous.respondent_name)
    db.session.add(Retake(response_id=response.id, previous_id=previous.id))
    db.session.flush()
    return response, token


def retake_links_sent_before(now: datetime | None = None) -> datetime:
    """Retake links sent before this moment have expired (RETAKE_LINK_DAYS)."""
    return (now or datetime.now(timezone.utc)) - timedelta(days=current_app.config["RETAKE_LINK_DAYS"])


def retake_link_expired(link: RetakeLink) -> bool:
    return link.created_at < retake_links_sent_before()


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
