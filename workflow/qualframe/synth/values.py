"""Identifier values as UK speakers say and write them: NHS and National Insurance
numbers, phone numbers from Ofcom's drama ranges (written or read aloud), dates, postcodes
and ages. Every value is drawn from the generator's random stream, so a seed fixes it."""

import random

from faker import Faker

from qualframe.synth.text import Piece
from qualframe.uk import (
    DAY_ORDINALS,
    DIGIT_NAMES,
    DRAMA_496_LANDLINES,
    DRAMA_CARDIFF,
    DRAMA_FREEPHONE,
    DRAMA_LONDON,
    DRAMA_MOBILE,
    DRAMA_NO_AREA,
    MONTHS,
    NHS_TEST_PREFIX,
    NI_SECOND_LETTERS,
    NI_SUFFIXES,
    POSTCODE,
    nhs_check_digit,
    ni_prefix_ok,
    number_words,
    ordinal_suffix,
)

# Ofcom numbers reserved for drama, as their written groups; three digits follow.
DRAMA_PHONES = tuple(
    tuple(prefix.split())
    for prefix in (
        DRAMA_MOBILE,
        *DRAMA_496_LANDLINES,
        DRAMA_LONDON,
        DRAMA_CARDIFF,
        DRAMA_NO_AREA,
        DRAMA_FREEPHONE,
    )
)


def nhs_number(rng: random.Random) -> str:
    """Return a valid NHS number from the 999 test range, in one of its written forms."""
    while True:
        nine = NHS_TEST_PREFIX + "".join(rng.choice("0123456789") for _ in range(6))
        check = nhs_check_digit(nine)
        if check is not None:
            digits = f"{nine}{check}"
            break
    separator = rng.choice((" ", " ", " ", "", "-"))
    return separator.join((digits[:3], digits[3:6], digits[6:]))


def ni_number(rng: random.Random) -> str:
    """Return a National Insurance number of valid format, with or without spaces."""
    while True:
        # Both letters from the second letter's alphabet: no O, even where it may stand.
        prefix = rng.choice(NI_SECOND_LETTERS) + rng.choice(NI_SECOND_LETTERS)
        if ni_prefix_ok(prefix):
            break
    digits = "".join(rng.choice("0123456789") for _ in range(6))
    suffix = rng.choice(NI_SUFFIXES)
    if rng.random() < 0.5:
        return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{prefix}{digits}{suffix}"


def drama_phone(rng: random.Random) -> tuple[str, ...]:
    """Return the digit groups of a phone number from an Ofcom drama range."""
    groups = rng.choice(DRAMA_PHONES)
    tail = "".join(rng.choice("0123456789") for _ in range(3))
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
    suffix = ordinal_suffix(day)
    forms = (
        f"{day:02d}/{month:02d}/{year}",
        f"{day}/{month}/{year % 100:02d}",
        f"{day:02d}.{month:02d}.{year}",
        f"{day}{suffix} of {name}",
        f"{day}{suffix} of {name} {year}",
        f"{DAY_ORDINALS[day - 1]} of {name}",
        f"{day} {name} {year}",
        f"{day} {name[:3]} {year}",
        f"{day}{suffix} {name}",
        f"{name} {day}{suffix}",
        f"{day}-{month:02d}-{year}",
    )
    return rng.choice(forms)


def postcode(fake: Faker, rng: random.Random) -> str:
    """Return a postcode of valid UK format, sometimes lower-case or without its space."""
    while not POSTCODE.fullmatch(code := fake.postcode()):
        pass
    style = rng.random()
    if style < 0.15:
        return code.replace(" ", "")
    if style < 0.25:
        return code.lower()
    return code


def random_age(low: int, high: int, rng: random.Random) -> str:
    """Return an age between low and high, in digits or (a third of the time) in words."""
    value = rng.randint(low, high)
    return number_words(value) if rng.random() < 0.33 else str(value)
