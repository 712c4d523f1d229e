"""Realistic fake values ("surrogates") of one entity type, reproducible from a seed.

Every draw seeds one shared `Faker("en_GB")` from (entity type, entity number, attempt),
so a value depends on its entity's stable number, not on the order of the corpus. The
values are fictional by construction where a fictional range exists: Ofcom drama phone
numbers, NHS test numbers (999...), e-mail and web addresses at example.org, and
postcodes in areas that do not exist. Organisations and places keep the generic words of
what they replace ("NHS Foundation Trust", "Lane"); dates keep their written style and
year; numbers keep their layout. People's names are built in `surrogate_names`; which
value an entity gets, free of clashes, is decided in `surrogates`.
"""

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache

from faker import Faker

from qualframe.deid.allow import phone_digits
from qualframe.uk import (
    DAY_ORDINALS,
    DRAMA_496_LANDLINES,
    DRAMA_FREEPHONE,
    DRAMA_LONDON,
    DRAMA_MOBILE,
    DRAMA_NO_AREA,
    DRAMA_NON_GEOGRAPHIC,
    DRAMA_TYNESIDE,
    MONTH_TOKEN,
    MONTHS,
    NHS_TEST_PREFIX,
    NI_SUFFIXES,
    ORDINAL_WORD,
    WEEKDAYS,
    nhs_check_digit,
    ni_prefix_ok,
    ordinal_suffix,
)

FICTION_DOMAIN = "example.org"

# Ofcom numbers reserved for drama (`uk`), as surrogates write them; 3 digits follow.
MOBILE_FORMS = (DRAMA_MOBILE, "+44 " + DRAMA_MOBILE[1:])
LANDLINES = (*DRAMA_496_LANDLINES, DRAMA_TYNESIDE, DRAMA_LONDON, DRAMA_NO_AREA)

# Two-letter outward areas that fit the official postcode pattern but are not UK postcode
# areas (the only real Z area is ZE, Shetland), so a surrogate postcode is never a place.
FICTIONAL_POSTCODE_AREAS = ("ZA", "ZB", "ZC", "ZD", "ZF", "ZG", "ZH", "ZK", "ZL", "ZM")
POSTCODE_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Words kept when they end or start an organisation's or a place's name: they say what
# kind of body or place it is without saying which one.
ORG_GENERIC_WORDS = frozenset(
    """nhs foundation trust trusts hospital hospitals council borough city county district
    metropolitan combined authority university college school academy primary secondary
    high infant junior nursery surgery practice medical health healthcare care mental
    community centre center clinic service services support group team partnership
    project charity association society network housing police constabulary fire rescue
    ambulance hospice pharmacy church mosque temple ltd limited plc cic ccg icb pcn and
    of for the & integrated board commissioning""".split()
)
PLACE_GENERIC_WORDS = frozenset(
    """road rd street lane avenue ave close drive way crescent terrace place grove gardens
    court square park hill row walk mews estate ward green village town city centre
    north south east west upper lower great little the of""".split()
)
URL_PATH_WORDS = ("contact", "about", "services", "news", "help", "support", "events")

WEEKDAY_TOKEN = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
DATE_TOKEN = re.compile(
    r"(?P<iso>\b\d{4}-\d{2}-\d{2}\b)"
    r"|(?P<numeric>(?<![\d/.-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{2,4})\b)"
    r"|(?P<day_month>(?<![\d/.-])(?P<d2>\d{1,2})(?P<sep2>[/.])(?P<m2>\d{1,2})(?![\d/-]|\.\d))"
    r"|(?P<ordinal>\b\d{1,2}(?:st|nd|rd|th)\b)"
    r"|(?P<ordinal_word>\b" + ORDINAL_WORD + r"\b)"
    r"|(?P<weekday>\b" + WEEKDAY_TOKEN + r"\b)"
    r"|(?P<month>\b" + MONTH_TOKEN + r"\b)"
    r"|(?P<year>\b(?:1[89]|20)\d{2}\b)"
    r"|(?P<day>\b\d{1,2}\b)",
    re.IGNORECASE,
)
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+|\S")


# --- seeding -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def shared_faker() -> Faker:
    """Return the one Faker("en_GB") instance every draw re-seeds."""
    return Faker("en_GB")


