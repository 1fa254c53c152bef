"""Password rule beyond Django's list check: a common password stays common with a year, digits or
punctuation added before or after it, or with letters swapped for look-alike digits ("iloveyou1234",
"Password2026!", "P@ssw0rd"). Those are the first guesses of every password-spraying tool.

The list is Django's bundled common-passwords list (20 000 entries, no network) plus a few Swedish
favourites that list lacks. Registered in settings.AUTH_PASSWORD_VALIDATORS after Django's own.
"""

import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

COMMON_VARIANT = ("Lösenordet bygger på ett vanligt lösenord med siffror, årtal, tecken eller utbytta bokstäver. "
                  "Välj ett annat, gärna en lösenfras av flera ord.")
HELP_TEXT = "Lösenordet får inte bygga på ett vanligt lösenord, inte heller med siffror eller årtal tillagda."

# Common in Sweden, missing from the (English-language) bundled list.
SWEDISH_COMMON = frozenset({
    "lösenord", "losenord", "sommar", "vinter", "hösten", "hosten", "våren", "varen", "hejsan", "hejhej",
    "sverige", "stockholm", "göteborg", "goteborg", "malmö", "malmo", "välkommen", "valkommen", "kommun",
    "socialtjänst", "socialtjanst", "fotboll", "bananer", "katten", "hunden",
})
# Digits, whitespace and punctuation added before or after the word.
_AFFIXES = re.compile(r"^[\d\W_]+|[\d\W_]+$")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
                       "@": "a", "$": "s", "!": "i", "+": "t"})
_LEET_L = str.maketrans({"1": "l", "!": "l"})


def _cores(password: str) -> set[str]:
    """The words a guesser would start from: the password lower-cased, without its digit and
    punctuation affixes, and with look-alike digits read as letters (1 as i and as l)."""
    lowered = password.strip().lower()
    cores = set()
    for text in (lowered, lowered.translate(_LEET_L)):
        for variant in (text, text.translate(_LEET)):
            cores.add(_AFFIXES.sub("", variant))
        cores.add(_AFFIXES.sub("", text).translate(_LEET))
    return {c for c in cores if c}


class CommonPasswordVariantValidator(CommonPasswordValidator):
    """Refuses a password whose core (see _cores) is on the common list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passwords = self.passwords | SWEDISH_COMMON

    def validate(self, password, user=None):
        if _cores(password) & self.passwords:
            raise ValidationError(COMMON_VARIANT, code="password_common_variant")

    def get_error_message(self):
        return COMMON_VARIANT

    def get_help_text(self):
        return HELP_TEXT
