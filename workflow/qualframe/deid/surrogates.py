"""Realistic fake values ("surrogates") for identifiers, reproducible from an entity's number.

Every draw seeds one shared `Faker("en_GB")` from (entity type, entity number, attempt),
so a surrogate depends on its entity's stable number, not on the order of the corpus.
The values are fictional by construction where a fictional range exists: Ofcom drama
phone numbers, NHS test numbers (999...), e-mail and web addresses at example.org, and
postcodes in areas that do not exist. Names keep the shape of what they replace (a
person's first name, surname or full name; the generic words of an organisation or a
street, such as "NHS Foundation Trust" or "Lane"); dates keep their written style and
year. `assign_surrogates` draws again (attempt + 1) whenever a value would equal an
original of the corpus or another entity's surrogate.
"""

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from faker import Faker

from qualframe.deid.allow import TITLE_WORD, normalise_entity, phone_digits
from qualframe.deid.uk import MONTHS, WEEKDAYS

FICTION_DOMAIN = "example.org"
STRICT_ATTEMPTS = 50  # then two people may share a first name or a surname, never a whole name
MAX_ATTEMPTS = 500  # then the entity gets a numbered placeholder instead
NAMED_TYPES = ("PERSON", "ORG", "LOCATION")
AGE_PLACEHOLDER = "[AGE]"

# Ofcom numbers reserved for drama (never allocated): each prefix is followed by 3 digits.
DRAMA_MOBILE = ("07700 900", "+44 7700 900")
DRAMA_LANDLINES = (
    "0113 496 0",
    "0114 496 0",
    "0115 496 0",
    "0116 496 0",
    "0117 496 0",
    "0118 496 0",
    "0121 496 0",
    "0131 496 0",
    "0141 496 0",
    "0151 496 0",
    "0161 496 0",
    "0191 498 0",
    "020 7946 0",
    "01632 960",
)
DRAMA_FREEPHONE = "08081 570"
DRAMA_NON_GEOGRAPHIC = "03069 990"

# Two-letter outward areas that fit the official postcode pattern but are not UK postcode
# areas (the only real Z area is ZE, Shetland), so a surrogate postcode is never a place.
FICTIONAL_POSTCODE_AREAS = ("ZA", "ZB", "ZC", "ZD", "ZF", "ZG", "ZH", "ZK", "ZL", "ZM")
POSTCODE_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
NI_EXCLUDED_FIRST = set("DFIQUV")
NI_EXCLUDED_SECOND = set("DFIQUVO")
NI_UNUSED_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
NHS_TEST_PREFIX = "999"

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

ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
UNIT_ORDINALS = ORDINAL_WORDS[:9]
ORDINAL_WORD = (
    r"(?:(?:twenty|thirty)[\s-]?(?:"
    + "|".join(UNIT_ORDINALS)
    + r")|thirtieth|"
    + "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
    + r")"
)
MONTH_TOKEN = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
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


@dataclass(frozen=True)
class SurrogateRequest:
    """One entity that needs surrogates for some of its aliases.

    `aliases` maps each normalised key of the entity to its replacement when it already
    has one (from the pseudonym key), else None. `example` is a mention as written (it
    sets the shape of dates, phone numbers, streets...). `surname_aliases` are one-word
    person aliases seen after a title ("Dr Raman"), so they get a surname.
    """

    entity_type: str
    number: int
    aliases: Mapping[str, str | None]
    example: str
    surname_aliases: frozenset[str] = field(default_factory=frozenset)


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


# --- people ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def first_names_by_gender() -> dict[str, frozenset[str]]:
    """Return Faker's en_GB female and male first names, case-folded."""
    provider = shared_faker().provider("faker.providers.person")
    return {
        "female": frozenset(name.casefold() for name in provider.first_names_female),
        "male": frozenset(name.casefold() for name in provider.first_names_male),
    }


