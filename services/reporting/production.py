"""Making reports from stored responses: one person's PDF (cached in the
store), a workshop's ZIP of shared profiles (a ReportJob), and every other PDF a
coach downloads (the team report, the blank questionnaire, the coach's edition, the
technical note). Runs in a web thread, an in-process job thread or a report worker
alike; it never asks where it runs: each PDF goes to pdf_maker(), the host's report
server (reports/report_client.py) unless the app was given another (a report worker
makes its own: worker.py), so a web worker never imports WeasyPrint or kaleido."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol, Sequence

from flask import current_app
from sqlalchemy import select, update

from assessment import Instrument
from assessment.coach_guide import coach_guide
from reports.content_key import content_key
from reports.report_client import ReportServerClient
from reports.report_model import (
    REPORT_VERSION,
    ProfileReport,
    ReportDocument,
    blank_questionnaire_document,
    coach_edition_document,
    team_document,
    technical_note_document,
)
from services.db import db
from services.filenames import file_name, numbered
from services.followup.context import COACH, PERSON, report_followup
from services.followup.teams import before_after
from services.instruments import instrument_bank
from services.models import ReportJob, Response, Workshop
from services.reporting.store import report_store
from services.research import norm_positions, norms_summary
from services.responses import answers_of, instrument_of, profile_of
from services.workshops import shared_responses, team_of

# The app extension that names another maker of PDFs than the host's report server.
PDF_MAKER = "pdf_maker"


class PdfMaker(Protocol):
    """What makes the PDFs: reports.report_client.ReportServerClient (the host's report server,
    for web workers) or reports.batch.InProcessPdfs (this process: a report worker's, worker.py)."""

    def profile_pdf(self, report: ProfileReport) -> bytes: ...

    def profile_pdfs(self, reports: Iterable[ProfileReport]) -> Iterator[bytes]: ...

    def document_pdf(self, document: ReportDocument) -> bytes: ...


def report_server() -> ReportServerClient:
    """The host's report server (one chart browser for every web worker), started on first use."""
    return ReportServerClient(current_app.config["REPORT_SERVER_SOCKET"],
                              current_app.extensions["instrument_bank"].current.languages,
                              current_app.config["CHART_TIMEOUT"])


def pdf_maker() -> PdfMaker:
    """This app's maker of PDFs: the one it was given (app.extensions[PDF_MAKER]), else the
    host's report server. A ChartExportError from either becomes the 503 page (web/errors.py);
    a report server that cannot be reached twice, the "temporarily unavailable" page."""
    return current_app.extensions.get(PDF_MAKER) or report_server()


def render_profile_pdf(report: ProfileReport) -> bytes:
    """One profile PDF, uncached (render_profile caches it; the deletion tests hold a render here)."""
    return pdf_maker().profile_pdf(report)


def taken_on(response: Response) -> date:
    return (response.completed_at or response.updated_at or response.created_at).date()


def profile_report(response: Response, language: str, audience: str = PERSON) -> ProfileReport:
    """`audience`: PERSON (their own PDF: every take of theirs, their plans) or COACH (a shared
    profile: its answers and scores, and at most the linked pair of shared takes)."""
    answers = answers_of(response)
    profile = profile_of(response, language, answers)
    return ProfileReport(
        profile=profile,
        instrument=instrument_of(response),
        answers=answers,
        name=response.respondent_name,
        taken_on=taken_on(response),
        **report_followup(response, language, audience),
        norms=norm_positions(response, profile),
        measurement_url=measurement_url(),
    )


def measurement_url() -> str | None:
    base = current_app.config.get("PUBLIC_URL")
    return f"{base.rstrip('/')}/about/measurement" if base else None


def cache_key(response: Response, report: ProfileReport, language: str, audience: str = PERSON) -> tuple:
    # Derived from everything the report holds (reports/content_key.py), so a changed name,
    # answer, plan, norm or any field added to ProfileReport later renders anew.
    return (audience, language, REPORT_VERSION, content_key(report))


def still_stored(owner: str) -> bool:
    """Whether the response with this storage key exists now, read on a fresh
    connection so that a deletion committed a moment ago is seen."""
    with db.engine.connect() as connection:
        return connection.execute(select(Response.id).where(Response.token_hash == owner)).first() is not None


def cached_profile_pdf(response: Response, language: str, audience: str = PERSON) -> tuple[bytes | None, tuple]:
    key = cache_key(response, profile_report(response, language, audience), language, audience)
    return report_store().cached_pdf(response.token_hash, key), key


def render_profile(response: Response, language: str, audience: str = PERSON) -> bytes:
    """Render one PDF now and cache it, unless the response is deleted before
    the render ends (then the bytes go only to whoever is waiting for them)."""
    report = profile_report(response, language, audience)
    key = cache_key(response, report, language, audience)
    store = report_store()
    cached = store.cached_pdf(response.token_hash, key)
    if cached is not None:
        return cached
    # A report worker (`make worker`) is a low-priority PDF process of its own and keeps its own
    # browser, so that several of them render side by side; web processes share the host's server.
    pdf = render_profile_pdf(report)  # ChartExportError becomes a 503 page (errors.py)
    owner = response.token_hash
    store.put_pdf(owner, key, pdf, lambda: still_stored(owner))
    return pdf


def profile_pdfs(responses: Sequence[Response], language: str, audience: str = PERSON) -> Iterator[bytes]:
    """The PDFs of many responses, in order: cached ones as they are, the rest
    rendered as one batch (see reports/batch.py) and cached."""
    store = report_store()
    entries = []
    for response in responses:
        report = profile_report(response, language, audience)
        key = cache_key(response, report, language, audience)
        entries.append((response, report, key, store.cached_pdf(response.token_hash, key)))
    rendered = pdf_maker().profile_pdfs(report for _, report, _, cached in entries if cached is None)
    for response, _, key, cached in entries:
        if cached is None:
            cached = next(rendered)
            owner = response.token_hash
            store.put_pdf(owner, key, cached, lambda owner=owner: still_stored(owner))
        yield cached


def profile_filename(response: Response, language: str) -> str:
    return file_name(language, "profile", response.respondent_name or "", taken_on(response).isoformat(), ext="pdf")


def coach_edition_filename(response: Response, language: str) -> str:
    return file_name(language, "coach edition", response.respondent_name or "", taken_on(response).isoformat(), ext="pdf")


def coach_edition_pdf(workshop: Workshop, response: Response, language: str, team=None) -> bytes:
    """The coach's edition of `response`, which the caller has taken from
    shared_responses(workshop): a profile shared with this coach, so never one of an
    anonymous workshop. `team` (team_of's summary) saves recomputing it per person."""
    if response.workshop_id != workshop.id or not (workshop.named and response.share_with_coach and response.completed_at):
        raise PermissionError("a coach's edition is made only of a profile shared with the coach")
    profile = profile_of(response, language)
    team = team or team_of(workshop, language)[0]
    guide = coach_guide(profile, team.scales, team.included)
    return pdf_maker().document_pdf(coach_edition_document(
        profile, instrument_of(response), guide, name=response.respondent_name,
        title=workshop.title, taken_on=taken_on(response), team_size=team.included))


def team_report_pdf(workshop: Workshop, language: str) -> bytes:
    """The team report: the team's figures, in a named workshop the grid of shared profiles,
    and in a follow-up session the comparison with the session before."""
    summary, grid = team_of(workshop, language)
    return pdf_maker().document_pdf(team_document(
        summary, instrument_bank().current, language, title=workshop.title, held_on=workshop.held_on,
        grid=grid if workshop.named else None, before_after=before_after(workshop, language, after=summary)))


def blank_questionnaire_pdf(language: str) -> bytes:
    """The current questionnaire to print and fill in by hand (paper mode)."""
    return pdf_maker().document_pdf(blank_questionnaire_document(instrument_bank().current, language))


def technical_note_pdf(analysis: Mapping[str, Any], instrument: Instrument, language: str) -> bytes:
    """The measurement page for coaches as a PDF: the cached item analysis (the caller's, from
    services.research.latest_item_analysis) and the norms."""
    return pdf_maker().document_pdf(technical_note_document(
        analysis, instrument, language, norms=norms_summary(instrument)))


def _beat(job_id: int, **values) -> bool:
    """Record progress (the heartbeat that tells a live job from a lost one);
    False when the job was deleted or given up meanwhile."""
    result = db.session.execute(
        update(ReportJob).where(ReportJob.id == job_id, ReportJob.status.in_(("queued", "running")))
        .values(updated_at=datetime.now(timezone.utc), **values)
    )
    db.session.commit()
    return result.rowcount == 1


def run_zip_job(job_id: int, on_beat: Callable[[], None] | None = None) -> None:
    """Make a workshop's ZIP. The ZIP is kept only if, when it is finished, its
    job is still wanted: a participant deleting their answers or the coach
    deleting the workshop meanwhile marks the job expired (or deletes it), and
    the finished file is then thrown away."""
    job = db.session.get(ReportJob, job_id)
    if job is None or job.status not in ("queued", "running"):
        return
    language = job.kind.split(":", 1)[1]
    store = report_store()
    try:
        workshop = db.session.get(Workshop, job.workshop_id)
        responses = shared_responses(workshop)
        if not _beat(job_id, status="running", total=len(responses)):
            return
        buffer = io.BytesIO()
        names: set[str] = set()
        team = team_of(workshop, language)[0] if responses else None
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, (response, pdf) in enumerate(zip(responses, profile_pdfs(responses, language, COACH)), 1):
                name = numbered(profile_filename(response, language), names)
                names.add(name)
                archive.writestr(name, pdf)
                # Beside each profile, the coach's edition of it.
                coach_name = numbered(coach_edition_filename(response, language), names)
                names.add(coach_name)
                archive.writestr(coach_name, coach_edition_pdf(workshop, response, language, team))
                if not _beat(job_id, done=done):  # short transactions: progress is visible at once
                    return
                if on_beat:
                    on_beat()
        path = store.put_zip(job_id, buffer.getvalue())
        if not _beat(job_id, status="done", path=str(path)):
            store.forget_zip(job_id)
    except Exception as exc:  # the coach sees the failure instead of a bar that never moves
        db.session.rollback()
        store.forget_zip(job_id)
        _beat(job_id, status="failed", error=str(exc)[:500])
        current_app.logger.exception("report job %s failed", job_id)
