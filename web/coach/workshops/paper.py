"""Paper mode: the blank questionnaire to print, and keying in a filled-in form with
every problem named at once, then a slip with the person's private link (text and QR
code). Every route loads the workshop through owned_workshop()."""

from __future__ import annotations

import segno
from flask import render_template, request
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from assessment.answers import NOT_APPLICABLE
from services.completion import enter_paper_form
from services.filenames import file_name
from services.instruments import instrument_bank
from services.models import Response, Workshop, grouped_paper_code
from services.reporting.production import blank_questionnaire_pdf
from services.responses import profile_of
from services.workshops import paper_forms_keyed
from web.downloads import pdf_download

from ...common.links import absolute_url
from ...common.start import VALID_VALUES, refuse_unknown_fields
from ...language import language_arg
from .blueprint import (
    bp,
    owned_workshop,
)
from .forms import PaperEntryForm


@bp.get("/workshops/<int:workshop_id>/questionnaire.pdf")
@login_required
def blank_questionnaire(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = language_arg(workshop.language)
    pdf = blank_questionnaire_pdf(language)
    return pdf_download(pdf, file_name(language, "questionnaire", workshop.title, ext="pdf"))


@bp.route("/workshops/<int:workshop_id>/paper", methods=["GET", "POST"])
@login_required
def paper_entry(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    instrument = instrument_bank().current
    form = PaperEntryForm(language=workshop.language)
    problems, typed, saved = [], {}, None
    if request.method == "POST":
        typed, problems = keyed_answers(request.form, instrument)
        if form.validate() and not problems:
            name = (form.name.data or "").strip() or None
            response, token = enter_paper_form(workshop, form.language.data, name,
                                               bool(form.share_with_coach.data), typed)
            saved = {"response": response, "token": token, "profile": profile_of(response, response.language),
                     "name": name, "slip": paper_slip(workshop, response, token, name)}
            form, typed = PaperEntryForm(formdata=None, language=form.language.data), {}
    keyed = paper_forms_keyed(workshop)
    return render_template(
        "coach/workshops/paper.html", workshop=workshop, form=form, instrument=instrument,
        typed=typed, problems=problems, saved=saved, keyed=keyed,
    ), (422 if problems or form.errors else 200)


def paper_slip(workshop: Workshop, response: Response, token: str, name: str | None) -> Markup:
    """A printable slip with the person's private link as a short link to type and as a QR
    code, in their language, with the name typed for it (in an anonymous workshop stored
    nowhere else). Made only now: the link is not stored, so this is its one chance."""
    link = absolute_url("questionnaire.paper_link", code=grouped_paper_code(token))
    qr = Markup(segno.make(link, error="m").svg_inline(scale=4, border=2, omitsize=False))
    with force_locale(response.language):
        return Markup(render_template("coach/workshops/_paper_slip.html", link=link, qr=qr, lang=response.language,
                                      name=name, title=workshop.title))


BLANK_KEYS = {"", "-", "0", "."}
NOT_APPLICABLE_KEYS = {"n", "na", "x"}


def keyed_answers(form_data, instrument) -> tuple[dict[str, int | str], list[str]]:
    """The answers of a keyed-in paper form: one field per item (1–5, n for
    "does not apply", - or empty for a blank) or the whole form typed as one
    string. Returns the answers and one message per problem, not per item."""
    items = instrument.items
    allowed = {"csrf_token", "name", "share_with_coach", "language", "answer_string"}
    refuse_unknown_fields(form_data, {item.id for item in items} | allowed)
    string = "".join((form_data.get("answer_string") or "").split())
    if string:
        keys = list(string.lower().replace("na", "n"))
        if len(keys) != len(items):
            # Every problem at once: the count, and any character that is no answer at all.
            problems = [_("You typed %(typed)s answers; this questionnaire has %(total)s. Type one character per question: 1–5, n for “does not apply”, - for a blank.",
                          typed=len(keys), total=len(items))]
            allowed = BLANK_KEYS | set(VALID_VALUES) | NOT_APPLICABLE_KEYS
            wrong_places = [str(n) for n, key in enumerate(keys, 1) if key not in allowed]
            if wrong_places:
                problems.append(_("Characters %(numbers)s are not answers: use 1–5, n for “does not apply” or - for a blank.",
                                  numbers=", ".join(wrong_places)))
            # and an "n" where the form has no such box: said now, not after the length is put right
            not_offered = [str(n) for n, (item, key) in enumerate(zip(items, keys), 1)
                           if key in NOT_APPLICABLE_KEYS and not item.offers_not_applicable and instrument.offers_not_applicable]
            if not_offered:
                problems.append(ngettext("Question %(numbers)s has no “does not apply” box on the form: use 1–5, or - for a blank.",
                                         "Questions %(numbers)s have no “does not apply” box on the form: use 1–5, or - for a blank.",
                                         len(not_offered), numbers=", ".join(not_offered)))
            return {}, problems
    else:
        keys = [(form_data.get(item.id) or "").strip().lower() for item in items]
    answers, wrong, not_offered = {}, [], []
    for number, (item, key) in enumerate(zip(items, keys), 1):
        if key in BLANK_KEYS:
            continue
        if key in VALID_VALUES:
            answers[item.id] = int(key)
        elif key in NOT_APPLICABLE_KEYS and item.offers_not_applicable:
            answers[item.id] = NOT_APPLICABLE
        elif key in NOT_APPLICABLE_KEYS and instrument.offers_not_applicable:
            not_offered.append(str(number))  # the paper form has no such box for this question
        else:
            wrong.append(str(number))
    problems = []
    if wrong:
        problems.append(ngettext("Question %(numbers)s: use 1–5, n for “does not apply” or - for a blank.",
                                 "Questions %(numbers)s: use 1–5, n for “does not apply” or - for a blank.",
                                 len(wrong), numbers=", ".join(wrong))
                        if instrument.offers_not_applicable else
                        ngettext("Question %(numbers)s: use 1–5, or - for a blank.",
                                 "Questions %(numbers)s: use 1–5, or - for a blank.", len(wrong), numbers=", ".join(wrong)))
    if not_offered:
        problems.append(ngettext("Question %(numbers)s has no “does not apply” box on the form: use 1–5, or - for a blank.",
                                 "Questions %(numbers)s have no “does not apply” box on the form: use 1–5, or - for a blank.",
                                 len(not_offered), numbers=", ".join(not_offered)))
    if not wrong and not not_offered and not answers:
        problems.append(_("No answers were keyed in."))
    return answers, problems

