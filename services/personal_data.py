"""Every place a person's data is stored, and the only ways it is deleted.

Places: database rows (a response, its answers and page timings, and any
table with a `response_id` that cascades from it); cached PDFs in the report
store; workshop ZIPs (and their ReportJob rows); report jobs in Redis. A
feature that stores personal data outside the database adds its place to
PLACES: how to forget it for deleted responses, and how to sweep what belongs
to no existing response.

Self-deletion (`delete_response`), workshop deletion (`delete_workshop`) and
retention (`purge`) commit the database deletion first and remove files and
Redis jobs afterwards; a render finishing meanwhile checks the database after
writing and takes its file back (see services/reporting/store.py), so nothing
outlives the deletion. ZIPs are kept ZIP_RETENTION_HOURS, and a ZIP that holds
a person who deletes their answers is withdrawn at once."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

from flask import current_app
from sqlalchemy import delete, select, update

from services.db import db
from services.followup import confirmations
from services.followup.retakes import retake_links_sent_before, takes_to_delete
from services.models import (
    LinkMail,
    Reminder,
    ReportJob,
    Response,
    RetakeLink,
    Workshop,
)
from services.password_resets import forget_expired_resets
from services.reporting import queue
from services.reporting.store import report_store, zip_expired

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Owner:
    response_id: int
    owner: str  # the response's token hash: the storage key, never reused
    workshop_id: int | None


@dataclass(frozen=True)
class Place:
    name: str
    forget: Callable[[list[Owner]], None]
    sweep: Callable[[set[str]], int] | None = None


def _forget_cached_pdfs(owners: list[Owner]) -> None:
    store = report_store()
    for o in owners:
        store.forget_owner(o.owner)


def _sweep_cached_pdfs(existing: set[str]) -> int:
    store = report_store()
    orphans = [name for name in store.owners() if name not in existing]
    for name in orphans:
        store.forget_owner(name)
    return len(orphans)


def _forget_redis_jobs(owners: list[Owner]) -> None:
    queue.forget_owners(o.owner for o in owners)


PLACES: list[Place] = [
    Place("cached PDFs", _forget_cached_pdfs, _sweep_cached_pdfs),
    Place("report jobs in Redis", _forget_redis_jobs, queue.sweep),
]


def _owners(responses: Iterable[Response]) -> list[Owner]:
    return [Owner(r.id, r.token_hash, r.workshop_id) for r in responses]


def _withdraw_zips(workshop_ids: set[int]) -> list[int]:
    """Mark the workshops' ZIP jobs expired (in the caller's transaction) so that
    none is served or finished any more; returns their ids for file removal."""
    if not workshop_ids:
        return []
    ids = list(db.session.scalars(select(ReportJob.id).where(ReportJob.workshop_id.in_(workshop_ids))))
    db.session.execute(update(ReportJob).where(ReportJob.id.in_(ids), ReportJob.status != "failed")
                       .values(status="expired", path=None))
    return ids


def _forget_outside_database(owners: list[Owner], zip_job_ids: Iterable[int]) -> None:
    store = report_store()
    zip_job_ids = list(zip_job_ids)
    for job_id in zip_job_ids:
        store.forget_zip(job_id)
    queue.forget_zip_jobs(zip_job_ids)
    for place in PLACES:
        try:
            place.forget(owners)
        except Exception:  # one place failing must not keep the others
            log.exception("could not delete personal data from %s; `flask purge` retries", place.name)


def delete_responses(responses: list[Response]) -> int:
    """Delete these responses everywhere. Commits."""
    owners = _owners(responses)
    # A ZIP holds only profiles shared with the coach.
    zip_ids = _withdraw_zips({r.workshop_id for r in responses if r.workshop_id is not None and r.share_with_coach})
    ids = [o.response_id for o in owners]
    if ids:
        # Answers, page timings and every other table with a response_id go by ON DELETE CASCADE.
        db.session.execute(delete(Response).where(Response.id.in_(ids)))
    db.session.commit()
    db.session.expire_all()
    _forget_outside_database(owners, zip_ids)
    return len(owners)


def delete_response(response: Response) -> int:
    """A person's own "delete my answers": every take of their chain (takes_to_delete), with
    its plans, reminders, retake links and links between takes. Commits; returns how many takes."""
    takes, _ = takes_to_delete(response)
    return delete_responses(takes)


def delete_workshop(workshop: Workshop) -> None:
    """A coach deleting a workshop: it, its responses and its ZIPs. Commits."""
    owners = _owners(workshop.responses)
    zip_ids = list(db.session.scalars(select(ReportJob.id).where(ReportJob.workshop_id == workshop.id)))
    db.session.execute(delete(Workshop).where(Workshop.id == workshop.id))  # cascades to responses and jobs
    db.session.commit()
    db.session.expire_all()
    _forget_outside_database(owners, zip_ids)


# --- retention ---------------------------------------------------------------


@dataclass
class PurgeResult:
    responses: int = 0
    zips: int = 0
    retake_links: int = 0
    unconfirmed_addresses: int = 0
    unconfirmed_link_addresses: int = 0
    orphans: dict[str, int] = field(default_factory=dict)


def purge(now: datetime | None = None) -> PurgeResult:
    """Retention, run daily from cron: responses unchanged for RETENTION_DAYS,
    ZIPs older than ZIP_RETENTION_HOURS, retake links older than RETAKE_LINK_DAYS,
    reminder and "e-mail me my link" addresses unconfirmed after CONFIRM_DAYS, coaches'
    password-reset links past their 60 minutes, and anything stored for a response or ZIP
    that no longer exists."""
    now = now or datetime.now(timezone.utc)
    result = PurgeResult()
    cutoff = now - timedelta(days=current_app.config["RETENTION_DAYS"])
    expired = db.session.scalars(select(Response).where(Response.updated_at < cutoff)).all()
    result.responses = delete_responses(list(expired))
    result.retake_links = db.session.execute(
        delete(RetakeLink).where(RetakeLink.created_at < retake_links_sent_before(now))).rowcount
    # Double opt-in: an address nobody confirmed within CONFIRM_DAYS goes.
    result.unconfirmed_addresses = db.session.execute(
        delete(Reminder).where(Reminder.confirmed_at.is_(None), Reminder.given_at < confirmations.given_before(now))).rowcount
    forget_expired_resets(now)  # a coach's reset links that no longer work (only hashes)
    # "E-mail me my link": the same rule (a confirmed one was deleted when the link went out).
    result.unconfirmed_link_addresses = db.session.execute(
        delete(LinkMail).where(LinkMail.given_at < confirmations.given_before(now))).rowcount
    db.session.commit()

    old = [job for job in db.session.scalars(select(ReportJob).where(ReportJob.status == "done"))
           if zip_expired(job, now)]
    for job in old:
        job.status, job.path = "expired", None
    db.session.commit()
    store = report_store()
    for job in old:
        store.forget_zip(job.id)
    queue.forget_zip_jobs(job.id for job in old)
    result.zips = len(old)

    kept_zips = set(db.session.scalars(select(ReportJob.id).where(ReportJob.status.in_(("queued", "running", "done")))))
    for job_id, path in store.zip_files():
        being_written = path.name.startswith(".") and datetime.fromtimestamp(path.stat().st_mtime, timezone.utc) > now - timedelta(hours=1)
        if job_id not in kept_zips and not being_written:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            result.zips += 1

    existing = set(db.session.scalars(select(Response.token_hash)))
    for place in PLACES:
        if place.sweep is not None:
            try:
                result.orphans[place.name] = place.sweep(existing)
            except Exception as exc:  # e.g. Redis down: report it, sweep the rest
                log.warning("could not sweep %s: %s", place.name, exc)
    return result
