"""`flask --app app report`: PDF profile reports from answers files. Bad input exits with
status 2 and one line naming the problem; nothing is written then."""

from __future__ import annotations

import multiprocessing.util
import os
import secrets
import shutil
import stat
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from assessment import score_answers
from cli.errors import fail
from cli.responses import checked_language, read_answers
from reports.chart_error import ChartExportError
from reports.chart_export import batch_chart_exporter
from reports.report_model import ProfileReport
from services.instruments import instrument_bank


@click.command("report")
@click.argument("answers_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", required=True, type=click.Path(), help="PDF file (one input) or folder (several).")
@click.option("--lang", help="Report language, one of the item bank's (default: each file's own).")
@click.option("--processes", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Processes laying out pages when there are several answers files.")
@with_appcontext
def report_command(answers_files: tuple[str, ...], output: str, lang: str | None, processes: int):
    """Render PDF profile reports from answers files."""
    instrument = instrument_bank().current
    checked_language(instrument, lang, "--lang")
    # Read and check every input before writing anything.
    answer_sets = [(path, read_answers(path)) for path in answers_files]
    out = Path(output)
    try:
        out.exists()  # a name the system refuses (too long, a file where a folder should be) stops here
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    # One answers file and -o a file: that file. Several, or -o ending in "/": a folder (a link
    # to a folder is a folder), with one PDF per answers file in it.
    if len(answer_sets) == 1 and not output.endswith(os.sep):
        if out.is_dir():
            fail(f"{output} is a folder; with one answers file, -o names the PDF file")
        targets = [out]
    else:
        if out.exists() and not out.is_dir():
            fail(f"{output} is a file; with several answers files, -o names a folder")
        stems = [Path(p).stem for p, _ in answer_sets]
        if len(set(stems)) != len(stems):
            fail("two answers files have the same name; their PDFs would overwrite each other")
        targets = [out / f"{stem}.pdf" for stem in stems]

    jobs = []
    for (path, answer_set), target in zip(answer_sets, targets):
        if lang:
            answer_set = replace(answer_set, language=lang)
        profile = score_answers(instrument, answer_set)
        jobs.append((target, ProfileReport(profile, instrument, answer_set.answers, answer_set.respondent, date.today())))

    # The folder the PDFs go to, made if need be, must take a file: found out now, not after the
    # whole batch is laid out.
    _writable_folder(targets[0].parent, output)
    for target in targets:
        _check_target(target)
    # The batch's chart browser starts now, its inputs read and checked, while this process goes
    # on to import the layout (WeasyPrint, Pango: ~0.5 s); imported at the top, the layout held
    # up the browser's start (~1 s) by that much in every cold batch (bench/investigations/
    # footprint-start-and-pdf-cost.md, "Each PDF cheaper").
    batch_chart_exporter().start_soon()
    from reports.batch import close_layout_pools, render_profile_pdfs

    try:
        pdfs = render_profile_pdfs((report for _, report in jobs), processes=min(processes, len(jobs)))
        if len(jobs) == 1:
            _write_atomically(jobs[0][0], next(pdfs))
        else:
            with click.progressbar(length=len(jobs), label="Rendering reports", file=sys.stderr, show_pos=True) as bar:
                for (target, _), pdf in zip(jobs, pdfs):
                    _write_atomically(target, pdf)
                    bar.update(1)
    except ChartExportError as exc:
        fail(str(exc), status=1)
    except OSError as exc:  # a PDF that cannot be written; the ones written before it stay
        fail(f"cannot write {exc.filename}: {exc.strerror}", status=1)
    finally:
        # Every way out (done, an error, Ctrl-C) ends the layout processes and closes the chart
        # browser, which also removes the browser's profile folder: left to the interpreter's
        # teardown, the folder stayed in /tmp.
        close_layout_pools()
        batch_chart_exporter().close()
    click.echo(f"Wrote {len(jobs)} report{'s' if len(jobs) > 1 else ''} to {output}", err=True)
    _end_without_teardown()


def _end_without_teardown() -> None:
    """A `flask report` run as a program ends as soon as its PDFs are written and closed and it
    has said so. What would follow is the interpreter's teardown, which frees every object one
    by one (WeasyPrint's fonts and layouts, plotly's figure classes: ~0.4 s on this machine, 7 %
    of a cold batch of 20; bench/RESULTS.md) for a process that is about to end anyway. Its chart
    browser and layout processes are closed before this (report_command's `finally`;
    tests/test_cli.py checks that nothing is left behind). Inside another program (a test's
    CliRunner, which replaces standard output and error) it returns, as any command does."""
    if sys.stdout is not sys.__stdout__ or sys.stderr is not sys.__stderr__:
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None when the program was started with that stream closed
            stream.flush()
    # multiprocessing's own folder (pymp-*, where the layout processes' forkserver listens):
    # its exit handler removes it in a teardown, so without one it stayed in /tmp. Last, so
    # that a flush that fails leaves it to the teardown that follows.
    shutil.rmtree(multiprocessing.util.get_temp_dir(), ignore_errors=True)
    os._exit(0)


def _writable_folder(folder: Path, output: str) -> None:
    """Make `folder` if need be and see that a file can be made in it, or exit 2 with one line
    naming `output` and why not: a file where a folder should be, no permission, a read-only
    file system."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=".part")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        fail(f"cannot write {output}: {_why_not(folder, exc)}")


def _why_not(folder: Path, exc: OSError) -> str:
    """A file where a folder should be, named; else the system's reason."""
    in_the_way = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    return f"{in_the_way} is a file, not a folder" if in_the_way else exc.strerror


def _check_target(target: Path) -> None:
    """Exit 2 with one line unless `target` is a name the PDF can take: nothing there yet, or a
    regular file, which the PDF replaces. Never a symbolic link, which would be followed to
    wherever it leads (in a folder others can write in, a link planted under the PDF's name could
    make the report overwrite any file its user may write, /etc/passwd for root; the attack run),
    nor a device, pipe or socket (`-o /dev/null` as root replaced the device with a PDF)."""
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:  # a name too long for the file system, a file where a folder should be
        fail(f"cannot write {target}: {_why_not(target.parent, exc)}")
    if stat.S_ISDIR(mode):
        fail(f"{target} is a folder; name the PDF file")
    if stat.S_ISLNK(mode):
        fail(f"{target} is a symbolic link; name the file itself (a report neither follows nor replaces a link)")
    if not stat.S_ISREG(mode):
        fail(f"{target} exists and is not a regular file (a device, pipe or socket); name a file")


def _write_atomically(target: Path, data: bytes) -> None:
    """The whole PDF or nothing at `target`; an error names `target`, not the part file.

    The PDF is written to a part file beside `target` and renamed over it. A rename never follows
    a link: should one appear under the name after _check_target, the link is replaced, not the
    file it leads to. The part file's name is hidden and of a fixed length (`.report-` and 16
    random letters), not the PDF's name with a suffix, which a legal name of 242-255 bytes left
    too long for the file system; it is named before it is made, so that an interruption at any
    point leaves none behind."""
    part = target.parent / f".report-{secrets.token_hex(8)}.part"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
