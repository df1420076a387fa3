"""Retention: responses are kept RETENTION_DAYS after their last change, then deleted."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from .extensions import db
from .models import Response
from .pdfs import forget_reports
from .responses import delete_response


def purge_expired(now: datetime | None = None) -> int:
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=current_app.config["RETENTION_DAYS"])
    expired = db.session.scalars(select(Response).where(Response.updated_at < cutoff)).all()
    for response in expired:
        forget_reports(response)
        delete_response(response)
    db.session.commit()
    return len(expired)
