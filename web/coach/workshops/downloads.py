"""A workshop's downloads for its coaches: the team PDF, each shared profile (the
coach's render and the coach's edition), the ZIP of them all with its progress, and the
scores as CSV (for tools) and xlsx (for people). Every route loads the workshop through
owned_workshop() (its owner and co-facilitators; 404 for anyone else)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required

from reports.spreadsheet import SheetRow, workshop_csv, workshop_xlsx
from services.filenames import file_name
from services.followup.context import COACH
from services.instruments import instrument_bank
from services.models import ReportJob, Workshop
from services.reporting import queue as report_queue
from services.reporting.delivery import zip_bytes
from services.reporting.production import (
    coach_edition_filename,
    coach_edition_pdf,
    team_report_pdf,
)
from services.responses import answers_of, profile_of
from services.workshops import (
    shared_responses,
    team_of,
)
from web.downloads import (
    CSV,
    XLSX,
    attachment,
    job_error_text,
    pdf_download,
    send_profile_pdf,
    zip_download,
)

from ...common.forms import ConfirmForm
from ...language import language_arg, language_for_file_only
from .blueprint import (
    bp,
    owned_workshop,
)


@bp.get("/workshops/<int:workshop_id>/team.pdf")
@login_required
def team_pdf(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = language_arg(workshop.language)
    pdf = team_report_pdf(workshop, language)
    return pdf_download(pdf, file_name(language, "team", workshop.title, workshop.held_on.isoformat(), ext="pdf"))


@bp.get("/workshops/<int:workshop_id>/responses/<int:response_id>.pdf")
@login_required
def participant_pdf(workshop_id: int, response_id: int):
    workshop = owned_workshop(workshop_id)
    response = next((r for r in shared_responses(workshop) if r.id == response_id), None)
    if response is None:
        abort(404)
    # The coach's render: this shared take and at most its linked shared pair, no plan (issue 25, F1).
    return send_profile_pdf(response, language_arg(response.language),
                            back_url=url_for("workshops.show", workshop_id=workshop.id), audience=COACH)


@bp.get("/workshops/<int:workshop_id>/responses/<int:response_id>/coach.pdf")
@login_required
def coach_edition(workshop_id: int, response_id: int):
    """The coach's edition of one profile: only of a profile shared with this coach
    (shared_responses is empty for an anonymous workshop). It is the coach's document, so it is
    in the workshop's language, as in the workshop's ZIP, whatever language the person answered in."""
    workshop = owned_workshop(workshop_id)
    response = next((r for r in shared_responses(workshop) if r.id == response_id), None)
    if response is None:
        abort(404)
    language_for_file_only()
    language = language_arg(workshop.language)
    return pdf_download(coach_edition_pdf(workshop, response, language), coach_edition_filename(response, language))


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


def job_of(workshop: Workshop, job_id: int) -> ReportJob:
    job = report_queue.job_of_workshop(workshop, job_id)
    if job is None:
        abort(404)
    return job


@bp.get("/workshops/<int:workshop_id>/scores.csv")
@login_required
def scores_csv(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = language_arg(workshop.language)
    instrument = instrument_bank().current
    if workshop.named:
        data = workshop_csv(instrument, rows=_sheet_rows(workshop, language), team=None)
    else:
        data = workshop_csv(instrument, rows=None, team=team_of(workshop, language)[0])
    name = file_name(language, "scores", workshop.title, workshop.held_on.isoformat(), ext="csv")
    return attachment(data, name, CSV)


def _sheet_rows(workshop: Workshop, language: str) -> list[SheetRow]:
    return [
        SheetRow(response.respondent_name, response.completed_at, response.language, response.source,
                 profile_of(response, language), answers_of(response))
        for response in shared_responses(workshop)
    ]


@bp.get("/workshops/<int:workshop_id>/scores.xlsx")
@login_required
def scores_xlsx(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = language_arg(workshop.language)
    instrument = instrument_bank().current
    if workshop.named:
        data = workshop_xlsx(instrument, language, title=workshop.title, rows=_sheet_rows(workshop, language), team=None,
                             time_zone=current_app.config["FOLLOW_UP_TIMEZONE"])
    else:
        data = workshop_xlsx(instrument, language, title=workshop.title, rows=None, team=team_of(workshop, language)[0])
    name = file_name(language, "scores", workshop.title, workshop.held_on.isoformat(), ext="xlsx")
    return attachment(data, name, XLSX)


