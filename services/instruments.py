"""The item bank the app loaded at start-up (app.register_instruments)."""

from __future__ import annotations

from flask import current_app

from assessment.bank import InstrumentBank


def instrument_bank() -> InstrumentBank:
    return current_app.extensions["instrument_bank"]
