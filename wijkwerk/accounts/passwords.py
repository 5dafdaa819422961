"""Which passwords a back-office account may have (NIST SP 800-63B, 5.1.1.2): at least 12
characters, and not one that is easy to guess: common passwords, words from dictionaries, names,
repetitions (``aaaaaaaaaaaa``), sequences (``abcdefghijkl``, ``123456789012``), keyboard patterns,
dates, or the account's own e-mail address or name.

The guessing is estimated by ``zxcvbn``, which ships its lists of common passwords and words: nothing
is asked of the internet. No rules about character classes and no expiry, as 800-63B advises.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from zxcvbn import zxcvbn
from zxcvbn.matching import add_frequency_lists

MIN_LENGTH = 12
MAX_LENGTH = 200  # what the log-in form accepts
MIN_SCORE = 3  # zxcvbn's 0–4; 3 is "safely unguessable": about 10^8 guesses or more
# zxcvbn refuses to look further (its time grows quickly with the length); what lies beyond only
# adds strength, so the first 72 characters are judged.
_CHECKED_LENGTH = 72

# zxcvbn's lists are English; these Dutch words are common in passwords (the base of "Welkom01"),
# most common first, as its frequency lists are.
DUTCH_WORDS = (  # noqa: SIM905 (a list of words reads best as words)
    "wachtwoord welkom geheim hallo liefde schatje prinses voetbal ajax feyenoord psv oranje "
    "nederland holland amsterdam rotterdam utrecht denhaag gemeente zomer winter lente "
    "herfst voorjaar najaar januari februari maart april mei juni juli augustus september "
    "oktober november december maandag dinsdag woensdag donderdag vrijdag zaterdag zondag "
    "konijn hond poes kat paard vogel bloem tulp fiets koffie thee kaas haring stroopwafel "
    "wijkwerk wijk kantoor werk collega welkom01 beheer beheerder inloggen toegang"
).split()
add_frequency_lists({"nl_common": DUTCH_WORDS})
# A known word with only digits and punctuation around it ("Welkom2026!!") is guessed by every
# cracking rule set first, whatever zxcvbn's score for the whole.
_AROUND = re.compile(r"^[\W\d_]*(?P<core>.*?)[\W\d_]*$")
_COMMON_CORE_GUESSES = 10**5


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """A message (Dutch, or the request's locale) saying why ``password`` may not be used, or
    None when it may. ``user_inputs``: the account's e-mail address and name, which a password
    should not be built from."""
    if len(password) < MIN_LENGTH:
        return _("Een wachtwoord heeft minstens %(count)s tekens.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Een wachtwoord heeft hooguit %(count)s tekens.", count=MAX_LENGTH)
    inputs = []
    for value in user_inputs:
        if value:
            inputs.append(value)
            inputs.extend(part for part in value.replace("@", " ").replace(".", " ").split())
    result = zxcvbn(password[:_CHECKED_LENGTH], user_inputs=inputs)
    core = _AROUND.match(password).group("core")
    if core.isalpha() and zxcvbn(core, user_inputs=inputs)["guesses"] < _COMMON_CORE_GUESSES:
        reason = _(
            "het is een bekend woord met cijfers of leestekens eromheen (zoals Welkom2026!!)."
        )
    elif result["score"] >= MIN_SCORE:
        return None
    else:
        reason = _reason(result)
    return _(
        "Dit wachtwoord is te makkelijk te raden: %(reason)s Kies bijvoorbeeld een zin van een "
        "paar ongewone woorden.",
        reason=reason,
    )


def _reason(result: dict) -> str:
    """Our own Dutch words for the weakest part zxcvbn found (its feedback is English only)."""
    patterns = {match.get("pattern") for match in result.get("sequence", [])}
    dictionaries = {
        match.get("dictionary_name")
        for match in result.get("sequence", [])
        if match.get("pattern") == "dictionary"
    }
    if "user_inputs" in dictionaries:
        return _("het lijkt op het e-mailadres of de naam van het account.")
    if "passwords" in dictionaries:
        return _("het staat in de lijsten van veelgebruikte wachtwoorden, of lijkt erop.")
    if "repeat" in patterns:
        return _("het herhaalt tekens of woorden (zoals aaaa of abcabc).")
    if "sequence" in patterns:
        return _("het is een reeks (zoals abcd of 1234).")
    if "spatial" in patterns:
        return _("het volgt een patroon op het toetsenbord (zoals qwerty).")
    if "date" in patterns or "regex" in patterns:
        return _("het bevat een datum of jaartal.")
    if dictionaries:
        return _("het bestaat uit bekende woorden of namen.")
    return _("het is te voorspelbaar.")
