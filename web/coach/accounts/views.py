"""Coach accounts: login, logout, change password, and sign-up only when
ALLOW_SIGNUP is set. Login attempts are rate-limited per address."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ...extensions import db, limiter
from .. import URL_PREFIX
from .coaches import create_coach, find_coach
from .forms import ChangePasswordForm, LoginForm, SignupForm
from .passwords import DUMMY_HASH, check_password, hash_password

bp = Blueprint("coach", __name__, url_prefix=URL_PREFIX)


def _safe_next(target: str | None) -> str:
    # Only our own paths: never an open redirect to another site.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("workshops.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("workshops.index"))
    form = LoginForm()
    if form.validate_on_submit():
        coach = find_coach(form.email.data)
        if coach is not None and check_password(coach.password_hash, form.password.data):
            login_user(coach)
            return redirect(_safe_next(request.args.get("next")))
        if coach is None:
            check_password(DUMMY_HASH, form.password.data)
        form.password.errors.append(_("The e-mail or password is not right."))
        return render_template("coach/accounts/login.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("coach/accounts/login.html", form=form, signup=current_app.config["ALLOW_SIGNUP"]), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("coach.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password(current_user.password_hash, form.current.data):
            form.current.errors.append(_("The current password is not right."))
        else:
            current_user.password_hash = hash_password(form.new.data)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("workshops.index"))
    status = 400 if form.errors else 200
    return render_template("coach/accounts/password.html", form=form), status


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def signup():
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404)
    form = SignupForm()
    if form.validate_on_submit():
        if find_coach(form.email.data):
            form.email.errors.append(_("There is already an account with this e-mail."))
        else:
            login_user(create_coach(form.email.data, form.password.data))
            return redirect(url_for("workshops.index"))
    status = 400 if form.errors else 200
    return render_template("coach/accounts/signup.html", form=form), status
