"""Form pieces every audience uses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: for confirmations such as delete."""


def research_consent_field() -> BooleanField:
    """The research-consent box: never ticked unless the person ticks it."""
    return BooleanField(
        _l("Let my answers be used, without my name, to check and improve the questionnaire "
           "(reliability and comparison figures)."),
        default=False,
    )


class ResearchConsentForm(FlaskForm):
    research_consent = research_consent_field()
