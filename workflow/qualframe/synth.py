# ruff: noqa: E501  (the templates are prose, one per line)
"""Synthetic interview transcripts with exact gold identifier spans, for tests and benchmarks.

Each transcript is a spoken, messy interview ("Interviewer: " / "Participant: " turns)
with a manager of a UK mental-health crisis service. Identifiers are drawn afresh for
every transcript (some organisations and places are shared by the transcripts of one
area, as in a real study) and their spans are recorded exactly while the text is built,
so the gold is right by construction. Realistic non-identifiers (NHS, CQC, A&E, section
136, durations, months and years on their own, national phone lines) are written into
the templates so that precision can be measured too.

Conventions of the gold: as in the demo study, a title stays outside a person's span
("Dr [Okafor]") and so does a possessive ("[Priya]'s"); unlike the demo's gold, a date's
span leaves out a leading "the" ("the [5th of May]"); an age's span is the number
("she's [16]", "a [15]-year-old").

Person names, counties and postcodes come from Faker("en_GB"); towns, streets and
buildings are composed from English place-name elements and Faker surnames, because
Faker's en_GB towns and streets are American in style ("Port Janetchester", "Stravenue").
Nothing here comes from `qualframe.deid`, so the generator is an independent check of it.
Output depends only on (n, seed) and the pinned Faker version.
"""

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from faker import Faker

from qualframe.evaluate import GOLD_COLUMNS, GoldSpan

# --- pieces of text ----------------------------------------------------------------------

Piece = tuple[str, str | None]  # (text, entity type or None for plain text)
SLOT = re.compile(r"\{([a-z0-9_]+)(?:\.([a-z_]+))?\}")
LOWER_CASE_SHARE = 0.1  # share of transcripts in lower-case "auto-transcript" style
MIN_WORDS, MAX_WORDS = 800, 2000


def lower_keep_length(text: str) -> str:
    """Return `text` lower-cased character by character, keeping characters whose lower
    case is longer (so offsets stay valid)."""
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def assemble(pieces: list[Piece]) -> tuple[str, list[tuple[int, int, str, str]]]:
    """Return the text of `pieces` and (start, end, entity type, text) of each labelled one."""
    text_parts, spans, cursor = [], [], 0
    for text, label in pieces:
        if label is not None:
            spans.append((cursor, cursor + len(text), label, text))
        text_parts.append(text)
        cursor += len(text)
    return "".join(text_parts), spans


# --- word lists (none taken from the demo study) -----------------------------------------

TOWN_HEADS = tuple(
    (
        "Ash Brack Brad Bram Bur Carl Chad Chip Clay Cold Cray Dal Dray Eg Elm Fal Farn Frod "
        "Hal Hart Hay Hen Ilk Kel Kirk Lang Lid Mal Mar Mel Mick Nar Oak Ock Pad Pock Rad Ram "
        "Rush Sad Sel Shep Stan Stock Sut Tad Thorn Tod Up Wal Wem Whit Wil Wim Wool Yar Brink "
        "Cal Dun Gar Lox Tan Ev Fen Hol Mux Sand Sher"
    ).split()
)
TOWN_TAILS = tuple(
    (
        "ford ley ton by ham bury wick field well worth bridge mouth stead thorpe combe don "
        "borough minster hurst den church cross more gate ington sey wold holme"
    ).split()
)
TOWN_PATTERNS = (
    "{}",
    "{}",
    "{}",
    "{}",
    "North {}",
    "Upper {}",
    "Great {}",
    "{} Green",
    "Market {}",
)
STREET_TYPES = tuple(
    (
        "Road Street Lane Avenue Close Crescent Way Drive Terrace Grove Place Gardens Row Walk "
        "Hill Parade"
    ).split()
)
STREET_WORDS = tuple(
    (
        "Station Church Mill Victoria Park Chapel Albion Market School Quarry Brook Foundry "
        "Canal Tannery Castle"
    ).split()
)
NATURE = tuple(
    (
        "Rowan Hawthorn Alder Sycamore Juniper Cedar Hazel Aspen Beech Maple Poplar Larch "
        "Heather Bracken Kestrel Heron Curlew Skylark Wren Osprey Merlin Harebell Foxglove "
        "Bluebell Thistle Marigold Sorrel Teasel Halcyon Compass Waymark Keystone Cornerstone"
    ).split()
)
CHARITY_KINDS = tuple(
    (
        "Project|Trust|Collective|Network|Foundation|Community Trust|Recovery|Hub|Partnership|"
        "Peer Support|Mental Health|Crisis Café|Wellbeing Trust"
    ).split("|")
)
TRUST_KINDS = tuple(
    (
        "NHS Foundation Trust|Partnership NHS Foundation Trust|Mental Health NHS Trust|"
        "Health and Care NHS Foundation Trust|Healthcare NHS Trust|Care NHS Foundation Trust|"
        "Community Health NHS Trust"
    ).split("|")
)
BUILDING_KINDS = ("House", "Lodge", "Court", "Centre", "Unit", "Suite", "Ward", "Place")
COUNCIL_KINDS = ("Council", "Borough Council", "City Council", "Metropolitan Borough Council")
EMAIL_DESKS = ("referrals", "crisis", "hello", "info", "admin", "enquiries", "sanctuary")

# Ofcom numbers reserved for drama: (written groups before the last digits, last digits).
DRAMA_PHONES = (
    (("07700", "900"), 3),
    (("0113", "496", "0"), 3),
    (("0114", "496", "0"), 3),
    (("0115", "496", "0"), 3),
    (("0116", "496", "0"), 3),
    (("0117", "496", "0"), 3),
    (("0118", "496", "0"), 3),
    (("0121", "496", "0"), 3),
    (("0131", "496", "0"), 3),
    (("0141", "496", "0"), 3),
    (("0151", "496", "0"), 3),
    (("0161", "496", "0"), 3),
    (("020", "7946", "0"), 3),
    (("029", "2018", "0"), 3),
    (("01632", "960"), 3),
    (("0808", "157", "0"), 3),
)
DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ONES = DIGIT_NAMES[1:] + tuple(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
)
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
ORDINALS = tuple(
    (
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
        "twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth "
        "twenty-seventh twenty-eighth"
    ).split()
)
MONTHS = tuple(
    (
        "January February March April May June July August September October November December"
    ).split()
)
NI_BAD_LETTERS = set("DFIQUV")
NI_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
# The UK postcode pattern (outward code letters restricted by position; inward code letters
# never C, I, K, M, O or V).
POSTCODE = re.compile(
    r"^(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}$"
)


