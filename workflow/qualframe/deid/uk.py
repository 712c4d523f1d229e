"""UK identifier knowledge in one place: check digits, number formats, months, ordinals,
number words and the one list of titles and ranks written before a name.

Pure facts, no finders: the rules in `structured`, `dates`, `spoken` and `names`, the
allow-list and entity normalisation in `allow` all read them from here.
"""

import re

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# "the fifth of May", "twenty-first": ordinal words of days.
ORDINAL_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
ORDINAL_WORD = (
    r"(?:(?:twenty|thirty)[\s-]?(?:" + ORDINAL_UNITS + r")"
    r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth"
    r"|eighteenth|nineteenth|twentieth|thirtieth|" + ORDINAL_UNITS + r")"
)
# Cardinal number words, as in ages ("seventeen", "seventy-five").
UNIT_WORDS = "one|two|three|four|five|six|seven|eight|nine"
TENS_WORDS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
TEEN_WORDS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"

# Digits read aloud, and the words that repeat the next one ("double oh").
DIGIT_WORDS = {
    "oh": "0",
    "o": "0",
    "zero": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
REPEATERS = {"double": 2, "treble": 3, "triple": 3}

# Titles written before a name. Abbreviations are never English words, so they are also
# trusted in lower-case text; whole-word titles ("Doctor", "Miss") only when capitalised.
ABBREVIATED_TITLES = (
    "dr",
    "mr",
    "mrs",
    "ms",
    "mx",
    "prof",
    "cllr",
    "insp",
    "sgt",
    "supt",
    "rev",
    "revd",
)
WORD_TITLES = (
    "miss",
    "doctor",
    "professor",
    "councillor",
    "inspector",
    "sergeant",
    "constable",
    "superintendent",
    "reverend",
    "sir",
    "dame",
    "lord",
    "lady",
)
# Police ranks count only in capitals: "Di" and "Ds" are also first names.
RANKS = ("PC", "DC", "DS", "DI", "DCI", "DSI", "PCSO")

# The official UK pattern (outward code, optional space, inward code), any case.
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

# Two prefix letters (never D, F, I, Q, U or V; O never second; BG, GB, KN, NK, NT, TN
# and ZZ unused), six digits in pairs, a suffix A-D; spaces optional, any case.
NI_NUMBER = re.compile(
    r"\b(?!(?:BG|GB|KN|NK|NT|TN|ZZ))[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"(?: ?[0-9]{2}){3} ?[A-D]\b",
    re.IGNORECASE,
)


def nhs_checksum_ok(digits: str) -> bool:
    """Return whether 10 digits pass the NHS modulus-11 check (weights 10..2, 11 -> 0)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


# Talk of an NHS number near a 10-digit number makes it one, whatever its check digit.
NHS_CONTEXT = re.compile(r"\bNHS\s*(?:number|num|no\b)", re.IGNORECASE)
NHS_CONTEXT_WINDOW = 80  # characters either side, within the paragraph
# Endings of spoken web and e-mail addresses ("dot nhs dot uk", "dot org").
TOP_LEVEL_DOMAINS = (
    "uk com org net gov ac co io info edu eu ie scot wales london cymru nhs police sch".split()
)
