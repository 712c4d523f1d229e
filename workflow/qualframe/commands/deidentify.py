"""De-identify every transcript of a folder in one go.

Ingest, detect, pseudonymise and, when asked, review, without the workflow: settings come
from a qualframe config's `deid` section over the config schema's defaults.
"""

import copy
from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.commands import deid_inputs as inputs
from qualframe.commands import options
from qualframe.commands.pseudonymise import pseudonymise, write_pseudonymised
from qualframe.commands.review import write_review
from qualframe.errors import QualframeError
from qualframe.schemas import REPLACEMENT_STYLES
from qualframe.study.schema import config_default


def register_parser(subparsers):
    parser = options.add_command(subparsers, "deidentify", __doc__)
    parser.add_argument("--input", required=True, help="folder of .txt/.docx/.vtt transcripts")
    options.add_deid_lists(parser, required=False)
    parser.add_argument(
        "--config", help="qualframe config YAML: its `deid` section is used (ner, style, …)"
    )
    parser.add_argument("--key", required=True, help=options.KEY)
    options.add_output(parser, None, "folder for the de-identified <transcript id>.txt")
    options.add_output(parser, "log", "anonymisation log CSV (restricted)")
    options.add_output(
        parser,
        "review",
        "folder for review.csv, review.html and propagation.csv (restricted)",
        required=False,
    )
    return parser


def deid_settings(config_path: str | None) -> dict:
    """The `deid` section of a qualframe config file, over the config schema's defaults."""
    settings = copy.deepcopy(config_default("deid"))
    if config_path:
        section = (qio.read_yaml(config_path) or {}).get("deid") or {}
        settings["ner"].update(section.get("ner") or {})
        settings.update({k: v for k, v in section.items() if k != "ner"})
    if settings["style"] not in REPLACEMENT_STYLES:
        raise QualframeError(
            f"deid.style must be one of {', '.join(REPLACEMENT_STYLES)}, not {settings['style']!r}",
            path=config_path,
        )
    return settings


def run(args) -> None:
    from qualframe.deid import detect_transcript
    from qualframe.ingest import discover_transcripts, normalise_text, read_transcript

    settings = deid_settings(args.config)
    sources = discover_transcripts(args.input)
    texts = {tid: normalise_text(read_transcript(path)) for tid, path in sources.items()}
    register = inputs.read_register(args.register)
    allow = inputs.read_allow_list(args.allow_list)
    ner = inputs.load_ner_model(
        settings["ner"]["model"], settings["ner"]["batch_size"], settings["ner"]["enabled"]
    )
    notes = inputs.language_notes(texts, ner is not None)
    inputs.print_notes(notes)
    detections = pd.concat(
        [detect_transcript(tid, text, register, allow, ner=ner) for tid, text in texts.items()],
        ignore_index=True,
    )
    result = pseudonymise(texts, detections, allow, settings["style"], args.key)
    write_pseudonymised(result, texts, args.output, args.output_log, args.key)
    if args.output_review:
        review = Path(args.output_review)
        write_review(
            texts,
            result.log,
            detections,
            allow,
            settings["review_confidence"],
            review / "review.csv",
            review / "review.html",
            review / "propagation.csv",
            evidence=result.evidence,
            notes=notes,
        )
