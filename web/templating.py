"""What every page template may call besides Flask's own: the language (from
web/language.py), band names (from the item bank), absolute links, and the
target of an error summary's link; and the filters for dates and numbers the
language's way (reports/i18n.py: the same as in the PDFs)."""

from __future__ import annotations

from flask import Flask

from reports.i18n import format_filters
from services.instruments import instrument_bank
from services.link_mail import link_mail_configured

from .common.links import absolute_url
from .language import current_language, language_choices


def band_label(band: str) -> str:
    """A band's name as the item bank gives it (the one source of band names)."""
    return instrument_bank().current.band_labels[band][current_language()]


def first_input_id(field) -> str:
    """Where an error summary link should land: the field, or a group's first radio."""
    return f"{field.id}-0" if field.type == "RadioField" else field.id


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        current_lang=current_language, language_choices=language_choices, band_label=band_label,
        first_input_id=first_input_id, absolute_url=absolute_url,
        link_mail_configured=link_mail_configured,
    )
    app.jinja_env.filters.update(format_filters(current_language))