def gender_of(first_name: str) -> str | None:
    """Return "female" or "male" when a first name is on just one of Faker's lists, else None.

    Surrogates keep the gender of a recognisable first name so that pronouns in the
    transcript still fit; an unknown name may get either.
    """
    folded = first_name.casefold()
    genders = [gender for gender, names in first_names_by_gender().items() if folded in names]
    return genders[0] if len(genders) == 1 else None


def draw_first_name(fake: Faker, gender: str | None) -> str:
    """Return one first name of the given gender (either when None)."""
    if gender == "female":
        return fake.first_name_female()
    if gender == "male":
        return fake.first_name_male()
    return fake.first_name()


def person_shape(request: SurrogateRequest) -> tuple[list[str], dict[str, str]]:
    """Return the words of an entity's fullest alias and the surrogate words already fixed.

    The fullest alias is the one with most words ("priya raman" over "priya"). Fixed
    words come from aliases that already have a replacement: a one-word alias fixes its
    word, a multi-word alias fixes each word when the replacement has as many words.
    """
    full = max(request.aliases, key=lambda alias: (len(alias.split()), alias))
    fixed: dict[str, str] = {}
    for alias, replacement in request.aliases.items():
        if replacement is None:
            continue
        words, new_words = alias.split(), replacement.split()
        if len(words) == len(new_words):
            fixed.update(zip(words, new_words, strict=True))
    return full.split(), fixed


def surrogate_name_words(
    words: list[str], fixed: Mapping[str, str], surname_like: bool, fake: Faker
) -> dict[str, str]:
    """Return {word of the real name: surrogate word} for every word of a person's name.

    The first word gets a first name, the last a surname, words between a first name; a
    one-letter word (an initial) gets the initial of its surrogate; a one-word name gets
    a surname when it was seen after a title. Already fixed words keep their surrogate.
    """
    gender = gender_of(words[0]) if len(words) > 1 or not surname_like else None
    mapping: dict[str, str] = {}
    for position, word in enumerate(words):
        if word in mapping:  # a repeated word ("john john")
            continue
        if word in fixed:
            mapping[word] = fixed[word]
            continue
        is_last = position == len(words) - 1 and (len(words) > 1 or surname_like)
        drawn = fake.last_name() if is_last else draw_first_name(fake, gender)
        mapping[word] = drawn[0] if len(word) == 1 else drawn
    return mapping


def person_replacements(request: SurrogateRequest, attempt: int) -> dict[str, str]:
    """Return {alias: replacement} for every alias of a person entity, for one attempt.

    Aliases that already have a replacement keep it; the others are built word by word
    from one surrogate name, so "Priya Raman", "Priya" and "Raman" become e.g. "Anna
    Hughes", "Anna" and "Hughes".
    """
    words, fixed = person_shape(request)
    surname_like = len(words) == 1 and words[0] in request.surname_aliases
    fake = seeded_faker("PERSON", request.number, attempt)
    mapping = surrogate_name_words(words, fixed, surname_like, fake)
    replacements = {}
    for alias, replacement in request.aliases.items():
        if replacement is None:
            for word in alias.split():
                if word not in mapping:  # a word outside the fullest alias (rare)
                    drawn = draw_first_name(fake, None)
                    mapping[word] = drawn[0] if len(word) == 1 else drawn
            replacement = " ".join(mapping[word] for word in alias.split())
        replacements[alias] = replacement
    return replacements


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
        prefix = DRAMA_MOBILE[1] if international else DRAMA_MOBILE[0]
    elif digits.startswith("080"):
        prefix = DRAMA_FREEPHONE
    elif digits.startswith("03"):
        prefix = DRAMA_NON_GEOGRAPHIC
    else:
        prefix = fake.random.choice(DRAMA_LANDLINES)
        if international:
            prefix = "+44 " + prefix[1:]
    return f"{prefix}{fake.random.randint(0, 999):03d}"


