"""A workshop's results as an .xlsx workbook for people (openpyxl): headers in
the workshop's language with scale names, numbers as numbers, completion times
as dates, a frozen header row with filters, and a second sheet with the item
texts and the scales. The CSV stays the format for tools."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessment import Instrument, Profile

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
        cell.font = Font(bold=True)
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


def _utc(moment: datetime) -> datetime:
    # Excel has no time zones: the time is written in UTC and the header says so.
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.replace(tzinfo=None)


def workshop_xlsx(instrument: Instrument, language: str, *, title: str, rows: Sequence[SheetRow] | None,
                  team: Any | None) -> bytes:
    """Named workshops pass `rows` (those who shared); anonymous ones pass `team` (the team summary)."""
    _ = translations(language).gettext
    book = Workbook()
    ws = book.active
    scales = [s for s in instrument.scales]
    if rows is not None:
        ws.title = _("Answers")
        header = [_("Name"), _("Completed (UTC)"), _("Language"), _("Source")]
        score, band = _("score"), _("band")
        header += [f"{s.name[language]}: {score}" for s in scales]
        header += [f"{s.name[language]}: {band}" for s in scales]
        header += [_("Question %(n)s") % {"n": n} for n in range(1, len(instrument.items) + 1)]
        na = _("does not apply")
        body = []
        for row in rows:
            results = [row.profile.scales.get(s.id) for s in scales]
            body.append(
                [row.name or "", _utc(row.completed_at), row.language, row.source]
                + [r.score if r is not None else None for r in results]
                + [(r.band_label or "") if r is not None else "" for r in results]
                + [na if row.answers.get(i.id) == "na" else row.answers.get(i.id) for i in instrument.items]
            )
        _sheet(ws, header, body, [24, 18, 10, 10] + [18] * (2 * len(scales)) + [12] * len(instrument.items))
    else:
        ws.title = _("Team")
        bands = [instrument.band_labels[band][language] for band in ("low", "moderate", "high")]
        header = [_("Scale"), _("Completed"), _("Median"), *bands, _("Not scorable")]
        body = [[r.name, team.included, r.median, r.band_counts["low"], r.band_counts["moderate"], r.band_counts["high"],
                 r.not_scorable] for r in team.scales]
        _sheet(ws, header, body, [32, 12, 10, 10, 10, 10, 14])
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