def number_words(number: int) -> str:
    """Return 1..99 in words ("thirty-four")."""
    if number < 20:
        return ONES[number - 1]
    tens, ones = divmod(number, 10)
    return TENS[tens - 2] + (f"-{ONES[ones - 1]}" if ones else "")


# --- identifier values -------------------------------------------------------------------


def nhs_check_digit(nine: str) -> int | None:
    """Return the modulus-11 check digit of nine NHS number digits, None when invalid."""
    check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    return 0 if check == 11 else None if check == 10 else check


def nhs_number(rng: random.Random) -> str:
    """Return a valid NHS number from the 999 test range, in one of its written forms."""
    while True:
        nine = "999" + "".join(rng.choice("0123456789") for _ in range(6))
        check = nhs_check_digit(nine)
        if check is not None:
            digits = f"{nine}{check}"
            break
    separator = rng.choice((" ", " ", " ", "", "-"))
    return separator.join((digits[:3], digits[3:6], digits[6:]))


def ni_number(rng: random.Random) -> str:
    """Return a National Insurance number of valid format, with or without spaces."""
    letters = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = rng.choice(letters) + rng.choice(letters.replace("O", ""))
        if prefix not in NI_BAD_PREFIXES and not NI_BAD_LETTERS & set(prefix):
            break
    digits = "".join(rng.choice("0123456789") for _ in range(6))
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{prefix}{digits}{suffix}"


def drama_phone(rng: random.Random) -> tuple[str, ...]:
    """Return the digit groups of a phone number from an Ofcom drama range."""
    groups, last = rng.choice(DRAMA_PHONES)
    tail = "".join(rng.choice("0123456789") for _ in range(last))
    *head, final = groups
    return (*head, final + tail)


def written_phone(groups: tuple[str, ...], rng: random.Random) -> str:
    """Return a phone number written in one of the ways people type UK numbers."""
    national = "".join(groups)
    if groups[0] == "07700":
        local = groups[1]
        forms = (
            f"07700 {local}",
            f"07700 {local}",
            national,
            f"+44 7700 {local}",
            f"+44 (0)7700 {local}",
            f"07700-{local}",
        )
    else:
        area, rest = groups[0], "".join(groups[1:])
        split = f"{rest[:-4]} {rest[-4:]}" if len(rest) > 6 else rest
        forms = (f"{area} {split}", f"{area} {split}", f"({area}) {split}", f"{area}-{rest}")
    return rng.choice(forms)


def spoken_digits(digits: str, rng: random.Random) -> str:
    """Return digits as they are said: "oh" for zero, "double"/"triple" for repeats."""
    words, i = [], 0
    zero = "oh" if rng.random() < 0.85 else "zero"
    while i < len(digits):
        digit = digits[i]
        run = len(digits[i:]) - len(digits[i:].lstrip(digit))
        name = zero if digit == "0" else DIGIT_NAMES[int(digit)]
        if run >= 3 and rng.random() < 0.5:
            words.append(f"triple {name}")
            i += 3
        elif run >= 2:
            words.append(f"double {name}")
            i += 2
        else:
            words.append(name)
            i += 1
    return " ".join(words)


def spoken_phone(groups: tuple[str, ...], rng: random.Random) -> str:
    """Return a phone number spoken group by group, as a transcriber writes it down."""
    return ", ".join(spoken_digits(group, rng) for group in groups)


def date_pieces(rng: random.Random) -> list[Piece]:
    """Return a specific date; "5th of May" forms mostly come as "the 5th of May", the
    article outside the span."""
    date = uk_date(rng)
    if " of " in date and rng.random() < 0.8:
        return [("the ", None), (date, "DATE")]
    return [(date, "DATE")]


def uk_date(rng: random.Random) -> str:
    """Return a specific date (with a day) in one of the forms UK speakers and writers use."""
    year = rng.randint(2015, 2024)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    name = MONTHS[month - 1]
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    forms = (
        f"{day:02d}/{month:02d}/{year}",
        f"{day}/{month}/{year % 100:02d}",
        f"{day:02d}.{month:02d}.{year}",
        f"{day}{suffix} of {name}",
        f"{day}{suffix} of {name} {year}",
        f"{ORDINALS[day - 1]} of {name}",
        f"{day} {name} {year}",
        f"{day} {name[:3]} {year}",
        f"{day}{suffix} {name}",
        f"{name} {day}{suffix}",
        f"{day}-{month:02d}-{year}",
    )
    return rng.choice(forms)


def postcode(fake: Faker, rng: random.Random) -> str:
    """Return a postcode of valid UK format, sometimes lower-case or without its space."""
    while not POSTCODE.match(code := fake.postcode()):
        pass
    style = rng.random()
    if style < 0.15:
        return code.replace(" ", "")
    if style < 0.25:
        return code.lower()
    return code


def town_name(rng: random.Random) -> str:
    """Return an English-looking town name built from place-name elements."""
    core = rng.choice(TOWN_HEADS) + rng.choice(TOWN_TAILS)
    return rng.choice(TOWN_PATTERNS).format(core)


def domain_of(name: str) -> str:
    """Return a name as a web domain label ("Kestrel Crisis Café" -> "kestrelcrisiscafe")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())


def acronym(name: str) -> str:
    """Return the initials of a name's capitalised words ("North Dale Partnership" -> "NDP")."""
    return "".join(word[0] for word in name.split() if word[0].isupper())


# --- the people and places of one transcript ---------------------------------------------


