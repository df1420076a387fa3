"""A coach's workshops: create, show the join code, live team view, downloads,
paper mode. (A participant joins through web/join.) Every route loads the workshop through owned_workshop(), which answers
404 for anyone else's workshop."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import segno
from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from assessment.answers import NOT_APPLICABLE
from assessment.instrument import FLAG_IDS
from reports import charts
from reports.pdf import render_blank_questionnaire_pdf, render_team_pdf
from reports.spreadsheet import SheetRow, workshop_xlsx

from ...common.forms import ConfirmForm
from ...common.join_codes import unused_join_code
from ...common.start import VALID_VALUES
from ...extensions import db, instrument_bank
from ...filenames import file_name
from ...language import current_language, language_arg
from ...models import ReportJob, Response, Workshop
from ...personal_data import delete_workshop
from ...reporting import queue as report_queue
from ...reporting.downloads import (
    job_error_text,
    pdf_download,
    prepare_profile_pdf,
    send_profile_pdf,
    zip_bytes,
    zip_download,
)
from ...reporting.production import chart_exporter
from ...responses import answers_of, create_response, profile_of, save_answers
from ...team import shared_responses, team_of
from ...team_followup import (
    before_after,
    create_follow_up,
    earlier_session,
    follow_ups_of,
)
from .blueprint import bp, join_url, owned_workshop
from .forms import FollowUpForm, PaperEntryForm, WorkshopForm


@bp.get("/")
@login_required
def index():
    workshops = db.session.scalars(
        select(Workshop).where(Workshop.coach_id == current_user.id).order_by(Workshop.held_on.desc(), Workshop.id.desc())
    ).all()
    # The counts as the team view shows them: anonymous workshops' completions as ranges.
    language = current_language()
    summaries = {w.id: team_of(w, language)[0] for w in workshops}
    return render_template("coach/workshops/index.html", workshops=workshops, summaries=summaries)


@bp.route("/workshops/new", methods=["GET", "POST"])
@login_required
def create():
    form = WorkshopForm()
    if form.validate_on_submit():
        workshop = Workshop(
            coach_id=current_user.id,
            title=form.title.data.strip(),
            held_on=form.held_on.data,
            language=form.language.data,
            privacy_mode=form.privacy_mode.data,
            join_code=unused_join_code(),
        )
        db.session.add(workshop)
        db.session.commit()
        return redirect(url_for("workshops.show", workshop_id=workshop.id))
    return render_template("coach/workshops/new.html", form=form), 400 if form.errors else 200


@bp.get("/workshops/<int:workshop_id>")
@login_required
def show(workshop_id: int):
    return _show_page(owned_workshop(workshop_id), FollowUpForm())


def _show_page(workshop: Workshop, follow_up_form: FollowUpForm):
    summary, grid = team_of(workshop, current_language())
    return render_template(
        "coach/workshops/show.html",
        workshop=workshop,
        before_after=before_after(workshop, current_language(), after=summary),
        earlier=earlier_session(workshop),
        follow_ups=follow_ups_of(workshop),
        join_url=join_url(workshop),
        summary=summary,
        grid=grid,
        chart=charts.to_json(charts.team_distribution_chart(summary, instrument_bank().current, current_language())) if summary.included else None,
        confirm=ConfirmForm(),
        latest_job=latest_job(workshop),
        job_error=job_error_text,
        follow_up_form=follow_up_form,
    ), 422 if follow_up_form.errors else 200


@bp.post("/workshops/<int:workshop_id>/follow-up")
@login_required
def follow_up(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    form = FollowUpForm()
    if not form.validate():
        if "csrf_token" in form.errors:
            abort(400, description=_("The form was changed on its way to us. Nothing was saved."))
        return _show_page(workshop, form)
    later = create_follow_up(workshop, _("Follow-up of %(title)s", title=workshop.title), form.held_on.data)
    db.session.commit()
    flash(_("The follow-up session is ready. Give the participants its own code."), "success")
    return redirect(url_for("workshops.show", workshop_id=later.id))


@bp.get("/workshops/<int:workshop_id>/team.json")
@login_required
def team_json(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = current_language()
    summary, grid = team_of(workshop, language)
    return {
        "summary": summary.to_dict(),
        "chart": charts.to_json(charts.team_distribution_chart(summary, instrument_bank().current, language)) if summary.included else None,
        "grid": [
            {"id": row.response_id, "name": row.name,
             "scores": {k: {"score": v[0], "band": v[1], "interval": v[2], "near": v[3]} for k, v in row.scores.items()}}
            for row in grid
        ],
        "open": workshop.is_open,
    }


@bp.get("/workshops/<int:workshop_id>/qr.svg")
@login_required
def qr_code(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    buffer = io.BytesIO()
    segno.make(join_url(workshop), error="m").save(
        buffer, kind="svg", scale=8, border=2, title=_("Join %(code)s", code=workshop.join_code), xmldecl=False
    )
    return HttpResponse(buffer.getvalue(), mimetype="image/svg+xml")


@bp.post("/workshops/<int:workshop_id>/close")
@login_required
def close(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    if ConfirmForm().validate():
        workshop.closed_at = datetime.now(timezone.utc)
        db.session.commit()
        flash(_("The workshop is closed: nobody new can join."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/reopen")
@login_required
def reopen(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    if ConfirmForm().validate():
        workshop.closed_at = None
        db.session.commit()
        flash(_("The workshop is open again."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id))


@bp.route("/workshops/<int:workshop_id>/delete", methods=["GET", "POST"])
@login_required
def delete(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        delete_workshop(workshop)
        flash(_("The workshop and all its responses have been deleted."), "success")
        return redirect(url_for("workshops.index"))
    summary = team_of(workshop, current_language())[0]
    return render_template("coach/workshops/delete.html", workshop=workshop, form=form, summary=summary,
                           responses=summary.joined + summary.paper)


@bp.get("/workshops/<int:workshop_id>/team.pdf")
@login_required
def team_pdf(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = language_arg(workshop.language)
    summary, grid = team_of(workshop, language)
    pdf = render_team_pdf(
        summary, instrument_bank().current, language, title=workshop.title,
        held_on=workshop.held_on, grid=grid if workshop.named else None, exporter=chart_exporter(),
        before_after=before_after(workshop, language, after=summary),
    )
    return pdf_download(pdf, file_name(language, "team", workshop.title, workshop.held_on.isoformat(), ext="pdf"))


@bp.get("/workshops/<int:workshop_id>/responses/<int:response_id>.pdf")
@login_required
def participant_pdf(workshop_id: int, response_id: int):
    workshop = owned_workshop(workshop_id)
    response = next((r for r in shared_responses(workshop) if r.id == response_id), None)
    if response is None:
        abort(404)
    return send_profile_pdf(response, language_arg(response.language),
                            back_url=url_for("workshops.show", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/reports.zip")
@login_required
def start_zip(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    if not ConfirmForm().validate():
        abort(400)
    if not shared_responses(workshop):
        flash(_("Nobody has shared a profile with you yet."), "error")
        return redirect(url_for("workshops.show", workshop_id=workshop.id))
    job = report_queue.start_zip_job(workshop, language_arg(workshop.language))
    return redirect(url_for("workshops.show", workshop_id=workshop.id, job=job.id) + "#downloads")


@bp.get("/workshops/<int:workshop_id>/jobs/<int:job_id>.json")
@login_required
def job_status(workshop_id: int, job_id: int):
    workshop = owned_workshop(workshop_id)
    job = job_of(workshop, job_id)
    return {
        "status": job.status, "done": job.done, "total": job.total, "error": job_error_text(job),
        "download": url_for("workshops.job_download", workshop_id=workshop.id, job_id=job.id) if job.status == "done" else None,
    }


@bp.get("/workshops/<int:workshop_id>/jobs/<int:job_id>/download")
@login_required
def job_download(workshop_id: int, job_id: int):
    workshop = owned_workshop(workshop_id)
    job = job_of(workshop, job_id)
    data = zip_bytes(job)
    if data is None:
        abort(404, description=job_error_text(job) or _("This ZIP isn't ready yet."))
    name = file_name(workshop.language, "profiles", workshop.title, workshop.held_on.isoformat(), ext="zip")
    return zip_download(data, name)


def latest_job(workshop: Workshop) -> ReportJob | None:
    job = db.session.scalar(
        select(ReportJob).where(ReportJob.workshop_id == workshop.id).order_by(ReportJob.id.desc()).limit(1)
    )
    return report_queue.check_lost(job)


def job_of(workshop: Workshop, job_id: int) -> ReportJob:
    job = db.session.get(ReportJob, job_id)
    if job is None or job.workshop_id != workshop.id:
        abort(404)
    return report_queue.check_lost(job)


@bp.get("/workshops/<int:workshop_id>/scores.csv")
@login_required
def scores_csv(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = language_arg(workshop.language)
    instrument = instrument_bank().current
    out = io.StringIO()
    writer = csv.writer(out)
    if workshop.named:
        scales = [s.id for s in instrument.scales]
        items = [i.id for i in instrument.items]
        writer.writerow(["name", "completed_at", "language", "source", "instrument_id", "instrument_version"]
                        + [f"{s}_score" for s in scales] + [f"{s}_band" for s in scales]
                        + [f"{s}_{part}" for s in scales for part in ("exact", "interval_low", "interval_high", "near_cut")]
                        + [f"flag_{f}" for f in FLAG_IDS] + items)
        for response in shared_responses(workshop):
            profile = profile_of(response, language)
            answers = answers_of(response)
            writer.writerow(
                [_csv_text(response.respondent_name or ""), _iso_utc(response.completed_at), response.language, response.source,
                 response.instrument_id, response.instrument_version]
                + [_num(profile.scales[s].score) for s in scales] + [profile.scales[s].band or "" for s in scales]
                + [value for s in scales for value in _uncertainty_columns(profile.scales[s])]
                + [int(f in profile.flag_ids) for f in FLAG_IDS]
                + [answers.get(i, "") for i in items]
            )
    else:
        summary, _grid = team_of(workshop, language)
        writer.writerow(["scale", "instrument_id", "instrument_version", "completed", "median", "low", "moderate", "high", "not_scorable",
                         "with_validity_note"])
        for row in summary.scales:
            writer.writerow([row.scale_id, instrument.id, instrument.version, summary.included, _num(row.median),
                             row.band_counts["low"], row.band_counts["moderate"], row.band_counts["high"], row.not_scorable,
                             summary.flagged])
    data = "\ufeff" + out.getvalue()  # a BOM, so that Excel reads UTF-8 and shows å, ä, ö
    name = file_name(language, "scores", workshop.title, workshop.held_on.isoformat(), ext="csv")
    return HttpResponse(data.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})


@bp.get("/workshops/<int:workshop_id>/scores.xlsx")
@login_required
def scores_xlsx(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = language_arg(workshop.language)
    instrument = instrument_bank().current
    if workshop.named:
        rows = [
            SheetRow(response.respondent_name, response.completed_at, response.language, response.source,
                     profile_of(response, language), answers_of(response))
            for response in shared_responses(workshop)
        ]
        data = workshop_xlsx(instrument, language, title=workshop.title, rows=rows, team=None)
    else:
        data = workshop_xlsx(instrument, language, title=workshop.title, rows=None, team=team_of(workshop, language)[0])
    name = file_name(language, "scores", workshop.title, workshop.held_on.isoformat(), ext="xlsx")
    return HttpResponse(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})


def _uncertainty_columns(result) -> list[str | int]:
    low, high = result.interval or (None, None)
    return [_num(result.exact), _num(low), _num(high), int(result.near_cut)]


def _num(value) -> str:
    return "" if value is None else f"{value:g}"


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()  # ISO 8601 with its time zone


def _csv_text(text: str) -> str:
    # A name starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/workshops/<int:workshop_id>/questionnaire.pdf")
@login_required
def blank_questionnaire(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = language_arg(workshop.language)
    pdf = render_blank_questionnaire_pdf(instrument_bank().current, language)
    return pdf_download(pdf, file_name(language, "questionnaire", workshop.title, ext="pdf"))


@bp.route("/workshops/<int:workshop_id>/paper", methods=["GET", "POST"])
@login_required
def paper_entry(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    instrument = instrument_bank().current
    form = PaperEntryForm(language=workshop.language)
    problems, typed, saved = [], {}, None
    if request.method == "POST":
        typed, problems = keyed_answers(request.form, instrument)
        if form.validate() and not problems:
            response, token = create_response(
                form.language.data, (form.name.data or "").strip() or None, workshop_id=workshop.id,
                share_with_coach=bool(form.share_with_coach.data) and workshop.named, source="paper",
            )
            save_answers(response, typed)
            response.completed_at = datetime.now(timezone.utc)
            db.session.commit()
            prepare_profile_pdf(response, response.language)
            saved = {"response": response, "token": token, "profile": profile_of(response, response.language)}
            form, typed = PaperEntryForm(formdata=None, language=form.language.data), {}
    keyed = db.session.scalar(select(func.count(Response.id)).where(Response.workshop_id == workshop.id, Response.source == "paper"))
    return render_template(
        "coach/workshops/paper.html", workshop=workshop, form=form, instrument=instrument,
        typed=typed, problems=problems, saved=saved, keyed=keyed,
    ), (422 if problems or form.errors else 200)


BLANK_KEYS = {"", "-", "0", "."}
NOT_APPLICABLE_KEYS = {"n", "na", "x"}


def keyed_answers(form_data, instrument) -> tuple[dict[str, int | str], list[str]]:
    """The answers of a keyed-in paper form: one field per item (1–5, n for
    "does not apply", - or empty for a blank) or the whole form typed as one
    string. Returns the answers and one message per problem, not per item."""
    items = instrument.items
    allowed = {"csrf_token", "name", "share_with_coach", "language", "answer_string"}
    unexpected = sorted(set(form_data) - {item.id for item in items} - allowed)
    if unexpected:
        abort(400, description=_("The form contained fields it shouldn't have (%(fields)s). Nothing was saved.",
                                 fields=", ".join(unexpected)[:200]))
    string = "".join((form_data.get("answer_string") or "").split())
    if string:
        keys = list(string.lower().replace("na", "n"))
        if len(keys) != len(items):
            return {}, [_("You typed %(typed)s answers; this questionnaire has %(total)s. Type one character per question: 1–5, n for “does not apply”, - for a blank.",
                          typed=len(keys), total=len(items))]
    else:
        keys = [(form_data.get(item.id) or "").strip().lower() for item in items]
    answers, wrong, not_offered = {}, [], []
    for number, (item, key) in enumerate(zip(items, keys), 1):
        if key in BLANK_KEYS:
            continue
        if key in VALID_VALUES:
            answers[item.id] = int(key)
        elif key in NOT_APPLICABLE_KEYS and item.offers_not_applicable:
            answers[item.id] = NOT_APPLICABLE
        elif key in NOT_APPLICABLE_KEYS and instrument.offers_not_applicable:
            not_offered.append(str(number))  # the paper form has no such box for this question
        else:
            wrong.append(str(number))
    problems = []
    if wrong:
        problems.append(_("Questions %(numbers)s: use 1–5, n for “does not apply” or - for a blank.", numbers=", ".join(wrong))
                        if instrument.offers_not_applicable else
                        _("Questions %(numbers)s: use 1–5, or - for a blank.", numbers=", ".join(wrong)))
    if not_offered:
        problems.append(ngettext("Question %(numbers)s has no “does not apply” box on the form: use 1–5, or - for a blank.",
                                 "Questions %(numbers)s have no “does not apply” box on the form: use 1–5, or - for a blank.",
                                 len(not_offered), numbers=", ".join(not_offered)))
    if not wrong and not not_offered and not answers:
        problems.append(_("No answers were keyed in."))
    return answers, problems
