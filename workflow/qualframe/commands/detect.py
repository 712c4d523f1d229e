"""Find candidate identifiers in transcripts.

Rules (structured identifiers, name shapes), the study's identifier register and a spaCy
named-entity pipeline, per transcript; writes the candidate spans (restricted).
"""

from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.commands import options
from qualframe.commands.deid_inputs import (
    count_by_type,
    language_notes,
    load_ner_model,
    print_notes,
    read_allow_list,
    read_register,
    write_languages,
)
from qualframe.commands.paths import read_texts


def register_parser(subparsers):
    parser = options.add_command(subparsers, "detect", __doc__)
    options.add_texts(parser, "--input", options.INGESTED)
    options.add_deid_lists(parser)
    options.add_ner(parser)
    options.add_output(parser, None, "detections (Parquet, restricted)")
    options.add_output(
        parser,
        "languages",
        "each transcript's languages, main first (CSV, restricted): pseudonymise reads "
        "them instead of identifying them again",
        required=False,
    )
    return parser


def run(args) -> None:
    from qualframe.deid import detect_transcript
    from qualframe.schemas import Detection

    register = read_register(args.register)
    ner = load_ner_model(args.ner_model, args.batch_size, enabled=not args.no_ner)
    allow = read_allow_list(args.allow_list)
    found = []
    texts = read_texts(args.input)
    print_notes(language_notes(texts, ner is not None))
    for transcript_id, text in texts.items():
        found.append(detect_transcript(transcript_id, text, register, allow, ner=ner))
        print(
            f"{transcript_id}: {len(found[-1])} candidate identifiers ({count_by_type(found[-1])})"
        )
    detections = Detection.validate(pd.concat(found, ignore_index=True))
    qio.make_restricted_dir(Path(args.output).parent)
    qio.write_table(detections, args.output, restricted=True)
    if args.output_languages:
        write_languages(texts, args.output_languages)