@dataclass(frozen=True)
class Person:
    """A person in a transcript: name, pronouns and, for some, a title and role."""

    first: str
    last: str
    female: bool
    title: str  # "Dr", "Cllr", "Insp", "Sgt" or "" (then Mr/Mrs/Ms when titled)
    role: str
    age: int


@dataclass(frozen=True)
class Area:
    """Organisations and places shared by the transcripts of one area."""

    county: str
    towns: tuple[str, ...]
    trust: str
    trust_short: str
    council: str
    police: str
    hospital: str
    lead: Person  # a clinical lead several participants of the area mention


ROLES = tuple(
    (
        "peer support worker|team manager|service manager|senior nurse|support worker|"
        "occupational therapist|volunteer coordinator|commissioner|social worker|"
        "operations manager|clinical psychologist|AMHP|finance lead|estates manager"
    ).split("|")
)


def person(
    fake: Faker, rng: random.Random, title: str = "", role: str = "", ages: tuple = (24, 66)
) -> Person:
    """Return a new person with a Faker en_GB name and an age in the `ages` range."""
    female = rng.random() < 0.55
    first = fake.first_name_female() if female else fake.first_name_male()
    role = role or rng.choice(ROLES)
    return Person(first, fake.last_name(), female, title, role, rng.randint(*ages))


def make_area(fake: Faker, rng: random.Random) -> Area:
    """Return a new area: county, towns, NHS trust, council, police force, hospital, lead."""
    county = fake.county()
    towns = tuple(dict.fromkeys(town_name(rng) for _ in range(4)))
    base = rng.choice((county, towns[0], f"{towns[0]} and {towns[-1]}"))
    trust_short = (
        base if rng.random() < 0.7 else f"{rng.choice(('North', 'South', 'East', 'West'))} {county}"
    )
    hospital = rng.choice(
        (
            f"{towns[0]} General Hospital",
            f"St {fake.first_name()}'s Hospital",
            f"{towns[1 % len(towns)]} Royal Infirmary",
            f"{fake.last_name()} Hospital",
        )
    )
    return Area(
        county=county,
        towns=towns,
        trust=f"{trust_short} {rng.choice(TRUST_KINDS)}",
        trust_short=trust_short,
        council=rng.choice((f"{towns[0]} {rng.choice(COUNCIL_KINDS)}", f"{county} County Council")),
        police=f"{county} {rng.choice(('Police', 'Constabulary'))}",
        hospital=hospital,
        lead=person(fake, rng, "Dr", "clinical lead"),
    )


@dataclass(frozen=True)
class Cast:
    """Everything one transcript's templates can name."""

    people: dict[str, Person]
    area: Area
    values: dict[str, Callable[[], list[Piece]]]


def make_people(fake: Faker, rng: random.Random, area: Area) -> dict[str, Person]:
    """Return the people a transcript's templates name, by slot: the participant ("me"),
    the interviewer ("iv"), titled professionals, colleagues and two service users."""
    return {
        "me": person(fake, rng),
        "iv": person(fake, rng, role="researcher"),
        "doc": area.lead if rng.random() < 0.5 else person(fake, rng, "Dr", "consultant"),
        "gp": person(fake, rng, "Dr", "GP"),
        "cllr": person(fake, rng, "Cllr", "councillor"),
        "insp": person(fake, rng, "Insp", "inspector"),
        "sgt": person(fake, rng, "Sgt", "sergeant"),
        "p1": person(fake, rng),
        "p2": person(fake, rng),
        "p3": person(fake, rng),
        "su": person(fake, rng, role="service user", ages=(20, 85)),
        "yp": person(fake, rng, role="young person", ages=(13, 19)),
    }


def local_names(fake: Faker, rng: random.Random, area: Area) -> dict[str, tuple[str, str]]:
    """Return {slot: (entity type, name)} of the organisations and places of one service."""
    nature = rng.sample(NATURE, 3)
    # Charities are mostly named after nature words, sometimes after their town.
    charity_head = nature[0] if rng.random() < 0.7 else area.towns[0]
    charity = f"{charity_head} {rng.choice(CHARITY_KINDS)}"
    street = f"{fake.last_name()} {rng.choice(STREET_TYPES)}"
    building = rng.choice(
        (f"{fake.last_name()} House", f"{nature[2]} {rng.choice(BUILDING_KINDS)}")
    )
    school = f"{area.towns[-1]} {rng.choice(('Academy', 'High School', 'College'))}"
    return {
        "trust": ("ORG", area.trust),
        "trust_short": ("ORG", area.trust_short),
        "trust_acr": ("ORG", acronym(area.trust)),
        "charity": ("ORG", charity),
        "charity_short": ("ORG", charity_head),
        "charity2": ("ORG", f"{nature[1]} {rng.choice(CHARITY_KINDS)}"),
        "council": ("ORG", area.council),
        "police": ("ORG", area.police),
        "icb": ("ORG", f"{area.county} ICB"),
        "school": ("ORG", school),
        "county": ("LOCATION", area.county),
        "town": ("LOCATION", area.towns[0]),
        "town2": ("LOCATION", area.towns[1 % len(area.towns)]),
        "town3": ("LOCATION", area.towns[-1]),
        "street": ("LOCATION", street),
        "street2": ("LOCATION", f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_TYPES)}"),
        "building": ("LOCATION", building),
        "unit": ("LOCATION", f"{nature[1]} {rng.choice(('Suite', 'Unit', 'Ward'))}"),
        "hospital": ("LOCATION", area.hospital),
    }


def email_address(me: Person, domains: tuple[str, str], fake: Faker, rng: random.Random) -> str:
    """Return a service desk's or the participant's email address; `domains` are the
    charity's and the trust's."""
    if rng.random() < 0.35:
        return f"{rng.choice(EMAIL_DESKS)}@{rng.choice(domains)}"
    local = rng.choice(
        (
            f"{me.first}.{me.last}",
            f"{me.first[0]}{me.last}",
            f"{me.first}{rng.randint(1, 99)}",
        )
    )
    local = re.sub(r"[^a-z0-9.]", "", local.lower())
    return f"{local}@{rng.choice((*domains, 'nhs.net', fake.free_email_domain()))}"


