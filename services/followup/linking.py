"""Linking a take in a follow-up session to the same person's take in the
workshop it follows up (issue 25, F1/F7). The one rule, used when the person
joins, when the coach's team view pairs people and when a coach's PDF is made:

    a follow-up take in a named session may be linked only to a take that was
    completed in the named workshop this session follows up (same coach) and
    that its owner shared with the coach there.

Never an anonymous workshop's take, a private self-test, another coach's take
or an unshared one: those are refused with the same words as a mistyped code or
link, so the refusal tells nothing about what exists. The words depend only on
what was typed (NotLinkable.typed: a code, a private link, a reminder's retake
link or neither), so they can name the problem without naming a take. A person
who did not share their first take links nothing: "Take it again" on that
profile gives them their own then-and-now, which no coach sees.

How a person names their earlier take, in order of convenience:
- the follow-up code shown on their shared profile in the first workshop
  (FOLLOW_UP_CODE_LENGTH letters and digits, e.g. K7QMD-3WXPA). It is an HMAC of
  the take's stored token hash under SECRET_KEY: nothing new is stored, and it
  opens nothing by itself (it only names a take among the few of one workshop);
- the private link of that profile (/response/<token>/...);
- the retake link of their reminder e-mail (/retake/<token>), while it is valid."""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app
from sqlalchemy import select

from services.db import db
from services.followup.retakes import retake_link_expired
from services.models import Response, Retake, RetakeLink, Workshop, hash_token
from services.workshops import shared_responses

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no I/1, O/0
FOLLOW_UP_CODE_LENGTH = 10  # 50 bits
PRIVATE_LINK = re.compile(r"/response/([A-Za-z0-9_-]{20,100})(?:[/?#]|$)")
RETAKE_LINK = re.compile(r"/retake/([A-Za-z0-9_-]{20,100})(?:[/?#]|$)")


class NotLinkable(Exception):
    """What was typed names no take that may be linked here (one refusal for every reason).
    `typed` says only what kind of text it was, never why it was refused: "code" (ten letters
    and digits), "private_link" (/response/…), "retake_link" (/retake/…) or "other"."""

    def __init__(self, typed: str):
        super().__init__(typed)
        self.typed = typed


def follow_up_code(response: Response) -> str:
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), b"follow-up-code:" + response.token_hash.encode(),
                      hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    symbols = [CODE_ALPHABET[(number >> (5 * i)) & 31] for i in range(FOLLOW_UP_CODE_LENGTH)]
    half = FOLLOW_UP_CODE_LENGTH // 2
    return "".join(symbols[:half]) + "-" + "".join(symbols[half:])


def offers_follow_up_code(response: Response) -> bool:
    """A completed take shared with the coach of a named workshop: one a follow-up session can link to."""
    workshop = response.workshop
    return bool(response.completed_at and response.share_with_coach and workshop is not None and workshop.named)


def earlier_workshop(follow_up: Workshop) -> Workshop | None:
    """The named workshop a named follow-up session follows up, of the same coach."""
    if follow_up.follow_up_of_id is None or not follow_up.named:
        return None
    earlier = db.session.get(Workshop, follow_up.follow_up_of_id)
    if earlier is None or earlier.coach_id != follow_up.coach_id or not earlier.named:
        return None
    return earlier


def linkable_takes(follow_up: Workshop) -> list[Response]:
    earlier = earlier_workshop(follow_up)
    return shared_responses(earlier) if earlier is not None else []


def _normalised_code(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _named_take_id(text: str) -> tuple[str, int | None]:
    """What kind of link `text` holds ("private_link", "retake_link" or "other") and the
    response it names (None when it names none, or none any more)."""
    if match := PRIVATE_LINK.search(text):
        return "private_link", db.session.scalar(
            select(Response.id).where(Response.token_hash == hash_token(match.group(1))))
    if match := RETAKE_LINK.search(text):
        link = db.session.get(RetakeLink, hash_token(match.group(1)))
        return "retake_link", link.response_id if link is not None and not retake_link_expired(link) else None
    return "other", None


def opens_the_take(text: str | None) -> bool:
    """Whether `text` holds a private link (which opens the take: its holder may change it)
    rather than a follow-up code or a retake-only link (services/followup/retakes.py)."""
    return PRIVATE_LINK.search(text or "") is not None


def earlier_take(follow_up: Workshop, text: str | None) -> Response | None:
    """The earlier take `text` (a follow-up code, a private link or a retake link) names,
    if it may be linked to a take in `follow_up`; None when nothing was typed.
    Raises NotLinkable for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    candidates = linkable_takes(follow_up)
    code = _normalised_code(text)
    if len(code) == FOLLOW_UP_CODE_LENGTH:
        for candidate in candidates:
            if hmac.compare_digest(_normalised_code(follow_up_code(candidate)), code):
                return candidate
        raise NotLinkable("code")
    typed, wanted = _named_take_id(text)
    found = next((c for c in candidates if wanted is not None and c.id == wanted), None)
    if found is None:
        raise NotLinkable(typed)
    return found


def linked_pair(response: Response) -> Response | None:
    """For a coach: the earlier take a shared follow-up take is linked to, if the rule allows
    the coach to see both (checked again here, whatever the stored link says)."""
    workshop = response.workshop
    if workshop is None or not response.share_with_coach or response.completed_at is None:
        return None
    previous_id = db.session.scalar(select(Retake.previous_id).where(Retake.response_id == response.id))
    if previous_id is None:
        return None
    return next((r for r in linkable_takes(workshop) if r.id == previous_id), None)
