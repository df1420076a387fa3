"""The command line: instrument export, scoring and reports from answers files."""

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from flask.cli import ScriptInfo
from pypdf import PdfReader

import cli.reports as reports_command
from app import create_app
from assessment import MAX_RESPONDENT_NAME
from cli import COMMANDS, DeferredCommand
from web.coach.workshops.forms import PaperEntryForm
from web.join.forms import ParticipantForm
from web.questionnaire.forms import StartForm

from .support.answers import copy_bank, edit_yaml, varied_answers


def write_answers(tmp_path, name="answers.json", **data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_instrument_export(runner, instrument):
    result = runner.invoke(args=["instrument"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["id"] == "tripwire" and data["version"] == "3" and data["languages"] == ["sv", "en"]
    assert data["not_applicable"] == {"value": "na", "label": {"sv": "Inte aktuellt för mig", "en": "Does not apply to me"}}
    assert [o["value"] for o in data["response_options"]] == [1, 2, 3, 4, 5]
    assert {s["id"] for s in data["scales"]} == {s.id for s in instrument.scales}
    first = data["scales"][0]["items"][0]
    assert set(first) == {"id", "text", "reverse", "not_applicable"} and first["text"]["sv"] and first["text"]["en"]
    # "does not apply" per item, from the item bank: everyday faults always apply
    offered = {i["id"]: i["not_applicable"] for s in data["scales"] for i in s["items"]}
    assert offered["pc1"] is True and offered["im1"] is False
    assert sorted(k for k, v in offered.items() if not v) == [f"im{k}" for k in range(1, 9)]


def test_score_prints_the_profile(runner, instrument, tmp_path):
    # every behaviour "Almost always", every everyday fault "Never" (the flawless answer)
    answers = {i.id: 1 if i.scale_id == "impression_management" else 5 for i in instrument.items}
    path = write_answers(tmp_path, language="sv", respondent="Åsa", answers=answers, seconds_per_item=1.0)
    result = runner.invoke(args=["score", path])
    assert result.exit_code == 0, result.output
    profile = json.loads(result.output)
    assert profile["scales"]["weak_close"]["score"] == 100
    assert profile["scales"]["impression_management"]["score"] == 100
    assert profile["scales"]["weak_close"]["band"] == "high"
    assert profile["scales"]["weak_close"]["name"] == "Svaga avslut"
    assert {f["id"] for f in profile["flags"]} >= {"too_fast", "impression_management_high"}


def test_score_with_too_many_missing_gives_null(runner, instrument, tmp_path):
    answers = varied_answers(instrument)
    del answers["pc1"], answers["pc2"], answers["pc3"]  # 5 of 8: two thirds of 8 is 5.33
    result = runner.invoke(args=["score", write_answers(tmp_path, language="en", answers=answers)])
    scale = json.loads(result.output)["scales"]["postponing_contact"]
    assert scale["score"] is None and scale["band"] is None and scale["answered"] == 5 and scale["of"] == 8
    assert scale["reason"] == "too_many_missing"
    assert scale["interval"] is None and scale["exact"] is None and scale["near_cut"] is False


@pytest.mark.parametrize(
    "content, message",
    [
        ("{oops", "not valid JSON"),
        ('{"language": "fi", "answers": {}}', "unknown language 'fi'"),
        ('{"language": "sv", "answers": {"xx9": 3}}', "unknown item id 'xx9'"),
        ('{"language": "sv", "answers": {"pc1": 9}}', "answer 9 is outside 1–5"),
        ('{"language": "sv", "answers": {"pc1": 2.0}}', "is not an integer"),
        ('{"language": "sv", "answers": {"pc1": "na", "im2": "na"}}',
         "item 'im2': \"na\" (does not apply) is not offered for the items of scale 'impression_management'"),
    ],
)
def test_score_bad_input_exits_2_with_one_line(runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["score", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0] and "bad.json" in lines[0]


def test_score_missing_file(runner, tmp_path):
    result = runner.invoke(args=["score", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_report_one_file(runner, instrument, tmp_path):
    path = write_answers(tmp_path, language="sv", respondent="Åsa Öström", answers=varied_answers(instrument))
    out = tmp_path / "out.pdf"
    result = runner.invoke(args=["report", path, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Åsa Öström" in text and "Svaga avslut" in text


def test_report_several_files_into_a_folder_with_language_override(runner, instrument, tmp_path):
    paths = [write_answers(tmp_path, f"p{n}.json", language="sv", respondent=f"Person {n}",
                           answers=varied_answers(instrument, n)) for n in range(3)]
    out = tmp_path / "reports"
    result = runner.invoke(args=["report", *paths, "-o", str(out), "--lang", "en", "--processes", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["p0.pdf", "p1.pdf", "p2.pdf"]
    for n in range(3):  # each PDF is its own person's, whatever process laid it out
        text = "".join(page.extract_text() for page in PdfReader(out / f"p{n}.pdf").pages)
        assert f"Person {n}" in text and "Weak closes" in text


def test_report_bad_input_writes_nothing(runner, instrument, tmp_path):
    good = write_answers(tmp_path, "good.json", language="sv", answers=varied_answers(instrument))
    bad = tmp_path / "bad.json"
    bad.write_text('{"language": "sv", "answers": {"pc1": 0}}', encoding="utf-8")
    out = tmp_path / "reports"
    result = runner.invoke(args=["report", good, str(bad), "-o", str(out)])
    assert result.exit_code == 2 and "bad.json" in result.output
    assert not out.exists()
    single = tmp_path / "single.pdf"
    result = runner.invoke(args=["report", str(bad), "-o", str(single)])
    assert result.exit_code == 2 and not single.exists()
    assert list(tmp_path.glob("**/*.part")) == []


def test_create_coach_with_password_on_stdin(runner):
    result = runner.invoke(args=["create-coach", "Coach@Example.com", "--password-stdin"], input="a-long-password\n")
    assert result.exit_code == 0 and "coach@example.com" in result.output
    again = runner.invoke(args=["create-coach", "coach@example.com", "--password-stdin"], input="another-password\n")
    assert again.exit_code == 2 and "exists already" in again.output
    short = runner.invoke(args=["create-coach", "b@example.com", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "at least 12" in short.output


def test_broken_item_bank_stops_start_up_with_one_clear_line(tmp_path):

    folder = copy_bank(tmp_path)
    edit_yaml(folder / "items.yaml", lambda d: d["items"][0]["text"].pop("en"))
    with pytest.raises(SystemExit) as caught:
        create_app({"SECRET_KEY": "x", "QUESTIONS_DIR": str(folder.parent), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    message = str(caught.value.code)
    assert message.startswith("Cannot start: the item bank is broken:")
    assert "items.yaml: item 'pc1': 'text' has no text in 'en'" in message


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)  # as under gunicorn
    with pytest.raises(SystemExit, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_command_line_tools_work_without_a_secret_key(instrument, tmp_path):
    # As the README shows them, on a machine where nothing is configured.
    answers = write_answers(tmp_path, language="sv", respondent="Åsa", answers=varied_answers(instrument))
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG", "DATABASE_URL")}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    root = Path(__file__).resolve().parent.parent
    scored = subprocess.run([*flask, "score", answers], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["scales"]["weak_close"]["band"] in ("low", "moderate", "high")
    pdf = tmp_path / "a.pdf"
    reported = subprocess.run([*flask, "report", answers, "-o", str(pdf)], cwd=root, env=env, capture_output=True,
                              text=True, timeout=120)
    assert reported.returncode == 0, reported.stderr
    assert "Åsa" in PdfReader(pdf).pages[0].extract_text()


def _processes_of_session(session: int) -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(f"{pid} {name}")
    return found


def test_a_report_run_as_a_program_ends_at_once_and_leaves_nothing_behind(instrument, tmp_path):
    # cli/reports.py ends the process without the interpreter's teardown: its PDFs whole, its
    # message out, its chart browser's profile folder removed, and no browser or layout process left.
    paths = [write_answers(tmp_path, f"p{n}.json", language="sv", respondent=f"Person {n}",
                           answers=varied_answers(instrument, n)) for n in range(3)]
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "DATABASE_URL")}
    env.update(TMPDIR=str(temp), SECRET_KEY="x")
    root = Path(__file__).resolve().parent.parent
    command = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "report", *paths, "-o",
                                str(tmp_path / "out"), "--processes", "2"], cwd=root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _, err = command.communicate(timeout=120)
    assert command.returncode == 0, err
    assert err.strip().endswith(f"Wrote 3 reports to {tmp_path / 'out'}")
    for n in range(3):
        assert f"Person {n}" in PdfReader(tmp_path / "out" / f"p{n}.pdf").pages[0].extract_text()
    left = _processes_of_session(command.pid)
    for _ in range(50):  # layout processes end when they read the closed pipe
        if not left:
            break
        time.sleep(0.1)
        left = _processes_of_session(command.pid)
    assert left == []
    assert list(temp.iterdir()) == []  # neither the browser's profile nor multiprocessing's pymp-* folder


def test_a_report_that_cannot_write_a_pdf_names_it_keeps_the_others_and_leaves_nothing_behind(instrument, tmp_path):
    paths = [write_answers(tmp_path, f"p{n}.json", language="sv", respondent=f"Person {n}",
                           answers=varied_answers(instrument, n)) for n in range(3)]
    out = tmp_path / "out"
    (out / "p1.pdf" / "in the way").mkdir(parents=True)  # a folder where p1's PDF should go
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "DATABASE_URL")}
    env.update(TMPDIR=str(temp), SECRET_KEY="x")
    command = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "report", *paths, "-o", str(out),
                                "--processes", "2"], cwd=Path(__file__).resolve().parent.parent, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _, err = command.communicate(timeout=120)
    # Found before any layout now (the second attack run): one line, status 2, nothing written.
    assert command.returncode == 2, err
    assert err.strip().splitlines()[-1] == f"Error: {out / 'p1.pdf'} is a folder; name the PDF file"
    assert sorted(p.name for p in out.iterdir()) == ["p1.pdf"]  # no part file, no PDF
    for _ in range(50):
        if not _processes_of_session(command.pid):
            break
        time.sleep(0.1)
    assert _processes_of_session(command.pid) == []
    assert [p for p in temp.rglob("Default")] == []  # the chart browser's profile folder went with it


def test_a_pdf_that_cannot_be_written_mid_batch_is_named_and_the_ones_before_it_are_kept(runner, instrument, tmp_path,
                                                                                         monkeypatch):
    # What the checks before the layout cannot foresee (the disk fills, the folder goes away):
    # one line naming the PDF, status 1, the PDFs written before it kept, no part file left.
    paths = [write_answers(tmp_path, f"p{n}.json", language="sv", respondent=f"Person {n}",
                           answers=varied_answers(instrument, n)) for n in range(3)]
    out = tmp_path / "out"
    rename = os.replace

    def disk_full_at_p1(source, target):  # the part file is written; renaming it fails, as on a full disk
        if Path(target).name == "p1.pdf":
            raise OSError(28, "No space left on device")
        rename(source, target)

    monkeypatch.setattr(reports_command.os, "replace", disk_full_at_p1)
    result = runner.invoke(args=["report", *paths, "-o", str(out), "--processes", "1"])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines()[-1] == f"Error: cannot write {out / 'p1.pdf'}: No space left on device"
    assert "Person 0" in PdfReader(out / "p0.pdf").pages[0].extract_text()
    assert sorted(p.name for p in out.iterdir()) == ["p0.pdf"]  # no part file left


def test_a_report_started_with_its_standard_output_closed_ends_with_status_0(instrument, tmp_path):
    # sys.stdout is None then (cron, a service manager): the end flushed it and failed with status 1.
    answers = write_answers(tmp_path, language="sv", respondent="Åsa", answers=varied_answers(instrument))
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "DATABASE_URL")}
    env.update(TMPDIR=str(tmp_path), SECRET_KEY="x")
    root = Path(__file__).resolve().parent.parent
    command = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "flask", "--app", "app",
                              "report", answers, "-o", str(tmp_path / "a.pdf")],
                             cwd=root, env=env, stderr=subprocess.PIPE, text=True, timeout=120)
    assert command.returncode == 0, command.stderr
    assert "Traceback" not in command.stderr and "Åsa" in PdfReader(tmp_path / "a.pdf").pages[0].extract_text()


def test_score_prints_integer_score_exact_interval_and_counts(runner, instrument, tmp_path):
    answers = varied_answers(instrument)
    result = runner.invoke(args=["score", write_answers(tmp_path, language="en", answers=answers)])
    assert result.exit_code == 0, result.output
    for scale in json.loads(result.output)["scales"].values():
        assert isinstance(scale["score"], int) and isinstance(scale["exact"], float)
        low, high = scale["interval"]
        assert isinstance(low, int) and isinstance(high, int) and low <= scale["score"] <= high
        assert isinstance(scale["near_cut"], bool)
        assert scale["answered"] == scale["of"] and scale["not_applicable"] == 0
        assert {"band", "band_label", "cut_points", "reason", "interpretation", "actions"} <= set(scale)


def test_score_jsonl_prints_one_profile_per_line_in_input_order(runner, instrument, tmp_path):
    people = []
    for k in range(5):
        answers = varied_answers(instrument, offset=k)
        answers[instrument.scale("weak_close").items[0].id] = 1 + k
        people.append({"language": "sv" if k % 2 else "en", "respondent": f"P{k}", "answers": answers})
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in people) + "\n\n", encoding="utf-8")
    result = runner.invoke(args=["score", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 5
    for person, line in zip(people, lines):
        single = runner.invoke(args=["score", write_answers(tmp_path, **person)])
        assert json.loads(line) == json.loads(single.output)
        assert json.loads(line)["respondent"] == person["respondent"]


def test_score_jsonl_bad_line_exits_2_naming_the_line_before_printing(runner, instrument, tmp_path):
    good = json.dumps({"language": "en", "answers": varied_answers(instrument)})
    bad = json.dumps({"language": "en", "answers": {**varied_answers(instrument), "pc1": 9}})
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join([good, good, bad, good]), encoding="utf-8")
    result = runner.invoke(args=["score", "--jsonl", str(path)])
    assert result.exit_code == 2
    assert "line 3: item 'pc1': answer 9 is outside 1–5" in result.output
    assert '"scales"' not in result.output
    path.write_text(good + "\n{oops\n", encoding="utf-8")
    result = runner.invoke(args=["score", "--jsonl", str(path)])
    assert result.exit_code == 2 and "line 2: not valid JSON" in result.output


def test_a_language_the_item_bank_lacks_is_named(runner, instrument, tmp_path):
    path = write_answers(tmp_path, language="sv", answers=varied_answers(instrument))
    report = runner.invoke(args=["report", path, "-o", str(tmp_path / "out.pdf"), "--lang", "fi"])
    assert report.exit_code == 2 and "--lang must be one of sv, en, not 'fi'" in report.output
    assert not (tmp_path / "out.pdf").exists()
    norms = runner.invoke(args=["freeze-norms", "--version", instrument.version, "--language", "de"])
    assert norms.exit_code == 2 and "--language must be one of sv, en, not 'de'" in norms.output


def test_flask_help_lists_each_command_with_its_own_help(app):
    # cli/__init__.py lists the commands with the start of their help, so that `flask --help`
    # imports none of their modules (issue 29); the list must say what each command says.

    group = click.Context(app.cli, obj=ScriptInfo(create_app=lambda: app))
    assert set(COMMANDS) <= set(app.cli.list_commands(group))
    for name, (load, help) in COMMANDS.items():
        listed, real = DeferredCommand(name, load, help), load(group)
        assert real.name == name
        for width in (30, 45, 70, 200):
            assert listed.get_short_help_str(width) == real.get_short_help_str(width), name


def test_a_report_to_a_name_the_system_refuses_is_one_line(runner, instrument, tmp_path):
    # The attack run: a 260-letter -o name ended in a 37-line traceback before anything was made.
    path = write_answers(tmp_path, language="sv", answers=varied_answers(instrument))
    too_long = tmp_path / ("a" * 300 + ".pdf")
    result = runner.invoke(args=["report", path, "-o", str(too_long)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"Error: cannot write {too_long}: File name too long"


def test_a_name_longer_than_the_web_forms_allow_is_refused_naming_the_file_and_the_limit(runner, instrument, tmp_path):
    # The attack run: the web's forms cap a name at 120 characters, the command line took any.
    assert MAX_RESPONDENT_NAME == 120  # one limit, and the web's forms use it
    for form in (StartForm, ParticipantForm, PaperEntryForm):
        assert [v.max for v in form.name.kwargs["validators"] if hasattr(v, "max")] == [MAX_RESPONDENT_NAME]
    good = write_answers(tmp_path, "good.json", language="sv", respondent="Å" * MAX_RESPONDENT_NAME,
                         answers=varied_answers(instrument))
    long = write_answers(tmp_path, "long.json", language="sv", respondent="Å" * (MAX_RESPONDENT_NAME + 1),
                         answers=varied_answers(instrument))
    out = tmp_path / "reports"
    result = runner.invoke(args=["report", good, long, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"Error: {long}: 'respondent' is longer than 120 characters"
    assert not out.exists()  # as for any bad answers file: every input is checked before anything is written
    assert list(tmp_path.glob("**/*.part")) == []
    # Up to the limit (and spaces around a name, which are not kept) is fine.
    padded = write_answers(tmp_path, "padded.json", language="sv", respondent=f"  {'Å' * MAX_RESPONDENT_NAME}  ",
                           answers=varied_answers(instrument))
    for path in (good, padded):
        scored = runner.invoke(args=["score", path])
        assert scored.exit_code == 0, scored.output
        assert json.loads(scored.output)["respondent"] == "Å" * MAX_RESPONDENT_NAME


def test_a_report_never_follows_or_replaces_a_link_nor_writes_over_a_device(runner, instrument, tmp_path):
    # The second attack run: -o written through a link let a link planted in a folder others can
    # write in (/tmp) turn a report run by root into overwriting any file (/etc/passwd); and
    # -o /dev/null as root replaced the device with a PDF. A report writes a new file or replaces
    # a regular one, nothing else: one line, status 2, before any layout, nothing touched.
    path = write_answers(tmp_path, language="sv", respondent="Åsa Öström", answers=varied_answers(instrument))
    (tmp_path / "elsewhere").mkdir()
    precious = tmp_path / "elsewhere" / "precious.conf"
    precious.write_text("keep me")
    link = tmp_path / "report.pdf"
    link.symlink_to(precious)
    dangling = tmp_path / "dangling.pdf"
    dangling.symlink_to(tmp_path / "elsewhere" / "missing.pdf")
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    for target in (link, dangling):
        result = runner.invoke(args=["report", path, "-o", str(target)])
        assert result.exit_code == 2, result.output
        assert result.output.strip() == (
            f"Error: {target} is a symbolic link; name the file itself (a report neither follows nor replaces a link)")
        assert target.is_symlink()
    assert precious.read_text() == "keep me" and sorted(p.name for p in precious.parent.iterdir()) == ["precious.conf"]
    for target in (fifo, Path("/dev/null")):
        result = runner.invoke(args=["report", path, "-o", str(target)])
        assert result.exit_code == 2, result.output
        assert result.output.strip() == f"Error: {target} exists and is not a regular file (a device, pipe or socket); name a file"
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    # Several files into a folder where a link waits under one PDF's name: refused before any PDF is written.
    second = write_answers(tmp_path, "second.json", language="sv", answers=varied_answers(instrument, 1))
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "second.pdf").symlink_to(precious)
    result = runner.invoke(args=["report", path, second, "-o", str(folder)])
    assert result.exit_code == 2 and "second.pdf is a symbolic link" in result.output, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["second.pdf"] and precious.read_text() == "keep me"
    # A regular file is replaced, as before, and no part file is left.
    old = tmp_path / "old.pdf"
    old.write_bytes(b"last week's report")
    assert runner.invoke(args=["report", path, "-o", str(old)]).exit_code == 0
    assert "Åsa Öström" in PdfReader(old).pages[0].extract_text()
    assert list(tmp_path.glob("**/.report-*.part")) == []


def test_one_answers_file_and_an_output_ending_in_a_slash_goes_into_that_folder(runner, instrument, tmp_path):
    # The attack run: -o newdir/ with one file wrote a file called newdir.
    path = write_answers(tmp_path, "anna.json", language="sv", respondent="Anna", answers=varied_answers(instrument))
    result = runner.invoke(args=["report", path, "-o", f"{tmp_path / 'newdir'}/"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "newdir").is_dir() and "Anna" in PdfReader(tmp_path / "newdir" / "anna.pdf").pages[0].extract_text()


def test_a_report_to_a_name_of_255_bytes_is_written(runner, instrument, tmp_path):
    # The attack run: the part file was the PDF's name and a suffix, too long for a legal name of 242-255 bytes.
    path = write_answers(tmp_path, language="sv", respondent="Åsa", answers=varied_answers(instrument))
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / ("Å" * 122 + "rapport.pdf")  # 244 + 11 = 255 bytes, the most the file system takes
    assert len(out.name.encode()) == 255
    result = runner.invoke(args=["report", path, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Åsa" in PdfReader(out).pages[0].extract_text()
    assert list(folder.iterdir()) == [out]


def test_a_report_to_a_folder_that_cannot_be_one_is_one_line_before_any_layout(runner, instrument, tmp_path):
    paths = [write_answers(tmp_path, f"p{n}.json", language="sv", answers=varied_answers(instrument, n)) for n in range(2)]
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    refused = {  # -o: (the answers files, the reason)
        a_file: (paths, f"{a_file} is a file; with several answers files, -o names a folder"),
        tmp_path: (paths[:1], f"{tmp_path} is a folder; with one answers file, -o names the PDF file"),
        a_file / "a.pdf": (paths[:1], f"cannot write {a_file / 'a.pdf'}: {a_file} is a file, not a folder"),
        a_file / "deeper" / "a.pdf": (paths[:1], f"cannot write {a_file / 'deeper' / 'a.pdf'}: {a_file} is a file, not a folder"),
        a_file / "reports": (paths, f"cannot write {a_file / 'reports'}: {a_file} is a file, not a folder"),
    }
    for out, (inputs, reason) in refused.items():
        result = runner.invoke(args=["report", *inputs, "-o", str(out)])
        assert (result.exit_code, result.output) == (2, f"Error: {reason}\n"), out
    assert a_file.read_text() == "not a folder"
    # A folder that does not exist yet is made, for one PDF as for several (test above).
    out = tmp_path / "new" / "deeper" / "a.pdf"
    assert runner.invoke(args=["report", paths[0], "-o", str(out)]).exit_code == 0 and out.is_file()


def _without_root_powers():
    # Root writes anywhere: the command runs without the capabilities that let it (its uid stays).
    if os.geteuid() == 0:
        import ctypes  # noqa: PLC0415  (only when root)

        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP: gone from the next exec on
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_a_report_to_a_folder_it_may_not_write_in_is_one_line_before_any_layout(instrument, tmp_path):
    paths = [write_answers(tmp_path, f"p{n}.json", language="sv", answers=varied_answers(instrument, n)) for n in range(2)]
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "DATABASE_URL")}
    env.update(TMPDIR=str(tmp_path), SECRET_KEY="x")
    try:
        for inputs, out in ((paths[:1], locked / "a.pdf"), (paths, locked), (paths, locked / "reports")):
            command = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "report", *inputs, "-o", str(out)],
                                     cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True, text=True,
                                     timeout=120, preexec_fn=_without_root_powers)
            assert (command.returncode, command.stderr) == (2, f"Error: cannot write {out}: Permission denied\n"), out
            assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)