def seed_for(entity_type: str, number: int, attempt: int) -> int:
    """Return a stable 64-bit seed for (entity type, number, attempt), the same on every run."""
    digest = hashlib.sha256(f"{entity_type}|{number}|{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def seeded_faker(entity_type: str, number: int, attempt: int) -> Faker:
    """Return the shared Faker seeded for one draw (the same draw gives the same values)."""
    fake = shared_faker()
    fake.seed_instance(seed_for(entity_type, number, attempt))
    return fake


# --- case and layout ---------------------------------------------------------------------


def match_case(value: str, like: str) -> str:
    """Return `value` lower- or upper-cased when `like` is all lower or all upper case.

    A lower-case auto-transcript gets lower-case surrogates; mixed case is left as drawn.
    """
    letters = [char for char in like if char.isalpha()]
    if letters and all(char.islower() for char in letters):
        return value.lower()
    if len(letters) > 1 and all(char.isupper() for char in letters):
        return value.upper()
    return value


def in_layout(compact: str, layout: str) -> str:
    """Return the characters of `compact` laid out like `layout`'s letters and digits.

    in_layout("AB123456C", "qq 12 34 56 c") == "ab 12 34 56 c": separators are copied
    and each letter takes the case of the character it replaces.
    """
    chars, out = iter(compact), []
    for char in layout:
        if char.isalnum():
            new = next(chars, "")
            out.append(new.lower() if char.islower() else new)
        else:
            out.append(char)
    return "".join(out) + "".join(chars)


# --- organisations and places ------------------------------------------------------------

FILLED = "\0"  # marks a run of replaced words in `keep_generic_words`


def keep_generic_words(original: str, generic: frozenset[str], fill: Callable[[], str]) -> str:
    """Return `original` with each run of non-generic words replaced by one `fill()` value.

    "Bolton NHS Foundation Trust" -> "<fill> NHS Foundation Trust"; digits and
    punctuation count as non-generic. Returns "" when every word is generic or none is,
    so the caller falls back to a whole fake name.
    """
    tokens = WORD.findall(original)
    is_generic = [token.casefold() in generic for token in tokens]
    if all(is_generic) or not any(is_generic):
        return ""
    out: list[str] = []
    for token, kept in zip(tokens, is_generic, strict=True):
        if kept:
            out.append(token)
        elif not out or out[-1] is not FILLED:
            out.append(FILLED)
    return " ".join(fill() if token is FILLED else token for token in out)


def organisation(fake: Faker, original: str) -> str:
    """Return a fake organisation name keeping the original's generic words."""
    return keep_generic_words(original, ORG_GENERIC_WORDS, fake.city) or fake.company()


def place(fake: Faker, original: str) -> str:
    """Return a fake place: a street keeps "Lane"/"Road"..., a house number stays a number."""
    if re.match(r"^\d", original.strip()):
        house = str(fake.random.randint(1, 199))
        rest = re.sub(r"^\d+\w?\s*,?\s*", "", original.strip())
        street = keep_generic_words(rest, PLACE_GENERIC_WORDS, fake.last_name)
        return f"{house} {street or fake.street_name()}"
    return keep_generic_words(original, PLACE_GENERIC_WORDS, fake.last_name) or fake.city()


# --- numbers and addresses ---------------------------------------------------------------


def phone(fake: Faker, original: str) -> str:
    """Return an Ofcom drama number of the same kind (mobile, landline, 080, 03)."""
    digits = phone_digits(original)
    international = original.lstrip().startswith("+") or original.lstrip().startswith("00")
    if digits.startswith("07"):
        prefix = MOBILE_FORMS[1] if international else MOBILE_FORMS[0]
    elif digits.startswith("080"):
        prefix = in_layout(DRAMA_FREEPHONE.replace(" ", ""), "00000 000")  # "08081 570"
    elif digits.startswith("03"):
        prefix = DRAMA_NON_GEOGRAPHIC
    else:
        prefix = fake.random.choice(LANDLINES)
        if international:
            prefix = "+44 " + prefix[1:]
    return f"{prefix}{fake.random.randint(0, 999):03d}"


def nhs_number(fake: Faker, original: str) -> str:
    """Return a valid NHS number from the 999 test range, laid out like the original."""
    while True:
        body = NHS_TEST_PREFIX + "".join(str(fake.random.randint(0, 9)) for _ in range(6))
        check = nhs_check_digit(body)
        if check is not None:
            layout = original.strip() if len(re.sub(r"\W", "", original)) == 10 else "999 999 9999"
            return in_layout(f"{body}{check}", layout)


def ni_number(fake: Faker, original: str) -> str:
    """Return a National Insurance number of valid format, laid out like the original.

    The prefix follows the allocation rules (`uk.ni_prefix_ok`), the suffix is A-D.
    """
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        prefix = fake.random.choice(letters) + fake.random.choice(letters)
        if ni_prefix_ok(prefix):
            break
    digits = "".join(str(fake.random.randint(0, 9)) for _ in range(6))
    compact = prefix + digits + fake.random.choice(NI_SUFFIXES)
    layout = original.strip() if len(re.sub(r"\W", "", original)) == 9 else "AB 12 34 56 C"
    return in_layout(compact, layout)


def postcode(fake: Faker, original: str) -> str:
    """Return a valid-format postcode in a non-existent area, spaced like the original."""
    area = fake.random.choice(FICTIONAL_POSTCODE_AREAS)
    outward = f"{area}{fake.random.randint(1, 99)}"
    inward = str(fake.random.randint(0, 9)) + "".join(
        fake.random.choice(POSTCODE_INWARD_LETTERS) for _ in range(2)
    )
    return f"{outward}{' ' if ' ' in original.strip() else ''}{inward}"


def email(fake: Faker, original: str) -> str:
    """Return first.last@example.org from a fake name."""
    local = f"{fake.first_name()}.{fake.last_name()}".lower()
    return re.sub(r"[^a-z0-9.]", "", local) + "@" + FICTION_DOMAIN


def url(fake: Faker, original: str) -> str:
    """Return an example.org address with the original's scheme, "www." and path depth."""
    text = original.strip()
    scheme = re.match(r"(?i)https?://", text)
    rest = text[scheme.end() :] if scheme else text
    www = "www." if rest.lower().startswith("www.") else ""
    has_path = "/" in rest.rstrip("/")
    path = "/" + fake.random.choice(URL_PATH_WORDS) if has_path else ""
    slug = re.sub(r"[^a-z0-9-]", "", fake.domain_word())
    return f"{scheme.group().lower() if scheme else ''}{www}{FICTION_DOMAIN}/{slug}{path}"


# --- dates -------------------------------------------------------------------------------


def month_like(month: int, token: str) -> str:
    """Return a month name written like `token`: full name or three-letter abbreviation."""
    name = MONTHS[month - 1]
    full = token.casefold() in {m.casefold() for m in MONTHS}
    return match_case(name if full else name[:3], token)


def padded(value: int, like: str) -> str:
    """Return `value` zero-padded to the width of `like` when `like` has a leading zero."""
    return f"{value:0{len(like)}d}" if like.startswith("0") else str(value)


def date_like(fake: Faker, original: str) -> str | None:
    """Return a fake date written in the style of `original`, or None when nothing is datable.

    Day, month and weekday are drawn (day 1-28, valid in every month); a year is kept
    when the date also has a day or month, since the year places the account in time and
    the day and month are what identify, and shifted by 1-3 years when it stands alone.
    """
    day, month = fake.random.randint(1, 28), fake.random.randint(1, 12)
    weekday = fake.random.choice(WEEKDAYS)
    year_shift = fake.random.choice((-3, -2, -1, 1, 2, 3))
    has_day_or_month = False

    def replace(match: re.Match) -> str:
        nonlocal has_day_or_month
        token, kind = match.group(), match.lastgroup
        if kind == "year":
            return token
        has_day_or_month = True
        if kind == "iso":
            return f"{token[:4]}-{month:02d}-{day:02d}"
        if kind == "numeric":
            sep, year = match.group("sep"), match.group("y")
            new_day, new_month = padded(day, match.group("d")), padded(month, match.group("m"))
            return f"{new_day}{sep}{new_month}{sep}{year}"
        if kind == "day_month":
            sep = match.group("sep2")
            return f"{padded(day, match.group('d2'))}{sep}{padded(month, match.group('m2'))}"
        if kind == "ordinal":
            return match_case(f"{day}{ordinal_suffix(day)}", token)
        if kind == "ordinal_word":
            return match_case(DAY_ORDINALS[day - 1], token)
        if kind == "weekday":
            return match_case(weekday, token)
        if kind == "month":
            return month_like(month, token)
        return padded(day, token)  # a bare day number

    out = DATE_TOKEN.sub(replace, original)
    if has_day_or_month:
        return out
    years = list(re.finditer(r"\b(?:1[89]|20)\d{2}\b", original))
    if not years:
        return None
    return re.sub(r"\b(?:1[89]|20)\d{2}\b", lambda m: str(int(m.group()) + year_shift), original)


# --- one value per entity type -----------------------------------------------------------

GENERATORS: dict[str, Callable[[Faker, str], str | None]] = {
    "ORG": organisation,
    "LOCATION": place,
    "PHONE": phone,
    "EMAIL": email,
    "URL": url,
    "POSTCODE": postcode,
    "NHS_NUMBER": nhs_number,
    "NI_NUMBER": ni_number,
    "DATE": date_like,
}