def web_address(charity_domain: str, trust_domain: str, council: str, rng: random.Random) -> str:
    """Return the address of the charity's, the trust's or the council's web page."""
    return rng.choice(
        (
            f"www.{charity_domain}",
            f"www.{charity_domain}",
            f"https://www.{charity_domain}/get-help",
            f"{charity_domain}/referrals",
            f"www.{trust_domain}/crisis",
            f"https://{domain_of(council)}.gov.uk/mental-health",
        )
    )


def random_age(low: int, high: int, rng: random.Random) -> str:
    """Return an age between low and high, in digits or (a third of the time) in words."""
    value = rng.randint(low, high)
    return number_words(value) if rng.random() < 0.33 else str(value)


def make_cast(fake: Faker, rng: random.Random, area: Area) -> Cast:
    """Return the people, organisations and places of one transcript, and the slots that
    draw a new identifier each time they are filled (dates, phones, addresses, …)."""
    people = make_people(fake, rng, area)
    names = local_names(fake, rng, area)
    charity_domain = domain_of(names["charity"][1]) + rng.choice(
        (".org.uk", ".org.uk", ".co.uk", ".org")
    )
    trust_domain = acronym(area.trust).lower() + ".nhs.uk"
    domains = (charity_domain, trust_domain)
    street = names["street"][1]

    def drawn(label: str, draw: Callable[[], str]) -> Callable[[], list[Piece]]:
        return lambda: [(draw(), label)]

    values: dict[str, Callable[[], list[Piece]]] = {
        slot: (lambda piece=(name, label): [piece]) for slot, (label, name) in names.items()
    }
    values |= {
        "address": drawn("LOCATION", lambda: f"{rng.randint(1, 240)} {street}"),
        "date": lambda: date_pieces(rng),
        "phone": drawn("PHONE", lambda: written_phone(drama_phone(rng), rng)),
        "phone_said": drawn("PHONE", lambda: spoken_phone(drama_phone(rng), rng)),
        "email": drawn("EMAIL", lambda: email_address(people["me"], domains, fake, rng)),
        "url": drawn("URL", lambda: web_address(charity_domain, trust_domain, area.council, rng)),
        "postcode": drawn("POSTCODE", lambda: postcode(fake, rng)),
        "nhs": drawn("NHS_NUMBER", lambda: nhs_number(rng)),
        "ni": drawn("NI_NUMBER", lambda: ni_number(rng)),
        "age_adult": drawn("AGE", lambda: random_age(20, 89, rng)),
    }
    return Cast(people, area, values)


def person_pieces(who: Person, field: str, rng: random.Random) -> list[Piece]:
    """Return the pieces of one way of naming or referring to a person.

    Fields: full, first, last, titled (title outside the span), initial ("K Patel"),
    poss / lastposs / fullposs (possessive outside the span), age / age_w (digits or
    words); she, her, him, role and title are plain words.
    """
    full = f"{who.first} {who.last}"
    titles = {"Dr", "Cllr", "Insp", "Sgt"}
    plain = {
        "she": "she" if who.female else "he",
        "her": "her" if who.female else "his",
        "him": "her" if who.female else "him",
        "role": who.role,
        "title": who.title or ("Ms" if who.female else "Mr"),
    }
    if field in plain:
        return [(plain[field], None)]
    if field in ("age", "age_w"):
        return [(number_words(who.age) if field == "age_w" else str(who.age), "AGE")]
    if field == "full":
        return [(full, "PERSON")]
    if field == "first":
        return [(who.first, "PERSON")]
    if field == "last":
        return [(who.last, "PERSON")]
    if field == "titled":
        title = (
            who.title
            if who.title in titles
            else rng.choice(("Mrs", "Ms", "Miss"))
            if who.female
            else "Mr"
        )
        name = who.last if rng.random() < 0.6 else full
        return [(f"{title} ", None), (name, "PERSON")]
    if field == "initial":
        initial = who.first[0] + rng.choice(("", ".", ""))
        return [(f"{initial} {who.last}", "PERSON")]
    if field in ("poss", "lastposs", "fullposs"):
        name = {"poss": who.first, "lastposs": who.last, "fullposs": full}[field]
        return [(name, "PERSON"), ("'s", None)]
    raise ValueError(f"unknown person field {field!r}")


# --- templates ---------------------------------------------------------------------------
# A topic is (interviewer questions, participant frames). A participant turn strings one to
# three frames together. Slots: {trust}, {town}, {date}, … (see `make_cast`) and people
# {me, iv, doc, gp, cllr, insp, sgt, p1, p2, p3, su} with a field (see `person_pieces`).

OPENINGS_IV = (
    "Right, I think that's recording now. So, um, thank you for making the time, {me.first}. Just for the recording, I'm {iv.first}, I'm one of the researchers on the study.",
    "Okay, we're recording. Thanks so much for doing this, {me.first}, I know how busy it gets. I'm {iv.full}, from the university team, as you know.",
    "So that's- yeah, it's recording. Hi {me.first}, lovely to meet you properly. I'm {iv.first}, and I'll be asking the questions today, there's no right or wrong answers.",
    "Great, that's going now. So just to say, {me.first}, everything's anonymised before anyone else sees it. I'm {iv.full}, I'm a research fellow on the project.",
)
OPENINGS_ME = (
    "Yeah, no problem at all. And it's {me.first}, honestly, nobody calls me {me.full} except my mum. [laughs]",
    "That's fine. Happy to help. I'm {me.full}, I'm the {me.role} for the crisis service at {trust}.",
    "Sure, yeah. So I'm {me.first}, I've been the {me.role} here for about three years now, based at {building} in {town}.",
    "No, it's fine, it's a quiet afternoon for once. [laughs] I'm {me.first}, {me.role}, I work for {charity}.",
)
CLOSINGS_IV = (
    "That's been really helpful. Is there anything you'd like to add that we haven't covered?",
    "Brilliant. We're nearly out of time, so is there anything else you want to say?",
    "Thank you, {me.first}. Anything at all you think we've missed?",
)
CLOSINGS_ME = (
    "No, I think that's it. Just that it's worth doing, even when it's hard.",
    "Um, only that people should come and see it. Ask for me or {p1.first}, we'll put the kettle on.",
    "I don't think so. Thanks for listening, honestly, it's nice to be asked.",
    "No. Well, just, if you write it up, send it to {email}, I'd love to read it.",
)
BACKCHANNELS = ("Mm-hm.", "Right.", "Okay.", "Yeah.", "Mm.", "Sure.", "Oh, okay.", "[laughs] Yeah.")
TURN_OPENERS = (
    "Um. ",
    "Erm, yeah. ",
    "Yeah. ",
    "Yeah, no. ",
    "[laughs] ",
    "Right. ",
    "Mm. ",
    "Honestly? ",
    "Well. ",
    "Oh, gosh. ",
)
TURN_CLOSERS = (
    " [pause]",
    " [laughs]",
    " If that makes sense.",
    " So, yeah.",
    " Anyway.",
    " You know?",
)

TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "origins": (
        (
            "Could you start by telling me a bit about the service and how it came about?",
            "So where did the idea come from, originally?",
            "And was it your idea, or did it come from somewhere else?",
            "How did the service first get going in {town}?",
        ),
        (
            "So we're- we're a small charity, {charity}, we've been in {town} about fifteen years now, mostly drop-ins and peer groups.",
            "It really came out of people telling us there was nowhere to go after five o'clock, they'd end up in A&E at two in the morning.",
            "Honestly it was {p1.full}, {p1.she}'s our {p1.role}, it was {p1.poss} idea to call it a café and not a service.",
            "The first meeting was in the back room at {building}, on {date}, and there were about eight of us round a table with flipchart paper.",
            "We'd been talking to {trust} for years, and it was only when {doc.titled} came in as clinical lead that anything moved.",
            "It started as a pilot in {town2}, just two evenings a week, and then it grew from there.",
            "{trust_short} had this gap, you know, between the crisis team and A&E, and we sort of slotted into it.",
            "A lot of it was {cllr.titled}, actually, {cllr.she} chaired the mental health board and {cllr.she} kept pushing it.",
            "We'd done a consultation, we went round {town}, {town2}, out as far as {town3}, and everybody said the same thing.",
            "I came in about a year after it opened, so {p2.full} had done all the hard bits before me.",
            "It was modelled a bit on what they'd done down the road, in {town3}, but we wanted it less clinical.",
            "Nobody sat down and designed it, it sort of grew, people kept turning up at {street} and we kept the lights on.",
            "Everyone round here just says {charity_short}, nobody uses the full name, {charity}, except on the funding forms.",
        ),
    ),
    "funding": (
        (
            "And how was it funded, at the start?",
            "Can you tell me about the capital money?",
            "What happened when the funding came through?",
            "Was the money a problem, going forward?",
        ),
        (
            "We put the bid in, I've actually got the email here, {date}, right on the deadline.",
            "The capital programme paid for the building work, the kitchen, the furniture, all of it, which for a charity our size is money we'd never have raised.",
            "It had to go in through {trust}, we couldn't bid on our own, so we were sort of their partner on paper.",
            "The revenue side is the worry. {icb} have given us another year, but after March, who knows.",
            "{p3.full} in finance at {trust_short}, {p3.she} was a godsend, honestly, {p3.she} knew exactly how to word it.",
            "The award letter came through on {date}, and then we had about six weeks to spend it, which was mad.",
            "We had some money from {council} too, about forty thousand, for the first two years.",
            "It's about two hundred and fifty thousand a year to run, roughly, and most of that is staff.",
            "The funding was only ever for twelve months at a time, so every January we're writing bids again.",
            "I rang {p2.first} at the ICB, I think it was {date}, and {p2.she} said the money was safe, and then it wasn't.",
        ),
    ),
    "premises": (
        (
            "And the building itself, how did that go?",
            "Where are you based now?",
            "Tell me about finding the premises.",
            "And people can find you easily?",
        ),
        (
            "So we found this old shop unit on {street}, ground floor, bus stop right outside, perfect.",
            "If you ever want to visit, the postcode's {postcode}, it's the one with the yellow door.",
            "We're at {address}, {town}, just up from the station.",
            "Then the surveyor found damp in the back wall, the whole kitchen had to come out, and planning took four months.",
            "We share the building with {charity2}, they have the upstairs, we have the ground floor.",
            "The old site was in the {unit} at {hospital}, which was awful, people had to walk past the ward to get to us.",
            "We moved into {building} on {date}, and I think we'd had the keys for about a day.",
            "It's on the corner of {street} and {street2}, opposite the chip shop, you can't miss it.",
            "The landlord's {p3.full}, {p3.she}'s been fine, {p3.she} let us have the first three months rent free.",
            "For the sat nav it's {postcode}, but honestly just ask anyone for the old bank.",
            "We looked at about six places, one on {street2} in {town2}, but it had no disabled access.",
        ),
    ),
    "covid": (
        (
            "I imagine the pandemic hit right in the middle of that?",
            "How did Covid affect things?",
            "And what happened during lockdown?",
        ),
        (
            "We were meant to open in the April, and obviously that didn't happen, the builders just downed tools.",
            "When we did open, on {date}, it was one person at a time, masks, screens, it was awful really.",
            "We ran a phone line in between so people could at least ring us, it was {phone}, it's still on some of the old leaflets.",
            "Half the team were shielding, so it was me and {p1.first} doing nights for about six weeks.",
            "{p2.full} got Covid really badly in the second wave, {p2.she} was off for three months.",
            "The virtual groups worked for some people, but the ones in crisis, they don't want a Zoom link.",
            "We did doorstep visits in {town2} for the people we were most worried about, two metres apart on the path.",
        ),
    ),
    "contact": (
        (
            "How do people get in touch with you?",
            "Is there a number people can ring?",
            "And if someone wants to self-refer?",
            "Is it on the website, how to find you?",
        ),
        (
            "It's the evening mobile now, it's {phone_said}, it's on all the leaflets.",
            "People can ring us on {phone}, it's staffed six till midnight, Thursday to Sunday.",
            "The number's {phone_said}, and if we don't pick up it goes to {p1.first}, who's on call.",
            "Email's {email}, but honestly we don't check it at night, so for anything urgent ring 111 and press option 2.",
            "It's all on the website, {url}, there's a referral form on there too.",
            "If it's a real emergency we always say 999, or go to A&E, we're not a replacement for that.",
            "We tell people the Samaritans are on 116 123 as well, for the hours we're closed.",
            "The landline's {phone}, but the mobile's better, that's {phone_said}.",
            "Anyone can email {email} and {me.first} or {p2.first} will get back to them within a day.",
            "Go on {url} and there's a map, or just put {postcode} in your phone.",
            "For professionals, they can ring {phone} and ask for the duty worker, that's usually {p3.first}.",
        ),
    ),
    "people": (
        (
            "Who else is in the team?",
            "And who's been most important in making it work?",
            "Tell me about the staff.",
            "Who do you work with most closely?",
        ),
        (
            "There's me, {p1.first}, {p2.first}, and {p3.full}, who does the rotas and the volunteers.",
            "{p1.full} is our {p1.role}, {p1.she}'s brilliant, {p1.she}'s got lived experience and people really open up to {p1.him}.",
            "Our {doc.role} is {doc.titled}, {doc.she} comes in on a Wednesday and does a clinic.",
            "{p2.poss} the one who holds it all together, honestly, if {p2.first} left I think we'd fold.",
            "We had {p3.full} as a volunteer for two years and then we managed to get {p3.him} a paid post.",
            "{doc.lastposs} team at {hospital} are good, they'll take a call from us any time.",
            "The GP lead for the area is {gp.titled}, {gp.she} was one of the first to refer to us.",
            "I report to {p2.initial}, who's the head of service, {p2.she}'s very hands off, which suits me.",
            "We've had a lot of turnover, {p1.first} left in the summer, then {p3.first}, so it's been hard.",
            "{doc.title} {doc.last} said to me once, you're the only door that's open after six, and that stuck with me.",
            "{p3.fullposs} role is half funded by {council}, so {p3.she} splits the week.",
            "If you want the clinical view, speak to {doc.full}, I'll send you {doc.her} details.",
            "Everyone just calls me {me.first}, and {p1.first} is {p1.first}, we're not big on titles. [laughs]",
        ),
    ),
    "police": (
        (
            "What about the police, how has that relationship been?",
            "And section 136, does that come into it?",
            "How do you work with the police?",
        ),
        (
            "The relationship with {police} has been really good, mostly because of {insp.titled}, {insp.she} gets it.",
            "{sgt.titled} rang me on a Saturday night and said, I've got a lad here, can you take him, and we did.",
            "Before us, section 136 was basically the only option, they'd sit in A&E for hours with someone.",
            "We did joint training with {police} in {town}, about forty officers, over two days.",
            "{insp.last} set up a direct line for us, so the control room knows to ring us first.",
            "Right Care, Right Person has changed things a lot, the police just won't come out for welfare checks now.",
            "There was one night, I think {date}, when we had three police cars outside, the neighbours loved that. [laughs]",
            "{sgt.first} from the street triage team pops in most Fridays, just to see how we are.",
            "The Mental Health Act stuff, that's not us, that's the AMHPs, but we're often the ones who ring them.",
            "I'd say {police} have halved their 136s in {town2} since we opened, that's their figure, not mine.",
        ),
    ),
    "council": (
        (
            "And the local authority, have they been involved?",
            "What's the council's role been?",
        ),
        (
            "{council} were slow to start with, but {cllr.titled} took it on as a bit of a personal mission.",
            "We had a meeting at the town hall in {town} on {date}, and that's when it really changed.",
            "{cllr.full} came to visit, sat in the café for an hour, and then went back and found us some money.",
            "The housing team at {council} are the ones we ring most, because half the crises are housing really.",
            "They gave us a peppercorn lease on the building, which {cllr.last} pushed through.",
            "The council's adult social care lot, they're stretched, it can take six weeks for an assessment.",
        ),
    ),
    "users": (
        (
            "Who uses the service, would you say?",
            "Can you tell me about the people who come in?",
            "And how have service users been involved?",
            "Is there an age limit?",
        ),
        (
            "All sorts, really. We had a woman last week, she's {age_adult}, first time she'd ever asked for help.",
            "There was a young person, {yp.first}, {yp.she} was only {yp.age_w}, and {yp.she}'d walked from {town2} in the rain.",
            "Our oldest regular is {age_adult}, and otherwise you just have to be sixteen or over.",
            "One regular, {su.full}, {su.she}'d been to A&E something like forty times that year.",
            "{yp.poss} mum rang us, {yp.she} was {yp.age}, and the mum said she didn't know where else to go.",
            "The design group was all people who'd used crisis services, and they chose the furniture, they chose the name.",
            "We had a {yp.age}-year-old come in with {yp.her} dad, which was a first for us, {yp.first} was {yp.her} name.",
            "{su.first} is {su.age_w} now, and {su.she} volunteers with us on a Tuesday, which is amazing.",
            "Most people come in the evening, between eight and eleven, and they stay about two hours.",
            "We see about forty people a week, more in winter, fewer in the summer holidays.",
            "{su.full}, I can say {su.her} name because {su.she} did the radio interview, {su.she} was our first guest.",
            "A lot of them are known to the crisis team, but maybe a third have never been near mental health services.",
            "We had a lady, aged {age_adult}, brought in by the ambulance crew, and she just needed a cup of tea and someone to talk to.",
        ),
    ),
    "records": (
        (
            "What records do you keep?",
            "How does information sharing work with the trust?",
            "And the IT side, the records?",
        ),
        (
            "We don't take much, a first name, and if they're happy, the NHS number so the crisis team can look them up.",
            "I've got one here, actually, NHS number {nhs}, and the system just wouldn't find him.",
            "The form asks for NHS number, so that's, like, {nhs}, and date of birth, and that's it.",
            "For the benefits letters we needed his National Insurance number, {ni}, and the DWP had it down wrong.",
            "We had a data breach scare on {date}, a laptop left on a train, it was encrypted, thank God.",
            "Everything goes on the trust system now, {trust_acr} gave us read-only access in the end.",
            "Someone read their NI number out to me over the phone, {ni}, and I thought, I shouldn't be writing this down.",
            "There was a referral with the wrong NHS number on it, {nhs}, so we were looking at the wrong man's notes.",
            "We keep paper notes in a locked cabinet, and they go to {building} at the end of every month.",
            "The CQC looked at our records when they came, and they were fine, they just wanted better audit.",
        ),
    ),
    "partners": (
        (
            "How does the service fit with the crisis team and the rest of the system?",
            "What about partnership working more widely?",
            "Who are your main partners?",
        ),
        (
            "We've got a named practitioner from the crisis team who pops in most evenings, and that took a lot of building.",
            "{trust_short} were a bit, what are these volunteers doing with our patients, at first.",
            "We work closely with {charity2}, they do the housing advice, we do the listening.",
            "The home treatment team at {hospital} will take a referral from us directly now, which they wouldn't before.",
            "The ambulance service bring people to us, maybe twice a week, which saves a trip to A&E.",
            "{trust_acr} are the main partner, but honestly the voluntary sector is where the energy is.",
            "There's a monthly meeting at {building}, everyone's there, {trust_short}, {police}, {council}, the lot.",
            "We tried working with {school} on a schools project, that went really well, actually.",
            "NHS England came to visit, they wanted to see it as a model, which was nice.",
            "The crisis line is run by {trust}, and they pass people to us when they need somewhere to go.",
            "{p1.first} sits on the crisis care concordat group for {county}, so that's our voice in the room.",
        ),
    ),
    "timeline": (
        (
            "When did you actually open?",
            "Can you take me through the timeline?",
            "What were the key moments, would you say?",
        ),
        (
            "We opened on {date}, which was a Friday, and about three people came.",
            "The contract was signed on {date} and we were supposed to be open by the end of that month.",
            "The launch was {date}, the mayor came, there's a photo of {cllr.titled} cutting a ribbon somewhere.",
            "It took about eighteen months from the bid to opening, which is quick for the NHS.",
            "We had the CQC inspection on {date}, and we got good, which we were thrilled with.",
            "In 2019 it was just an idea, by 2021 we were open seven nights a week.",
            "There was a gap over Christmas, about three weeks, when we had no staff at all.",
            "Our first anniversary was {date}, and we had a party, with cake, the lot.",
        ),
    ),
    "workforce": (
        (
            "What about staffing and recruitment?",
            "Has workforce been an issue?",
            "How do you support the staff?",
        ),
        (
            "Recruitment is the hardest bit, we advertised the nurse post three times.",
            "We've got twelve staff and about thirty volunteers, most of them with lived experience.",
            "{p2.first} does supervision every fortnight, and we have a debrief after every shift, that's non-negotiable.",
            "We lost {p3.full} to the crisis team at {trust_short}, because they pay more, which I understand.",
            "Agency staff don't work for us, people need to see the same faces.",
            "The bank holidays are a nightmare, everyone wants them off, me included. [laughs]",
            "We trained up {p1.full} as a peer worker, and now {p1.she} trains the others.",
        ),
    ),
    "outcomes": (
        (
            "What difference do you think the service has made?",
            "How do you know it's working?",
            "What are you proudest of?",
        ),
        (
            "A&E attendances for mental health went down about a fifth in {town}, but you can't say it's all us.",
            "People write to us, one woman sent a card that just said you saved my life, it's on the wall.",
            "The evaluation from the university said we were cost-effective, which is what the commissioners wanted to hear.",
            "{doc.titled} did an audit and found the crisis team's night referrals had dropped.",
            "Honestly, the thing I'm proudest of is that nobody has to fill in a form to walk through the door.",
            "The feedback's been great, about nine out of ten say they'd come back.",
            "{yp.first}, the young person I mentioned, {yp.she}'s doing an apprenticeship now, in {town3}, so that's the kind of thing.",
        ),
    ),
    "future": (
        (
            "What's next for the service?",
            "If you had more money, what would you do?",
            "Where do you see it in a couple of years?",
        ),
        (
            "We'd love a second site, in {town2} or maybe {town3}, there's nothing out there at all.",
            "The plan is to go seven nights, but that needs another two staff at least.",
            "{icb} are doing a review next year, so we'll see, I'm trying not to worry.",
            "I'd like a young people's evening, because CAMHS can't see anyone under about a twelve-week wait.",
            "There's talk of us taking over the crisis house from {trust_short}, but that's early days.",
            "We've applied to the lottery, and {charity2} are putting a joint bid in with us.",
        ),
    ),
}
FILLERS = (
    "It's- it's hard to explain, really.",
    "You'd have people coming to the Thursday group saying, I ended up in A&E at two in the morning because there was nowhere else.",
    "And it wasn't one person, it was, like, everyone in the room nodding.",
    "Which, you know, took longer, but it's why it works, I think.",
    "That's mostly gone now, that attitude.",
    "I mean, the NHS is the NHS, it moves at its own speed.",
    "We're open six till midnight, and Sunday afternoons.",
    "It's about four hours a shift, five on a Friday.",
    "In March we had the busiest month ever, and then in April it went quiet.",
    "No referral, no GP letter, you don't need a diagnosis.",
    "The crisis team are brilliant, but they're stretched to breaking point.",
    "That was back in 2018, before any of this.",
    "I've been in mental health about twenty years, on and off.",
    "Mind and the Samaritans both do great work, but it's different to what we do.",
)


