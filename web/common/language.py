"""The language a page is shown in, decided once per request by the locale
selector in web/extensions.py."""

from __future__ import annotations

from flask_babel import get_locale


def current_language() -> str:
    return str(get_locale())
