"""Which consenting responses may shape what other people are shown (issue 25, F3), and
where they came from. One visitor must not set the norms or the reliability: before any
computation, responses with a validity flag are left out, so are duplicates and
near-duplicates of a response already counted, and one client contributes at most a few.

A client is a coarse bucket: the first BUCKET_BITS bits of a keyed hash (HMAC-SHA256 with a
key derived from SECRET_KEY) of the address a response was started from. About 65,000
buckets: enough to tell one flooding client from the crowd, too coarse to give the address
back even to someone holding the key (each bucket holds some 65,000 IPv4 addresses). It is
stored at the start; the address itself never is.

A new reliability or norm table computed from the selection is a candidate until an
operator accepts it (`flask accept-evidence`), after seeing its provenance: N by source,
by day and by client bucket, what was left out and why, and the change from what is
published."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from assessment import AnswerSet, Instrument, score_answers

BUCKET_BITS = 16
# Self-tests one client bucket contributes to any computation; retakes count as self-tests.
MAX_PER_CLIENT = 3
# Responses one client bucket contributes to one workshop (a room behind one office NAT).
MAX_PER_WORKSHOP_CLIENT = 40
# Two responses differing in at most this many answers are near-duplicates: the later one is left out.
NEAR_DUPLICATE_ITEMS = 2

SOURCES = ("self-test", "workshop", "import")


def client_bucket(address: str | None, secret: str) -> str | None:
    if not address or not secret:
        return None
    key = hmac.new(secret.encode(), b"client-bucket", hashlib.sha256).digest()
    digest = hmac.new(key, address.encode(), hashlib.sha256).hexdigest()
    return digest[: BUCKET_BITS // 4]


def source_of(response) -> str:
    """self-test (the web questionnaire on one's own, retakes too), workshop, or import (paper, files)."""
    if response.source != "web":
        return "import"
    return "workshop" if response.workshop_id is not None else "self-test"


def _client_key(response) -> tuple | None:
    """Whose share a response counts against; None: no cap (an operator's import)."""
    source = source_of(response)
    if source == "import":
        return None
    bucket = response.client_bucket or f"response-{response.id}"  # started before buckets were kept
    if source == "workshop":
        return ("workshop", response.workshop_id, bucket)
    return ("self-test", bucket)


@dataclass
class Selection:
    responses: list = field(default_factory=list)
    answer_sets: list[AnswerSet] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=lambda: {"flagged": 0, "near-duplicate": 0, "over the client cap": 0})

    def provenance(self) -> dict:
        buckets = Counter(r.client_bucket or "none" for r in self.responses if source_of(r) != "import")
        days = Counter(r.completed_at.date().isoformat() for r in self.responses if r.completed_at)
        return {
            "n": len(self.responses),
            "by_source": {s: sum(1 for r in self.responses if source_of(r) == s) for s in SOURCES},
            "by_day": dict(sorted(days.items())),
            "client_buckets": len(buckets),
            "largest_buckets": buckets.most_common(5),
            "left_out": dict(self.left_out),
            "rules": {"max_per_client": MAX_PER_CLIENT, "max_per_workshop_client": MAX_PER_WORKSHOP_CLIENT,
                      "near_duplicate_items": NEAR_DUPLICATE_ITEMS, "flagged": "left out"},
        }


def select(instrument: Instrument, responses: list, answer_sets: list[AnswerSet]) -> Selection:
    """Responses in the order given (oldest first), without the flagged, the near-duplicates
    and each client's share beyond its cap."""
    chosen = Selection()
    items = [item.id for item in instrument.items]
    kept_vectors = np.empty((0, len(items)), dtype=np.int8)
    per_client: Counter = Counter()
    for response, answers in zip(responses, answer_sets):
        if score_answers(instrument, answers).flags:
            chosen.left_out["flagged"] += 1
            continue
        vector = np.array([answers.answers.get(i, 0 if i in answers.not_applicable else -1) for i in items], dtype=np.int8)
        if len(kept_vectors) and int((kept_vectors != vector).sum(axis=1).min()) <= NEAR_DUPLICATE_ITEMS:
            chosen.left_out["near-duplicate"] += 1
            continue
        key = _client_key(response)
        if key is not None:
            cap = MAX_PER_WORKSHOP_CLIENT if key[0] == "workshop" else MAX_PER_CLIENT
            if per_client[key] >= cap:
                chosen.left_out["over the client cap"] += 1
                continue
            per_client[key] += 1
        kept_vectors = np.vstack([kept_vectors, vector])
        chosen.responses.append(response)
        chosen.answer_sets.append(answers)
    return chosen
