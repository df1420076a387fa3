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
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from assessment.followup import DEFAULT_FOLLOW_UP_DAYS, PlanAction
from assessment.plan_steps import as_completion
from assessment.suggestions import plan_suggestions
from reports.calendar import event_uid, follow_up_ics
from services.filenames import file_name
from services.followup import confirmations
from services.followup.calendar_retake_links import calendar_retake_link
from services.followup.confirmations import CONFIRM_DAYS, MAX_CONFIRMATION_MAILS
from services.followup.plans import (
    needs_confirmation,
    plan_of,
    plan_row,
    reminder_of,
    save_plan,
    tick,
)
from services.followup.reminders import confirmations_configured
from services.followup.retakes import (
    may_change_previous,
    previous_of,
    retake_link,
    retake_link_expired,
    start_retake,
)
from services.followup.schedule import deliver_confirmation
from services.models import Reminder, Response
from services.responses import profile_of
from web.downloads import ICS, attachment

from ..common.forms import ConfirmForm
from ..common.limits import heavy_pages, response_creation
from ..common.links import absolute_url
from ..common.private_link import response_or_404
from ..common.start import refuse_unknown_fields, request_client_bucket
from ..language import current_language, page_language
from .forms import PlanForm

bp = Blueprint("followup", __name__)


def completed_or_redirect(token: str) -> Response:
    response = response_or_404(token)
    if response.completed_at is None:
        abort(redirect(url_for("questionnaire.resume", token=token)))
    return response


def _ranked(profile) -> list:
    """Behaviours and the driver, highest score first: what a plan is most worth spending on."""
    return sorted(profile.of_kind("behaviour", "driver"), key=lambda r: -(r.score or 0))


def weekday_date(day: date) -> str:
    """"Monday 21 December" / "måndag 21 december": a follow-up day beside its choice."""
    return format_date(day, "EEEE d MMMM")


def _previous_plan(response):
    """The plan of the take before this one, when this is a retake."""
    previous = previous_of(response)
    return plan_of(previous) if previous is not None else None


@bp.route("/response/<token>/plan", methods=["GET", "POST"])
@heavy_pages
def plan(token: str):
    response = completed_or_redirect(token)
    today = date.today()
    existing = plan_row(response)
    reminder = reminder_of(response)
    from_last_time = False
    if request.method == "GET" and existing is not None:
        # A follow-up date that has passed cannot be saved again: offer the usual choice instead.
        kept_date = existing.follow_up_on > today
        form = PlanForm(data={
            "actions": [{"scale_id": a.scale_id or "", "situation": a.situation, "step": a.step} for a in existing.actions],
            "follow_up": "date" if kept_date else str(DEFAULT_FOLLOW_UP_DAYS),
            "follow_up_on": existing.follow_up_on if kept_date else None,
            "email": reminder.email if reminder else "",
        })
    elif request.method == "GET" and (last := _previous_plan(response)) is not None:
        # A retake: the plan from last time, to keep or update (issue 27 §4).
        form = PlanForm(data={"actions": [{"scale_id": a.scale_id or "", "situation": a.situation, "step": a.step}
                                          for a in last.actions]})
        from_last_time = True
    else:
        form = PlanForm()
    profile = profile_of(response, current_language())
    ranked = _ranked(profile)
    form.set_behaviours([(r.scale_id, r.name) for r in ranked])
    form.show_dates(today, weekday_date)
    errors: list[tuple[str, str]] = []
    # Without a mail server no reminder can go out: no field that promises one (a posted address is ignored).
    reminders_possible = confirmations_configured()
    if not reminders_possible:
        form.email.raw_data, form.email.data = [], ""
    if request.method == "POST":
        refuse_unknown_fields(request.form, form.field_names())
        valid = form.validate()
        errors = form.all_errors() + (form.plan_errors(today, current_app.config["RETENTION_DAYS"]) if valid else [])
        email = (form.email.data or "").strip() or None
        new_address = not errors and needs_confirmation(response, email)
        if new_address and existing is not None and existing.confirmation_mails >= MAX_CONFIRMATION_MAILS:
            message = _("We've sent confirmation e-mails to %(n)s addresses for this plan, and send no more. "
                        "Keep the address you have, or leave the field empty.", n=MAX_CONFIRMATION_MAILS)
            form.email.errors = [*form.email.errors, message]
            errors.append((form.email.id, message))
        if not errors:
            actions = [
                PlanAction(as_completion(e.form.situation.data), as_completion(e.form.step.data), e.form.scale_id.data or None)
                for e in form.actions if (e.form.situation.data or "").strip()
            ]
            save_plan(response, actions, form.follow_up_date(today), email, current_language())
            flash(_("Your plan is saved."), "success")
            if new_address:
                deliver_confirmation(response.id)
                flash(_("We've sent a confirmation link to the address. The reminder goes out only once you've "
                        "opened it, within %(days)s days.", days=CONFIRM_DAYS), "success")
            return redirect(url_for("questionnaire.profile", token=token) + "#plan-title")
    return render_template(
        "followup/plan.html", response=response, token=token, form=form, errors=errors,
        steps=plan_suggestions(profile),
        has_plan=existing is not None, from_last_time=from_last_time, reminders_possible=reminders_possible,
    ), (422 if errors else 200)


