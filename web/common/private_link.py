"""A respondent's private link: the token in the URL is all the authorisation there is."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from services.models import Response


def response_or_404(token: str) -> Response:
    response = Response.by_token(token)
    if response is None:
        abort(404, description=_("There's no questionnaire at this link. It may have been deleted, or the link isn't complete."))
    return response
