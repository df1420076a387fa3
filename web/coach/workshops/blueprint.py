"""The coach's workshops blueprint and what its view modules share: every
route loads its workshop through owned_workshop(), which answers 404 for
anyone else's workshop."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from ...common.links import absolute_url
from ...extensions import db
from ...models import Workshop
from .. import URL_PREFIX

bp = Blueprint("workshops", __name__, url_prefix=URL_PREFIX)


def owned_workshop(workshop_id: int) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or workshop.coach_id != current_user.id:
        abort(404)
    return workshop


def join_url(workshop: Workshop) -> str:
    return absolute_url("join.workshop", code=workshop.join_code)
