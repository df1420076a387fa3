from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import Email, EqualTo, InputRequired, Length, StopValidation

from services.password_strength import MAX_LENGTH, MIN_LENGTH, password_problem
from web.language import current_language

# The rule, shown under a new-password field before anyone types (not only after a failure).
PASSWORD_RULE = _l("At least %(n)s characters and not easy to guess: a few unrelated words work well.", n=MIN_LENGTH)


class StrongPassword:
    """A new password: long enough and not easy to guess (password_strength.password_problem)."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):
        if self.email_field:
            email = form[self.email_field].data or ""
        else:
            # the logged-in coach's, or the account a reset link belongs to (form.account_email)
            email = getattr(form, "account_email", None) or getattr(current_user, "email", "") or ""
        problem = password_problem(field.data or "", email=email, language=current_language())
        if problem:
            raise StopValidation(problem)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(message=_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(message=_l("Enter your password.")), Length(max=MAX_LENGTH)])


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """The new password, typed twice, and their checks: the fields `new` and `confirm` of
    every form that sets a password for a coach who has an account. A function, not a base
    form: WTForms orders fields by when they were made, and a field a subclass adds (the
    current password) would come after these, and so would its error in the summary."""
    new = PasswordField(
        _l("New password"),
        description=PASSWORD_RULE,
        validators=[InputRequired(message=_l("Enter a new password.")), StrongPassword()],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[InputRequired(message=_l("Repeat the new password.")), EqualTo("new", message=_l("The two new passwords don't match."))],
    )
    return new, confirm


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(message=_l("Enter your current password."))])
    new, confirm = new_password_fields()


class SignupForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(message=_l("Enter your e-mail address.")), Length(max=254), Email(message=_l("Enter a valid e-mail address."))])
    password = PasswordField(
        _l("Password"),
        description=PASSWORD_RULE,
        validators=[InputRequired(message=_l("Enter a password.")), StrongPassword(email_field="email")],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(message=_l("Enter your e-mail address.")), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    new, confirm = new_password_fields()
