"""A response becomes complete: stamped once, and its PDF queued at once so that the download
is usually ready when the person asks for it (services/reporting/delivery.py). Online, when the
last page is sent; on paper, when a coach keys in a whole form."""

from __future__ import annotations

from typing import Mapping

from sqlalchemy import update

from services.db import db
from services.models import Response, Workshop, utcnow
from services.reporting.delivery import prepare_profile_pdf
from services.responses import create_response, save_answers


def complete(response: Response, language: str) -> bool:
    """Mark the response complete; a second finish (a reload, a double click, another tab at the
    same moment) changes nothing: the stamp is written only where none is, in the database, so
    of two requests racing exactly one completes it and queues its PDF. Commits; whether this
    call completed it."""
    if response.completed_at is not None:
        return False
    stamped = db.session.execute(
        update(Response).where(Response.id == response.id, Response.completed_at.is_(None))
        .values(completed_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(response)
    if stamped.rowcount != 1:
        return False
    prepare_profile_pdf(response, language)
    return True


def enter_paper_form(workshop: Workshop, language: str, name: str | None, share_with_coach: bool,
                     answers: Mapping[str, int | str]) -> tuple[Response, str]:
    """A paper questionnaire keyed in by the workshop's coach, complete: the response and its private token.
    In an anonymous workshop the name is not stored (as when joining online, where it is not
    asked): the coach's page prints it on the slip only."""
    response, token = create_response(language, name if workshop.named else None, workshop_id=workshop.id,
                                      share_with_coach=share_with_coach and workshop.named, source="paper")
    save_answers(response, answers)
    complete(response, response.language)
    return response, token