# --- building one transcript -------------------------------------------------------------


STUTTER_WORDS = re.compile(r"(?<= )(the|a|we|it|they|that|I|you|and|to)(?= )")
FILLED_PAUSES = ("um,", "er,", "erm,", "like,", "you know,", "sort of")


def disfluent(text: str, rng: random.Random) -> str:
    """Return plain template text with the odd repeated word or filled pause, as speech is."""

    def roughen(match: re.Match) -> str:
        word, roll = match.group(1), rng.random()
        if roll < 0.05:
            return f"{word}- {word}"
        if roll < 0.09:
            return f"{rng.choice(FILLED_PAUSES)} {word}"
        return word

    return STUTTER_WORDS.sub(roughen, text)


def render(template: str, cast: Cast, rng: random.Random, rough: bool = True) -> list[Piece]:
    """Return the pieces of one template with its slots filled from the cast.

    Plain text between slots may be roughened (`disfluent`); identifier text never is.
    Raises ValueError for an unknown slot.
    """
    pieces: list[Piece] = []
    cursor = 0
    for match in SLOT.finditer(template):
        plain = template[cursor : match.start()]
        pieces.append((disfluent(plain, rng) if rough else plain, None))
        name, field = match.groups()
        if name in cast.people:
            pieces += person_pieces(cast.people[name], field or "full", rng)
        elif name in cast.values and field is None:
            pieces += cast.values[name]()
        else:
            raise ValueError(f"unknown slot {match.group(0)} in template {template!r}")
        cursor = match.end()
    tail = template[cursor:]
    pieces.append((disfluent(tail, rng) if rough else tail, None))
    return [piece for piece in pieces if piece[0]]


