from __future__ import annotations

import os
import random
import secrets
from datetime import date, datetime, timedelta, timezone

import click
from flask import current_app
from flask.cli import with_appcontext

from services.accounts import create_coach
from services.db import db
from services.instruments import instrument_bank
from services.models import Workshop
from services.responses import add_page_time, create_response, save_answers
from services.workshops import unused_join_code

NAMES = [
    "Åsa Öström", "Björn Lindqvist", "Cecilia Ek", "David Nyström", "Emma Åberg", "Fredrik Söderberg",
    "Gunilla Hägg", "Hassan Ali", "Ingrid Malmqvist", "Johan Berg", "Karin Lundgren", "Lars Ståhl",
    "Maria Jönsson", "Nils Håkansson", "Olivia Sjöberg", "Per Forsberg", "Rebecka Dahl", "Samir Haddad",
    "Therese Wallin", "Ulf Engström", "Vera Björk", "William Holm", "Ylva Sundin", "Zara Karlsson",
    "Anders Fält", "Beatrice Nord", "Carl Ljung", "Dalia Mansour", "Erik Strand", "Frida Norén",
]


def synthetic_answers(instrument, rng: random.Random) -> dict[str, int]:
    """A plausible person: a tendency per scale, answers scattered around it."""
    tendency = {s.id: rng.choice([1.6, 2.3, 3.0, 3.6, 4.3]) for s in instrument.scales}
    tendency["impression_management"] = rng.choice([1.8, 2.2, 2.6, 3.0])
    return {
        item.id: min(5, max(1, round(rng.gauss(tendency[item.scale_id], 0.7))))
        for item in instrument.items
    }


@click.command("demo-workshop")
@click.option("--participants", default=30, show_default=True, type=click.IntRange(1, 500))
@click.option("--seed", default=None, type=int, help="Seed for reproducible demo data.")
@with_appcontext
def demo_workshop_command(participants: int, seed: int | None):
    """Create a demo coach, a named workshop and completed synthetic responses."""
    rng = random.Random(seed)
    instrument = instrument_bank().current
    email = f"demo-{secrets.token_hex(3)}@example.com"
    password = secrets.token_urlsafe(12)
    coach = create_coach(email, password)
    workshop = Workshop(
        coach_id=coach.id, title="Demo: Säljteamet", held_on=date.today(), language="sv",
        privacy_mode="named", join_code=unused_join_code(),
    )
    db.session.add(workshop)
    db.session.flush()
    now = datetime.now(timezone.utc)
    demo_languages = [instrument.languages[0], *instrument.languages]  # the instrument's first language twice as often
    for n in range(participants):
        name = NAMES[n % len(NAMES)] + (f" {n // len(NAMES) + 1}" if n >= len(NAMES) else "")
        response, _token = create_response(rng.choice(demo_languages), name, workshop_id=workshop.id,
                                           share_with_coach=rng.random() < 0.85)
        save_answers(response, synthetic_answers(instrument, rng))
        for page, items in enumerate(instrument.pages, 1):
            add_page_time(response, page, len(items) * rng.uniform(3.0, 9.0))
        response.completed_at = now - timedelta(minutes=rng.randint(1, 50))
    db.session.commit()
    base = site_address()
    click.echo(f"Demo workshop '{workshop.title}' with {participants} completed responses (join code {workshop.join_code}).")
    click.echo(f"Log in at {base}/coach/login with:")
    click.echo(f"  e-mail:   {email}")
    click.echo(f"  password: {password}")
    click.echo("Then open:")
    click.echo(f"  the workshop:   {base}/coach/workshops/{workshop.id}")
    click.echo(f"  the presenter:  {base}/coach/workshops/{workshop.id}/present")
    click.echo(f"  as a participant: {base}/join/{workshop.join_code}")


def site_address() -> str:
    """Where the server the coach will open runs: PUBLIC_URL, else 127.0.0.1 on PORT
    (as `make run` and `flask run -p` use it), else Flask's default port 5000."""
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/")
    port = os.environ.get("PORT") or os.environ.get("FLASK_RUN_PORT") or "5000"
    return f"http://127.0.0.1:{port}"
