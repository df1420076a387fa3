"""Report files on disk: cached personal PDFs and finished ZIPs.

Every file is created readable by its owner only. A cached PDF lives under its
response's storage key (the response's token hash, never reused, unlike an id
on SQLite). A write that may race a deletion goes write-then-check: the file is
put in place, then `still_wanted()` is asked with a fresh look at the database,
and the file is taken away again if the answer is no. The deleting side commits
first and removes the files afterwards, so either the writer sees the deletion
or the deleter sees the file."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from flask import current_app

FILE_MODE = 0o600
DIR_MODE = 0o700


def _mkdir(path: Path) -> None:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def write_private(path: Path, data: bytes) -> None:
    """Write then rename, so that a reader never sees half a file; mode 0600."""
    _mkdir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ReportStore:
    def __init__(self, cache_dir: str | Path, zips_dir: str | Path):
        self.cache_dir = Path(cache_dir)
        self.zips_dir = Path(zips_dir)

    # --- cached personal PDFs --------------------------------------------

    def _pdf_path(self, owner: str, key: Iterable[object]) -> Path:
        digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).hexdigest()[:32]
        return self.cache_dir / owner / f"{digest}.pdf"

    def cached_pdf(self, owner: str, key: Iterable[object]) -> bytes | None:
        try:
            return self._pdf_path(owner, key).read_bytes()
        except FileNotFoundError:
            return None

    def holds_pdfs_of(self, owner: str) -> bool:
        """Whether any PDF of this owner is cached (for any language or version)."""
        return any((self.cache_dir / owner).glob("*.pdf"))

    def put_pdf(self, owner: str, key: Iterable[object], data: bytes, still_wanted: Callable[[], bool]) -> bool:
        """Cache a PDF unless its response was deleted meanwhile; True if kept."""
        path = self._pdf_path(owner, key)
        try:
            write_private(path, data)
        except FileNotFoundError:  # the owner's folder was removed under us: a deletion
            return False
        if still_wanted():
            return True
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()
        except OSError:
            pass
        return False

    def forget_owner(self, owner: str) -> None:
        shutil.rmtree(self.cache_dir / owner, ignore_errors=True)

    def owners(self) -> list[str]:
        try:
            return [p.name for p in self.cache_dir.iterdir() if p.is_dir()]
        except FileNotFoundError:
            return []

    # --- ZIPs ---------------------------------------------------------------

    def zip_path(self, job_id: int) -> Path:
        return self.zips_dir / f"job-{job_id}.zip"

    def put_zip(self, job_id: int, data: bytes) -> Path:
        path = self.zip_path(job_id)
        write_private(path, data)
        return path

    def zip_bytes(self, job_id: int) -> bytes | None:
        try:
            return self.zip_path(job_id).read_bytes()
        except FileNotFoundError:
            return None

    def forget_zip(self, job_id: int) -> None:
        self.zip_path(job_id).unlink(missing_ok=True)

    def zip_files(self) -> Iterator[tuple[int | None, Path]]:
        """Every file in the ZIP folder, with its job id where the name has one."""
        try:
            paths = list(self.zips_dir.iterdir())
        except FileNotFoundError:
            return
        for path in paths:
            stem = path.name.removeprefix("job-").removesuffix(".zip")
            yield (int(stem) if path.name.startswith("job-") and path.name.endswith(".zip") and stem.isdigit() else None), path


def report_store() -> ReportStore:
    return ReportStore(current_app.config["REPORT_CACHE_DIR"], current_app.config["JOBS_DIR"])


def zip_expired(job, now: datetime | None = None) -> bool:
    """A finished ZIP (a ReportJob) is kept ZIP_RETENTION_HOURS after it was made."""
    made = job.updated_at or job.created_at
    limit = timedelta(hours=current_app.config["ZIP_RETENTION_HOURS"])
    return made < (now or datetime.now(timezone.utc)) - limit
