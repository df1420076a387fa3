"""Coach accounts as stored: look-up, creation, and the loader Flask-Login
uses to turn a session back into a coach. Views and CLI commands share it."""

from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db, login_manager
from ...models import Coach
from .passwords import hash_password


@login_manager.user_loader
def load_coach(coach_id: str) -> Coach | None:
    return db.session.get(Coach, int(coach_id)) if coach_id.isdigit() else None


def find_coach(email: str) -> Coach | None:
    return db.session.scalar(select(Coach).where(func.lower(Coach.email) == email.strip().lower()))


def create_coach(email: str, password: str) -> Coach:
    coach = Coach(email=email.strip().lower(), password_hash=hash_password(password))
    db.session.add(coach)
    db.session.commit()
    return coach
