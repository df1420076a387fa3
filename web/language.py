"""Languages: which ones exist comes from the item bank (the instrument's
`languages`), and the language a request is shown in is decided once, by the
locale selector below, and read everywhere through current_language()."""

from __future__ import annotations

from babel import Locale
from flask import current_app, g, request, session
from flask_babel import get_locale
from wtforms.fields.choices import SelectChoice


def languages() -> tuple[str, ...]:
    return current_app.extensions["instrument_bank"].current.languages


def language_choices() -> list[SelectChoice]:
    """Each language named in itself ("Svenska", "English"), for forms and the language switch."""
    return [SelectChoice(code, Locale.parse(code).get_display_name(code).capitalize(), render_kw={"lang": code})
            for code in languages()]


def chosen_language() -> str | None:
    """The language this visitor asked for (?lang= now, or earlier in this session), if any."""
    for asked in (request.args.get("lang"), session.get("lang")):
        if asked in languages():
            return asked
    return None


def page_language(default: str) -> str:
    """A page that belongs to something with a language of its own (a workshop's join
    page): the visitor's choice, else `default`, not the browser's."""
    return chosen_language() or default


def select_locale() -> str:
    """Flask-Babel's locale selector: the language this request asks for (?lang=),
    else the one chosen in this session, else the browser's."""
    asked = request.args.get("lang")
    if asked in languages():
        return asked
    chosen = session.get("lang")
    if chosen in languages():
        return chosen
    return request.accept_languages.best_match(languages(), default="en")


def remember_language_from_query(response):
    """`?lang=` on a page switches the session's language; on a file (a PDF, a CSV,
    a page waiting for a PDF) it applies to that file only."""
    lang = request.args.get("lang")
    if lang in languages() and response.mimetype == "text/html" and not g.get("language_for_file_only"):
        session["lang"] = lang
    return response


def language_for_file_only() -> None:
    """Mark this request as serving a file: its `?lang=` is not remembered."""
    g.language_for_file_only = True


def current_language() -> str:
    return str(get_locale())


def language_arg(default: str) -> str:
    """The language a download link asks for (?lang=), else `default`."""
    lang = request.args.get("lang")
    return lang if lang in languages() else default
