"""Build the demo study's files from the annotated master copies in annotated/.

Writes, deterministically:
  transcripts/Pnn.{txt,docx,vtt}   raw transcripts as a study would receive them
  gold/identifiers.jsonl           every identifier span, offsets into the normalised text
  identifiers.tsv                  the identifier register (people, organisations, places)
  coding/coded_segments.csv        a MAXQDA-style "Coded segments" export, quoting the
                                   de-identified text that qualframe produces

Run from the repository root with the project's environment:  make demo
"""

import csv
import hashlib
import html
import random
import re
import sys
import zipfile
from pathlib import Path

import docx
import pandas as pd
import yaml

from qualframe.deid import (
    DEFAULT_ALLOW_LIST,
    build_register,
    detect_transcript,
    load_ner,
    parse_allow_list,
    pseudonymise_corpus,
)
from qualframe.evaluate import gold_to_jsonl
from qualframe.ingest import normalise_text, read_transcript
from qualframe.log_offsets import map_offset

DEMO = Path(__file__).parent
ANNOTATED = DEMO / "annotated"

DOCX = {"P03", "P09", "P14"}
VTT = {"P05", "P12"}
CRLF = {"P02", "P07", "P16"}
BOM = {"P07", "P11"}
PRIMARY_CODER, SECOND_CODER = "ES", "JK"
DOUBLE_CODED = "P01"
REGISTER_TYPES = ("PERSON", "ORG", "LOCATION")

MARKUP = re.compile(r"\[\[(?P<type>[A-Z_]+)\|(?P<ident>[^\]]+)\]\]|\{\{(?P<code>[a-z_]+)\||\}\}")


def parse(source: str) -> tuple[str, list[dict], list[dict]]:
    """Strip the mark-up; return plain text, identifier spans and coded spans."""
    source = re.sub(r"[ \t]+", " ", source.strip()) + "\n"
    plain, identifiers, segments, open_segment, at = [], [], [], None, 0
    length = 0
    for match in MARKUP.finditer(source):
        plain.append(source[at : match.start()])
        length += match.start() - at
        at = match.end()
        if match.group("type"):
            text = match.group("ident")
            identifiers.append(
                {
                    "start": length,
                    "end": length + len(text),
                    "entity_type": match.group("type"),
                    "text": text,
                }
            )
            plain.append(text)
            length += len(text)
        elif match.group("code"):
            assert open_segment is None, f"nested segment at {match.start()}"
            open_segment = {"code_id": match.group("code"), "start": length}
        else:
            assert open_segment is not None, f"unopened segment end at {match.start()}"
            segments.append({**open_segment, "end": length})
            open_segment = None
    plain.append(source[at:])
    assert open_segment is None, "unclosed segment"
    return "".join(plain), identifiers, segments


def without_article(span: dict) -> dict:
    """Gold dates start at the date itself: "the 5th of May" is marked from "5th"."""
    if span["entity_type"] == "DATE" and span["text"].lower().startswith("the "):
        return {**span, "start": span["start"] + 4, "text": span["text"][4:]}
    return span


def write_raw(transcript_id: str, text: str) -> Path:
    folder = DEMO / "transcripts"
    folder.mkdir(exist_ok=True)
    paragraphs = text.strip("\n").split("\n\n")
    if transcript_id in DOCX:
        path = folder / f"{transcript_id}.docx"
        document = docx.Document()
        document.core_properties.author = "Transcription service"
        document.core_properties.created = pd.Timestamp("2021-06-01").to_pydatetime()
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        document.core_properties.modified = document.core_properties.created
        document.save(path)
        freeze_zip_times(path)
        return path
    if transcript_id in VTT:
        path = folder / f"{transcript_id}.vtt"
        path.write_text(to_vtt(paragraphs), encoding="utf-8", newline="\n")
        return path
    path = folder / f"{transcript_id}.txt"
    body = text.replace("\n", "\r\n") if transcript_id in CRLF else text
    prefix = "\ufeff" if transcript_id in BOM else ""
    path.write_bytes((prefix + body).encode("utf-8"))
    return path


