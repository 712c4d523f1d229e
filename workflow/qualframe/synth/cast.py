"""The people, organisations and places of one transcript, and the pieces of text that
name them.

Person names, counties and postcodes come from Faker("en_GB"); towns, streets and
buildings are composed from English place-name elements (`words.yaml`) and Faker
surnames, because Faker's en_GB towns and streets are American in style ("Port
Janetchester", "Stravenue"). Some organisations and places are shared by the transcripts
of one area, as in a real study.
"""

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker

from qualframe.synth.prose import WORDS
from qualframe.synth.text import Piece
from qualframe.synth.values import (
    date_pieces,
    drama_phone,
    nhs_number,
    ni_number,
    postcode,
    random_age,
    spoken_phone,
    written_phone,
)
from qualframe.uk import number_words


def town_name(rng: random.Random) -> str:
    """Return an English-looking town name built from place-name elements."""
    core = rng.choice(WORDS.town_heads) + rng.choice(WORDS.town_tails)
    return rng.choice(WORDS.town_patterns).format(core)


def domain_of(name: str) -> str:
    """Return a name as a web domain label ("Kestrel Crisis Café" -> "kestrelcrisiscafe")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())


def acronym(name: str) -> str:
    """Return the initials of a name's capitalised words ("North Dale Partnership" -> "NDP")."""
    return "".join(word[0] for word in name.split() if word[0].isupper())


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


def person(
    fake: Faker, rng: random.Random, title: str = "", role: str = "", ages: tuple = (24, 66)
) -> Person:
    """Return a new person with a Faker en_GB name and an age in the `ages` range."""
    female = rng.random() < 0.55
    first = fake.first_name_female() if female else fake.first_name_male()
    role = role or rng.choice(WORDS.roles)
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
        trust=f"{trust_short} {rng.choice(WORDS.trust_kinds)}",
        trust_short=trust_short,
        council=rng.choice(
            (f"{towns[0]} {rng.choice(WORDS.council_kinds)}", f"{county} County Council")
        ),
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
    nature = rng.sample(WORDS.nature, 3)
    # Charities are mostly named after nature words, sometimes after their town.
    charity_head = nature[0] if rng.random() < 0.7 else area.towns[0]
    charity = f"{charity_head} {rng.choice(WORDS.charity_kinds)}"
    street = f"{fake.last_name()} {rng.choice(WORDS.street_types)}"
    building = rng.choice(
        (f"{fake.last_name()} House", f"{nature[2]} {rng.choice(WORDS.building_kinds)}")
    )
    school = f"{area.towns[-1]} {rng.choice(('Academy', 'High School', 'College'))}"
    return {
        "trust": ("ORG", area.trust),
        "trust_short": ("ORG", area.trust_short),
        "trust_acr": ("ORG", acronym(area.trust)),
        "charity": ("ORG", charity),
        "charity_short": ("ORG", charity_head),
        "charity2": ("ORG", f"{nature[1]} {rng.choice(WORDS.charity_kinds)}"),
        "council": ("ORG", area.council),
        "police": ("ORG", area.police),
        "icb": ("ORG", f"{area.county} ICB"),
        "school": ("ORG", school),
        "county": ("LOCATION", area.county),
        "town": ("LOCATION", area.towns[0]),
        "town2": ("LOCATION", area.towns[1 % len(area.towns)]),
        "town3": ("LOCATION", area.towns[-1]),
        "street": ("LOCATION", street),
        "street2": (
            "LOCATION",
            f"{rng.choice(WORDS.street_words)} {rng.choice(WORDS.street_types)}",
        ),
        "building": ("LOCATION", building),
        "unit": ("LOCATION", f"{nature[1]} {rng.choice(('Suite', 'Unit', 'Ward'))}"),
        "hospital": ("LOCATION", area.hospital),
    }


def email_address(me: Person, domains: tuple[str, str], fake: Faker, rng: random.Random) -> str:
    """Return a service desk's or the participant's email address; `domains` are the
    charity's and the trust's."""
    if rng.random() < 0.35:
        return f"{rng.choice(WORDS.email_desks)}@{rng.choice(domains)}"
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
            who.title if who.title else rng.choice(("Mrs", "Ms", "Miss")) if who.female else "Mr"
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
