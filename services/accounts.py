"""Coach accounts as stored: look-up, creation, and the loader Flask-Login
uses to turn a session back into a coach (registered in web/pages.py).
Views and CLI commands share it; passwords are in passwords.py."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from services.db import db
from services.models import Coach
from services.passwords import check_password, dummy_hash, hash_password


def load_coach(session_id: str) -> Coach | None:
    """The coach of a session id "<id>.<session version>"; an older version is a session that was ended."""
    coach_id, _, version = session_id.partition(".")
    if not (coach_id.isdigit() and version.isdigit()) or len(session_id) > 40:
        return None
    coach = db.session.get(Coach, int(coach_id))
    return coach if coach is not None and coach.session_version == int(version) else None


def end_all_sessions(coach: Coach) -> None:
    """Every session of this coach, everywhere, stops working (the caller commits)."""
    coach.session_version += 1


def log_out_everywhere(coach: Coach) -> None:
    """Logging out ends every session of the coach, not only this browser's. Commits."""
    end_all_sessions(coach)
    db.session.commit()


def coach_with_password(email: str, password: str) -> Coach | None:
    """The coach with this address and password, or None. An unknown address costs a password
    check too, so the time taken does not tell which addresses have an account."""
    coach = find_coach(email)
    if coach is None:
        check_password(dummy_hash(), password)
        return None
    return coach if check_password(coach.password_hash, password) else None


def checked_email(text: str) -> str:
    """The address as stored (normalised, lower case), or ValueError saying what is wrong."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def find_coach(email: str) -> Coach | None:
    return db.session.scalar(select(Coach).where(func.lower(Coach.email) == email.strip().lower()))


def create_coach(email: str, password: str) -> Coach:
    coach = Coach(email=checked_email(email), password_hash=hash_password(password))
    db.session.add(coach)
    db.session.commit()
    return coach
