"""The self-test: start, questionnaire pages, the private profile and its PDF,
continue-later and delete. Everything a respondent owns is reached through
their private token; nothing here needs an account."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from assessment.completion_time import typical_minutes
from assessment.suggestions import also_high, suggested_steps
from reports import charts
from reports.i18n import long_date
from services.completion import complete
from services.followup.confirmations import CONFIRM_DAYS
from services.followup.context import followup_context
from services.followup.retakes import takes_to_delete
from services.instruments import instrument_bank
from services.link_mail import (
    MAX_CONFIRMATION_MAILS,
    LinkMailNotSent,
    TooManyMails,
    confirm_and_send,
    link_mail_configured,
    pending_link_mail,
    request_link_mail,
)
from services.mail_addresses import AddressError
from services.models import Response, normalise_paper_code
from services.personal_data import delete_response
from services.research import norm_positions
from services.responses import (
    ResponseCompleted,
    answers_of,
    instrument_of,
    missing_items,
    profile_of,
    save_page,
    set_research_consent,
)
from web.downloads import send_profile_pdf

from ..common.forms import ConfirmForm, LinkMailForm, ResearchConsentForm
from ..common.limits import heavy_pages, pdf_renders, response_creation
from ..common.links import absolute_url
from ..common.private_link import response_or_404
from ..common.start import AnswerNotOffered, begin_response, submitted_answers
from ..language import current_language, language_arg, languages, page_language
from .forms import StartForm, page_form_class

bp = Blueprint("questionnaire", __name__)

PAGE_ACTIONS = {"next", "back", "later"}  # and "lang:<code>" to switch language


def _shown_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="page-shown")


# "Continue where you left off" (issue 27 §7): this browser remembers the private link of
# the last questionnaire it opened, in a signed, HttpOnly cookie of its own (not the session,
# so that it outlives closing the browser without making a coach's login do the same). The
# start page offers to continue, and to forget it – for a shared computer.
RESUME_COOKIE = "resume"


def _resume_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="resume-in-this-browser")


def _remember_in_this_browser(token: str) -> None:
    @after_this_request
    def _set(reply):
        reply.set_cookie(RESUME_COOKIE, _resume_signer().dumps(token), max_age=current_app.config["RETENTION_DAYS"] * 86400,
                         httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
        return reply


def _forget_in_this_browser() -> None:
    @after_this_request
    def _clear(reply):
        reply.delete_cookie(RESUME_COOKIE, httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
        return reply


def _remembered() -> tuple[Response, str] | None:
    signed = request.cookies.get(RESUME_COOKIE)
    if not signed:
        return None
    try:
        token = _resume_signer().loads(signed, max_age=current_app.config["RETENTION_DAYS"] * 86400)
    except BadSignature:
        return None
    response = Response.by_token(token)
    return (response, token) if response is not None else None


@bp.get("/")
def start():
    return _start_page(StartForm(language=current_language()))


def _start_page(form: StartForm, status: int = 200):
    remembered = _remembered()
    resume_url = resume_done = None
    if remembered:
        response, token = remembered
        resume_url = url_for("questionnaire.resume", token=token)
        resume_done = response.completed_at is not None
    return render_template(
        "questionnaire/start.html", form=form, instrument=instrument_bank().current,
        minutes=typical_minutes(instrument_bank().current),
        retention_days=current_app.config["RETENTION_DAYS"],
        resume_url=resume_url, resume_done=resume_done, forget_form=ConfirmForm(),
    ), status


@bp.post("/forget-this-browser")
def forget_this_browser():
    if not ConfirmForm().validate():
        abort(400, description=_("We couldn't check the form. Nothing was changed."))
    _forget_in_this_browser()
    flash(_("This browser no longer remembers your questionnaire. Your answers are still kept for your private link."),
          "success")
    return redirect(url_for("questionnaire.start"))


@bp.post("/start")
@response_creation
def begin():
    form = StartForm()
    if not form.validate():
        return _start_page(form, 400)
    return begin_response(
        form.language.data, (form.name.data or "").strip() or None, research_consent=bool(form.research_consent.data)
    )


@bp.get("/p/<code>")
@heavy_pages
def paper_link(code: str):
    """The short link on a paper participant's slip (typed by hand: any case, spaces or dashes)."""
    token = normalise_paper_code(code)
    if token is None:
        abort(404, description=_("That code isn't complete: it is four groups of five letters and digits, "
                                 "as on your slip."))
    response_or_404(token)
    return redirect(url_for("questionnaire.resume", token=token))


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
        _remember_in_this_browser(token)
        stored = answers_of(response)
        form = form_class(data=stored)
        form.shown.data = _shown_signer().dumps([response.id, number])
        # ?missing=1: the page shown again after "Next" with questions left (static/js/questionnaire.js
        # saves in the background and replaces the history entry, so back and forward keep to the pages).
        missing = [item for item in items if item.id not in stored] if request.args.get("missing") else []
        return _render_page(response, token, form, items, number, len(pages), missing=missing)

    try:
        action, answers, seconds = _checked_page_submission(response, items, number)
    except AnswerNotOffered:
        return _answer_not_offered(token, number)
    if response.completed_at is not None:
        return _after_completion(response, token, answers)
    switch_to = action.split(":", 1)[1] if action.startswith("lang:") else None
    try:
        save_page(response, number, answers, seconds, switch_to=switch_to)
    except ResponseCompleted:  # completed by another request (another tab, a double click) since this one read it
        return _after_completion(response, token, answers)
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


