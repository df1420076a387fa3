"""Coach accounts: login, logout, change password, password reset by e-mail, and
sign-up only when ALLOW_SIGNUP is set. Login attempts are rate-limited per address,
and failed ones per account too; reset requests per address and per account."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from services.accounts import (
    coach_with_password,
    create_coach,
    find_coach,
    log_out_everywhere,
)
from services.password_resets import (
    RESET_MINUTES,
    change_own_password,
    coach_of_reset,
    request_reset,
    reset_by_mail_possible,
    use_reset,
)
from web.extensions import limiter
from web.language import current_language

from .. import URL_PREFIX
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
)

bp = Blueprint("accounts", __name__, url_prefix=URL_PREFIX)


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the coach's start page.
    Browsers drop tabs and newlines from URLs and read a backslash as a
    slash, so "/<tab>/evil.example" or "/<backslash>evil.example" would leave the site."""
    if target and target.startswith("/") and target.isprintable() and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return url_for("workshops.index")


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _login_failed(response) -> bool:
    return response.status_code == 401


def _start_session(coach) -> None:
    # A new session at login: nothing planted in the old cookie (or its CSRF
    # token) carries over; only the language choice does.
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(coach)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
# Per account, whatever the address: a guesser with many addresses gets five
# tries a minute and twenty an hour at one coach's password.
@limiter.limit(lambda: current_app.config["LOGIN_FAILURE_LIMIT"], key_func=_account_key, methods=["POST"],
               deduct_when=_login_failed, scope="login-account")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("workshops.index"))
    form = LoginForm()
    signup = current_app.config["ALLOW_SIGNUP"]
    if form.validate_on_submit():
        coach = coach_with_password(form.email.data, form.password.data)
        if coach is not None:
            _start_session(coach)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(_("The e-mail or password isn't right."))
        return render_template("coach/accounts/login.html", form=form, signup=signup), 401
    status = 400 if form.errors else 200
    return render_template("coach/accounts/login.html", form=form, signup=signup), status


@bp.post("/logout")
@login_required
def logout():
    log_out_everywhere(current_user._get_current_object())
    logout_user()
    flash(_("You're logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        coach = current_user._get_current_object()
        if not change_own_password(coach, form.current.data, form.new.data):
            form.current.errors.append(_("The current password isn't right."))
        else:
            _start_session(coach)  # this session goes on, with the new version
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("workshops.index"))
    status = 400 if form.errors else 200
    return render_template("coach/accounts/password.html", form=form), status


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def signup():
    if not current_app.config["ALLOW_SIGNUP"]:
        # Said, not a bare 404: whoever runs the site creates coach accounts.
        return render_template("coach/accounts/signup_off.html"), 404
    form = SignupForm()
    if form.validate_on_submit():
        if find_coach(form.email.data):
            form.email.errors.append(_("There's already an account with this e-mail."))
        else:
            _start_session(create_coach(form.email.data, form.password.data))
            return redirect(url_for("workshops.index"))
    status = 400 if form.errors else 200
    return render_template("coach/accounts/signup.html", form=form), status


def _reset_key() -> str:
    return "reset-account:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
# Per address, known or not (so the limit says nothing about accounts): no mail-bombing a coach.
@limiter.limit("3 per hour", key_func=_reset_key, methods=["POST"], scope="reset-account")
def forgot_password():
    """The same answer for every address: whether an account has it is not said, and
    the mail is made after the answer (services/password_resets.py)."""
    form = ForgotPasswordForm()
    possible = reset_by_mail_possible()
    if possible and form.validate_on_submit():
        request_reset(form.email.data, current_language())
        return render_template("coach/accounts/forgot_sent.html", minutes=RESET_MINUTES)
    status = 400 if form.errors else 200
    return render_template("coach/accounts/forgot.html", form=form, possible=possible), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    """Opening the link changes nothing (a mail scanner may open it); the form does."""
    coach = coach_of_reset(token)
    if coach is None:
        return render_template("coach/accounts/reset_invalid.html", minutes=RESET_MINUTES), 404
    form = ResetPasswordForm()
    form.account_email = coach.email
    if form.validate_on_submit():
        if use_reset(token, form.new.data) is None:  # used meanwhile, in another tab
            return render_template("coach/accounts/reset_invalid.html", minutes=RESET_MINUTES), 404
        flash(_("Your password has been changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    status = 400 if form.errors else 200
    return render_template("coach/accounts/reset.html", form=form), status