def nhs_check_digit(nine_digits: str) -> int | None:
    """Return the NHS modulus-11 check digit of nine digits, or None when it would be 10."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return None if check == 10 else check % 11


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

    The prefix follows the allocation rules (no D, F, I, Q, U, V; no O second; not BG,
    GB, KN, NK, NT, TN, ZZ), the suffix is A-D.
    """
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        prefix = fake.random.choice(letters) + fake.random.choice(letters)
        if (
            prefix[0] not in NI_EXCLUDED_FIRST
            and prefix[1] not in NI_EXCLUDED_SECOND
            and prefix not in NI_UNUSED_PREFIXES
        ):
            break
    digits = "".join(str(fake.random.randint(0, 9)) for _ in range(6))
    compact = prefix + digits + fake.random.choice("ABCD")
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


def ordinal_suffix(day: int) -> str:
    """Return "st", "nd", "rd" or "th" for a day of the month."""
    if day % 10 == 1 and day != 11:
        return "st"
    if day % 10 == 2 and day != 12:
        return "nd"
    if day % 10 == 3 and day != 13:
        return "rd"
    return "th"


def ordinal_word(day: int) -> str:
    """Return a day 1-28 as an ordinal word ("fifth", "twenty-first")."""
    if day <= 20:
        return ORDINAL_WORDS[day - 1]
    return "twenty-" + UNIT_ORDINALS[day - 21]


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
            return match_case(ordinal_word(day), token)
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


def numbered_placeholder(entity_type: str, number: int) -> str:
    """Return "[TYPE_n]", the fallback when no surrogate can be drawn."""
    return f"[{entity_type}_{number}]"


def draw_replacements(request: SurrogateRequest, attempt: int) -> dict[str, str] | None:
    """Return {alias: replacement} of one entity for one attempt, None if nothing can be drawn.

    People are built word by word (`person_replacements`); ages become "[AGE]" (a fake
    age would change what an account means, a child's or an adult's); every other type
    draws one value that all its aliases share.
    """
    if request.entity_type == "PERSON":
        return person_replacements(request, attempt)
    if request.entity_type == "AGE":
        return {alias: r or AGE_PLACEHOLDER for alias, r in request.aliases.items()}
    fake = seeded_faker(request.entity_type, request.number, attempt)
    value = GENERATORS[request.entity_type](fake, request.example)
    if value is None:
        return None
    return {
        alias: value if replacement is None else replacement
        for alias, replacement in request.aliases.items()
    }


# --- clash-free assignment ---------------------------------------------------------------


def folded_words(text: str) -> set[str]:
    """Return the case-folded words of `text` (letters, apostrophes, hyphens)."""
    return {word.casefold() for word in re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text)}


def distinctive_words(text: str, entity_type: str) -> set[str]:
    """Return the words of a name that could identify it.

    Every word of a person's name but a title; the non-generic words of an organisation
    ("bolton" in "Bolton NHS Foundation Trust") or a place ("marsh" in "Marsh Lane").
    """
    generic = {"ORG": ORG_GENERIC_WORDS, "LOCATION": PLACE_GENERIC_WORDS}.get(entity_type)
    if generic is None:
        return {word for word in folded_words(text) if TITLE_WORD.fullmatch(word) is None}
    return folded_words(text) - generic


