"""A participant joins a workshop with its code (/join, /join/<code>) and
starts the questionnaire as part of it."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _

from assessment.completion_time import typical_minutes
from services.followup.linking import NotLinkable, earlier_take, opens_the_take
from services.instruments import instrument_bank
from services.models import Response, Workshop
from services.workshops import co_facilitators, workshop_by_code
from web.extensions import limiter

from ..common.limits import link_attempts_left, note_link_failure, response_creation
from ..common.start import begin_response
from ..language import page_language
from .forms import JoinCodeForm, ParticipantForm

bp = Blueprint("join", __name__, url_prefix="/join")


def _failure_limit() -> str:
    return current_app.config["JOIN_FAILURE_LIMIT"]


def _code_failed(response) -> bool:
    # Only a code that opens no workshop counts (_code_missed): a form error on a workshop's own
    # join page (a name too long, no language, an expired form) is no guess, and counting it let
    # twenty typos from one office lock the office out of the workshop (the attack run). A refused
    # follow-up code or link counts against its own limit (web/common/limits.py).
    return bool(g.get("code_missed"))


def _code_missed() -> None:
    g.code_missed = True


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
        workshop = workshop_by_code(form.code.data)
        if workshop is None or not workshop.is_open:
            _code_missed()
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
    workshop = workshop_by_code(code)
    if workshop is None or not workshop.is_open:
        _code_missed()
    if workshop is None:
        abort(404, description=_("There's no workshop with this code. Check it with your coach."))
    if not workshop.is_open:
        with force_locale(page_language(workshop.language)):
            return render_template("join/closed.html", workshop=workshop), 410
    form = ParticipantForm(language=workshop.language if request.method == "GET" else None)
    if request.method == "POST" and form.validate():
        named = workshop.named
        previous = _earlier_take(workshop, form.previous_link) if named and workshop.follow_up_of_id else None
        if form.previous_link.errors:
            return _join_page(workshop, form, 400)
        return begin_response(
            form.language.data,
            (form.name.data or "").strip() or None if named else None,
            workshop_id=workshop.id,
            share_with_coach=bool(form.share_with_coach.data) if named else False,
            research_consent=bool(form.research_consent.data),
            previous=previous,
            by_link=not opens_the_take(form.previous_link.data),
        )
    return _join_page(workshop, form, 400 if form.errors else 200)


def _join_page(workshop: Workshop, form: ParticipantForm, status: int):
    instrument = instrument_bank().current
    # In the workshop's language unless the participant chose one (the language switch).
    with force_locale(page_language(workshop.language)):
        return render_template("join/workshop.html", workshop=workshop, form=form, instrument_size=len(instrument.items),
                               minutes=typical_minutes(instrument), coaches=1 + len(co_facilitators(workshop))), status


def _earlier_take(workshop: Workshop, field) -> Response | None:
    """The earlier take the typed follow-up code or link names, if services/followup/linking.py
    allows linking it here; else one error on the field, the same whatever the reason."""
    if not (field.data or "").strip():
        return None
    if not link_attempts_left():
        field.errors.append(_("Too many codes that didn't match have come from your network. Leave the field "
                              "empty to join now, or try again in an hour."))
        return None
    try:
        return earlier_take(workshop, field.data)
    except NotLinkable as refused:
        note_link_failure()
        field.errors.append(_link_refusal(refused.typed))
        return None


def _link_refusal(typed: str) -> str:
    """The refusal for what kind of text was typed: it names the rule it failed (only a profile
    shared in the first session links), never which take exists or why that one didn't link."""
    if typed == "code":
        return _("No profile shared with the coach in the first session has that follow-up code. Check the code "
                 "on that profile, or leave the field empty to join without it.")
    if typed == "private_link":
        return _("That link isn't to a profile you shared with the coach in the first session, and only a shared "
                 "profile can be linked. Leave the field empty to join without it.")
    if typed == "retake_link":
        return _("That reminder link isn't to a profile you shared with the coach in the first session, or it's "
                 "more than %(days)s days old. Use the follow-up code on that profile, or leave the field empty "
                 "to join without it.", days=current_app.config["RETAKE_LINK_DAYS"])
    return _("That's neither a follow-up code (ten letters and digits, like K7QMD-3WXPA) nor a profile's link. "
             "Check it, or leave the field empty to join without it.")