@bp.get("/response/<token>/follow-up.ics")
def calendar_file(token: str):
    response = completed_or_redirect(token)
    row = plan_row(response)
    if row is None:
        abort(404, description=_("Make a plan first: the calendar event holds your plan and its follow-up date."))
    # A limited retake link, never the private one: that opens everything, and a calendar is
    # often shared (issue 25, F6).
    link = calendar_retake_link(response, row)
    language = page_language(response.language)  # the take's, as its profile is: not the browser's
    data = follow_up_ics(
        plan_of(response), language=language,
        uid=event_uid(response.token_hash, "snubbeltrad"), sequence=row.revision, stamp=row.updated_at,
        tz_name=current_app.config["FOLLOW_UP_TIMEZONE"],
        retake_url=absolute_url("followup.retake_by_link", link=link.token), link_works_until=link.works_until,
    )
    filename = file_name(language, "follow-up", row.follow_up_on.isoformat(), ext="ics")
    return attachment(data, filename, ICS)


def _retake_page(previous: Response, form: ConfirmForm, back_url: str | None):
    return render_template("followup/retake.html", previous=previous, form=form, back_url=back_url)


def _begin_retake(previous: Response, by_link: bool = False):
    response, new_token = start_retake(previous, by_link, request_client_bucket())
    session["lang"] = response.language
    flash(absolute_url("questionnaire.resume", token=new_token), "resume-link")
    return redirect(url_for("questionnaire.page", token=new_token, number=1))


# A retake makes a response as a start does: the same per-client limit (issue 25, F4).
@bp.route("/response/<token>/retake", methods=["GET", "POST"])
@response_creation
def retake(token: str):
    previous = completed_or_redirect(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        return _begin_retake(previous)
    return _retake_page(previous, form, url_for("questionnaire.profile", token=token))


@bp.route("/retake/<link>", methods=["GET", "POST"])
@response_creation
def retake_by_link(link: str):
    found = retake_link(link)
    if found is None:
        abort(404, description=_("There's no questionnaire at this link. It may have been deleted, or the link isn't complete."))
    row, previous = found
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
        return _begin_retake(previous, by_link=True)  # the link does not open the earlier take: nor may its retake change it
    return _retake_page(previous, form, None)


@bp.post("/response/<token>/ticks")
def ticks(token: str):
    """Store "did you do it?" for the actions of the previous take's plan."""
    response = completed_or_redirect(token)
    previous = previous_of(response)
    form = ConfirmForm()
    if previous is None:
        abort(404, description=_("This profile has no earlier take whose plan you could tick off."))
    if not may_change_previous(response):
        abort(403, description=_("This take was started from a reminder link or a follow-up code, which can't change your earlier "
                                 "profile. Tick off your plan on that profile, with its private link."))
    if not form.validate():
        abort(400, description=_("The form was changed on its way to us. Nothing was saved."))
    done = {}
    for key, value in request.form.items():
        if key.startswith("done-"):
            position = key.removeprefix("done-")
            # ASCII digits and short: str.isdigit() also accepts "²", and int() refuses 4,300 digits.
            if not (position.isascii() and position.isdigit() and len(position) <= 3) or value not in ("yes", "no"):
                abort(400, description=_("One of the answers wasn't one of the options on offer. Nothing was saved."))
            done[int(position)] = value == "yes"
    tick(previous, done)
    flash(_("Saved what you did."), "success")
    return redirect(url_for("questionnaire.profile", token=token) + "#then-now-title")


@bp.route("/reminder/confirm/<token>", methods=["GET", "POST"])
def confirm_reminder(token: str):
    """The link in the confirmation e-mail (services/followup/reminders.py CONFIRM_PATH). Opening it shows a
    button; only the POST confirms, so a mail scanner that opens links confirms nothing."""
    reminder = confirmations.find(Reminder, token)
    if reminder is None:
        return render_template(
            "errors/error.html", status=404, title=_("This link doesn't work"),
            message=_("The confirmation link works once, for %(days)s days. If the address was confirmed "
                      "already, the reminder will come; otherwise enter the address again on your plan.",
                      days=CONFIRM_DAYS),
        ), 404
    form = ConfirmForm()
    # In the language of the e-mail that brought the visitor here (the take's, as it was shown
    # when the address was given), not in the browser's, unless the visitor chooses another.
    with force_locale(page_language(reminder.language)):
        if request.method == "POST" and form.validate():
            confirmations.confirm(reminder)
            return render_template("followup/confirmed.html", due_on=reminder.due_on)
        return render_template("followup/confirm.html", form=form, due_on=reminder.due_on,
                               expires_on=confirmations.expires_on(reminder))
