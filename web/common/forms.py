"""Form pieces every audience uses."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import InputRequired, Length, ValidationError

from assessment import MAX_RESPONDENT_NAME
from services.mail_addresses import AddressError, checked_address


def name_length() -> Length:
    """The one limit on a person's name (MAX_RESPONDENT_NAME), in words that name the field:
    WTForms' own "Field cannot be longer than 120 characters" said which field nowhere."""
    return Length(max=MAX_RESPONDENT_NAME, message=_l("A name can be at most %(max)d characters."))


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: for confirmations such as delete."""


def research_consent_field() -> BooleanField:
    """The research-consent box: never ticked unless the person ticks it."""
    return BooleanField(
        _l("Let my answers be used, without my name, to check and improve the questionnaire "
           "(how exactly it measures, and figures to compare with)."),
        default=False,
    )


class ResearchConsentForm(FlaskForm):
    research_consent = research_consent_field()


def sendable_address(form, field) -> None:
    """The sender's own rule (services.mail_addresses), so nothing a form takes stops a mail run;
    the field keeps the address as it will be sent to."""
    if not (field.data or "").strip():
        return
    try:
        field.data = checked_address(field.data)
    except AddressError:
        raise ValidationError(_("Enter an e-mail address such as name@example.com.")) from None


class LinkMailForm(FlaskForm):
    """"E-mail me my link"."""

    email = EmailField(
        _l("Your e-mail address"),
        validators=[InputRequired(message=_l("Enter an e-mail address such as name@example.com.")),
                    Length(max=254), sendable_address],
    )


def stripped(text):
    """A text field's filter: the spaces around what was typed are not kept, nor counted."""
    return text.strip() if isinstance(text, str) else text
