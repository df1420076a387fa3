"""The follow-up of a profile, reached through the private link: the plan,
its calendar file, retaking the questionnaire and the "did you do it?" ticks."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask import Response as HttpResponse
from flask_babel import gettext as _

from assessment.followup import DEFAULT_FOLLOW_UP_DAYS, PlanAction
from reports.calendar import event_uid, follow_up_ics
from reports.i18n import fixed, long_date

from ..common.forms import ConfirmForm
from ..common.links import absolute_url
from ..common.private_link import response_or_404
from ..extensions import db
from ..filenames import file_name
from ..language import current_language
from ..models import Response, RetakeLink, hash_token
from ..plans import plan_of, plan_row, reminder_of, save_plan, tick
from ..responses import profile_of
from ..retakes import previous_of, retake_link_expired, start_retake
from .forms import PlanForm

bp = Blueprint("followup", __name__)


# The same filter names as the PDF templates have, so templates/followup/ partials serve both.
@bp.app_template_filter("long_date")
def _long_date(day) -> str:
    return long_date(day, current_language())


@bp.app_template_filter("fixed2")
def _fixed2(value) -> str:
    return fixed(value, current_language())


def completed_or_redirect(token: str) -> Response:
    response = response_or_404(token)
    if response.completed_at is None:
        abort(redirect(url_for("questionnaire.resume", token=token)))
    return response


def _ranked(response) -> list:
    """Behaviours and the driver, highest score first: what a plan is most worth spending on."""
    profile = profile_of(response, current_language())
    return sorted(profile.of_kind("behaviour", "driver"), key=lambda r: -(r.score or 0))


@bp.route("/response/<token>/plan", methods=["GET", "POST"])
def plan(token: str):
    response = completed_or_redirect(token)
    today = date.today()
    existing = plan_row(response)
    reminder = reminder_of(response)
    if request.method == "GET" and existing is not None:
        # A follow-up date that has passed cannot be saved again: offer the usual choice instead.
        kept_date = existing.follow_up_on > today
        form = PlanForm(data={
            "actions": [{"scale_id": a.scale_id or "", "situation": a.situation, "step": a.step} for a in existing.actions],
            "follow_up": "date" if kept_date else str(DEFAULT_FOLLOW_UP_DAYS),
            "follow_up_on": existing.follow_up_on if kept_date else None,
            "email": reminder.email if reminder else "",
        })
    else:
        form = PlanForm()
    ranked = _ranked(response)
    form.set_behaviours([(r.scale_id, r.name) for r in ranked])
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        valid = form.validate()
        errors = form.all_errors() + (form.plan_errors(today, current_app.config["RETENTION_DAYS"]) if valid else [])
        if not errors:
            actions = [
                PlanAction(e.form.situation.data.strip(), e.form.step.data.strip(), e.form.scale_id.data or None)
                for e in form.actions if (e.form.situation.data or "").strip()
            ]
            email = (form.email.data or "").strip() or None
            save_plan(response, actions, form.follow_up_date(today), email, current_language())
            db.session.commit()
            flash(_("Your plan is saved."), "success")
            return redirect(url_for("questionnaire.profile", token=token) + "#plan-title")
    return render_template(
        "followup/plan.html", response=response, token=token, form=form, errors=errors,
        suggestions=[r for r in ranked if r.kind == "behaviour" and r.actions], has_plan=existing is not None,
    ), (422 if errors else 200)


@bp.get("/response/<token>/follow-up.ics")
def calendar_file(token: str):
    response = completed_or_redirect(token)
    row = plan_row(response)
    if row is None:
        abort(404, description=_("Make a plan first: the calendar event holds your plan and its follow-up date."))
    data = follow_up_ics(
        plan_of(response), language=current_language(),
        retake_url=absolute_url("followup.retake", token=token),
        uid=event_uid(response.token_hash, "snubbeltrad"), sequence=row.revision, stamp=row.updated_at,
        tz_name=current_app.config["FOLLOW_UP_TIMEZONE"],
    )
    filename = file_name(current_language(), "follow-up", row.follow_up_on.isoformat(), ext="ics")
    return HttpResponse(data, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store",
    })


def _retake_page(previous: Response, form: ConfirmForm, back_url: str | None):
    return render_template("followup/retake.html", previous=previous, form=form, back_url=back_url)


def _begin_retake(previous: Response):
    response, new_token = start_retake(previous)
    db.session.commit()
    session["lang"] = response.language
    flash(absolute_url("questionnaire.resume", token=new_token), "resume-link")
    return redirect(url_for("questionnaire.page", token=new_token, number=1))


@bp.route("/response/<token>/retake", methods=["GET", "POST"])
def retake(token: str):
    previous = completed_or_redirect(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        return _begin_retake(previous)
    return _retake_page(previous, form, url_for("questionnaire.profile", token=token))


@bp.route("/retake/<link>", methods=["GET", "POST"])
def retake_by_link(link: str):
    row = db.session.get(RetakeLink, hash_token(link)) if link and len(link) <= 100 else None
    previous = db.session.get(Response, row.response_id) if row else None
    if previous is None:
        abort(404, description=_("There's no questionnaire at this link. It may have been deleted, or the link isn't complete."))
    if retake_link_expired(row):
        # Whoever finishes a retake sees the earlier scores beside theirs: an old e-mail must not open them.
        return render_template(
            "errors/error.html", status=410, title=_("This link has expired"),
            message=_("The link in a reminder e-mail works for %(days)s days. Your earlier answers are still there: "
                      "open your profile with your private link and choose “Take it again”.",
                      days=current_app.config["RETAKE_LINK_DAYS"]),
        ), 410
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        return _begin_retake(previous)
    return _retake_page(previous, form, None)


@bp.post("/response/<token>/ticks")
def ticks(token: str):
    """Store "did you do it?" for the actions of the previous take's plan."""
    response = completed_or_redirect(token)
    previous = previous_of(response)
    form = ConfirmForm()
    if previous is None:
        abort(404, description=_("This profile has no earlier take whose plan you could tick off."))
    if not form.validate():
        abort(400, description=_("The form was changed on its way to us. Nothing was saved."))
    done = {}
    for key, value in request.form.items():
        if key.startswith("done-"):
            position = key.removeprefix("done-")
            if not position.isdigit() or value not in ("yes", "no"):
                abort(400, description=_("One of the answers wasn't one of the options on offer. Nothing was saved."))
            done[int(position)] = value == "yes"
    tick(previous, done)
    db.session.commit()
    flash(_("Saved what you did."), "success")
    return redirect(url_for("questionnaire.profile", token=token) + "#then-now-title")
