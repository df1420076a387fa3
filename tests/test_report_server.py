"""The host's report server (reports/report_client.py, reports/report_server.py): one
process and one Chromium making profile PDFs for every web worker (issue 29)."""

import os
import socket
from datetime import date

import pytest

from assessment.team import release_of, summarise_team
from reports.chart_error import ChartExportError
from reports.pdf import render_document_pdf, render_profile_pdf_in_process
from reports.report_client import (
    ReportServerClient,
    ReportServerError,
    usable_socket_path,
)
from reports.report_model import blank_questionnaire_document, team_document
from reports.report_server import _passed_on

from .support.processes import command_of, descendants_of
from .support.reports import pdf_text, report_for


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    client = ReportServerClient(str(tmp_path_factory.mktemp("rs") / "socket"), ("sv", "en"))
    client.start()
    return client


def test_the_report_server_makes_the_pdf_this_process_makes(server, v1_instrument):
    report = report_for(v1_instrument, "sv")
    there, here = pdf_text(server.call("profile_pdf", report)), pdf_text(render_profile_pdf_in_process(report))
    assert len(there[0].pages) == len(here[0].pages) == 6
    assert there[1] == here[1]  # the same text read back, page by page (the name's <script> escaped alike)


def test_a_second_client_finds_the_running_server_and_starts_none(server, v1_instrument):
    before = [pid for pid in descendants_of(os.getpid()) if "reports.report_server" in command_of(pid)]
    again = ReportServerClient(server.socket_path, ("sv", "en"))
    assert again.call("profile_pdf", report_for(v1_instrument, "en"))[:5] == b"%PDF-"
    after = [pid for pid in descendants_of(os.getpid()) if "reports.report_server" in command_of(pid)]
    assert len(after) == len(before) >= 1


def test_it_runs_only_the_requests_it_knows(server):
    with pytest.raises(ReportServerError, match="unknown request 'os.system'"):
        server.call("os.system", "true")


def test_its_socket_is_for_this_user_only(server):
    folder = os.path.dirname(server.socket_path)
    assert os.stat(folder).st_mode & 0o777 == 0o700
    assert os.stat(server.socket_path).st_mode & 0o077 == 0
    with socket.socket(socket.AF_UNIX) as probe:  # and it answers there
        probe.connect(server.socket_path)


def test_a_socket_path_too_long_for_unix_sockets_is_moved_to_the_temporary_folder(tmp_path):
    long = str(tmp_path / ("x" * 120) / "socket")
    moved = usable_socket_path(long)
    assert len(os.fsencode(moved)) <= 100 and moved == usable_socket_path(long)
    assert usable_socket_path("/tmp/short/socket") == "/tmp/short/socket"


def test_it_makes_every_other_report_as_this_process_makes_it(server, v1_instrument):
    # The team report (charts), the blank questionnaire (none): described by the web process
    # (reports/report_model.py), made there by the document_pdf request.
    profiles = [report_for(v1_instrument, "sv", name=f"P{n}").profile for n in range(4)]
    team = summarise_team(v1_instrument, release_of(v1_instrument, profiles, anonymous=False), language="sv",
                          joined=4, completed=4, anonymous=False)
    for document in (team_document(team, v1_instrument, "sv", title="Åsa & Co", held_on=date(2026, 11, 27), grid=None),
                     blank_questionnaire_document(v1_instrument, "en")):
        there, here = pdf_text(server.call("document_pdf", document)), pdf_text(render_document_pdf(document))
        assert len(there[0].pages) == len(here[0].pages) and there[1] == here[1]
    assert list(team_document(team, v1_instrument, "sv", title="x", held_on=date(2026, 11, 27), grid=None).charts) == ["chart:distribution"]


def test_an_error_there_reaches_the_asking_process_without_its_library():
    # Unpickling a WeasyPrint or kaleido error would import that library into the web worker.
    class LibraryError(Exception):
        pass

    chart = ChartExportError("no Chromium")
    assert _passed_on(chart) is chart and ChartExportError.__module__ == "reports.chart_error"
    assert isinstance(_passed_on(ValueError("bad")), ValueError)
    passed = _passed_on(LibraryError("broken font"))
    assert type(passed) is ReportServerError and "LibraryError: broken font" in str(passed)
