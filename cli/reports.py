"""`flask --app app report`: PDF profile reports from answers files. Bad input exits with
status 2 and one line naming the problem; nothing is written then."""

from __future__ import annotations

import multiprocessing.util
import os
import shutil
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
    if out.is_symlink() and not out.exists():  # written through, a link must lead somewhere
        fail(f"{output} is a symbolic link to {os.readlink(out)}, which does not exist")
    if len(answer_sets) == 1:
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
    _writable_folder(out if len(targets) > 1 else Path(os.path.realpath(out)).parent, output)
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
        in_the_way = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        fail(f"cannot write {output}: " + (f"{in_the_way} is a file, not a folder" if in_the_way else exc.strerror))


def _write_atomically(target: Path, data: bytes) -> None:
    """The whole PDF or nothing at `target`; an error names `target`, not the part file.

    The PDF is written to a part file beside the file it goes to and renamed over it. A
    symbolic link is written through: the file it leads to gets the PDF, the link stays (the
    rename replaced the link with a file). The part file's name is hidden and of a fixed length
    (`.report-` and eight random letters), not the PDF's name with a suffix, which a legal name
    of 242-255 bytes left too long for the file system."""
    tmp = None
    try:
        # strict: a link to nothing (or a loop of links) is an error naming the link
        real = Path(os.path.realpath(target, strict=True)) if target.is_symlink() else target
        real.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=".report-", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, real)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