def _after_completion(response: Response, token: str, answers: dict[str, int | str]):
    """A page sent to a completed response. The answers it holds are those stored (a double click
    on Finish, a reload, a second tab): nothing is lost, so the profile; else the 409 page."""
    stored = answers_of(response)
    if all(stored.get(item_id) == value for item_id, value in answers.items()):
        return redirect(url_for("questionnaire.profile", token=token))
    return _already_complete(token)


def _already_complete(token: str):
    # Final once completed: re-posting a page must not move a team's totals.
    return render_template(
        "errors/error.html", status=409, title=_("This questionnaire is complete"),
        message=_("Its answers can't be changed any more. Nothing was saved."),
        link=(url_for("questionnaire.profile", token=token), _("See your profile")),
    ), 409


def _answer_not_offered(token: str, number: int):
    # Nothing of this post is stored (save_page is never reached): what was saved before stays,
    # so the way out is back to this page, not only the start page (the walk's tampered answer).
    return render_template(
        "errors/error.html", status=400, title=_("Something in the form isn't right"),
        message=_("One of the answers wasn't one of the options on offer, so nothing on this page was saved. "
                  "The answers you saved before are kept."),
        link=(url_for("questionnaire.page", token=token, number=number), _("Back to the questionnaire")),
    ), 400


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
    # The one-time notice of page 1 stays while the page is shown again (a POST, or ?missing=1&link=1).
    private_link = _private_link(token) if missing and (request.form.get("private_link_shown") or request.args.get("link")) else None
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
    complete(response, current_language())
    return redirect(url_for("questionnaire.profile", token=token))


@bp.get("/response/<token>/later")
def later(token: str):
    response = response_or_404(token)
    return render_template("questionnaire/later.html", response=response, token=token)


@bp.route("/response/<token>/email-link", methods=["GET", "POST"])
def email_link(token: str):
    """"E-mail me my link": a confirmation e-mail first (double opt-in), the link only after it."""
    response = response_or_404(token)
    if not link_mail_configured():
        abort(404, description=_("This site sends no e-mail. Copy your private link instead."))
    form = LinkMailForm()
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.validate():
        try:
            address = request_link_mail(response, token, form.email.data, current_language())
        except AddressError:
            errors.append((form.email.id, _("Enter an e-mail address such as name@example.com.")))
        except TooManyMails:
            errors.append((form.email.id, _("We've sent %(n)s confirmation e-mails for this link and send no more. "
                                            "Open the newest one, or copy the link instead.", n=MAX_CONFIRMATION_MAILS)))
        except LinkMailNotSent:
            errors.append((form.email.id, _("We couldn't send the e-mail just now. Try again in a while, or copy "
                                            "the link instead.")))
        else:
            flash(_("We've sent a confirmation link to %(email)s. Open it within %(days)s days and press the "
                    "button; then we send your private link and delete the address.", email=address, days=CONFIRM_DAYS),
                  "success")
            return redirect(url_for("questionnaire.email_link", token=token))
        form.email.errors = [message for _target, message in errors]
    elif request.method == "POST":
        errors = [(form.email.id, message) for message in form.email.errors] or [
            (form.email.id, _("The form was changed on its way to us. Nothing was saved."))]
    return render_template("questionnaire/email_link.html", response=response, token=token, form=form,
                           errors=errors, days=CONFIRM_DAYS), (422 if errors else 200)


