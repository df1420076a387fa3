"""What a new password must be: long enough and not easy to guess (zxcvbn). Apart from
passwords.py (hashing), which every web process's login needs: zxcvbn and its word lists
cost 0.05 s of import, and only the forms that set a password and `flask create-coach` use it."""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

from reports.i18n import translations

MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn's score 3: about 10^8 guesses or more. It knows the common-password
# lists, keyboard walks, dates, l33t and repeats; "aaaaaaaaaaaa",
# "Password1234!" and "qwertyuiopas" score 0–1.
MIN_STRENGTH = 3
ZXCVBN_MAX_LENGTH = 72


UNLEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s"})


def without_address(password: str, email: str) -> str:
    """The password with the account's address and each of its words of three characters or
    more ("coach", "example", "com") taken out wherever they stand, in any case: what is left must
    be strong on its own. zxcvbn alone scored "coach@example.com" strong for coach@example.com."""
    words = [w for w in re.split(r"[@.+_-]", email) if len(w) >= 3]
    for part in ([email] if email else []) + words:
        password = re.sub(re.escape(part), "", password, flags=re.IGNORECASE)
    return password


def password_problem(password: str, *, email: str = "", language: str = "en") -> str | None:
    """Why this password may not be used (in `language`), or None."""
    _ = translations(language).gettext
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)s characters.") % {"n": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)s characters.") % {"n": MAX_LENGTH}
    # zxcvbn's cost grows with length and it refuses more than 72 characters (a ValueError, a
    # 500 for a long passphrase): the first 72 decide, and a longer one only adds to them.
    hints = [part for part in email.lower().replace("@", " ").replace(".", " ").split() if part]
    # Also the address written backwards or with digits for letters ("c0ach@3xample.c0m").
    variants = (password, password.translate(UNLEET), password[::-1])
    rests = [without_address(variant, email)[:ZXCVBN_MAX_LENGTH] for variant in variants]
    if any(not rest.strip() or zxcvbn(rest, user_inputs=hints)["score"] < MIN_STRENGTH for rest in rests):
        return _("This password is too easy to guess: it's a common one, or made from a pattern or "
                 "your e-mail address. A few unrelated words make a strong one.")
    return None