@dataclass
class ClashGuard:
    """What a new surrogate must not equal: originals of the corpus and surrogates in use.

    `originals`/`taken` hold normalised whole values; `original_words`/`taken_words`
    hold the distinctive words of names, so "Anna" alone is not a real person's first
    name, nor (while strict) another surrogate's.
    """

    originals: set[str] = field(default_factory=set)
    original_words: set[str] = field(default_factory=set)
    taken: set[str] = field(default_factory=set)
    taken_words: set[str] = field(default_factory=set)

    def add_original(self, text: str, entity_type: str) -> None:
        """Record an original mention (as written or normalised) of the corpus or key."""
        self.originals.add(normalise_entity(text, entity_type))
        if entity_type in NAMED_TYPES:
            self.original_words |= distinctive_words(text, entity_type)

    def take(self, text: str, entity_type: str) -> None:
        """Record a surrogate now in use."""
        self.taken.add(normalise_entity(text, entity_type))
        if entity_type == "PERSON":
            self.taken_words |= distinctive_words(text, entity_type)

    def allows(
        self, values: Iterable[str], entity_type: str, strict: bool, own: Iterable[str] = ()
    ) -> bool:
        """Return whether new surrogate values clash with nothing recorded.

        A value clashes when it equals an original or a surrogate in use, or when one of
        its distinctive words is an original's word; while `strict`, also when a person's
        surrogate shares a word with another person's, so "Anna" alone stays unambiguous.
        `own` are the entity's existing surrogates, whose words it may reuse.
        """
        own_words = set().union(*(distinctive_words(text, entity_type) for text in own))
        for value in values:
            key = normalise_entity(value, entity_type)
            if key in self.originals or key in self.taken:
                return False
            if entity_type in NAMED_TYPES:
                words = distinctive_words(value, entity_type)
                if not words.isdisjoint(self.original_words):
                    return False
                shared = (words - own_words) & self.taken_words
                shares_a_name = entity_type == "PERSON" and bool(shared)
                if strict and shares_a_name:
                    return False
        return True


def new_values(drawn: Mapping[str, str], request: SurrogateRequest) -> list[str]:
    """Return the drawn replacements of aliases that had none, without repeats."""
    return list(dict.fromkeys(drawn[a] for a, r in request.aliases.items() if r is None))


def surrogates_for(request: SurrogateRequest, guard: ClashGuard) -> dict[str, str]:
    """Return {alias: replacement} of one entity, drawing until nothing clashes.

    Attempt 0, 1, 2... re-seed the draw. After `STRICT_ATTEMPTS` a name may share a word
    with another surrogate; after `MAX_ATTEMPTS`, or when the type has no surrogate for
    this value, the new aliases get the numbered placeholder "[TYPE_n]". Records the
    accepted values in `guard`.
    """
    for attempt in range(MAX_ATTEMPTS):
        drawn = draw_replacements(request, attempt)
        if drawn is None:
            break
        values = new_values(drawn, request)
        own = [r for r in request.aliases.values() if r is not None]
        strict = attempt < STRICT_ATTEMPTS
        if request.entity_type == "AGE" or guard.allows(values, request.entity_type, strict, own):
            for value in values:
                guard.take(value, request.entity_type)
            return drawn
    fallback = numbered_placeholder(request.entity_type, request.number)
    return {alias: fallback if r is None else r for alias, r in request.aliases.items()}


def assign_surrogates(
    requests: Iterable[SurrogateRequest],
    originals: Iterable[tuple[str, str]],
    in_use: Iterable[tuple[str, str]] = (),
) -> dict[tuple[str, str], str]:
    """Return {(entity type, alias): surrogate} for every alias of the requested entities.

    Takes the entities (aliases with a replacement keep it), every original of the
    corpus and the key as (text, entity type), and the surrogates already in use as
    (text, entity type). Entities are served by type, then number, so an entity's
    surrogate never depends on entities numbered after it of its type.
    """
    guard = ClashGuard()
    for text, entity_type in originals:
        guard.add_original(text, entity_type)
    for text, entity_type in in_use:
        guard.take(text, entity_type)
    assigned: dict[tuple[str, str], str] = {}
    for request in sorted(requests, key=lambda r: (r.entity_type, r.number)):
        for alias, value in surrogates_for(request, guard).items():
            assigned[(request.entity_type, alias)] = value
    return assigned


def is_surname_mention(text_before: str) -> bool:
    """Return whether a one-word name follows a title ("Dr ", "Mrs. "), so is a surname."""
    words = text_before.rstrip().rsplit(None, 1)
    return (
        bool(words) and text_before[-1:].isspace() and TITLE_WORD.fullmatch(words[-1]) is not None
    )
