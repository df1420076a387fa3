"""The retake link a calendar event carries (the .ics file and "Add to Google / Outlook").

A calendar is often shared, so the event never holds the private link (issue 25, F6): it
carries the same limited kind of link as the reminder e-mail (a RetakeLink: it starts a
retake and opens nothing else). Its RETAKE_LINK_DAYS count from the follow-up day, as
for the link a reminder sends that day: it works from now until RETAKE_LINK_DAYS after
the follow-up, then `flask purge` deletes it.

The token is derived from SECRET_KEY, the response and the follow-up date (HMAC-SHA256,
256 bits), so the page, the file and the web calendars give the same link without storing
it: only its hash is stored, as for every link. One link per follow-up date, so a person
changing the plan over and over adds at most one row per date."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.exc import IntegrityError

from services.db import db
from services.models import PlanRow, Response, RetakeLink, hash_token


@dataclass(frozen=True)
class CalendarRetakeLink:
    token: str
    works_until: date  # the last day it works, in FOLLOW_UP_TIMEZONE


def calendar_retake_link(response: Response, row: PlanRow) -> CalendarRetakeLink:
    """The limited retake link for this plan's follow-up date; stores its hash if new. Commits."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"calendar-retake:{response.token_hash}:{row.follow_up_on.isoformat()}".encode()
    token = base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()).rstrip(b"=").decode()
    zone = ZoneInfo(current_app.config["FOLLOW_UP_TIMEZONE"])
    starts = datetime.combine(row.follow_up_on, time(0, 0), tzinfo=zone)
    if db.session.get(RetakeLink, hash_token(token)) is None:
        db.session.add(RetakeLink(token_hash=hash_token(token), response_id=response.id, created_at=starts))
        try:
            db.session.commit()
        except IntegrityError:  # the same link stored by a request at the same moment (two first loads)
            db.session.rollback()
    works_until = row.follow_up_on + timedelta(days=current_app.config["RETAKE_LINK_DAYS"] - 1)
    return CalendarRetakeLink(token=token, works_until=works_until)
