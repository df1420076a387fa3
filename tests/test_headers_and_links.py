"""Absolute links come from PUBLIC_URL, never from a forged Host header;
unknown hosts are refused when TRUSTED_HOSTS is set; private pages are never
cached; HSTS goes with secure cookies."""

from __future__ import annotations

import io
import re

import segno

from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import csrf_of

PUBLIC = "https://tripwire.example.org"
EVIL = {"Host": "evil.example"}


def forged_host_client(app):
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = EVIL["Host"]  # every request, so that its cookies stay with it
    return client


def test_join_link_qr_code_and_private_link_use_public_url_not_the_host_header(app, instrument):
    app.config["PUBLIC_URL"] = PUBLIC + "/"
    coach = forged_host_client(app)
    login(coach, *make_coach(app))
    workshop_id, code = create_workshop(coach, privacy="named")
    join_url = f"{PUBLIC}/join/{code}"
    page = coach.get(f"/coach/workshops/{workshop_id}")
    assert page.status_code == 200 and join_url in page.text and "evil.example" not in page.text
    qr = coach.get(f"/coach/workshops/{workshop_id}/qr.svg").data
    expected = io.BytesIO()
    segno.make(join_url, error="m").save(expected, kind="svg", scale=8, border=2, title=f"Join {code}", xmldecl=False)
    assert qr == expected.getvalue()  # the very same code as one made from the public join link
    person = forged_host_client(app)
    page = person.get("/")
    start = person.post("/start", data={"csrf_token": csrf_of(page.text), "language": "en", "name": ""})
    first_page = person.get(start.location)
    token = start.location.split("/response/")[1].split("/")[0]
    assert f"{PUBLIC}/response/{token}" in first_page.text and "evil.example" not in first_page.text
    later = person.get(f"/response/{token}/later")
    assert f"{PUBLIC}/response/{token}" in later.text and "evil.example" not in later.text


def test_without_public_url_links_follow_the_request_and_trusted_hosts_refuse_others(app, coach):
    workshop_id, code = create_workshop(coach)
    assert f"http://localhost/join/{code}" in coach.get(f"/coach/workshops/{workshop_id}").text
    app.config["TRUSTED_HOSTS"] = ["tripwire.example.org"]
    assert coach.get("/privacy", headers=EVIL).status_code == 400
    assert app.test_client().get("/privacy", headers={"Host": "tripwire.example.org"}).status_code == 200


def test_private_pages_and_their_json_are_never_cached(app, coach, instrument):
    workshop_id, code = create_workshop(coach, privacy="named")
    person = join_and_complete(app.test_client(), instrument, code, name="Åsa", share=True)
    private = [
        (person.client, person.url("")), (person.client, person.url("/profile")), (person.client, person.url("/later")),
        (person.client, person.url("/delete")), (person.client, person.url("/page/1")),
        (coach, "/coach/"), (coach, f"/coach/workshops/{workshop_id}"), (coach, f"/coach/workshops/{workshop_id}/team.json"),
        (coach, "/coach/password"), (app.test_client(), "/coach/login"),
    ]
    for client, path in private:
        reply = client.get(path)
        assert reply.status_code in (200, 302), (path, reply.status_code)
        assert "no-store" in reply.headers.get("Cache-Control", ""), path
    assert "no-store" not in app.test_client().get("/privacy").headers.get("Cache-Control", "")


def test_hsts_only_with_secure_cookies(app):
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/privacy").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/privacy").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_the_workshop_downloads_are_private_attachments_with_their_names(app, coach, instrument):
    """web/downloads.attachment gives every download its headers: the scores as CSV and xlsx here."""
    workshop_id, code = create_workshop(coach, title="Säljteamet", privacy="named", language="sv")
    join_and_complete(app.test_client(), instrument, code, name="Åsa", share=True)
    for ext, content_type in [("csv", "text/csv; charset=utf-8"),
                              ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]:
        reply = coach.get(f"/coach/workshops/{workshop_id}/scores.{ext}")
        assert reply.status_code == 200, ext
        disposition = reply.headers["Content-Disposition"]
        assert re.fullmatch(rf'attachment; filename="resultat-saljteamet-\d{{4}}-\d{{2}}-\d{{2}}\.{ext}"', disposition), disposition
        assert (reply.headers["Content-Type"], reply.headers["Cache-Control"]) == (content_type, "private, no-store")


PUBLIC_FILES = ("/vendor/plotly-cartesian-4.1.1.min.js", "/static/favicon.ico", "/favicon.ico")


def test_public_files_do_not_vary_on_the_cookie_with_or_without_a_session(app, coach):
    # The attack run: Flask-Login's after-request hook looked at every response's session, so the
    # public, versioned plotly.js said `Vary: Cookie` and no shared cache could keep one copy.
    assert coach.get_cookie("session") is not None  # a logged-in coach's session
    for client in (app.test_client(), coach):
        for path in PUBLIC_FILES:
            reply = client.get(path)
            assert reply.status_code == 200, path
            assert "cookie" not in reply.headers.get("Vary", "").lower(), (path, reply.headers.get("Vary"))
            assert "Set-Cookie" not in reply.headers, path
    # Pages still use the session (language, CSRF, the login) and say so.
    assert "Cookie" in app.test_client().get("/privacy").headers["Vary"]
    assert "Cookie" in coach.get("/coach/").headers["Vary"]
