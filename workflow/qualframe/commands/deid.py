"""De-identification commands: detect, pseudonymise, review, deidentify, deid-eval, synth."""

from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.commands.paths import transcript_id_of
from qualframe.errors import QualframeError


def add_parsers(steps) -> None:
    detect = steps.add_parser("detect", help="find candidate identifiers in one transcript")
    detect.add_argument("--input", required=True, help="normalised transcript text")
    detect.add_argument("--transcript-id", required=True)
    detect.add_argument("--register", required=True, help="identifier register (TSV)")
    detect.add_argument("--allow-list", required=True, help="terms never redacted, one a line")
    detect.add_argument("--output", required=True, help="detections (Parquet, restricted)")
    detect.set_defaults(run=run_detect)

    pseudo = steps.add_parser("pseudonymise", help="replace identifiers across the corpus")
    pseudo.add_argument("--texts", nargs="+", required=True, help="normalised transcripts")
    pseudo.add_argument("--detections", nargs="+", required=True, help="one per transcript")
    pseudo.add_argument("--allow-list", required=True)
    pseudo.add_argument(
        "--outputs",
        nargs="+",
        required=True,
        help="de-identified transcripts, one per text, named by transcript id",
    )
    pseudo.add_argument("--log", required=True, help="anonymisation log CSV (restricted)")
    pseudo.set_defaults(run=run_pseudonymise)


def read_allow_list(path: str) -> list[str]:
    from qualframe.deid import DEFAULT_ALLOW_LIST

    lines = qio.read_text(path).splitlines()
    study_terms = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return [*DEFAULT_ALLOW_LIST, *study_terms]


def run_detect(args) -> None:
    from qualframe.deid import build_register, detect_transcript

    try:
        register = build_register(qio.read_tsv(args.register))
    except ValueError as exc:
        raise QualframeError(str(exc), path=args.register) from exc
    detections = detect_transcript(
        args.transcript_id, qio.read_text(args.input), register, read_allow_list(args.allow_list)
    )
    qio.make_restricted_dir(Path(args.output).parent)
    qio.write_table(detections, args.output, restricted=True)
    counts = detections["entity_type"].value_counts().sort_index()
    print(
        f"{args.transcript_id}: {len(detections)} candidate identifiers "
        f"({', '.join(f'{n} {t}' for t, n in counts.items()) or 'none'})"
    )


def run_pseudonymise(args) -> None:
    from qualframe.deid import pseudonymise_corpus

    texts = {transcript_id_of(p): qio.read_text(p) for p in args.texts}
    outputs = {transcript_id_of(p): p for p in args.outputs}
    if set(outputs) != set(texts):
        raise QualframeError("--outputs must name one file per transcript of --texts")
    frames = [qio.read_parquet(p) for p in args.detections]
    detections = pd.concat(frames, ignore_index=True)
    deidentified, log = pseudonymise_corpus(texts, detections, read_allow_list(args.allow_list))
    qio.make_restricted_dir(Path(args.log).parent)
    qio.write_csv(log, args.log, restricted=True)
    for transcript_id, text in sorted(deidentified.items()):
        qio.write_text(outputs[transcript_id], text)
    entities = log.drop_duplicates("replacement")
    print(
        f"{len(log)} replacements of {len(entities)} distinct entities in {len(texts)} transcripts"
    )
