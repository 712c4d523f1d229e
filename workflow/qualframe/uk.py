"""UK identifier knowledge in one place: check digits, number formats, months, ordinals,
number words and the one list of titles and ranks written before a name.

Pure facts, no finders: the detectors in `deid/` (`structured`, `dates`, `spoken`, `names`,
`allow`), the surrogates that replace identifiers and the synthetic transcript generator
(`synth/`) all read them from here. It lives outside `deid/` so the generator can use
the same facts without importing a detector.
"""

import re
import string

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
# Number words: UNITS[0] is "one", TEENS[0] "ten", TENS[0] "twenty".
UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS = tuple(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
)
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
DIGIT_NAMES = ("zero", *UNITS)  # DIGIT_NAMES[d] is the word for digit d
# The ordinal words of the days of a month: DAY_ORDINALS[0] is "first", [30] "thirty-first".
UNIT_ORDINALS = tuple("first second third fourth fifth sixth seventh eighth ninth".split())
TEEN_ORDINALS = tuple(
    "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
    "nineteenth".split()
)
DAY_ORDINALS = (
    *UNIT_ORDINALS,
    *TEEN_ORDINALS,
    "twentieth",
    *(f"twenty-{word}" for word in UNIT_ORDINALS),
    "thirtieth",
    "thirty-first",
)


def number_words(number: int) -> str:
    """Return 1..99 in words ("seven", "sixteen", "forty", "thirty-four")."""
    if number < 10:
        return UNITS[number - 1]
    if number < 20:
        return TEENS[number - 10]
    tens, units = divmod(number, 10)
    return TENS[tens - 2] + (f"-{UNITS[units - 1]}" if units else "")


def ordinal_suffix(day: int) -> str:
    """Return "st", "nd", "rd" or "th" for a day of the month (1st, 12th, 22nd)."""
    if day % 10 == 1 and day != 11:
        return "st"
    if day % 10 == 2 and day != 12:
        return "nd"
    if day % 10 == 3 and day != 13:
        return "rd"
    return "th"


# A month's name or its abbreviation, lower case (match with re.IGNORECASE).
MONTH_ABBREVIATIONS = tuple("jan feb mar apr jun jul aug sep sept oct nov dec".split())
MONTH_TOKEN = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# "the fifth of May", "twenty-first": ordinal words of days, as a regular expression.
ORDINAL_UNITS = "|".join(UNIT_ORDINALS)
ORDINAL_WORD = (
    r"(?:(?:twenty|thirty)[\s-]?(?:"
    + ORDINAL_UNITS
    + r")|"
    + "|".join(TEEN_ORDINALS)
    + r"|twentieth|thirtieth|"
    + ORDINAL_UNITS
    + r")"
)
# Cardinal number words as regular expressions, as in ages ("seventeen", "seventy-five").
UNIT_WORDS = "|".join(UNITS)
TENS_WORDS = "|".join(TENS)
TEEN_WORDS = "|".join(TEENS)

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
# The same as regular-expression alternatives, longest first ("mrs" before "mr"): titles
# to match case-insensitively (or capitalised only, as the caller decides), ranks as they are.
TITLE_ALTERNATIVES = "|".join(sorted(ABBREVIATED_TITLES + WORD_TITLES, key=len, reverse=True))
RANK_ALTERNATIVES = "|".join(sorted(RANKS, key=len, reverse=True))

# The official UK pattern (outward code, optional space, inward code), any case.
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

# National Insurance numbers: two prefix letters (never D, F, I, Q, U or V; O never
# second; BG, GB, KN, NK, NT, TN and ZZ unused), six digits in pairs, a suffix A-D.
NI_EXCLUDED_FIRST = frozenset("DFIQUV")
NI_EXCLUDED_SECOND = frozenset("DFIQUVO")
NI_UNUSED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
NI_SUFFIXES = "ABCD"
NI_FIRST_LETTERS = "".join(sorted(set(string.ascii_uppercase) - NI_EXCLUDED_FIRST))
NI_SECOND_LETTERS = "".join(sorted(set(string.ascii_uppercase) - NI_EXCLUDED_SECOND))


def ni_prefix_ok(prefix: str) -> bool:
    """Return whether two upper-case letters may begin a National Insurance number."""
    return (
        len(prefix) == 2
        and prefix[0] not in NI_EXCLUDED_FIRST
        and prefix[1] not in NI_EXCLUDED_SECOND
        and prefix not in NI_UNUSED_PREFIXES
    )


# The written form: the prefix, six digits in pairs, the suffix; spaces optional, any case.
NI_NUMBER = re.compile(
    r"\b(?!(?:" + "|".join(sorted(NI_UNUSED_PREFIXES)) + r"))"
    r"[" + NI_FIRST_LETTERS + r"][" + NI_SECOND_LETTERS + r"]"
    r"(?: ?[0-9]{2}){3} ?[" + NI_SUFFIXES + r"]\b",
    re.IGNORECASE,
)


# Ofcom's phone numbers for drama (never allocated to anyone), as written: each prefix is
# followed by three more digits.
DRAMA_MOBILE = "07700 900"
DRAMA_496_AREAS = "0113 0114 0115 0116 0117 0118 0121 0131 0141 0151 0161".split()
DRAMA_496_LANDLINES = tuple(f"{area} 496 0" for area in DRAMA_496_AREAS)
DRAMA_TYNESIDE = "0191 498 0"
DRAMA_LONDON = "020 7946 0"
DRAMA_CARDIFF = "029 2018 0"
DRAMA_NO_AREA = "01632 960"
DRAMA_FREEPHONE = "0808 157 0"
DRAMA_NON_GEOGRAPHIC = "03069 990"

# NHS numbers in the test range (999...) are never issued to a patient.
NHS_TEST_PREFIX = "999"


def nhs_check_digit(nine_digits: str) -> int | None:
    """Return the NHS modulus-11 check digit of nine digits (weights 10..2, 11 -> 0), or
    None when it would be 10 (no NHS number has that body)."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return None if check == 10 else check % 11


def nhs_checksum_ok(digits: str) -> bool:
    """Return whether 10 digits pass the NHS modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = nhs_check_digit(digits[:9])
    return check is not None and check == int(digits[9])


# Talk of an NHS number near a 10-digit number makes it one, whatever its check digit.
NHS_CONTEXT = re.compile(r"\bNHS\s*(?:number|num|no\b)", re.IGNORECASE)
NHS_CONTEXT_WINDOW = 80  # characters either side, within the paragraph
# Endings of spoken web and e-mail addresses ("dot nhs dot uk", "dot org").
TOP_LEVEL_DOMAINS = (
    "uk com org net gov ac co io info edu eu ie scot wales london cymru nhs police sch".split()
)
