"""The self-test: start, questionnaire pages, the private profile and its PDF,
continue-later and delete. Everything a respondent owns is reached through
their private token; nothing here needs an account."""

from __future__ import annotations

from datetime import datetime, timezone

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
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from reports import charts

from ..common.forms import ConfirmForm, ResearchConsentForm
from ..common.limits import pdf_renders, response_creation
from ..common.links import absolute_url
from ..common.private_link import response_or_404
from ..common.start import begin_response, submitted_answers
from ..extensions import db, instrument_bank
from ..language import current_language, language_arg, languages
from ..models import Response
from ..personal_data import delete_response
from ..reporting.downloads import prepare_profile_pdf, send_profile_pdf
from ..research import norm_positions
from ..responses import (
    ResponseCompleted,
    answers_of,
    instrument_of,
    missing_items,
    profile_of,
    save_page,
)
from .forms import StartForm, page_form_class

bp = Blueprint("questionnaire", __name__)

PAGE_ACTIONS = {"next", "back", "later"}  # and "lang:<code>" to switch language


def _shown_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="page-shown")


@bp.get("/")
def start():
    return _start_page(StartForm(language=current_language()))


def _start_page(form: StartForm, status: int = 200):
    return render_template(
        "questionnaire/start.html", form=form, instrument=instrument_bank().current,
        minutes=instrument_bank().current.typical_minutes,
        retention_days=current_app.config["RETENTION_DAYS"],
    ), status


@bp.post("/start")
@response_creation
def begin():
    form = StartForm()
    if not form.validate():
        return _start_page(form, 400)
    return begin_response(
        form.language.data, (form.name.data or "").strip() or None, research_consent=bool(form.research_consent.data)
    )


@bp.get("/response/<token>")
def resume(token: str):
    response = response_or_404(token)
    if request.args.get("lang") not in languages():
        # On another device the link is all there is: show the language the person chose.
        session["lang"] = response.language
    if response.completed_at:
        return redirect(url_for("questionnaire.profile", token=token))
    missing = set(missing_items(response))
    for number, items in enumerate(instrument_of(response).pages, 1):
        if any(item.id in missing for item in items):
            return redirect(url_for("questionnaire.page", token=token, number=number))
    return redirect(url_for("questionnaire.page", token=token, number=1))


@bp.route("/response/<token>/page/<int:number>", methods=["GET", "POST"])
def page(token: str, number: int):
    response = response_or_404(token)
    instrument = instrument_of(response)
    pages = instrument.pages
    if not 1 <= number <= len(pages):
        abort(404, description=_("This questionnaire has no page %(number)s.", number=number))
    items = pages[number - 1]
    language = current_language()
    form_class = page_form_class(instrument, items, language)

    if request.method == "GET":
        if response.completed_at is not None:
            return redirect(url_for("questionnaire.profile", token=token))
        form = form_class(data=answers_of(response))
        form.shown.data = _shown_signer().dumps([response.id, number])
        return _render_page(response, token, form, items, number, len(pages), missing=[])

    if response.completed_at is not None:
        return _already_complete(token)
    action, answers, seconds = _checked_page_submission(response, items, number)
    switch_to = action.split(":", 1)[1] if action.startswith("lang:") else None
    try:
        save_page(response, number, answers, seconds, switch_to=switch_to)
    except ResponseCompleted:  # completed by another request (another tab) since this one read it
        db.session.rollback()
        return _already_complete(token)
    db.session.commit()
    if switch_to:
        session["lang"] = switch_to

    if action == "later":
        return redirect(url_for("questionnaire.later", token=token))
    if action.startswith("lang:"):
        if request.form.get("private_link_shown"):
            flash(_private_link(token), "resume-link")  # the one-time notice survives a language switch
        return redirect(url_for("questionnaire.page", token=token, number=number))
    if action == "back":
        return redirect(url_for("questionnaire.page", token=token, number=max(1, number - 1)))

    missing = [item for item in items if item.id not in answers]
    if missing:
        form = form_class(formdata=request.form)
        form.shown.data = _shown_signer().dumps([response.id, number])
        return _render_page(response, token, form, items, number, len(pages), missing=missing)
    if number < len(pages):
        return redirect(url_for("questionnaire.page", token=token, number=number + 1))
    return _finish(response, token)


