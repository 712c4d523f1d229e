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

Modules: `prose` reads the templates and word lists (`prose.yaml`, `words.yaml`), `text`
assembles labelled pieces, `values` draws identifier values, `cast` the people and places
of one transcript, `interview` renders whole interviews. UK formats come from
`qualframe.uk`; nothing comes from `qualframe.deid`, so the generator is an independent
check of the detectors. Output depends only on (n, seed), the YAML files and the pinned
Faker version.
"""

from qualframe.synth.interview import synthesise

__all__ = ["synthesise"]
