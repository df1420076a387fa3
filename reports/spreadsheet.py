"""A workshop's results as files, from one list of columns (`named_columns`): an .xlsx
workbook for people (openpyxl) – headers in the workshop's language with scale names,
words instead of codes, numbers as numbers, completion times as local dates (the zone in
the header), each score's likely range (its 90 % interval) and the validity notes in words, a frozen header
row with filters, sheets with the item texts and the scales – and a CSV for tools, with
stable English column names, codes, UTC times and the formula guard."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Sequence
from zoneinfo import ZoneInfo

from babel import Locale
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from assessment import Instrument, Profile
from assessment.instrument import FLAG_IDS

from .i18n import translations


@dataclass(frozen=True)
class SheetRow:
    """One shared response: who, when, the profile and the raw answers (1–5 or "na")."""

    name: str | None
    completed_at: datetime
    language: str
    source: str
    profile: Profile
    answers: dict[str, Any]


def _text(value: Any) -> Any:
    # openpyxl refuses control characters (e.g. an escape pasted with a name); one
    # person's name must not make the whole workshop's file fail, so they are dropped.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet(ws, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int] | None = None) -> None:
    ws.append([_text(h) for h in header])
    for cell in ws[1]:
        # A heading wraps within its column ("Uppskjuten kontakt: troligt spann från" in 18 wide)
        # instead of running under the next one, which cut it off.
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([_text(value) for value in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text is text: a name starting with = never runs as a formula
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for index, width in enumerate(widths or [max(10, min(40, len(str(h)) + 2)) for h in header], 1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    # Excel has no time zones: the time is written in the workshop's zone and the header names it.
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.replace(tzinfo=None)


def _language_name(code: str, language: str) -> str:
    try:
        return Locale.parse(code).get_display_name(language) or code
    except (ValueError, TypeError):
        return code


def workshop_xlsx(instrument: Instrument, language: str, *, title: str, rows: Sequence[SheetRow] | None,
                  team: Any | None, time_zone: str = "UTC") -> bytes:
    """Named workshops pass `rows` (those who shared); anonymous ones pass `team` (the team
    summary). Times are written in `time_zone` (an IANA name), which the header names."""
    _ = translations(language).gettext
    book = Workbook()
    ws = book.active
    scales = [s for s in instrument.scales]
    if rows is not None:
        ws.title = _("Answers")
        columns = [c for c in named_columns(instrument, language, _, time_zone) if c.sheet is not None]
        _sheet(ws, [c.label for c in columns], [[c.sheet(row) for c in columns] for row in rows], [c.width for c in columns])
    else:
        # The same columns as the anonymous CSV, in words; the size in the words of every coach view.
        ws.title = _("Team")
        bands = [instrument.band_labels[band][language] for band in ("low", "moderate", "high")]
        header = [_("Scale"), _("In the results"), _("Median"), *bands, _("Not scorable"), _("With a validity note")]
        body = [[r.name, team.included, r.median, r.band_counts["low"], r.band_counts["moderate"], r.band_counts["high"],
                 r.not_scorable, team.flagged] for r in team.scales]
        _sheet(ws, header, body, [32, 14, 10, 10, 10, 10, 14, 20])
    questions = book.create_sheet(_("Questions"))
    scale_names = {s.id: s.name[language] for s in scales}
    _sheet(questions, [_("Question"), _("Scale"), _("Text"), _("Reverse-keyed")],
           [[n, scale_names.get(item.scale_id, item.scale_id), item.text[language], _("yes") if getattr(item, "reverse", False) else ""]
            for n, item in enumerate(instrument.items, 1)], [10, 30, 90, 14])
    scale_sheet = book.create_sheet(_("Scales"))
    kinds = {"behaviour": _("behaviour"), "driver": _("driver"), "validity": _("validity")}
    _sheet(scale_sheet, [_("Scale"), _("Kind"), _("What a high score means")],
           [[s.name[language], kinds.get(s.kind, s.kind), s.description[language]] for s in scales], [32, 14, 90])
    book.properties.title = _text(title)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Column:
    """One column of a named workshop's results. `key` is its CSV name (English, stable);
    `label` its header in the sheet; `csv` and `sheet` give the cell in each file (None:
    the column is not in that file)."""

    key: str
    label: str
    csv: Callable[[SheetRow], Any] | None
    sheet: Callable[[SheetRow], Any] | None
    width: int = 12


def _num(value) -> str:
    return "" if value is None else f"{value:g}"


def named_columns(instrument: Instrument, language: str, _: Callable[[str], str], time_zone: str) -> list[Column]:
    """The columns of a named workshop's results, in order, for both files (`_` translates
    the sheet's words, `time_zone` is the sheet's): what one file leaves out is marked here,
    so the two can never drift apart unnoticed."""
    zone = ZoneInfo(time_zone)
    sources = {"web": _("on the web"), "paper": _("on paper")}
    yes, no, na = _("yes"), _("no"), _("does not apply")
    columns = [
        Column("name", _("Name"), lambda r: csv_text(r.name or ""), lambda r: r.name or "", 24),
        Column("completed_at", _("Completed (%(zone)s)") % {"zone": time_zone},
               lambda r: r.completed_at.astimezone(timezone.utc).isoformat(), lambda r: _local(r.completed_at, zone), 22),
        Column("language", _("Language"), lambda r: r.language, lambda r: _language_name(r.language, language)),
        Column("source", _("Source"), lambda r: r.source, lambda r: sources.get(r.source, r.source)),
        # The notes are the person's own report's sentences ("You answered very quickly…"); the
        # heading says so, as the coach's edition quotes them under "Their report says:".
        Column("validity_notes", _("Validity notes, as the person's report words them"), None, lambda r: " ".join(f.text for f in r.profile.flags), 40),
        Column("instrument_id", "instrument_id", lambda r: r.profile.instrument_id, None),
        Column("instrument_version", "instrument_version", lambda r: r.profile.instrument_version, None),
    ]
    scales = list(instrument.scales)

    def result(r, sid):
        return r.profile.scales.get(sid)

    def interval(r, sid):
        found = result(r, sid)
        return (found.interval or (None, None)) if found is not None else (None, None)

    score, band = _("score"), _("band")
    columns += [Column(f"{s.id}_score", f"{s.name[language]}: {score}",
                       lambda r, sid=s.id: _num(result(r, sid).score) if result(r, sid) else "",
                       lambda r, sid=s.id: result(r, sid).score if result(r, sid) else None, 18) for s in scales]
    columns += [Column(f"{s.id}_band", f"{s.name[language]}: {band}",
                       lambda r, sid=s.id: (result(r, sid).band or "") if result(r, sid) else "",
                       lambda r, sid=s.id: (result(r, sid).band_label or "") if result(r, sid) else "", 18) for s in scales]
    low, high, near = _("likely range from"), _("likely range to"), _("near a band boundary")
    for s in scales:
        columns += [
            Column(f"{s.id}_exact", "", lambda r, sid=s.id: _num(result(r, sid).exact) if result(r, sid) else "", None),
            Column(f"{s.id}_interval_low", f"{s.name[language]}: {low}",
                   lambda r, sid=s.id: _num(interval(r, sid)[0]), lambda r, sid=s.id: interval(r, sid)[0], 18),
            Column(f"{s.id}_interval_high", f"{s.name[language]}: {high}",
                   lambda r, sid=s.id: _num(interval(r, sid)[1]), lambda r, sid=s.id: interval(r, sid)[1], 18),
            Column(f"{s.id}_near_cut", f"{s.name[language]}: {near}",
                   lambda r, sid=s.id: int(result(r, sid).near_cut) if result(r, sid) else "",
                   lambda r, sid=s.id: ((yes if result(r, sid).near_cut else no)
                                        if result(r, sid) is not None and result(r, sid).interval else ""), 18),
        ]
    columns += [Column(f"flag_{f}", "", lambda r, f=f: int(f in r.profile.flag_ids), None) for f in FLAG_IDS]
    columns += [
        Column(item.id, _("Question %(n)s") % {"n": n}, lambda r, i=item.id: r.answers.get(i, ""),
               lambda r, i=item.id: na if r.answers.get(i) == "na" else r.answers.get(i))
        for n, item in enumerate(instrument.items, 1)
    ]
    return columns


# Where a spreadsheet may start a new cell inside a text: Swedish Excel splits a .csv at ';'
# (its list separator, whatever the file uses) and every program at a line break.
_CELL_STARTS = re.compile(r"([;\r\n])(?=\s*[=+\-@]|[\t\r])")


def csv_text(text: str) -> str:
    """A cell starting with = + - @ (or a tab or CR before one) runs as a formula in a
    spreadsheet: such a start, also after a ';' or a line break inside the text, gets a '."""
    text = _CELL_STARTS.sub(r"\1'", text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def workshop_csv(instrument: Instrument, *, rows: Sequence[SheetRow] | None, team: Any | None) -> bytes:
    """RFC 4180, UTF-8 with a byte-order mark (so that Excel reads å, ä, ö). Named workshops
    pass `rows` (those who shared); anonymous ones `team` (the team summary)."""
    out = io.StringIO()
    writer = csv.writer(out)
    if rows is not None:
        columns = [c for c in named_columns(instrument, "en", str, "UTC") if c.csv is not None]
        writer.writerow([c.key for c in columns])
        for row in rows:
            writer.writerow([c.csv(row) for c in columns])
    else:
        writer.writerow(["scale", "instrument_id", "instrument_version", "completed", "median", "low", "moderate", "high",
                         "not_scorable", "with_validity_note"])
        for r in team.scales:
            writer.writerow([r.scale_id, instrument.id, instrument.version, team.included, _num(r.median),
                             r.band_counts["low"], r.band_counts["moderate"], r.band_counts["high"], r.not_scorable,
                             team.flagged])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
