"""Coach accounts: sessions end everywhere at logout and at a new password,
login renews the session, `next` never leaves the site, passwords and
e-mail addresses are checked, and failed logins slow down per account."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from services.password_strength import password_problem

from .support.app import make_app
from .support.coaches import login, make_coach
from .support.forms import csrf_of


def from_address(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def copied_session(source, target) -> None:
    """`target` gets `source`'s session cookie, as a thief with a copy of it would."""
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def test_logout_ends_a_copied_session(app):
    email, password = make_coach(app)
    mine, thief = app.test_client(), app.test_client()
    login(mine, email, password)
    copied_session(mine, thief)
    assert thief.get("/coach/").status_code == 200  # the copy works while the session lives
    mine.post("/coach/logout", data={"csrf_token": csrf_of(mine.get("/coach/").text)})
    assert thief.get("/coach/").status_code == 302 and "/coach/login" in thief.get("/coach/").location
    # and logging in again does not revive it
    login(mine, email, password)
    assert thief.get("/coach/").status_code == 302 and mine.get("/coach/").status_code == 200


def test_a_new_password_ends_every_other_session(app):
    email, password = make_coach(app)
    mine, other_device = app.test_client(), app.test_client()
    login(mine, email, password)
    login(other_device, email, password)
    page = mine.get("/coach/password")
    reply = mine.post("/coach/password", data={"csrf_token": csrf_of(page.text), "current": password,
                                               "new": "tulpaner i december", "confirm": "tulpaner i december"})
    assert reply.status_code == 302
    assert mine.get("/coach/").status_code == 200  # this session goes on
    assert other_device.get("/coach/").status_code == 302


def test_the_change_password_form_asks_for_the_current_password_first_and_checks_the_new_one(app):
    """ChangePasswordForm and ResetPasswordForm share their new-password fields (forms.new_password_fields);
    the current password stays the first field and the first error in the summary."""
    email, password = make_coach(app)
    client = app.test_client()
    login(client, email, password)
    page = client.get("/coach/password")
    assert "At least 12 characters" in page.text  # the rule, before anyone types
    empty = client.post("/coach/password", data={"csrf_token": csrf_of(page.text)})
    messages = ["Enter your current password.", "Enter a new password.", "Repeat the new password."]
    assert empty.status_code == 400
    assert [empty.text.index(m) for m in messages] == sorted(empty.text.index(m) for m in messages)
    mismatch = client.post("/coach/password", data={"csrf_token": csrf_of(page.text), "current": password,
                                                    "new": "tulpaner i december", "confirm": "tulpaner i januari"})
    assert mismatch.status_code == 400 and "The two new passwords don&#39;t match." in mismatch.text
    weak = client.post("/coach/password", data={"csrf_token": csrf_of(page.text), "current": password,
                                                "new": "password1234", "confirm": "password1234"})
    assert weak.status_code == 400 and "too easy to guess" in weak.text


def test_a_weak_new_password_is_refused_in_the_coachs_language(app):
    """services/password_strength.py says why in the language the page is in (no request there)."""
    email, password = make_coach(app)
    client = app.test_client()
    login(client, email, password)
    page = client.get("/coach/password?lang=sv")
    short = client.post("/coach/password", data={"csrf_token": csrf_of(page.text), "current": password,
                                                 "new": "kort", "confirm": "kort"})
    assert short.status_code == 400 and "Använd minst 12 tecken." in short.text


def test_login_renews_the_session_and_the_csrf_token(app):
    email, password = make_coach(app)
    client = app.test_client()
    before = csrf_of(client.get("/coach/login").text)
    planted = client.get_cookie("session").value
    reply = login(client, email, password)
    assert reply.status_code == 302
    after = csrf_of(client.get("/coach/workshops/new").text)
    assert after != before and client.get_cookie("session").value != planted
    # the token from before login no longer posts anything
    refused = client.post("/coach/workshops/new", data={"csrf_token": before, "title": "x", "held_on": "2026-11-27",
                                                        "language": "en", "privacy_mode": "anonymous"})
    assert refused.status_code == 400


