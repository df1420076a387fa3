"""The coach's workshops blueprint and what its view modules share: every
route loads its workshop through owned_workshop(), which lets in its owner and
its co-facilitators and answers 404 to anyone else; owner_workshop() is for what
only the owner may do (403 to a co-facilitator)."""

from __future__ import annotations

from flask import Blueprint, abort, get_template_attribute
from flask_babel import gettext as _
from flask_login import current_user

from reports import charts
from services.instruments import instrument_bank
from services.models import Workshop
from services.workshops import NotYours, OwnerOnly, workshop_for

from ...common.links import absolute_url
from .. import URL_PREFIX

bp = Blueprint("workshops", __name__, url_prefix=URL_PREFIX)


def owned_workshop(workshop_id: int) -> Workshop:
    """The workshop, for its owner or a co-facilitator; 404 for anyone else."""
    try:
        return workshop_for(current_user.id, workshop_id)
    except NotYours:
        abort(404)


def owner_workshop(workshop_id: int) -> Workshop:
    """The workshop, for its owner only: 403 for a co-facilitator, 404 for anyone else."""
    try:
        return workshop_for(current_user.id, workshop_id, owner_only=True)
    except NotYours:
        abort(404)
    except OwnerOnly:
        abort(403, description=_("Only the coach who created this workshop can do that."))


def join_url(workshop: Workshop) -> str:
    return absolute_url("join.workshop", code=workshop.join_code)


def team_chart(summary, language: str) -> str | None:
    """The team's distribution chart as the pages draw it (JSON), or None before any figure is shown."""
    return charts.to_json(charts.team_distribution_chart(summary, instrument_bank().current, language)) if summary.included else None


def size_words(summary) -> dict[str, str]:
    """How many people the figures are about, in the words of templates/_team_size.html
    (the same the pages and the team PDF use), for the live JSON."""
    return {part: str(get_template_attribute("_team_size.html", f"size_{part}")(summary))
            for part in ("label", "value", "phrase", "reason")}
