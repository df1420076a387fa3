"""All versions of the instrument found under questions/. New responses use the
newest; a stored response is always scored with the version it was taken with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .instrument import Instrument, InstrumentError
from .loader import load_instrument


@dataclass(frozen=True)
class InstrumentBank:
    instruments: dict[tuple[str, str], Instrument]
    current: Instrument

    @classmethod
    def load(cls, questions_dir: str | Path) -> "InstrumentBank":
        folders = sorted(
            (p for p in Path(questions_dir).iterdir() if p.is_dir() and (p / "instrument.yaml").exists()),
            key=lambda p: _version_key(p.name),
        )
        if not folders:
            raise InstrumentError(f"{questions_dir}: no instrument folder (e.g. v1/instrument.yaml) found")
        instruments = {}
        for folder in folders:
            instrument = load_instrument(folder)
            instruments[(instrument.id, instrument.version)] = instrument
        return cls(instruments=instruments, current=instrument)

    def get(self, instrument_id: str, version: str) -> Instrument:
        try:
            return self.instruments[(instrument_id, version)]
        except KeyError:
            raise InstrumentError(
                f"instrument '{instrument_id}' version '{version}' is not in the item bank"
            ) from None


def _version_key(name: str) -> tuple[int, str]:
    digits = name.lstrip("v")
    return (int(digits), name) if digits.isdigit() else (0, name)