def _already_complete(token: str):
    # Final once completed: re-posting a page must not move a team's totals.
    return render_template(
        "errors/error.html", status=409, title=_("This questionnaire is complete"),
        message=_("Its answers can't be changed any more. Nothing was saved."),
        link=(url_for("questionnaire.profile", token=token), _("See your profile")),
    ), 409


def _checked_page_submission(response: Response, items, number: int) -> tuple[str, dict[str, int], float]:
    """Refuse anything a browser would not send: unknown fields, values that are
    not options, a page stamp that was not ours. Returns action, answers, seconds."""
    answers = submitted_answers(request.form, items, {"csrf_token", "shown", "action", "private_link_shown"})
    action = request.form.get("action", "next")
    if action not in PAGE_ACTIONS | {f"lang:{lang}" for lang in languages()}:
        abort(400, description=_("The form asked for something we don't recognise. Nothing was saved."))
    try:
        stamp, shown_at = _shown_signer().loads(request.form.get("shown", ""), return_timestamp=True)
    except BadSignature:
        abort(400, description=_("The form was changed on its way to us. Nothing was saved."))
    if stamp != [response.id, number]:
        abort(400, description=_("The form belongs to another page. Nothing was saved."))
    seconds = (datetime.now(timezone.utc) - shown_at).total_seconds()
    return action, answers, seconds


def _private_link(token: str) -> str:
    return absolute_url("questionnaire.resume", token=token)


def _render_page(response, token, form, items, number, total, *, missing):
    status = 422 if missing else 200
    # Redisplayed with errors: the one-time private link notice stays if it was there.
    private_link = _private_link(token) if missing and request.form.get("private_link_shown") else None
    return (
        render_template(
            "questionnaire/page.html",
            response=response,
            token=token,
            form=form,
            items=items,
            number=number,
            total=total,
            missing=missing,
            private_link=private_link,
            instrument=instrument_of(response),
            first_number=(number - 1) * instrument_of(response).page_size + 1,
        ),
        status,
    )


def _finish(response: Response, token: str):
    missing = missing_items(response)
    if missing:
        flash(_("A few questions on earlier pages haven't been answered yet."), "error")
        return redirect(url_for("questionnaire.resume", token=token))
    if response.completed_at is None:
        response.completed_at = datetime.now(timezone.utc)
        db.session.commit()
        prepare_profile_pdf(response, current_language())
    return redirect(url_for("questionnaire.profile", token=token))


@bp.get("/response/<token>/later")
def later(token: str):
    response = response_or_404(token)
    return render_template("questionnaire/later.html", response=response, token=token)


@bp.get("/response/<token>/profile")
def profile(token: str):
    response = response_or_404(token)
    if response.completed_at is None:
        return redirect(url_for("questionnaire.resume", token=token))
    profile = profile_of(response, current_language())
    from ..followup_context import followup_context

    return render_template(
        "questionnaire/profile.html",
        **followup_context(response, current_language()),
        response=response,
        token=token,
        profile=profile,
        instrument=instrument_of(response),
        summary_chart=charts.to_json(charts.profile_chart(profile)),
        consent_form=ResearchConsentForm(research_consent=response.research_consent),
        norms=norm_positions(response, profile),
    )


@bp.post("/response/<token>/research-consent")
def research_consent(token: str):
    response = response_or_404(token)
    form = ResearchConsentForm()
    if not form.validate():
        abort(400, description=_("We couldn't check the form. Nothing was changed."))
    response.research_consent = bool(form.research_consent.data)
    db.session.commit()
    flash(_("Your answers now count in the questionnaire's figures, without your name.") if response.research_consent
          else _("Your answers don't count in the questionnaire's figures any more."), "success")
    return redirect(url_for("questionnaire.profile", token=token))


@bp.get("/response/<token>/profile.pdf")
@pdf_renders
def profile_pdf(token: str):
    response = response_or_404(token)
    if response.completed_at is None:
        return redirect(url_for("questionnaire.resume", token=token))
    language = language_arg(current_language())
    return send_profile_pdf(response, language, back_url=url_for("questionnaire.profile", token=token))


@bp.route("/response/<token>/delete", methods=["GET", "POST"])
def delete(token: str):
    response = response_or_404(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        delete_response(response)
        flash(_("Your answers have been deleted."), "success")
        return redirect(url_for("questionnaire.start"))
    return render_template("questionnaire/delete.html", response=response, token=token, form=form)
