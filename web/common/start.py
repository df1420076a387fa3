"""Starting a response and reading submitted answers: shared by the self-test,
joining a workshop and the coach's paper entry."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from assessment.answers import NOT_APPLICABLE
from services.evidence import client_bucket
from services.models import Response
from services.responses import start_response

from .links import absolute_url

VALID_VALUES = {"1", "2", "3", "4", "5"}


class AnswerNotOffered(ValueError):
    """A posted answer is not one of the options the item offers (or one item had several):
    nothing a browser sends. The questionnaire page maps it to a page that leads back to it."""


def request_client_bucket() -> str | None:
    """The coarse bucket of this request's client (services/evidence.py), never the address."""
    return client_bucket(get_remote_address(), current_app.config.get("SECRET_KEY") or "")


def begin_response(language: str, name: str | None, *, previous: Response | None = None, by_link: bool = True,
                   **options):
    """Create the response, remember its language, show the private
    continue-later link once, and send the respondent to page 1. With
    `previous`, the new response is a retake of that one (`by_link`: named by something that
    does not open it, so the new one may not change or delete it)."""
    _response, token = start_response(language, name, client_bucket=request_client_bucket(), previous=previous,
                                      by_link=by_link, **options)
    session["lang"] = language
    flash(absolute_url("questionnaire.resume", token=token), "resume-link")
    return redirect(url_for("questionnaire.page", token=token, number=1))


def refuse_unknown_fields(form_data, known: set[str]) -> None:
    """400, naming them, for posted names the form has no field for: a browser sends none, so a
    request with them is refused, not half read (the questionnaire, paper and plan forms)."""
    unexpected = sorted(set(form_data) - known)
    if unexpected:
        abort(400, description=_("The form contained fields it shouldn't have (%(fields)s). Nothing was saved.",
                                 fields=", ".join(unexpected)[:200]))


def submitted_answers(form_data, items, other_fields: set[str]) -> dict[str, int | str]:
    """The answers a form posted for `items` (1–5, or "na" where the item offers
    "does not apply"), refusing (400) anything a browser would not send:
    unknown fields, several values for one item, a value that is not one of the
    options (AnswerNotOffered). Unanswered items are simply absent."""
    refuse_unknown_fields(form_data, {item.id for item in items} | other_fields)
    answers: dict[str, int | str] = {}
    for item in items:
        values = form_data.getlist(item.id)
        if not values or values == [""]:
            continue
        valid = VALID_VALUES | ({NOT_APPLICABLE} if item.offers_not_applicable else set())
        if len(values) > 1 or values[0] not in valid:
            raise AnswerNotOffered(item.id)
        answers[item.id] = NOT_APPLICABLE if values[0] == NOT_APPLICABLE else int(values[0])
    return answers
