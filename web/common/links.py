"""Absolute links that leave the site (the join link and its QR code, a
person's private link): built from PUBLIC_URL when it is set, never from the
Host header a client sent, which anyone can forge."""

from __future__ import annotations

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