def freeze_zip_times(path: Path) -> None:
    """Rewrite a .docx with fixed entry times, so rebuilding it gives the same bytes."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(
                zipfile.ZipInfo(name, date_time=(2021, 6, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )


def to_vtt(paragraphs: list[str]) -> str:
    """Speaker turns as WebVTT cues of up to 14 words with voice tags, as Teams writes."""
    cues, clock = ["WEBVTT", ""], 1.0
    for number, paragraph in enumerate(paragraphs, start=1):
        speaker, _, body = paragraph.partition(": ")
        words = body.split(" ")
        for i in range(0, len(words), 14):
            chunk = " ".join(words[i : i + 14])
            duration = 0.4 * len(words[i : i + 14]) + 0.3
            cues += [
                f"{number}-{i // 14}",
                f"{stamp(clock)} --> {stamp(clock + duration)}",
                f"<v {speaker}>{html.escape(chunk, quote=False)}</v>",
                "",
            ]
            clock += duration + 0.2
    return "\n".join(cues)


def stamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def second_coding(segments: list[dict], code_ids: list[str], themes: dict) -> list[dict]:
    """A second coder's coding of one transcript: most segments agree, some are missed,
    some get a neighbouring code of the same theme (deterministic)."""
    rng = random.Random(2023)
    second = []
    for segment in segments:
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.35:
            siblings = [
                c
                for c in code_ids
                if themes[c] == themes[segment["code_id"]] and c != segment["code_id"]
            ]
            segment = {**segment, "code_id": rng.choice(siblings)}
        second.append(segment)
    return second


def main() -> int:
    codebook = yaml.safe_load((DEMO / "codebook.yaml").read_text(encoding="utf-8"))
    themes = {c["id"]: t for t in codebook["themes"] for c in t["codes"]}
    code_ids = list(themes)
    paths = {}
    texts, gold, coded = {}, [], {}
    for annotated in sorted(ANNOTATED.glob("P*.txt")):
        transcript_id = annotated.stem
        text, identifiers, segments = parse(annotated.read_text(encoding="utf-8"))
        unknown = {s["code_id"] for s in segments} - set(code_ids)
        assert not unknown, f"{annotated}: unknown codes {unknown}"
        paths[transcript_id] = write_raw(transcript_id, text)
        ingested = normalise_text(read_transcript(paths[transcript_id]))
        assert ingested == text, f"{transcript_id}: ingested text differs from the master copy"
        texts[transcript_id] = text
        gold += [{"transcript_id": transcript_id, **without_article(span)} for span in identifiers]
        coded[transcript_id] = segments
    for stale in (DEMO / "transcripts").iterdir():
        if stale.stem not in paths or stale != paths[stale.stem]:
            stale.unlink()

    gold_frame = pd.DataFrame(
        gold, columns=["transcript_id", "start", "end", "entity_type", "text"]
    )
    (DEMO / "gold").mkdir(exist_ok=True)
    (DEMO / "gold" / "identifiers.jsonl").write_text(gold_to_jsonl(gold_frame), encoding="utf-8")

    register = (
        gold_frame[gold_frame["entity_type"].isin(REGISTER_TYPES)]
        .rename(columns={"text": "term"})[["term", "entity_type"]]
        .drop_duplicates("term")
        .sort_values(["entity_type", "term"])
    )
    register.to_csv(DEMO / "identifiers.tsv", sep="\t", index=False, lineterminator="\n")

    # de-identify exactly as the pipeline does, then quote the de-identified text
    allow = [
        *DEFAULT_ALLOW_LIST,
        *parse_allow_list((DEMO / "allow_list.txt").read_text(encoding="utf-8")),
    ]
    matcher = build_register(register)
    settings = yaml.safe_load((DEMO.parents[1] / "config" / "config.yaml").read_text())["deid"]
    ner = None
    if settings["ner"]["enabled"]:
        ner = load_ner(settings["ner"]["model"], batch_size=settings["ner"]["batch_size"])
    detections = pd.concat([detect_transcript(t, texts[t], matcher, allow, ner=ner) for t in texts])
    result = pseudonymise_corpus(texts, detections, allow)
    deidentified, log = result.texts, result.log

    cases = pd.read_csv(DEMO / "cases.tsv", sep="\t", dtype=str).set_index("case_id")
    names = {c["id"]: f"{t['name']}\\{c['name']}" for t in codebook["themes"] for c in t["codes"]}
    rows, problems = [], []
    for transcript_id, segments in coded.items():
        codings = [(PRIMARY_CODER, segments)]
        if transcript_id == DOUBLE_CODED:
            codings.append((SECOND_CODER, second_coding(segments, code_ids, themes)))
        entries = log[log["transcript_id"] == transcript_id]
        out = deidentified[transcript_id]
        for coder, coder_segments in codings:
            for number, segment in enumerate(coder_segments):
                start = map_offset(entries, segment["start"], side="start")
                end = map_offset(entries, segment["end"], side="end")
                quote = out[start:end]
                if out.count(quote) != 1:
                    problems.append(f"{transcript_id} {segment['code_id']}: quote not unique")
                created = pd.Timestamp("2022-03-01 09:00") + pd.Timedelta(
                    minutes=int(transcript_id[1:]) * 90 + number * 3
                )
                rows.append(
                    {
                        "Color": "",
                        "Document group": cases.loc[transcript_id, "service_type"],
                        "Document name": transcript_id,
                        "Code": names[segment["code_id"]],
                        "Begin": out.count("\n\n", 0, start) + 1,
                        "End": out.count("\n\n", 0, end) + 1,
                        "Weight score": 0,
                        "Segment": quote,
                        "Comment": "",
                        "Created by": coder,
                        "Created": created.strftime("%d/%m/%Y %H:%M"),
                    }
                )
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    (DEMO / "coding").mkdir(exist_ok=True)
    with open(DEMO / "coding" / "coded_segments.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    digest = hashlib.sha256((DEMO / "coding" / "coded_segments.csv").read_bytes()).hexdigest()
    print(
        f"{len(texts)} transcripts, {len(gold_frame)} gold identifier spans, "
        f"{len(register)} register terms, {len(rows)} coded segments "
        f"(coded_segments.csv sha256 {digest[:12]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