@bp.route("/link-mail/confirm/<token>", methods=["GET", "POST"])
def confirm_link_mail(token: str):
    """The link in the confirmation e-mail (services/link_mail.py CONFIRM_PATH). Opening it shows a
    button; only the POST sends the private link, so a mail scanner that opens links sends nothing."""
    row = pending_link_mail(token)
    if row is None:
        return render_template(
            "errors/error.html", status=404, title=_("This link doesn't work"),
            message=_("The confirmation link works once, for %(days)s days. Ask for your link again "
                      "from the questionnaire, or use the private link you saved.", days=CONFIRM_DAYS),
        ), 404
    form = ConfirmForm()
    # In the language of the e-mail that brought the visitor here (the take's, as it was shown
    # when the address was given), not in the browser's, unless the visitor chooses another.
    # Read before confirm_and_send, which deletes the row.
    with force_locale(page_language(row.language)):
        if request.method == "POST" and form.validate():
            try:
                confirm_and_send(row, token, lambda private: absolute_url("questionnaire.resume", token=private))
            except LinkMailNotSent:
                return render_template(
                    "errors/error.html", status=503, title=_("We couldn't send the e-mail just now"),
                    message=_("Nothing is lost: open the confirmation link again in a while."),
                ), 503
            return render_template("questionnaire/link_mail_sent.html")
        return render_template("questionnaire/link_mail_confirm.html", form=form)


@bp.get("/response/<token>/profile")
@heavy_pages
def profile(token: str):
    response = response_or_404(token)
    if response.completed_at is None:
        return redirect(url_for("questionnaire.resume", token=token))
    profile = profile_of(response, current_language())
    _remember_in_this_browser(token)
    followup = followup_context(response, current_language(),
                                lambda link: absolute_url("followup.retake_by_link", link=link))
    history = followup["history"]
    return render_template(
        "questionnaire/profile.html",
        **followup,
        response=response,
        token=token,
        profile=profile,
        instrument=instrument_of(response),
        summary_chart=charts.to_json(charts.profile_chart(profile, previous=history.then.profile if history else None)),
        start_here=(start_here := next(iter(suggested_steps(profile)), None)),
        also_high=also_high(profile, start_here),
        consent_form=ResearchConsentForm(research_consent=response.research_consent),
        norms=norm_positions(response, profile),
    )


@bp.post("/response/<token>/research-consent")
def research_consent(token: str):
    response = response_or_404(token)
    form = ResearchConsentForm()
    if not form.validate():
        abort(400, description=_("We couldn't check the form. Nothing was changed."))
    set_research_consent(response, bool(form.research_consent.data))
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
    takes, kept = takes_to_delete(response)
    if request.method == "POST" and form.validate():
        deleted = delete_response(response)
        _forget_in_this_browser()
        flash(ngettext("Your answers have been deleted: %(num)s take, with its plan, reminder and links.",
                       "Your answers have been deleted: all %(num)s takes, with their plans, reminders and links.",
                       deleted), "success")
        if kept is not None:
            flash(_("Your take of %(date)s is kept: this one was started from a reminder link or a follow-up code, which can't delete it. "
                    "Delete it with its own private link.", date=long_date(kept.created_at.date(), current_language())), "success")
        return redirect(url_for("questionnaire.start"))
    return render_template("questionnaire/delete.html", response=response, token=token, form=form, takes=takes, kept=kept)
