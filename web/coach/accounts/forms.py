from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from .passwords import MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(message=_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(message=_l("Enter your password.")), Length(max=200)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(message=_l("Enter your current password."))])
    new = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(message=_l("Enter a new password.")),
            Length(min=MIN_LENGTH, max=200, message=_l("Use at least %(n)s characters.", n=MIN_LENGTH)),
        ],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[InputRequired(message=_l("Repeat the new password.")), EqualTo("new", message=_l("The two new passwords differ."))],
    )


class SignupForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(message=_l("Enter your e-mail address.")), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter a password.")), Length(min=MIN_LENGTH, max=200, message=_l("Use at least %(n)s characters.", n=MIN_LENGTH))],
    )