def turn(speaker: str, frames: list[str], cast: Cast, rng: random.Random) -> list[Piece]:
    """Return one speaker turn: the label, then the frames rendered and joined by spaces."""
    pieces: list[Piece] = [(f"{speaker}: ", None)]
    if speaker == "Participant" and rng.random() < 0.3:
        pieces.append((rng.choice(TURN_OPENERS), None))
    for number, frame in enumerate(frames):
        if number:
            pieces.append((" ", None))
        pieces += render(frame, cast, rng)
    if speaker == "Participant" and rng.random() < 0.15:
        pieces.append((rng.choice(TURN_CLOSERS), None))
    return pieces


def word_count(pieces: list[Piece]) -> int:
    """Return the number of whitespace-separated words in the pieces."""
    return sum(len(text.split()) for text, _ in pieces)


def pick(options: tuple[str, ...], used: set[str], rng: random.Random, k: int = 1) -> list[str]:
    """Return k options, preferring ones not yet `used` in this transcript; marks them used."""
    fresh = [option for option in options if option not in used]
    chosen = rng.sample(fresh if len(fresh) >= k else list(options), k)
    used.update(chosen)
    return chosen


def interview_turns(cast: Cast, rng: random.Random, target_words: int) -> list[list[Piece]]:
    """Return the turns of one interview: opening, question-and-answer exchanges on random
    topics until about `target_words` words, closing."""
    turns = [
        turn("Interviewer", [rng.choice(OPENINGS_IV)], cast, rng),
        turn("Participant", [rng.choice(OPENINGS_ME)], cast, rng),
    ]
    closing = [
        turn("Interviewer", [rng.choice(CLOSINGS_IV)], cast, rng),
        turn("Participant", [rng.choice(CLOSINGS_ME)], cast, rng),
    ]
    words = sum(map(word_count, turns + closing))
    topics, used = sorted(TOPICS), set()
    while words < target_words:
        questions, answers = TOPICS[rng.choice(topics)]
        frames = pick(answers, used, rng, rng.choice((1, 1, 2, 2, 3)))
        if rng.random() < 0.25:
            frames.insert(rng.randrange(len(frames) + 1), *pick(FILLERS, used, rng))
        exchange = [
            turn("Interviewer", pick(questions, used, rng), cast, rng),
            turn("Participant", frames, cast, rng),
        ]
        if rng.random() < 0.3:
            exchange.append(turn("Interviewer", [rng.choice(BACKCHANNELS)], cast, rng))
            exchange.append(turn("Participant", pick(answers, used, rng), cast, rng))
        added = sum(map(word_count, exchange))
        if words + added > MAX_WORDS:
            break
        turns += exchange
        words += added
    return turns + closing


