"""The models' own behaviour, on whichever database the run uses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text

from web.extensions import db
from web.models import Coach

from .support import make_coach


def test_moments_come_back_timezone_aware_in_utc(app):
    # SQLite gave naive UTC back where PostgreSQL gives aware times: comparing one with the
    # other raises, so five places converted by hand, and a moment stored with another
    # offset was kept on SQLite as if it were UTC.
    make_coach(app)
    with app.app_context():
        coach = db.session.scalar(select(Coach))
        coach.created_at = datetime(2026, 12, 3, 13, 0, tzinfo=timezone(timedelta(hours=1)))
        db.session.commit()
        db.session.expire_all()
        if db.engine.dialect.name == "postgresql":
            # psycopg answers in the server's TimeZone, which Debian takes from the machine's zone
            db.session.execute(text("SET TIME ZONE 'Europe/Stockholm'"))
        moment = db.session.scalar(select(Coach.created_at))
    assert moment.utcoffset() == timedelta(0)
    assert moment == datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
