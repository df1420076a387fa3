"""The one rule for an e-mail address we will write into a message header: the plan
form, the command line (create-coach) and the reminder sender all call checked_address.

An address is judged as the mail library will read it, after decoding: RFC 2047
encoded words ("=?utf-8?q?…?=") decode to other text, even to a line break that
would stop message building, so they are refused, and so is every control or
line-separator character. The local part must be ASCII (we do not rely on the
mail server speaking SMTPUTF8); an international domain is stored in its ASCII
(punycode) form, which is the address the message really goes to."""

from __future__ import annotations

import unicodedata
from email.message import EmailMessage

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254


class AddressError(ValueError):
    """Not an address we send to; str() names the problem, without repeating the address."""


def checked_address(text: str) -> str:
    """The address as it will be stored and sent to, or AddressError naming the problem."""
    address = (text or "").strip()
    if not address:
        raise AddressError("the address is empty")
    if len(address) > MAX_LENGTH:
        raise AddressError(f"the address is longer than {MAX_LENGTH} characters")
    for char in address:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") or char in "\x85":
            raise AddressError(f"the address contains a control character (U+{ord(char):04X})")
    if "=?" in address:
        raise AddressError("the address contains an encoded word (=?…?=)")
    try:
        valid = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise AddressError(str(exc)) from None
    ascii_address = valid.ascii_email
    if not ascii_address or len(ascii_address) > MAX_LENGTH:
        raise AddressError("the address cannot be written in ASCII")
    # The header the message will carry must read back as exactly this one address.
    try:
        message = EmailMessage()
        message["To"] = ascii_address
        header = message["To"]
        read_back = [a.addr_spec for a in header.addresses]
    except (ValueError, TypeError, IndexError) as exc:
        raise AddressError(f"the mail library cannot write it into a header: {exc}") from None
    if read_back != [ascii_address] or header.defects:
        raise AddressError("the mail library reads it as a different address")
    return ascii_address