def transcript(cast: Cast, rng: random.Random, lower: bool) -> tuple[str, list[tuple]]:
    """Return one transcript's text and its (start, end, entity type, text) gold spans."""
    separator: Piece = ("\n\n", None)
    pieces: list[Piece] = []
    for number, turn_pieces in enumerate(
        interview_turns(cast, rng, rng.randint(MIN_WORDS + 50, MAX_WORDS - 200))
    ):
        if number:
            pieces.append(separator)
        pieces += turn_pieces
    pieces.append(("\n", None))
    text, spans = assemble(pieces)
    if lower:
        text = lower_keep_length(text)
        spans = [(start, end, label, text[start:end]) for start, end, label, _ in spans]
    return text, spans


def synthesise(n: int, seed: int) -> tuple[dict[str, str], pd.DataFrame]:
    """Return n synthetic interview transcripts and their gold identifier spans.

    Takes the number of transcripts and a seed; the same (n, seed) gives the same texts
    and spans. Returns {transcript id ("S0001", …): normalised text} and a GoldSpan frame
    (transcript_id, start, end, entity_type, text) sorted by transcript and start.
    About a tenth of the transcripts are lower-cased like an automatic transcript.
    """
    if n < 0:
        raise ValueError(f"n must be zero or more, not {n}")
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    areas = [make_area(fake, rng) for _ in range(max(1, (n + 3) // 4))]
    lower_case = set(rng.sample(range(n), round(n * LOWER_CASE_SHARE)))
    texts, rows = {}, []
    for number in range(n):
        transcript_id = f"S{number + 1:04d}"
        cast = make_cast(fake, rng, rng.choice(areas))
        text, spans = transcript(cast, rng, number in lower_case)
        texts[transcript_id] = text
        rows += [(transcript_id, *span) for span in spans]
    gold = pd.DataFrame(rows, columns=GOLD_COLUMNS)
    gold = gold.astype({c: str for c in GOLD_COLUMNS} | {"start": "int64", "end": "int64"})
    return texts, GoldSpan.validate(
        gold.sort_values(["transcript_id", "start"], kind="stable").reset_index(drop=True)
    )
