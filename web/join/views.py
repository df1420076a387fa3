"""A participant joins a workshop with its code (/join, /join/<code>) and
starts the questionnaire as part of it."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..common.join_codes import normalise_join_code
from ..common.start import begin_response
from ..common.limits import response_creation
from ..extensions import db, instrument_bank, limiter
from ..models import Response, Workshop
from .forms import JoinCodeForm, ParticipantForm

bp = Blueprint("join", __name__, url_prefix="/join")
PRIVATE_LINK = re.compile(r"/response/([A-Za-z0-9_-]{20,100})(?:[/?#]|$)")


def _failure_limit() -> str:
    return current_app.config["JOIN_FAILURE_LIMIT"]


def _code_failed(response) -> bool:
    return response.status_code >= 400


# Only failed attempts count, per client address, in one budget for both ways
# of trying a code, so a whole workshop behind one office NAT gets in (their
# codes are right) while a guesser's are nearly all wrong.
#   Codes: 25^6 = 244,140,625. With W = 50 workshops open at once, the expected
#   number of guesses until the first hit is (25^6 + 1) / (W + 1) ≈ 4.79 million.
#   Budget per address: 100 failures a day (20 an hour caps a burst; the daily
#   figure binds over a year). A guesser with 100 addresses: 10,000 guesses a day,
#   so 4.79e6 / 1e4 ≈ 479 days ≈ 1.3 years on average. The time scales with 1/W:
#   with more than ~65 workshops open at once it falls below a year.
join_attempts = limiter.shared_limit(_failure_limit, scope="join-failures", methods=["POST"], deduct_when=_code_failed)
join_pages = limiter.shared_limit(_failure_limit, scope="join-failures", deduct_when=_code_failed)


@bp.route("", methods=["GET", "POST"])
@join_attempts
def enter_code():
    form = JoinCodeForm(code=request.args.get("code", ""))
    if request.method == "POST" and form.validate():
        code = normalise_join_code(form.code.data)
        workshop = db.session.scalar(select(Workshop).where(Workshop.join_code == code)) if code else None
        if workshop is None:
            form.code.errors.append(_("There's no workshop with this code. Check it with your coach."))
        elif not workshop.is_open:
            form.code.errors.append(_("This workshop is closed, so it isn't taking new participants."))
        else:
            return redirect(url_for("join.workshop", code=workshop.join_code))
    status = 400 if form.errors else 200
    return render_template("join/code.html", form=form), status


@bp.route("/<code>", methods=["GET", "POST"])
@join_pages
@response_creation
def workshop(code: str):
    normalised = normalise_join_code(code)
    workshop = db.session.scalar(select(Workshop).where(Workshop.join_code == normalised)) if normalised else None
    if workshop is None:
        abort(404, description=_("There's no workshop with this code. Check it with your coach."))
    if not workshop.is_open:
        return render_template("join/closed.html", workshop=workshop), 410
    form = ParticipantForm(language=workshop.language if request.method == "GET" else None)
    if request.method == "POST" and form.validate():
        named = workshop.named
        previous = _earlier_response(form.previous_link) if named and workshop.follow_up_of_id else None
        if form.previous_link.errors:
            return _join_page(workshop, form, 400)
        return begin_response(
            form.language.data,
            (form.name.data or "").strip() or None if named else None,
            workshop_id=workshop.id,
            share_with_coach=bool(form.share_with_coach.data) if named else False,
            research_consent=bool(form.research_consent.data),
            previous=previous,
        )
    return _join_page(workshop, form, 400 if form.errors else 200)


def _join_page(workshop: Workshop, form: ParticipantForm, status: int):
    instrument = instrument_bank().current
    return render_template("join/workshop.html", workshop=workshop, form=form, instrument_size=len(instrument.items),
                           minutes=instrument.typical_minutes), status


def _earlier_response(field) -> Response | None:
    """The completed response of the earlier session a pasted private link opens (else an error on the field)."""
    text = (field.data or "").strip()
    if not text:
        return None
    match = PRIVATE_LINK.search(text)
    response = Response.by_token(match.group(1)) if match else None
    if response is None or response.completed_at is None:
        field.errors.append(_("That isn't the private link of a completed questionnaire. Copy the "
                              "whole link from your first profile page, or leave the field empty."))
        return None
    return response