BYPASSES = [
    "//evil.example/phish", "///evil.example", "////evil.example", "/\\evil.example", "\\\\evil.example",
    "/\\/evil.example", "/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/%0a/evil.example",
    "/%0d/evil.example", "/\r\n/evil.example", "/%0D%0ALocation:%20https://evil.example", "https://evil.example",
    "http:evil.example", "http:/evil.example", "javascript:alert(1)", "data:text/html,<script>", "evil.example",
    " //evil.example", "%2F%2Fevil.example", "/%2F/evil.example", "/%5Cevil.example", "/\x00/evil.example",
    "/\u2028/evil.example", "/\xa0/evil.example", "//evil.example@127.0.0.1", "https:/\\evil.example",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_next_never_leaves_the_site(app, target):
    """Each `next` is sent as the browser would put it in the query string
    (percent-encoded once), so "%09" arrives as a tab and "%2F" as a slash."""
    email, password = make_coach(app)
    client = app.test_client()
    page = client.get("/coach/login")
    reply = client.post(f"/coach/login?next={quote(target, safe='%')}",
                        data={"csrf_token": csrf_of(page.text), "email": email, "password": password})
    assert reply.status_code in (302, 400), reply.status_code
    if reply.status_code == 302:
        assert reply.location == "/coach/", reply.location


@pytest.mark.parametrize("target", ["/coach/workshops/new", "/coach/workshops/1?lang=sv", "/coach/password#x"])
def test_next_keeps_a_path_on_the_site(app, target):
    email, password = make_coach(app)
    client = app.test_client()
    page = client.get("/coach/login")
    reply = client.post(f"/coach/login?next={quote(target)}",
                        data={"csrf_token": csrf_of(page.text), "email": email, "password": password})
    assert reply.status_code == 302 and reply.location == target


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "Password1234!", "qwertyuiopas", "123456789012", "short one"])
def test_weak_passwords_are_refused_everywhere(app, client, runner, password):
    refused = runner.invoke(args=["create-coach", "weak@example.com", "--password-stdin"], input=password + "\n")
    assert refused.exit_code == 2 and len(refused.output.strip().splitlines()) == 1
    email, good = make_coach(app)
    login(client, email, good)
    page = client.get("/coach/password")
    reply = client.post("/coach/password", data={"csrf_token": csrf_of(page.text), "current": good, "new": password, "confirm": password})
    assert reply.status_code == 400 and ("too easy to guess" in reply.text or "at least 12" in reply.text)
    app.config["ALLOW_SIGNUP"] = True
    fresh = app.test_client()
    page = fresh.get("/coach/signup")
    reply = fresh.post("/coach/signup", data={"csrf_token": csrf_of(page.text), "email": "new@example.com", "password": password})
    assert reply.status_code == 400


def test_a_password_made_of_the_e_mail_is_refused(app):
    app.config["ALLOW_SIGNUP"] = True
    client = app.test_client()
    page = client.get("/coach/signup")
    reply = client.post("/coach/signup", data={"csrf_token": csrf_of(page.text), "email": "ingrid.malmqvist@foretaget.se",
                                               "password": "ingridmalmqvist"})
    assert reply.status_code == 400 and "too easy to guess" in reply.text


@pytest.mark.parametrize("email", ["no-at-sign", "a@b", "two@@example.com", "a b@example.com", "x@exa mple.com",
                                   "trailing.@example.com", "a@example..com"])
def test_e_mail_addresses_are_validated(app, runner, email):
    result = runner.invoke(args=["create-coach", email, "--password-stdin"], input="tulpaner i december\n")
    assert result.exit_code == 2 and "is not an e-mail address" in result.output
    app.config["ALLOW_SIGNUP"] = True
    client = app.test_client()
    page = client.get("/coach/signup")
    reply = client.post("/coach/signup", data={"csrf_token": csrf_of(page.text), "email": email, "password": "tulpaner i december"})
    assert reply.status_code == 400 and "valid e-mail" in reply.text


def test_failed_logins_slow_down_per_account_from_any_address(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    email, password = make_coach(app)
    other, other_password = make_coach(app, "other@example.com", "another long password")
    statuses = []
    for n in range(6):  # a new address for every try: the per-address limit never sees two
        client = from_address(app, f"10.0.0.{n + 1}")
        statuses.append(login(client, email, "not the password").status_code)
    assert statuses == [401] * 5 + [429]
    # the account rests – even the right password waits – while others are untouched
    client = from_address(app, "10.0.1.1")
    assert login(client, email, password).status_code == 429
    assert login(from_address(app, "10.0.1.2"), other, other_password).status_code == 302
    # the per-account count ignores case and spaces in the address
    assert login(from_address(app, "10.0.1.3"), " " + email.upper(), "x").status_code == 429


def test_a_failed_login_still_offers_sign_up_where_it_is_allowed(app, client):
    app.config["ALLOW_SIGNUP"] = True
    email, _password = make_coach(app)
    assert 'href="/coach/signup"' in client.get("/coach/login").text
    reply = login(client, email, "not the password")
    assert reply.status_code == 401 and "The e-mail or password isn&#39;t right." in reply.text
    assert 'href="/coach/signup"' in reply.text, "the wrong password hides the way to sign up"


def test_a_long_passphrase_is_a_password_like_any_other(app):
    """Found in the attack replay of issue 25: 73–200 characters gave a 500 (zxcvbn refuses
    more than 72) on sign-up, change and reset. A long passphrase is set and logs in."""
    email, password = make_coach(app)
    mine = app.test_client()
    login(mine, email, password)
    passphrase = "tulpaner och snö i december, kaffe på perrongen och ett tåg som aldrig kommer fram"
    assert 72 < len(passphrase) <= 200
    page = mine.get("/coach/password")
    reply = mine.post("/coach/password", data={"csrf_token": csrf_of(page.text), "current": password,
                                               "new": passphrase, "confirm": passphrase})
    assert reply.status_code == 302, reply.text[:300]
    assert login(app.test_client(), email, passphrase).status_code == 302


@pytest.mark.parametrize("password", ["coach@example.com", "coachexample1", "Coach.Example.Com!", "example-coach-2026",
                                      "moc.elpmaxe@hcaoc", "c0ach@3xample.c0m", "hcaocelpmaxe2026"])
def test_a_password_made_from_the_accounts_address_is_refused(password):
    assert "too easy to guess" in password_problem(password, email="coach@example.com")


def test_a_strong_password_stays_strong_beside_the_address():
    assert password_problem("tulpaner i december", email="co@example.com") is None
    assert password_problem("another long password", email="other@example.com") is None
    assert password_problem("bergsklättrare i coach-rollen", email="coach@example.com") is None
