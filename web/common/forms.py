"""Form pieces every audience uses."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

LANGUAGE_CHOICES = [SelectChoice("sv", "Svenska", render_kw={"lang": "sv"}), SelectChoice("en", "English", render_kw={"lang": "en"})]


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: for confirmations such as delete."""
